// `migflow sweep SWEEP.yaml`: every run of a sweep (docs/SWEEP.md), or one shard of it
// (docs/HPC.md), one after another, each written exactly as `migflow run` writes it,
// with the index kept truthful after every run so that a crash, a kill or a stop signal
// leaves an index of what really finished; `--merge` joins the shards' indexes.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/scenario_source.hpp"
#include "cli/stop_signals.hpp"
#include "cli/sweep_files.hpp"
#include "migflow/engine/simulation.hpp"
#include "migflow/engine/team.hpp"
#include "migflow/sweep/dealer.hpp"
#include "migflow/sweep/lock.hpp"
#include "migflow/sweep/plan.hpp"
#include "migflow/sweep/shard.hpp"

namespace migflow::cli {

namespace {

namespace fs = std::filesystem;

struct SweepArgs {
    std::string file;
    bool dry_run = false;
    bool resume = false;
    bool overwrite = false;
    bool merge = false;
    int threads = 0;
    std::string shard_text;  // --shard K/N as given
    std::optional<SweepShard> shard;
};

// The checks CLI11 cannot express; each mistake exits 2 with the usage.
void check_sweep_args(SweepArgs& sa) {
    if (sa.file.empty()) throw UsageError("no sweep file given");
    if (sa.resume && sa.overwrite) throw UsageError("--resume and --overwrite exclude each other");
    if (!sa.shard_text.empty()) try {
            sa.shard = parse_shard(sa.shard_text);
        } catch (const std::invalid_argument& e) {
            throw UsageError(e.what());
        }
    if (sa.merge && (sa.resume || sa.overwrite || sa.dry_run || sa.shard))
        throw UsageError("--merge takes no other option: it only joins the shards' indexes");
}

std::string describe_run(const SweepRun& run, const SweepSpec& spec) {
    std::string out = "seed " + std::to_string(run.seed);
    const std::size_t first = run.overrides.size() - swept_keys(spec).size();
    for (std::size_t i = first; i < run.overrides.size(); ++i)
        out += ", " + run.overrides[i].first + "=" + run.overrides[i].second;
    return out;
}

std::string shard_text(const SweepShard& s) { return std::to_string(s.index) + "/" + std::to_string(s.count); }

void print_plan(const SweepSpec& spec, const std::vector<SweepRun>& runs, const SweepArgs& sa) {
    std::printf("sweep %s: scenario %s, %zu run(s)%s into %s\n", spec.file.c_str(), spec.scenario.c_str(),
                runs.size(), sa.shard ? (" in shard " + shard_text(*sa.shard)).c_str() : "",
                spec.output_dir.c_str());
    for (const auto& [k, v] : spec.fixed) std::printf("  every run: %s=%s\n", k.c_str(), v.c_str());
    for (const SweepRun& run : runs)
        std::printf("  run %d (point %d): %s -> %s\n", run.index, run.point, describe_run(run, spec).c_str(),
                    run.output.c_str());
}

// The index this invocation keeps: index.csv for the whole plan, a shard its own.
std::string index_path(const SweepSpec& spec, const SweepArgs& sa) {
    return spec.output_dir + "/" + (sa.shard ? shard_index_name(*sa.shard) : std::string("index.csv"));
}

// Two sweeps never write into one directory at once: a whole sweep and --merge hold
// .sweep.lock exclusively; the shards of a job array share it (they write disjoint
// files) and each holds its own .sweep.shard-K.lock, so one shard cannot run twice.
struct SweepLocks {
    std::optional<FileLock> dir, shard;
};

SweepLocks lock_output_dir(const SweepSpec& spec, const SweepArgs& sa) {
    char host[256] = "?";
    ::gethostname(host, sizeof host - 1);
    const std::string note = "pid " + std::to_string(::getpid()) + " on " + host + ": migflow sweep " + sa.file +
                             (sa.shard ? " --shard " + shard_text(*sa.shard) : sa.merge ? " --merge" : "");
    auto busy = [&](const LockBusy& e, const std::string& what) {
        return std::runtime_error(spec.output_dir + " " + what + (e.holder().empty() ? "" : " (" + e.holder() + ")") +
                                  (sa.merge ? "; merge once every shard has finished"
                                            : "; wait for it to finish, or use another output_dir"));
    };
    SweepLocks locks;
    try {
        locks.dir.emplace(spec.output_dir + "/.sweep.lock", sa.shard ? LockMode::shared : LockMode::exclusive, note);
    } catch (const LockBusy& e) {
        throw busy(e, "is in use by another running migflow sweep");
    }
    if (!locks.dir->held())
        std::fprintf(stderr, "migflow: warning: cannot lock %s (%s): make sure no other sweep writes there\n",
                     spec.output_dir.c_str(), locks.dir->unsupported_reason().c_str());
    if (sa.shard && locks.dir->held()) try {
            locks.shard.emplace(spec.output_dir + "/.sweep.shard-" + std::to_string(sa.shard->index) + ".lock",
                                LockMode::exclusive, note);
        } catch (const LockBusy& e) {
            throw busy(e, "is in use by another run of shard " + shard_text(*sa.shard));
        }
    return locks;
}

// Shards of different splits would write the same runs twice.
void check_one_split(const SweepSpec& spec, const SweepArgs& sa) {
    for (const SweepShard& s : shard_indexes_in(spec.output_dir))
        if (s.count != sa.shard->count)
            throw std::runtime_error(spec.output_dir + " holds shards of a " + std::to_string(s.count) + "-way split (" +
                                     shard_index_name(s) + "); every shard of a sweep must use the same N: use --shard K/" +
                                     std::to_string(s.count) + ", or --overwrite");
}

// Without --resume or --overwrite an earlier sweep's results are never replaced.
void prepare_output_dir(const SweepSpec& spec, const std::vector<SweepRun>& mine, const SweepArgs& sa,
                        const std::vector<std::string>& inputs) {
    const std::string index = index_path(spec, sa);
    const std::string settings = spec.output_dir + "/sweep_settings.txt";
    const auto shards = shard_indexes_in(spec.output_dir);
    if (sa.shard && !sa.overwrite) check_one_split(spec, sa);
    if (sa.resume) {
        check_same_plan(index, spec, mine, "--resume");
        check_same_settings(settings, spec, inputs, "--resume");
        return write_settings(settings, spec, inputs);
    }
    bool used = fs::exists(index) || (!sa.shard && !shards.empty());
    for (const SweepRun& run : mine) used = used || fs::exists(run.output);
    if (used && !sa.overwrite)
        throw std::runtime_error(spec.output_dir + " already holds sweep results" +
                                 (sa.shard ? " of shard " + shard_text(*sa.shard) : std::string()) +
                                 "; use --resume to finish that sweep, or --overwrite to replace it");
    if (sa.overwrite) {
        fs::remove(index);
        for (const SweepRun& run : mine) fs::remove(run.output);
        // Indexes that would now describe runs that are gone: the merged one, and
        // (for a whole sweep) every shard's, (for a shard) those of another split.
        if (sa.shard) fs::remove(spec.output_dir + "/index.csv");
        for (const SweepShard& s : shards)
            if (!sa.shard || s.count != sa.shard->count) fs::remove(spec.output_dir + "/" + shard_index_name(s));
    }
    write_settings(settings, spec, inputs);
}

RunResult run_one(const SweepSpec& spec, const SweepRun& run, int threads) {
    Scenario s = load_scenario_source(spec.scenario, run.overrides);
    RunOptions opt;
    opt.seed = run.seed;
    opt.threads = threads;
    opt.stop = &install_stop_signals();
    s.seed = run.seed;
    Simulation sim(s, opt);
    auto recorder = make_hdf5_recorder(run.output);
    sim.run(*recorder);
    recorder.reset();  // closes the file
    auto r = read_result(run.output, run.seed);
    if (!r) throw std::runtime_error(run.output + ": the run finished but its file is not complete");
    return *r;
}

std::string resume_command(const SweepArgs& sa) {
    return "migflow sweep " + sa.file + (sa.shard ? " --shard " + shard_text(*sa.shard) : "") + " --resume";
}

// A stop signal ends the sweep between runs or inside one; the index then says what
// finished, what was cut short (`interrupted`) and what never started (`pending`).
int stopped_sweep(int signal, const std::string& index, const SweepArgs& sa, std::size_t done, std::size_t total) {
    std::fprintf(stderr, "migflow: sweep stopped by %s: %zu of %zu run(s) complete (index: %s); `%s` runs the rest\n",
                 signal_name(signal).c_str(), done, total, index.c_str(), resume_command(sa).c_str());
    return stopped_exit_code(signal);
}

// --merge: index.csv from the shards' indexes and the run files, exactly as a sweep
// run in one piece would have written it. The files decide what is done.
int merge_shards(const SweepSpec& spec, const std::vector<SweepRun>& runs) {
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
        if (!fs::exists(path)) {
            never_ran.push_back(k);
            continue;
        }
        const auto mine = shard_runs(runs, shard);
        check_same_plan(path, spec, mine, "--merge");
        const IndexStatuses st = read_index_statuses(path);
        with_ard = with_ard || st.with_ard;
        for (const SweepRun& run : mine)
            if (auto it = st.status.find(run.index); it != st.status.end()) results[run.index].status = it->second;
    }
    std::string missing;
    std::size_t done = 0;
    for (const SweepRun& run : runs) {
        RunResult& r = results[run.index];
        if (auto file = read_result(run.output, run.seed)) r = *file;
        else if (r.status == "done") r.status = "pending";  // the index said done, the file is gone
        if (r.status == "done") ++done;
        else if (missing.size() < 200) missing += (missing.empty() ? "" : ", ") + std::to_string(run.index) + " " + r.status;
    }
    const std::string index = spec.output_dir + "/index.csv";
    write_index(index, spec, runs, results, with_ard);
    std::printf("merge: %d shard(s), %zu run(s), %zu done\nindex: %s\n", n, runs.size(), done, index.c_str());
    if (done == runs.size()) return 0;
    std::string shards_missing;
    for (int k : never_ran) shards_missing += (shards_missing.empty() ? "" : ", ") + std::to_string(k);
    throw std::runtime_error("--merge: " + std::to_string(runs.size() - done) + " of " + std::to_string(runs.size()) +
                             " run(s) not done (run " + missing + ")" +
                             (never_ran.empty() ? "" : "; shard(s) " + shards_missing + " wrote no index") +
                             ": run their shards with --resume, then --merge again");
}

// A sweep as one MPI job: rank 0 prepares the directory, deals the runs and keeps the
// index; the other ranks run what they are dealt (RunDealer). The files are those of
// the same sweep run by one process.
int sweep_across_ranks(SweepArgs& sa, Team& team, const std::atomic<int>& stop) {
    SweepSpec spec;
    std::vector<SweepRun> runs;
    bool with_ard = false;
    std::optional<SweepLocks> locks;
    std::vector<RunResult> results;
    int reused = 0;
    const std::string index_name = "index.csv";
    // Rank 0 alone validates and writes; an error there ends every rank (team.hpp).
    together(team, [&] {
        check_sweep_args(sa);
        if (sa.shard || sa.merge)
            throw UsageError("--shard and --merge are for sweeps without mpirun: under MPI the ranks share the runs");
        spec = load_sweep(sa.file);
        runs = plan_sweep(spec);
        if (team.rank() != 0 || sa.dry_run) return;
        std::vector<std::string> inputs;  // every file any run reads (points may name other CSVs)
        validate_sweep(spec, runs, [&](const Overrides& o) {
            const Scenario s = load_scenario_source(spec.scenario, o);
            with_ard = with_ard || !s.observed.region.empty();
            inputs.insert(inputs.end(), s.input_files.begin(), s.input_files.end());
        });
        fs::create_directories(spec.output_dir);
        locks.emplace(lock_output_dir(spec, sa));
        prepare_output_dir(spec, runs, sa, inputs);
        results.assign(runs.size(), RunResult{});
        if (sa.resume)
            for (const SweepRun& run : runs)
                if (auto r = read_result(run.output, run.seed)) results[run.index] = *r, ++reused;
        write_index(spec.output_dir + "/" + index_name, spec, runs, results, with_ard);
    });
    if (sa.dry_run) {
        if (team.rank() == 0) print_plan(spec, runs, sa);
        return 0;
    }
    const auto dealer = make_run_dealer();
    if (team.rank() != 0) {  // a worker: ask, run, report, until told there is no more
        int stopped_by = 0;
        for (int next = dealer->report(-1, RunOutcome::none, 0); next >= 0;) {
            const SweepRun& run = runs.at(static_cast<std::size_t>(next));
            RunOutcome outcome = RunOutcome::done;
            int signal = 0;
            try {
                run_one(spec, run, sa.threads);
            } catch (const RunStopped& e) {
                outcome = RunOutcome::interrupted, signal = stopped_by = e.reason();
            } catch (const std::exception& e) {
                outcome = RunOutcome::failed;
                std::fprintf(stderr, "migflow: rank %d: sweep run %d (%s) failed: %s\n", team.rank(), run.index,
                             describe_run(run, spec).c_str(), e.what());
            }
            next = dealer->report(next, outcome, signal);
        }
        return stopped_by ? stopped_exit_code(stopped_by) : 0;
    }

    const std::string index = spec.output_dir + "/" + index_name;
    std::deque<int> todo;
    for (const SweepRun& run : runs)
        if (results[run.index].status != "done") todo.push_back(run.index);
    std::fprintf(stderr, "sweep: %zu run(s) to run on %d rank(s), %d kept from before\n", todo.size(),
                 team.size() - 1, reused);
    const auto start = std::chrono::steady_clock::now();
    std::size_t done = static_cast<std::size_t>(reused), ran = 0;
    int stopped_by = 0;
    std::optional<std::string> failure;
    for (int workers = team.size() - 1; workers > 0;) {
        const RunReport r = dealer->next_report();
        if (r.run >= 0) {
            const SweepRun& run = runs.at(static_cast<std::size_t>(r.run));
            RunResult& res = results[run.index];
            const std::string head = "[" + std::to_string(++ran) + "/" + std::to_string(runs.size() - reused) + "] " +
                                     fs::path(run.output).filename().string() + " (" + describe_run(run, spec) +
                                     ") on rank " + std::to_string(r.worker);
            std::optional<RunResult> file;
            if (r.outcome == RunOutcome::done) file = read_result(run.output, run.seed);
            if (file) {
                res = *file, ++done;
                std::fprintf(stderr, "%s: %.2f s, %lld agents\n", head.c_str(), res.wall_s, res.final_agents);
            } else if (r.outcome == RunOutcome::interrupted) {
                res.status = "interrupted";
                stopped_by = stopped_by ? stopped_by : r.signal;
                std::fprintf(stderr, "%s: interrupted\n", head.c_str());
            } else {
                res.status = "failed";
                std::fprintf(stderr, "%s: failed\n", head.c_str());
                if (!failure)
                    failure = "sweep run " + std::to_string(run.index) + " (" + describe_run(run, spec) +
                              ") failed on rank " + std::to_string(r.worker) + " (its message is above)";
            }
            write_index(index, spec, runs, results, with_ard);
        }
        if (const int signal = stop.load()) stopped_by = stopped_by ? stopped_by : signal;
        // After a failure or a stop no new run starts; the runs under way finish first.
        if (stopped_by || failure || todo.empty()) {
            dealer->deal(r.worker, -1);
            --workers;
        } else {
            dealer->deal(r.worker, todo.front());
            todo.pop_front();
        }
    }
    if (stopped_by) return stopped_sweep(stopped_by, index, sa, done, runs.size());
    if (failure) throw std::runtime_error(*failure + "\n(index: " + index + ")");
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("sweep: %zu run(s) (%zu ran on %d rank(s), %d kept from before) in %.1f s\nindex: %s\n", runs.size(),
                ran, team.size() - 1, reused, wall, index.c_str());
    return 0;
}

int sweep(SweepArgs& sa, Team& team) {
    const std::atomic<int>& stop = install_stop_signals();
    if (team.size() > 1) return sweep_across_ranks(sa, team, stop);  // mistakes reported once, by rank 0
    check_sweep_args(sa);
    const SweepSpec spec = load_sweep(sa.file);
    const std::vector<SweepRun> runs = plan_sweep(spec);
    if (sa.merge) {
        if (!fs::is_directory(spec.output_dir))
            throw std::runtime_error("--merge: " + spec.output_dir + " does not exist: run the shards first");
        const SweepLocks locks = lock_output_dir(spec, sa);
        return merge_shards(spec, runs);
    }
    const std::vector<SweepRun> mine = sa.shard ? shard_runs(runs, *sa.shard) : runs;

    // Every point's scenario is checked before the first run, so a bad value in the
    // last grid cell fails now, not hours later. A shard checks its own points only:
    // its cost stays proportional to its share.
    bool with_ard = false;
    std::vector<std::string> inputs;  // every file any run reads (points may name other CSVs)
    validate_sweep(spec, mine, [&](const Overrides& o) {
        const Scenario s = load_scenario_source(spec.scenario, o);
        with_ard = with_ard || !s.observed.region.empty();
        inputs.insert(inputs.end(), s.input_files.begin(), s.input_files.end());
    });
    if (sa.dry_run) {
        print_plan(spec, mine, sa);
        return 0;
    }
    if (const int signal = stop.load()) {  // during validation, which can take a while: nothing written yet
        std::fprintf(stderr, "migflow: sweep stopped by %s before its first run; nothing written\n",
                     signal_name(signal).c_str());
        return stopped_exit_code(signal);
    }
    fs::create_directories(spec.output_dir);
    const SweepLocks locks = lock_output_dir(spec, sa);
    prepare_output_dir(spec, mine, sa, inputs);
    const std::string index = index_path(spec, sa);
    std::vector<RunResult> results(runs.size());
    int reused = 0;
    if (sa.resume)  // complete files of the same seed are kept; the index says so at once
        for (const SweepRun& run : mine)
            if (auto r = read_result(run.output, run.seed)) results[run.index] = *r, ++reused;
    write_index(index, spec, mine, results, with_ard);

    const auto start = std::chrono::steady_clock::now();
    std::size_t done = static_cast<std::size_t>(reused);
    for (std::size_t i = 0; i < mine.size(); ++i) {
        const SweepRun& run = mine[i];
        const std::string head = "[" + std::to_string(i + 1) + "/" + std::to_string(mine.size()) + "] " +
                                 fs::path(run.output).filename().string() + " (" + describe_run(run, spec) + ")";
        if (results[run.index].status == "done") {
            std::fprintf(stderr, "%s: complete already, kept\n", head.c_str());
            continue;
        }
        if (const int signal = stop.load()) return stopped_sweep(signal, index, sa, done, mine.size());
        std::fprintf(stderr, "%s ...", head.c_str());
        std::fflush(stderr);
        try {
            results[run.index] = run_one(spec, run, sa.threads);
        } catch (const RunStopped& e) {
            std::fputs(" interrupted\n", stderr);
            results[run.index].status = "interrupted";
            write_index(index, spec, mine, results, with_ard);
            return stopped_sweep(e.reason(), index, sa, done, mine.size());
        } catch (const std::exception& e) {
            std::fputs(" failed\n", stderr);
            results[run.index].status = "failed";
            write_index(index, spec, mine, results, with_ard);
            throw std::runtime_error("sweep run " + std::to_string(run.index) + " (" + describe_run(run, spec) +
                                     ") failed: " + e.what() + "\n(index: " + index + ")");
        }
        ++done;
        const RunResult& r = results[run.index];
        std::fprintf(stderr, " %.2f s, %lld agents", r.wall_s, r.final_agents);
        if (r.ard_rescaled) std::fprintf(stderr, ", ARD %.4g", *r.ard_rescaled);
        std::fputc('\n', stderr);
        write_index(index, spec, mine, results, with_ard);
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("sweep%s: %zu run(s) (%zu ran, %d kept from before) in %.1f s\nindex: %s\n",
                sa.shard ? (" shard " + shard_text(*sa.shard)).c_str() : "", mine.size(),
                mine.size() - static_cast<std::size_t>(reused), reused, wall, index.c_str());
    if (sa.shard) std::printf("when every shard is done: migflow sweep %s --merge\n", sa.file.c_str());
    return 0;
}

}  // namespace

Command add_sweep_command(CLI::App& app, Team& team) {
    auto* sub = app.add_subcommand("sweep", "run a sweep: parameter grids or samples x seeds, many runs");
    auto a = std::make_shared<SweepArgs>();
    sub->add_option("SWEEP.yaml", a->file, "sweep YAML (docs/SWEEP.md)")->type_name("");
    sub->add_flag("--dry-run", a->dry_run, "print the plan of runs, run nothing");
    add_threads_option(*sub, a->threads);
    sub->add_flag("--resume", a->resume, "keep the complete runs of an earlier sweep, run the rest");
    sub->add_flag("--overwrite", a->overwrite, "replace the results of an earlier sweep");
    sub->add_option("--shard", a->shard_text,
                    "run only shard K of N (runs whose index is K modulo N; K from 0), e.g. "
                    "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT (docs/HPC.md)")
        ->type_name("K/N");
    sub->add_flag("--merge", a->merge, "join the shards' indexes into index.csv once every shard is done");
    return {sub, [a, &team] { return sweep(*a, team); }};
}

}  // namespace migflow::cli
