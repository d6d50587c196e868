// `migflow sweep --merge` (run_sweep.hpp): index.csv from the shards' indexes and the
// run files, exactly as a sweep run in one piece would have written it. The files
// decide what is done.
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "sweep/sweep_steps.hpp"

namespace migflow {

void merge_sweep_shards(const std::string& file) {
    const SweepSpec spec = load_sweep(file);
    const std::vector<SweepEntry> runs = plan_sweep(spec);
    if (!std::filesystem::is_directory(spec.output_dir))
        throw std::runtime_error("--merge: " + spec.output_dir + " does not exist: run the shards first");
    const detail::SweepLocks locks =
        detail::lock_output_dir(spec, std::nullopt, true, "migflow sweep " + file + " --merge");
    const auto shards = shard_indexes_in(spec.output_dir);
    if (shards.empty())
        throw std::runtime_error("--merge: " + spec.output_dir +
                                 " holds no shard index (index.shard-K-of-N.csv): run the shards first");
    const int n = shards.front().count;
    for (const SweepShard& s : shards)
        if (s.count != n)
            throw std::runtime_error("--merge: " + spec.output_dir + " holds shards of different splits (" +
                                     shard_index_name(shards.front()) + ", " + shard_index_name(s) +
                                     "); run the sweep again with one N and --overwrite");
    check_same_settings(spec.output_dir + "/sweep_settings.txt", spec, {}, "--merge");
    std::vector<RunResult> results(runs.size());
    bool with_ard = false;
    std::vector<int> never_ran;
    for (int k = 0; k < n; ++k) {
        const SweepShard shard{k, n};
        const std::string path = spec.output_dir + "/" + shard_index_name(shard);
        if (!std::filesystem::exists(path)) {
            never_ran.push_back(k);
            continue;
        }
        const auto mine = shard_runs(runs, shard);
        check_same_plan(path, spec, mine, "--merge");
        const IndexStatuses st = read_index_statuses(path);
        with_ard = with_ard || st.with_ard;
        for (const SweepEntry& run : mine)
            if (auto it = st.status.find(run.index); it != st.status.end()) results[run.index].status = it->second;
    }
    std::string missing;
    std::size_t done = 0;
    for (const SweepEntry& run : runs) {
        RunResult& r = results[run.index];
        if (auto written = read_result(run.output, run.seed)) r = *written;
        else if (r.status == "done") r.status = "pending";  // the index said done, the file is gone
        if (r.status == "done") ++done;
        else if (missing.size() < 200) missing += (missing.empty() ? "" : ", ") + std::to_string(run.index) + " " + r.status;
    }
    const std::string index = spec.output_dir + "/index.csv";
    write_index(index, spec, runs, results, with_ard);
    std::printf("merge: %d shard(s), %zu run(s), %zu done\nindex: %s\n", n, runs.size(), done, index.c_str());
    if (done == runs.size()) return;
    std::string shards_missing;
    for (int k : never_ran) shards_missing += (shards_missing.empty() ? "" : ", ") + std::to_string(k);
    throw std::runtime_error("--merge: " + std::to_string(runs.size() - done) + " of " + std::to_string(runs.size()) +
                             " run(s) not done (run " + missing + ")" +
                             (never_ran.empty() ? "" : "; shard(s) " + shards_missing + " wrote no index") +
                             ": run their shards with --resume, then --merge again");
}

}  // namespace migflow
