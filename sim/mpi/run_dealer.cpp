// make_run_dealer() of the MPI build: point-to-point messages between rank 0 and the
// other ranks on a communicator of their own (include/migflow/sweep/dealer.hpp).
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include "migflow/sweep/dealer.hpp"
#include "mpi/mpi_check.hpp"

namespace migflow {

namespace {

constexpr int tag_report = 1;
constexpr int tag_work = 2;

using detail::mpi_check;

class MpiRunDealer final : public RunDealer {
public:
    explicit MpiRunDealer(MPI_Comm comm) : comm_(comm) {}
    ~MpiRunDealer() override { MPI_Comm_free(&comm_); }

    RunReport next_report() override {
        // A blocking receive busy-polls in Open MPI: rank 0 would take a core from the
        // runs for hours. Probing every few milliseconds costs nothing.
        MPI_Status status;
        for (int flag = 0;;) {
            mpi_check(MPI_Iprobe(MPI_ANY_SOURCE, tag_report, comm_, &flag, &status), "MPI_Iprobe");
            if (flag) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        int msg[3] = {-1, 0, 0};
        mpi_check(MPI_Recv(msg, 3, MPI_INT, status.MPI_SOURCE, tag_report, comm_, MPI_STATUS_IGNORE), "MPI_Recv");
        return RunReport{status.MPI_SOURCE, msg[0], static_cast<RunOutcome>(msg[1]), msg[2]};
    }

    void deal(int worker, int run) override { mpi_check(MPI_Send(&run, 1, MPI_INT, worker, tag_work, comm_), "MPI_Send"); }

    int report(int run, RunOutcome outcome, int signal) override {
        int msg[3] = {run, static_cast<int>(outcome), signal};
        mpi_check(MPI_Send(msg, 3, MPI_INT, 0, tag_report, comm_), "MPI_Send");
        int next = -1;
        mpi_check(MPI_Recv(&next, 1, MPI_INT, 0, tag_work, comm_, MPI_STATUS_IGNORE), "MPI_Recv");
        return next;
    }

private:
    MPI_Comm comm_;
};

}  // namespace

std::unique_ptr<RunDealer> make_run_dealer() {
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size == 1) return nullptr;
    MPI_Comm comm;  // the sweep's messages never meet any other
    mpi_check(MPI_Comm_dup(MPI_COMM_WORLD, &comm), "MPI_Comm_dup");
    MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
    return std::make_unique<MpiRunDealer>(comm);
}

}  // namespace migflow
