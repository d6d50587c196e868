// A sweep in one process, one run after another (run_sweep.hpp); with more ranks,
// handed to sweep_across_ranks.
#include "migflow/sweep/run_sweep.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "migflow/engine/simulation.hpp"
#include "migflow/engine/team.hpp"
#include "sweep/sweep_steps.hpp"

namespace migflow {

using namespace detail;

std::string shard_text(const SweepShard& s) { return std::to_string(s.index) + "/" + std::to_string(s.count); }

void check_sweep_options(const SweepOptions& o, bool merge) {
    if (o.resume && o.overwrite) throw std::invalid_argument("--resume and --overwrite exclude each other");
    if (merge && (o.resume || o.overwrite || o.dry_run || o.shard))
        throw std::invalid_argument("--merge takes no other option: it only joins the shards' indexes");
}

std::string describe_sweep_entry(const SweepEntry& run, const SweepSpec& spec) {
    std::string out = "seed " + std::to_string(run.seed);
    const std::size_t first = run.overrides.size() - swept_keys(spec).size();
    for (std::size_t i = first; i < run.overrides.size(); ++i)
        out += ", " + run.overrides[i].first + "=" + run.overrides[i].second;
    return out;
}

namespace detail {

void print_sweep_plan(const SweepSpec& spec, const std::vector<SweepEntry>& runs, const std::optional<SweepShard>& shard) {
    std::printf("sweep %s: scenario %s, %zu run(s)%s into %s\n", spec.file.c_str(), spec.scenario.c_str(),
                runs.size(), shard ? (" in shard " + shard_text(*shard)).c_str() : "", spec.output_dir.c_str());
    for (const auto& [k, v] : spec.fixed) std::printf("  every run: %s=%s\n", k.c_str(), v.c_str());
    for (const SweepEntry& run : runs)
        std::printf("  run %d (point %d%s): %s -> %s\n", run.index, run.point,
                    run.design.empty() ? "" : (", " + run.design[0] + (run.design.size() == 3 ? " of trajectory " : " of base row ") + run.design[1]).c_str(),
                    describe_sweep_entry(run, spec).c_str(), run.output.c_str());
}

}  // namespace detail

namespace {

int stop_signal(const SweepOptions& o) { return o.stop ? o.stop->load() : 0; }

}  // namespace

SweepOutcome run_sweep(const std::string& file, const SweepOptions& o, Team& team) {
    if (team.size() > 1) return sweep_across_ranks(file, o, team);  // mistakes reported once, by rank 0
    check_sweep_options(o, false);
    const SweepSpec spec = load_sweep(file);
    const std::vector<SweepEntry> runs = plan_sweep(spec);
    const std::vector<SweepEntry> mine = o.shard ? shard_runs(runs, *o.shard) : runs;
    // A shard checks its own points only: its cost stays proportional to its share.
    const CheckedPoints checked = check_sweep_points(spec, mine, o);
    SweepOutcome out;
    out.total = mine.size();
    if (o.dry_run) {
        print_sweep_plan(spec, mine, o.shard);
        return out;
    }
    if ((out.stopped_by = stop_signal(o))) return out;  // during the checks, which can take a while: nothing written
    std::filesystem::create_directories(spec.output_dir);
    const SweepLocks locks = lock_output_dir(spec, o.shard, false, o.invocation);
    prepare_output_dir(spec, mine, o, checked.inputs);
    out.index = sweep_index_path(spec, o.shard);
    std::vector<RunResult> results(runs.size());
    const int kept = keep_complete_runs(o.resume ? mine : std::vector<SweepEntry>{}, results);
    write_index(out.index, spec, mine, results, checked.with_ard);  // the index says at once what is kept

    const auto start = std::chrono::steady_clock::now();
    out.complete = static_cast<std::size_t>(kept);
    for (std::size_t i = 0; i < mine.size(); ++i) {
        const SweepEntry& run = mine[i];
        const std::string head = "[" + std::to_string(i + 1) + "/" + std::to_string(mine.size()) + "] " +
                                 std::filesystem::path(run.output).filename().string() + " (" +
                                 describe_sweep_entry(run, spec) + ")";
        if (results[run.index].status == "done") {
            std::fprintf(stderr, "%s: complete already, kept\n", head.c_str());
            continue;
        }
        if ((out.stopped_by = stop_signal(o))) return out;
        std::fprintf(stderr, "%s ...", head.c_str());
        std::fflush(stderr);
        try {
            results[run.index] = run_sweep_entry(spec, run, o);
        } catch (const RunStopped& e) {
            std::fputs(" interrupted\n", stderr);
            results[run.index].status = "interrupted";
            write_index(out.index, spec, mine, results, checked.with_ard);
            out.stopped_by = e.reason();
            return out;
        } catch (const std::exception& e) {
            std::fputs(" failed\n", stderr);
            results[run.index].status = "failed";
            write_index(out.index, spec, mine, results, checked.with_ard);
            throw std::runtime_error("sweep run " + std::to_string(run.index) + " (" + describe_sweep_entry(run, spec) +
                                     ") failed: " + e.what() + "\n(index: " + out.index + ")");
        }
        ++out.complete;
        const RunResult& r = results[run.index];
        std::fprintf(stderr, " %.2f s, %lld agents", r.wall_s, r.final_agents);
        if (r.ard_rescaled) std::fprintf(stderr, ", ARD %.4g", *r.ard_rescaled);
        std::fputc('\n', stderr);
        write_index(out.index, spec, mine, results, checked.with_ard);
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("sweep%s: %zu run(s) (%zu ran, %d kept from before) in %.1f s\nindex: %s\n",
                o.shard ? (" shard " + shard_text(*o.shard)).c_str() : "", mine.size(),
                mine.size() - static_cast<std::size_t>(kept), kept, wall, out.index.c_str());
    if (o.shard) std::printf("when every shard is done: migflow sweep %s --merge\n", file.c_str());
    return out;
}

}  // namespace migflow
