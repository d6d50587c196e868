#pragma once
// A sweep run as one MPI job (docs/HPC.md): rank 0 deals run indexes on request and
// keeps the index; every other rank asks for a run, runs it alone (the ordinary code
// path, one process), reports how it ended and asks again. A slow run holds back only
// the rank running it.
#include <memory>

namespace migflow {

enum class RunOutcome : int { none = 0, done = 1, failed = 2, interrupted = 3 };

struct RunReport {
    int worker = 0;    // the rank reporting
    int run = -1;      // the run it finished, -1 on its first request
    RunOutcome outcome = RunOutcome::none;
    int signal = 0;    // interrupted: the stop signal it received
};

class RunDealer {
public:
    virtual ~RunDealer() = default;
    // Rank 0: the next report of any worker; waits without spinning a core.
    virtual RunReport next_report() = 0;
    // Rank 0: gives `worker` run `run`, or (-1) tells it there is no more.
    virtual void deal(int worker, int run) = 0;
    // The other ranks: report how `run` ended (-1: nothing yet) and get the next run,
    // -1 when there is no more.
    virtual int report(int run, RunOutcome outcome, int signal) = 0;
};

// The dealer over the MPI ranks of this job; every rank must call it at the same point.
// Null in a build without MPI and in a job of one rank.
std::unique_ptr<RunDealer> make_run_dealer();

}  // namespace migflow
