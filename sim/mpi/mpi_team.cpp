// join_team() of the MPI build (MIGFLOW_MPI=ON): the ranks of MPI_COMM_WORLD. Only
// standard MPI-3 calls, so it builds against Open MPI and MPICH alike.
// The C API only: keep Open MPI's and MPICH's deprecated C++ bindings out.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "migflow/engine/team.hpp"
#include "mpi/mpi_check.hpp"

namespace migflow {

namespace {

using detail::mpi_check;

int count_of(std::span<std::int64_t> v) {
    if (v.size() > std::size_t(2147483647)) throw std::length_error("MPI message longer than 2^31 - 1");
    return static_cast<int>(v.size());
}

class MpiTeam final : public Team {
public:
    MpiTeam(int& argc, char**& argv) {
        int provided = 0;
        // Only the main thread calls MPI; the worker threads (oneTBB) never do.
        mpi_check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
        // Errors come back as return codes (mpi_check() turns them into exceptions), so a
        // failing call is reported, not a silent abort.
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
        MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
        MPI_Comm_size(MPI_COMM_WORLD, &size_);
    }
    ~MpiTeam() override {
        int finalized = 0;
        MPI_Finalized(&finalized);
        if (!finalized) MPI_Finalize();
    }
    int rank() const override { return rank_; }
    int size() const override { return size_; }
    void sum(std::span<std::int64_t> v) override {
        if (size_ == 1 || v.empty()) return;
        mpi_check(MPI_Allreduce(MPI_IN_PLACE, v.data(), count_of(v), MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD),
              "MPI_Allreduce");
    }
    void sum_below(std::span<std::int64_t> v) override {
        if (v.empty()) return;
        // MPI_Exscan leaves rank 0's buffer undefined: zero it there.
        if (size_ > 1)
            mpi_check(MPI_Exscan(MPI_IN_PLACE, v.data(), count_of(v), MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD),
                  "MPI_Exscan");
        if (rank_ == 0)
            for (auto& x : v) x = 0;
    }
    int first_failed(bool failed) override {
        int mine = failed ? rank_ : size_;
        int first = size_;
        mpi_check(MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
        return first < size_ ? first : -1;
    }
    void abort_all(int exit_code) override {
        std::fflush(stdout);
        std::fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, exit_code);
        std::_Exit(exit_code);  // MPI_Abort does not return; this is for a broken MPI
    }

private:
    int rank_ = 0, size_ = 1;
};

}  // namespace

std::unique_ptr<Team> join_team(int& argc, char**& argv) { return std::make_unique<MpiTeam>(argc, argv); }

bool built_with_mpi() { return true; }

}  // namespace migflow
