#pragma once
// `migflow sweep --jobs J`: the sweep as J shards run at the same time by J child
// processes of this command (each `migflow sweep FILE --shard K/J`), then merged: many
// small runs use every core, one run per core, instead of one run after another
// (docs/SWEEP.md "Using the cores").
#include <string>

#include "migflow/sweep/run_sweep.hpp"

namespace migflow::cli {

// Runs the children, forwards a stop signal to them once, and merges when every shard
// finished. Returns the exit status: 0, 1 when a shard failed (its log's last lines
// are printed), or 128 + the signal that stopped it.
int sweep_in_jobs(const std::string& file, const SweepOptions& o, int jobs);

}  // namespace migflow::cli
