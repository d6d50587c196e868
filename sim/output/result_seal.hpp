#pragma once
// Writing the integrity seal of a result file (include/migflow/output/result_check.hpp).
#include <cstddef>
#include <string>

namespace migflow::detail {

// Bytes reserved at the start of the file (HDF5's user block) for the seal.
constexpr std::size_t seal_bytes = 512;

// After HDF5 closed the file: CRC-32 of every byte after the user block, written into
// it, then fsync. `fd` is open for reading and writing; `path` names it in messages.
void seal_result_file(int fd, const std::string& path);

}  // namespace migflow::detail
