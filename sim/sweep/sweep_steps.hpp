#pragma once
// The steps a sweep shares between its one-process and its across-ranks form
// (run_sweep.hpp): the output directory's locks and preparation, and one run.
#include <optional>
#include <string>
#include <vector>

#include "migflow/sweep/index_files.hpp"
#include "migflow/sweep/lock.hpp"
#include "migflow/sweep/run_sweep.hpp"

namespace migflow::detail {

// Two sweeps never write into one directory at once: a whole sweep and --merge hold
// .sweep.lock exclusively; the shards of a job array share it (they write disjoint
// files) and each holds its own .sweep.shard-K.lock, so one shard cannot run twice.
struct SweepLocks {
    std::optional<FileLock> dir, shard;
};
SweepLocks lock_output_dir(const SweepSpec& spec, const std::optional<SweepShard>& shard, bool merge,
                           const std::string& invocation);

// The index this invocation keeps: index.csv for the whole plan, a shard its own.
std::string sweep_index_path(const SweepSpec& spec, const std::optional<SweepShard>& shard);

// Without --resume or --overwrite an earlier sweep's results are never replaced.
void prepare_output_dir(const SweepSpec& spec, const std::vector<SweepEntry>& mine, const SweepOptions& o,
                        const std::vector<std::string>& inputs);

// Every point's scenario of `runs` loaded before the first run, so that a bad value in
// the last grid cell fails now, not hours later: whether any has observed data (ARD
// columns), and every file any run reads (points may name other CSVs).
struct CheckedPoints {
    bool with_ard = false;
    std::vector<std::string> inputs;
};
// Loads every point's scenario (a mistake in any is reported before a run starts) and,
// unless o.ignore_memory, refuses the sweep when its largest run would not fit in memory.
CheckedPoints check_sweep_points(const SweepSpec& spec, const std::vector<SweepEntry>& runs, const SweepOptions& o);

// One run written to run.output as `migflow run` writes it; its index record.
RunResult run_sweep_entry(const SweepSpec& spec, const SweepEntry& run, const SweepOptions& o);

// Complete files of the same seed that --resume keeps: their records into `results`.
int keep_complete_runs(const std::vector<SweepEntry>& mine, std::vector<RunResult>& results);

// --dry-run's listing of the plan (run_sweep.cpp).
void print_sweep_plan(const SweepSpec& spec, const std::vector<SweepEntry>& runs, const std::optional<SweepShard>& shard);

// The sweep as one MPI job: rank 0 deals the runs (sweep_across_ranks.cpp).
SweepOutcome sweep_across_ranks(const std::string& file, const SweepOptions& o, Team& team);

}  // namespace migflow::detail
