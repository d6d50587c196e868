#pragma once
// The files a sweep keeps beside its runs (docs/SWEEP.md): index.csv (or a shard's
// index.shard-K-of-N.csv), sweep_settings.txt, and what a run file says about its run.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "migflow/sweep/plan.hpp"

namespace migflow {

// What an index says about one run.
struct RunResult {
    std::string status = "pending";  // pending, done, failed, interrupted
    double wall_s = 0.0;
    long long final_agents = 0;
    double camp_arrivals = 0.0;         // people, over the run
    double peak_camp_population = 0.0;  // people, the fullest day of all camps together
    std::optional<double> ard_rescaled, ard_unrescaled;
    std::string build;  // the build that made the run's file (build_summary), "not recorded" for older files
};

// Writes an index of `runs` (the whole plan, or a shard's part) through a temporary file
// and a rename: readers never see half a file. `results` is indexed by SweepEntry::index.
void write_index(const std::string& path, const SweepSpec& spec, const std::vector<SweepEntry>& runs,
                 const std::vector<RunResult>& results, bool with_ard);

// The run's record as its file holds it; nullopt unless the file is a complete result
// of this seed (what --resume may reuse).
std::optional<RunResult> read_result(const std::string& file, std::uint64_t seed);

// The run files do not record a run's overrides, so --resume and --merge trust an index
// to say which plan wrote them: throws when the index at `path` (if any) does not list
// exactly `runs` with their values. `what` names the option in the message.
void check_same_plan(const std::string& path, const SweepSpec& spec, const std::vector<SweepEntry>& runs,
                     const std::string& what);

// Status per run index as the index at `path` records it, and whether it has ARD columns.
struct IndexStatuses {
    std::map<int, std::string> status;
    std::set<std::string> files;  // its `file` column: the run files it lists
    bool with_ard = false;
};
IndexStatuses read_index_statuses(const std::string& path);

// sweep_settings.txt: what every run shares and the index does not show (the scenario,
// a hash of its text, the `set:` overrides, a CRC-32 of every input file `inputs` names).
// Written atomically: shards write it at once. The check refuses a changed input that
// both the file and `inputs` name; inputs only one side names are not compared.
void write_settings(const std::string& path, const SweepSpec& spec, const std::vector<std::string>& inputs);
void check_same_settings(const std::string& path, const SweepSpec& spec, const std::vector<std::string>& inputs,
                         const std::string& what);

}  // namespace migflow
