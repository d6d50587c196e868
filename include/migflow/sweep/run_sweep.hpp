#pragma once
// Running a sweep (docs/SWEEP.md, docs/HPC.md): every run of its plan, or one shard of
// it, one after another or dealt over MPI ranks, each written exactly as `migflow run`
// writes it, with the index kept truthful after every run, so that a crash, a kill or a
// stop signal leaves an index of what really finished; and the merge of shard indexes.
// `migflow sweep` parses options and calls these.
#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "migflow/sweep/plan.hpp"
#include "migflow/sweep/shard.hpp"

namespace migflow {

class Team;

struct SweepOptions {
    bool dry_run = false;    // print the plan, run nothing
    bool resume = false;     // keep the complete runs of an earlier sweep, run the rest
    bool overwrite = false;  // replace an earlier sweep's results
    int threads = 0;         // per run; 0: the machine's
    std::optional<SweepShard> shard;
    const std::atomic<int>* stop = nullptr;  // 0, or the stop signal received (a clean stop between days)
    std::string invocation;  // the command as the user typed it, for the lock note other sweeps see
    bool ignore_memory = false;  // start even when a run's memory estimate exceeds the machine's
};

// Combinations that make no sense; throws std::invalid_argument with the user's message.
void check_sweep_options(const SweepOptions& o, bool merge);

struct SweepOutcome {
    int stopped_by = 0;  // the stop signal that ended it early; 0 when it ran to its end
    std::size_t complete = 0, total = 0;  // runs of this invocation's part of the plan
    std::string index;   // the index it kept
};

// Loads the sweep file, checks every point's scenario, prepares and locks the output
// directory and runs its part of the plan; with more than one rank in `team`, rank 0
// deals the runs to the others. A failed run throws after the index records it.
SweepOutcome run_sweep(const std::string& file, const SweepOptions& o, Team& team);

// `--merge`: index.csv from the shards' indexes and the run files, exactly as a sweep
// run in one piece would have written it; throws (after writing it) unless every run is done.
void merge_sweep_shards(const std::string& file);

// "seed 3, behaviour.lambda=0.5": what distinguishes a run, for messages.
std::string describe_sweep_entry(const SweepEntry& run, const SweepSpec& spec);

// "K/N".
std::string shard_text(const SweepShard& s);

}  // namespace migflow
