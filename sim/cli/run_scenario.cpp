// Running a scenario as `migflow run` and `migflow rerun` do (run_scenario.hpp): one run
// across the team's ranks or an ensemble in one process, its file, and the summary.
#include "cli/run_scenario.hpp"

#include <tbb/info.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <cstdio>
#include <filesystem>
#include <numeric>

#include "cli/ensemble_report.hpp"
#include "cli/progress.hpp"
#include "cli/stop_signals.hpp"
#include "migflow/engine/resource_estimate.hpp"
#include "migflow/output/checkpoint_file.hpp"
#include "migflow/engine/simulation.hpp"
#include "migflow/output/ensemble_file.hpp"

namespace migflow::cli {

namespace {

// The cores this process may run on (its CPU affinity, as oneTBB sees it).
int usable_cores() { return tbb::info::default_concurrency(); }

std::string output_path(const std::string& output, const Scenario& s) {
    const std::string path = !output.empty() ? output : !s.output.path.empty() ? s.output.path : s.name + ".h5";
    // Every file of a Flee case is an input, read or not (a run must never overwrite one).
    if (s.source_kind == "flee_dir") {
        std::error_code ec;
        const auto dir = std::filesystem::weakly_canonical(s.source_file, ec);
        const auto out = std::filesystem::weakly_canonical(path, ec);
        const auto rel = out.lexically_relative(dir);
        if (!ec && !rel.empty() && *rel.begin() != "..")
            throw std::runtime_error("the output file " + path + " is an input of this run (a file of the Flee case " +
                                     s.source_file + "); choose another output file");
    }
    return path;
}

void print_summary(const Simulation& sim, const Scenario& s, const RunSummary& sum,
                   const std::string& out) {
    const auto& st = sim.state();
    const double ppa = s.agents.people_per_agent;
    const auto in_transit = std::accumulate(st.inbound.begin(), st.inbound.end(), std::int64_t(0));
    std::printf("%s: %d days from %s, ruleset %s, seed %llu, %d region(s), %zu route(s)\n",
                s.name.c_str(), s.days, format_date(s.start_date).c_str(), s.ruleset.c_str(),
                static_cast<unsigned long long>(sim.seed()), int(s.regions.size()),
                s.routes.size());
    std::printf("agents: %lld at the end (%g people each), %lld travelling\n",
                static_cast<long long>(sum.final_agents), ppa, static_cast<long long>(in_transit));
    std::vector<std::size_t> camps;
    for (std::size_t r = 0; r < s.regions.size(); ++r)
        if (s.regions[r].type == RegionType::camp) camps.push_back(r);
    std::sort(camps.begin(), camps.end(),
              [&](auto a, auto b) { return st.agents_at[a] > st.agents_at[b]; });
    if (!camps.empty()) std::printf("camps at the end (people):\n");
    for (std::size_t k = 0; k < std::min<std::size_t>(camps.size(), 8); ++k) {
        const auto r = camps[k];
        const double people = st.residents[r] + double(st.agents_at[r]) * ppa;
        std::printf("  %-24s %12.0f", s.regions[r].name.c_str(), people);
        if (s.regions[r].capacity > 0) std::printf("  of %.0f", s.regions[r].capacity);
        std::printf("\n");
    }
    std::printf("time: %.2f s wall, %.3g agent-steps/s\n", sum.wall_seconds,
                sum.wall_seconds > 0 ? double(sum.agent_steps) / sum.wall_seconds : 0.0);
    std::printf("output: %s\n", out.c_str());
}

void print_replicate_progress(std::size_t done, std::size_t total) {
    std::fprintf(stderr, "\rreplicate %zu/%zu   ", done, total);
    if (done == total) std::fputc('\n', stderr);
}

int run_ensemble(const Scenario& s, std::size_t replicates, int threads, const std::string& out, bool show,
                 const std::atomic<int>& stop) {
    const auto seeds = replicate_seeds(s.seed, replicates);
    Replicates reps;
    try {
        reps = run_replicates(s, seeds, threads, show ? print_replicate_progress : nullptr, &stop);
    } catch (const RunStopped& e) {
        std::fprintf(stderr, "%smigflow: ensemble stopped by %s; %s not written\n", show ? "\n" : "",
                     signal_name(e.reason()).c_str(), out.c_str());
        return stopped_exit_code(e.reason());
    }
    EnsembleFileSpec spec;
    spec.scenario = &s;
    spec.seeds_group = "/ensemble";
    spec.seeds = seeds;
    spec.threads = reps.threads;
    spec.wall_seconds = reps.wall_seconds;
    spec.agent_steps = reps.agent_steps;
    spec.drivers = &reps.runs.front();
    const auto camps = camp_outcomes(s, reps.runs);
    spec.sections.push_back({"/ensemble", ensemble_bands(reps.runs), camps, replicate_ards(s, reps.runs)});
    write_ensemble_file(out, build_world(s), spec);
    std::printf("%s: %d days from %s, ruleset %s, %zu replicates (seeds %llu .. %llu), %d region(s), %zu route(s)\n",
                s.name.c_str(), s.days, format_date(s.start_date).c_str(), s.ruleset.c_str(), seeds.size(),
                static_cast<unsigned long long>(seeds.front()), static_cast<unsigned long long>(seeds.back()),
                int(s.regions.size()), s.routes.size());
    print_camp_bands(s, camps);
    std::printf("time: %.2f s wall on %d thread(s), %.3g agent-steps/s\n", reps.wall_seconds, reps.threads,
                reps.wall_seconds > 0 ? double(reps.agent_steps) / reps.wall_seconds : 0.0);
    std::printf("output: %s\n", out.c_str());
    return 0;
}

// The last checkpoint this process wrote (rank 0), for messages.
struct WrittenCheckpoint {
    double megabytes = 0, seconds = 0;
};
WrittenCheckpoint& last_checkpoint() {
    static WrittenCheckpoint last;
    return last;
}

bool paths_name_one_file(const std::string& a, const std::string& b) {
    std::error_code ec;
    return std::filesystem::weakly_canonical(a, ec) == std::filesystem::weakly_canonical(b, ec);
}

// A checkpoint is written when the run is stopped, perhaps hours from now: a directory
// it cannot be written to is reported before the run starts, not then.
void check_checkpoint_directory(const std::string& path) {
    std::filesystem::path dir = std::filesystem::path(path).parent_path();
    if (dir.empty()) dir = ".";
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        throw std::runtime_error("cannot write the checkpoint " + path + ": the directory `" + dir.string() +
                                 "` does not exist");
    if (::access(dir.c_str(), W_OK) != 0)
        throw std::runtime_error("cannot write the checkpoint " + path + ": the directory `" + dir.string() +
                                 "` is not writable");
}

// When and where the run writes checkpoints (rank 0 writes them): `path` on a stop, and
// periodically as asked; each one replaces the last.
CheckpointPolicy checkpoint_policy(const CheckpointArgs& ck, const std::string& path, const Scenario& s,
                                   const std::string& out, Team& team, bool quiet) {
    CheckpointPolicy p;
    p.on_stop = !path.empty();
    p.every_days = path.empty() ? 0 : ck.every_days;
    p.every_seconds = path.empty() ? 0 : ck.every_minutes * 60.0;
    p.stop_before_day = ck.stop_after_days;
    const bool say = team.rank() == 0 && !quiet;
    p.write = [&s, path, out, say](const Checkpoint& c) {
        if (path.empty()) return;
        const auto t0 = std::chrono::steady_clock::now();
        const auto bytes = write_checkpoint_file(path, s, s.seed, out, c);
        last_checkpoint().megabytes = double(bytes) / 1e6;
        last_checkpoint().seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (say)
            std::fprintf(stderr, "\rmigflow: checkpoint before day %d written to %s (%.1f MB, %.2f s)\n", c.days_done,
                         path.c_str(), last_checkpoint().megabytes, last_checkpoint().seconds);
    };
    return p;
}

// Notes the loader made (events clipped to the run), one per line on stderr.
void print_notes(const Scenario& s) {
    for (const auto& n : s.notes) std::fprintf(stderr, "%s\n", n.c_str());
}

}  // namespace

int run_scenario(const std::function<Scenario()>& load, const std::string& output, std::size_t replicates,
                 int threads, bool quiet, Team& team, bool ignore_memory, const CheckpointArgs& ck) {
    // Under MPI every rank loads the scenario and builds the whole region graph
    // (docs/DESIGN.md §5); rank 0 alone writes the file. Each step is agreed among the ranks,
    // so an error on any of them ends all (team.hpp: together).
    const std::atomic<int>& stop = install_stop_signals();  // before loading: that can take a while
    Scenario s;
    std::string out;
    std::unique_ptr<Simulation> sim;
    std::unique_ptr<Recorder> recorder;
    std::optional<Checkpoint> resume;
    std::string checkpoint_path = ck.path.empty() ? ck.restart : ck.path;  // a restarted run checkpoints again
    together(team, [&] {
        if (!ck.restart.empty()) {
            // Each process reads its share of the agents only.
            CheckpointFile from = read_checkpoint_file(ck.restart, team.rank(), team.size());
            s = std::move(from.run.scenario);
            out = output_path(!output.empty() ? output : from.output, s);
            resume = std::move(from.state);
        } else {
            s = load();
            out = output_path(output, s);
        }
        if (!checkpoint_path.empty() && paths_name_one_file(checkpoint_path, out))
            throw std::runtime_error("the checkpoint " + checkpoint_path + " and the result file " + out +
                                     " must be different files");
        if (!checkpoint_path.empty()) check_checkpoint_directory(checkpoint_path);
        if (replicates > 0) {
            if (team.size() > 1)
                throw std::runtime_error("--replicates runs its replicates in one process: start it without mpirun");
            if (!ignore_memory) check_ensemble_fits(s, replicates, 1, threads);
            return;
        }
        // Before the Simulation reserves its agents: a run that cannot fit is refused now,
        // not by std::bad_alloc or the kernel's OOM killer hours later.
        if (!ignore_memory)
            check_memory_fits(estimate_run(s, team.size(), threads).memory_bytes, "this run (`migflow check` shows the estimate)",
                              machine_memory());
        RunOptions opt;
        opt.seed = s.seed;
        opt.threads = threads;
        opt.team = &team;
        opt.stop = &stop;
        sim = std::make_unique<Simulation>(s, opt);
        if (resume) sim->resume_from(std::move(*resume));
        resume.reset();
        if (!checkpoint_path.empty() || ck.stop_after_days > 0) sim->set_checkpoints(checkpoint_policy(ck, checkpoint_path, s, out, team, quiet));
        recorder = team.rank() == 0 ? make_hdf5_recorder(out) : make_null_recorder();
    });
    const ProgressStyle style = team.rank() == 0 ? progress_style(quiet) : ProgressStyle::off;
    if (team.rank() == 0) print_notes(s);
    // Threads beyond the cores this process may use do not run; say so, with the fix
    // (under mpirun, Open MPI binds each rank to one core unless told otherwise).
    if (const int cores = usable_cores(); threads > cores && team.rank() == 0)
        std::fprintf(stderr,
                     "migflow: warning: --threads %d, but this process may use %d core(s), so it runs %d thread(s)%s\n",
                     threads, cores, cores,
                     team.size() > 1 ? ": each MPI rank is bound to its cores; start with `mpirun --bind-to none` "
                                       "(or --map-by ...:PE=N) or `srun --cpus-per-task=N`"
                                     : ": it is bound to fewer cores (taskset, a cgroup, srun's binding); under Slurm "
                                       "give the task its cores with `srun --cpus-per-task=N`");
    if (replicates > 0) return run_ensemble(s, replicates, threads, out, style != ProgressStyle::off, stop);
    RunSummary sum;
    try {
        sum = style == ProgressStyle::off ? sim->run(*recorder) : sim->run(*recorder, ProgressPrinter(style));
    } catch (const RunStopped& e) {
        // Every rank stops before the same day; rank 0's recorder takes its partial file with it.
        recorder.reset();
        if (style == ProgressStyle::terminal) std::fputc('\n', stderr);
        const std::string why = e.reason() == RunStopped::stop_after_days_reason ? "--stop-after-days"
                                                                                  : signal_name(e.reason());
        if (team.rank() == 0 && e.checkpointed())
            std::fprintf(stderr,
                         "migflow: run stopped by %s after %d of %d days; checkpoint written to %s (%.1f MB, %.2f s); "
                         "continue with: migflow run --restart %s -o %s\n",
                         why.c_str(), e.days_done(), s.days, checkpoint_path.c_str(), last_checkpoint().megabytes,
                         last_checkpoint().seconds, checkpoint_path.c_str(), out.c_str());
        else if (team.rank() == 0)
            std::fprintf(stderr, "migflow: run stopped by %s after %d of %d days; %s not written\n", why.c_str(),
                         e.days_done(), s.days, out.c_str());
        return e.checkpointed() ? checkpointed_exit_code : stopped_exit_code(e.reason());
    }
    // Agents held by each rank (the balance of AgentStore::add_batch), for the summary.
    std::vector<std::int64_t> held(std::size_t(team.size()), 0);
    held[std::size_t(team.rank())] = static_cast<std::int64_t>(sim->agents().size());
    team.sum(held);
    if (team.rank() == 0) {
        print_summary(*sim, s, sum, out);
        if (team.size() > 1) {
            const auto [lo, hi] = std::minmax_element(held.begin(), held.end());
            std::printf("processes: %d MPI ranks x %d thread(s), %lld to %lld agents each; "
                        "%.2f s of %.2f s in communication\n",
                        team.size(), sim->threads_used(), static_cast<long long>(*lo),
                        static_cast<long long>(*hi), sim->stage_times().communication, sum.wall_seconds);
        }
    }
    return 0;
}

}  // namespace migflow::cli
