// The output directory's locks and preparation, and one run (sweep_steps.hpp).
#include "sweep/sweep_steps.hpp"

#include <unistd.h>

#include <filesystem>
#include <set>
#include <stdexcept>

#include "migflow/core/text.hpp"
#include "migflow/engine/resource_estimate.hpp"
#include "migflow/engine/simulation.hpp"
#include "migflow/output/recorder.hpp"
#include "migflow/scenario/source.hpp"

namespace migflow::detail {

namespace fs = std::filesystem;

SweepLocks lock_output_dir(const SweepSpec& spec, const std::optional<SweepShard>& shard, bool merge,
                           const std::string& invocation) {
    char host[256] = "?";
    ::gethostname(host, sizeof host - 1);
    const std::string note = "pid " + std::to_string(::getpid()) + " on " + host + ": " + invocation;
    auto busy = [&](const LockBusy& e, const std::string& what) {
        return std::runtime_error(spec.output_dir + " " + what + (e.holder().empty() ? "" : " (" + e.holder() + ")") +
                                  (merge ? "; merge once every shard has finished"
                                         : "; wait for it to finish, or use another output_dir"));
    };
    SweepLocks locks;
    try {
        locks.dir.emplace(spec.output_dir + "/.sweep.lock", shard ? LockMode::shared : LockMode::exclusive, note);
    } catch (const LockBusy& e) {
        throw busy(e, "is in use by another running migflow sweep");
    }
    if (!locks.dir->held())
        std::fprintf(stderr, "migflow: warning: cannot lock %s (%s): make sure no other sweep writes there\n",
                     spec.output_dir.c_str(), locks.dir->unsupported_reason().c_str());
    if (shard && locks.dir->held()) try {
            locks.shard.emplace(spec.output_dir + "/.sweep.shard-" + std::to_string(shard->index) + ".lock",
                                LockMode::exclusive, note);
        } catch (const LockBusy& e) {
            throw busy(e, "is in use by another run of shard " + shard_text(*shard));
        }
    return locks;
}

std::string sweep_index_path(const SweepSpec& spec, const std::optional<SweepShard>& shard) {
    return spec.output_dir + "/" + (shard ? shard_index_name(*shard) : std::string("index.csv"));
}

namespace {

// The run files (names in the sweep's directory) that the sweep indexes in `dir` list:
// index.csv and every shard's. What --overwrite may delete.
std::set<std::string> files_indexed_in(const std::string& dir) {
    std::set<std::string> listed;
    std::vector<std::string> indexes = {dir + "/index.csv"};
    for (const SweepShard& s : shard_indexes_in(dir)) indexes.push_back(dir + "/" + shard_index_name(s));
    for (const std::string& index : indexes) listed.merge(read_index_statuses(index).files);
    return listed;
}

// A sweep never writes or deletes a file its runs read (a scenario CSV named
// index.csv, a driver file named run_000.h5): by identity, not by name.
void check_not_inputs(const std::vector<std::string>& written, const SweepSpec& spec,
                      const std::vector<std::string>& inputs) {
    std::vector<std::string> all = inputs;
    all.push_back(spec.file);
    all.push_back(spec.scenario);
    for (const std::string& out : written) {
        std::error_code ec;
        if (!fs::exists(out, ec)) continue;
        for (const std::string& in : all)
            if (fs::equivalent(out, in, ec))
                throw std::runtime_error(out + " is an input of this sweep (" + in +
                                         "); a sweep never writes over its inputs: choose another output_dir");
    }
}

// Shards of different splits would write the same runs twice.
void check_one_split(const SweepSpec& spec, const SweepShard& shard) {
    for (const SweepShard& s : shard_indexes_in(spec.output_dir))
        if (s.count != shard.count)
            throw std::runtime_error(spec.output_dir + " holds shards of a " + std::to_string(s.count) + "-way split (" +
                                     shard_index_name(s) + "); every shard of a sweep must use the same N: use --shard K/" +
                                     std::to_string(s.count) + ", or --overwrite");
}

}  // namespace

void prepare_output_dir(const SweepSpec& spec, const std::vector<SweepEntry>& mine, const SweepOptions& o,
                        const std::vector<std::string>& inputs) {
    const std::string index = sweep_index_path(spec, o.shard);
    const std::string settings = spec.output_dir + "/sweep_settings.txt";
    const auto shards = shard_indexes_in(spec.output_dir);
    std::vector<std::string> written = {index, settings, spec.output_dir + "/index.csv"};
    for (const SweepShard& s : shards) written.push_back(spec.output_dir + "/" + shard_index_name(s));
    for (const SweepEntry& run : mine) written.push_back(run.output);
    check_not_inputs(written, spec, inputs);
    if (o.shard && !o.overwrite) check_one_split(spec, *o.shard);
    if (o.resume) {
        check_same_plan(index, spec, mine, "--resume");
        check_same_settings(settings, spec, inputs, "--resume");
        return write_settings(settings, spec, inputs);
    }
    bool used = fs::exists(index) || (!o.shard && !shards.empty());
    for (const SweepEntry& run : mine) used = used || fs::exists(run.output);
    if (used && !o.overwrite)
        throw std::runtime_error(spec.output_dir + " already holds sweep results" +
                                 (o.shard ? " of shard " + shard_text(*o.shard) : std::string()) +
                                 "; use --resume to finish that sweep, or --overwrite to replace it");
    if (o.overwrite) {
        // Only what an earlier sweep here wrote: files its indexes list.
        const std::set<std::string> listed = files_indexed_in(spec.output_dir);
        for (const SweepEntry& run : mine)
            if (fs::exists(run.output) && !listed.contains(fs::path(run.output).filename().string()))
                throw std::runtime_error(run.output + " exists, but no sweep index in " + spec.output_dir +
                                         " lists it: --overwrite deletes only the results of a sweep; "
                                         "move it away or choose another output_dir");
        fs::remove(index);
        for (const SweepEntry& run : mine) fs::remove(run.output);
        // Indexes that would now describe runs that are gone: the merged one, and
        // (for a whole sweep) every shard's, (for a shard) those of another split.
        if (o.shard) fs::remove(spec.output_dir + "/index.csv");
        for (const SweepShard& s : shards)
            if (!o.shard || s.count != o.shard->count) fs::remove(spec.output_dir + "/" + shard_index_name(s));
    }
    write_settings(settings, spec, inputs);
}

CheckedPoints check_sweep_points(const SweepSpec& spec, const std::vector<SweepEntry>& runs, const SweepOptions& o) {
    CheckedPoints checked;
    double largest = 0;
    std::string largest_point;
    validate_sweep(spec, runs, [&](const Overrides& over) {
        const Scenario s = load_scenario_source(spec.scenario, over);
        checked.with_ard = checked.with_ard || !s.observed.region.empty();
        checked.inputs.insert(checked.inputs.end(), s.input_files.begin(), s.input_files.end());
        if (o.ignore_memory) return;
        const double need = estimate_run(s, 1, o.threads).memory_bytes;
        if (need > largest) {
            largest = need;
            largest_point.clear();
            for (const auto& [key, value] : over) largest_point += (largest_point.empty() ? "" : ", ") + key + "=" + value;
        }
    });
    // Runs go one at a time in a process: its largest run is what must fit.
    if (!o.ignore_memory)
        check_memory_fits(largest,
                          "the sweep's largest run" + (largest_point.empty() ? "" : " (" + cut_text(largest_point, 120) + ")"),
                          machine_memory());
    return checked;
}

RunResult run_sweep_entry(const SweepSpec& spec, const SweepEntry& run, const SweepOptions& o) {
    Scenario s = load_scenario_source(spec.scenario, run.overrides);
    RunOptions opt;
    opt.seed = run.seed;
    opt.threads = o.threads;
    opt.stop = o.stop;
    s.seed = run.seed;
    Simulation sim(s, opt);
    auto recorder = make_hdf5_recorder(run.output);
    sim.run(*recorder);
    recorder.reset();  // closes the file
    auto r = read_result(run.output, run.seed);
    if (!r) throw std::runtime_error(run.output + ": the run finished but its file is not complete");
    return *r;
}

int keep_complete_runs(const std::vector<SweepEntry>& mine, std::vector<RunResult>& results) {
    int kept = 0;
    for (const SweepEntry& run : mine)
        if (auto r = read_result(run.output, run.seed)) results[run.index] = *r, ++kept;
    return kept;
}

}  // namespace migflow::detail
