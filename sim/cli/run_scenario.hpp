#pragma once
// Running a scenario as `migflow run` does (one run, or an ensemble), shared with
// `migflow rerun`.
#include <functional>
#include <string>

#include "migflow/engine/team.hpp"
#include "migflow/scenario/scenario.hpp"

namespace migflow::cli {

// Loads the scenario with `load` (on every rank of the team), prints the loader's
// notes, runs it with its seed (replicates 0: one run; N: an ensemble, one process
// only), writes `output` (empty: the scenario's output.file, else NAME.h5) and prints
// a summary. Before anything is allocated the run's memory is estimated and a run that
// would not fit is refused unless `ignore_memory` (--ignore-memory-estimate). Returns the
// exit code.
// Checkpoints of one run (docs/HPC.md "Checkpoint and restart").
struct CheckpointArgs {
    std::string path;            // --checkpoint: written when a signal stops the run
    int every_days = 0;          // --checkpoint-every: also before every k-th day
    double every_minutes = 0;    // --checkpoint-every-minutes
    int stop_after_days = 0;     // --stop-after-days: stop (checkpointed) before this day
    std::string restart;         // --restart: continue this checkpoint (`load` is not called)
};

int run_scenario(const std::function<Scenario()>& load, const std::string& output, std::size_t replicates,
                 int threads, bool quiet, Team& team, bool ignore_memory = false, const CheckpointArgs& ck = {});

}  // namespace migflow::cli
