// A sweep as one MPI job (docs/HPC.md): rank 0 prepares the directory, deals the runs
// and keeps the index; the other ranks run what they are dealt (RunDealer). The files
// are those of the same sweep run by one process.
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <stdexcept>

#include "migflow/engine/simulation.hpp"
#include "migflow/engine/team.hpp"
#include "migflow/sweep/dealer.hpp"
#include "sweep/sweep_steps.hpp"

namespace migflow::detail {

namespace {

// A worker: ask, run, report, until told there is no more.
SweepOutcome work_dealt_runs(const SweepSpec& spec, const std::vector<SweepEntry>& runs, const SweepOptions& o,
                             RunDealer& dealer, int rank) {
    SweepOutcome out;
    for (int next = dealer.report(-1, RunOutcome::none, 0); next >= 0;) {
        const SweepEntry& run = runs.at(static_cast<std::size_t>(next));
        RunOutcome outcome = RunOutcome::done;
        int signal = 0;
        try {
            run_sweep_entry(spec, run, o);
            ++out.complete;
        } catch (const RunStopped& e) {
            outcome = RunOutcome::interrupted, signal = out.stopped_by = e.reason();
        } catch (const std::exception& e) {
            outcome = RunOutcome::failed;
            std::fprintf(stderr, "migflow: rank %d: sweep run %d (%s) failed: %s\n", rank, run.index,
                         describe_sweep_entry(run, spec).c_str(), e.what());
        }
        next = dealer.report(next, outcome, signal);
    }
    return out;
}

}  // namespace

SweepOutcome sweep_across_ranks(const std::string& file, const SweepOptions& o, Team& team) {
    SweepSpec spec;
    std::vector<SweepEntry> runs;
    CheckedPoints checked;
    std::optional<SweepLocks> locks;
    std::vector<RunResult> results;
    int kept = 0;
    SweepOutcome out;
    // Rank 0 alone validates and writes; an error there ends every rank (team.hpp).
    together(team, [&] {
        check_sweep_options(o, false);
        if (o.shard) throw std::invalid_argument("--shard and --merge are for sweeps without mpirun: under MPI the ranks share the runs");
        spec = load_sweep(file);
        runs = plan_sweep(spec);
        out.total = runs.size();
        if (team.rank() != 0 || o.dry_run) return;
        checked = check_sweep_points(spec, runs, o);
        std::filesystem::create_directories(spec.output_dir);
        locks.emplace(lock_output_dir(spec, std::nullopt, false, o.invocation));
        prepare_output_dir(spec, runs, o, checked.inputs);
        results.assign(runs.size(), RunResult{});
        kept = keep_complete_runs(o.resume ? runs : std::vector<SweepEntry>{}, results);
        out.index = spec.output_dir + "/index.csv";
        write_index(out.index, spec, runs, results, checked.with_ard);
    });
    if (o.dry_run) {
        if (team.rank() == 0) print_sweep_plan(spec, runs, std::nullopt);
        return out;
    }
    const auto dealer = make_run_dealer();
    if (team.rank() != 0) return work_dealt_runs(spec, runs, o, *dealer, team.rank());

    std::deque<int> todo;
    for (const SweepEntry& run : runs)
        if (results[run.index].status != "done") todo.push_back(run.index);
    std::fprintf(stderr, "sweep: %zu run(s) to run on %d rank(s), %d kept from before\n", todo.size(),
                 team.size() - 1, kept);
    const auto start = std::chrono::steady_clock::now();
    out.complete = static_cast<std::size_t>(kept);
    std::size_t ran = 0;
    std::optional<std::string> failure;
    for (int workers = team.size() - 1; workers > 0;) {
        const RunReport r = dealer->next_report();
        if (r.run >= 0) {
            const SweepEntry& run = runs.at(static_cast<std::size_t>(r.run));
            RunResult& res = results[run.index];
            const std::string head = "[" + std::to_string(++ran) + "/" + std::to_string(runs.size() - kept) + "] " +
                                     std::filesystem::path(run.output).filename().string() + " (" +
                                     describe_sweep_entry(run, spec) + ") on rank " + std::to_string(r.worker);
            std::optional<RunResult> written;
            if (r.outcome == RunOutcome::done) written = read_result(run.output, run.seed);
            if (written) {
                res = *written, ++out.complete;
                std::fprintf(stderr, "%s: %.2f s, %lld agents\n", head.c_str(), res.wall_s, res.final_agents);
            } else if (r.outcome == RunOutcome::interrupted) {
                res.status = "interrupted";
                out.stopped_by = out.stopped_by ? out.stopped_by : r.signal;
                std::fprintf(stderr, "%s: interrupted\n", head.c_str());
            } else {
                res.status = "failed";
                std::fprintf(stderr, "%s: failed\n", head.c_str());
                if (!failure)
                    failure = "sweep run " + std::to_string(run.index) + " (" + describe_sweep_entry(run, spec) +
                              ") failed on rank " + std::to_string(r.worker) + " (its message is above)";
            }
            write_index(out.index, spec, runs, results, checked.with_ard);
        }
        if (const int signal = o.stop ? o.stop->load() : 0) out.stopped_by = out.stopped_by ? out.stopped_by : signal;
        // After a failure or a stop no new run starts; the runs under way finish first.
        if (out.stopped_by || failure || todo.empty()) {
            dealer->deal(r.worker, -1);
            --workers;
        } else {
            dealer->deal(r.worker, todo.front());
            todo.pop_front();
        }
    }
    if (out.stopped_by) return out;
    if (failure) throw std::runtime_error(*failure + "\n(index: " + out.index + ")");
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("sweep: %zu run(s) (%zu ran on %d rank(s), %d kept from before) in %.1f s\nindex: %s\n", runs.size(),
                ran, team.size() - 1, kept, wall, out.index.c_str());
    return out;
}

}  // namespace migflow::detail
