#pragma once
// Shards (docs/HPC.md): a sweep cut into N disjoint subsets of its runs, one per job of a
// Slurm job array, each run by `migflow sweep --shard K/N` and joined by `--merge`.
#include <string>
#include <vector>

#include "migflow/sweep/plan.hpp"

namespace migflow {

struct SweepShard {
    int index = 0;  // K, 0-based: `--array=0-(N-1)` passes $SLURM_ARRAY_TASK_ID as is
    int count = 1;  // N
};

// "K/N" with 0 <= K < N; throws std::invalid_argument with a message for the user.
SweepShard parse_shard(const std::string& text);

// The runs of shard K of N: those whose index is K modulo N. Taking every N-th run
// rather than a block spreads each parameter point's seeds (and so its cost) over all
// shards. The union of the N shards is the plan; no run is in two.
std::vector<SweepEntry> shard_runs(const std::vector<SweepEntry>& runs, SweepShard shard);

// `index.shard-K-of-N.csv`: the index a shard keeps of its own runs.
std::string shard_index_name(SweepShard shard);

// The shards whose indexes are in `dir`, found by their file names, in order of K then N.
std::vector<SweepShard> shard_indexes_in(const std::string& dir);

}  // namespace migflow
