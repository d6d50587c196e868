#pragma once
// MPI calls whose failure becomes an exception naming the call and MPI's reason.
#include <mpi.h>

#include <stdexcept>
#include <string>

namespace migflow::detail {

inline void mpi_check(int rc, const char* what) {
    if (rc == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(rc, text, &len);
    throw std::runtime_error(std::string(what) + ": " + std::string(text, std::size_t(len)));
}

}  // namespace migflow::detail
