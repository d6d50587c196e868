// `migflow sweep SWEEP.yaml`: every run of a sweep (docs/SWEEP.md), or one shard of it
// (docs/HPC.md); `--merge` joins the shards' indexes. The work is library code
// (migflow/sweep/run_sweep.hpp); this parses the options and says how it ended.
#include <cstdio>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/stop_signals.hpp"
#include "cli/sweep_jobs.hpp"
#include "migflow/engine/team.hpp"
#include "migflow/sweep/run_sweep.hpp"

namespace migflow::cli {

namespace {

struct SweepArgs {
    std::string file;
    bool merge = false;
    std::string shard_text;  // --shard K/N as given
    int jobs = 1;            // --jobs: shards run at the same time by child processes
    SweepOptions options;
};

std::string invocation(const SweepArgs& a) {
    return "migflow sweep " + a.file + (a.options.shard ? " --shard " + shard_text(*a.options.shard) : "") +
           (a.merge ? " --merge" : "");
}

// The checks CLI11 cannot express; each mistake exits 2 with the usage.
void check_sweep_args(SweepArgs& a) {
    if (a.file.empty()) throw UsageError("no sweep file given");
    try {
        if (!a.shard_text.empty()) a.options.shard = parse_shard(a.shard_text);
        check_sweep_options(a.options, a.merge);
        if (a.jobs > 1 && (a.options.shard || a.merge))
            throw std::invalid_argument("--jobs runs every shard itself: it takes no --shard or --merge");
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
}

// A stop signal ends the sweep between runs or inside one; the index then says what
// finished, what was cut short (`interrupted`) and what never started (`pending`).
int stopped(const SweepOutcome& out, const SweepArgs& a) {
    if (out.index.empty())
        std::fprintf(stderr, "migflow: sweep stopped by %s before its first run; nothing written\n",
                     signal_name(out.stopped_by).c_str());
    else
        std::fprintf(stderr, "migflow: sweep stopped by %s: %zu of %zu run(s) complete (index: %s); `%s --resume` runs the rest\n",
                     signal_name(out.stopped_by).c_str(), out.complete, out.total, out.index.c_str(),
                     invocation(a).c_str());
    return stopped_exit_code(out.stopped_by);
}

int sweep(SweepArgs& a, Team& team) {
    a.options.stop = &install_stop_signals();
    // Under mpirun the mistakes are reported once, by rank 0 (team.hpp).
    together(team, [&] {
        if (team.rank() != 0 && team.size() > 1) return;
        check_sweep_args(a);
        if (team.size() > 1 && a.jobs > 1)
            throw UsageError("--jobs is for sweeps without mpirun: under MPI the ranks share the runs");
        if (team.size() > 1 && (a.options.shard || a.merge))
            throw UsageError("--shard and --merge are for sweeps without mpirun: under MPI the ranks share the runs");
    });
    if (a.merge) {
        merge_sweep_shards(a.file);
        return 0;
    }
    a.options.invocation = invocation(a);
    if (a.jobs > 1 && !a.options.dry_run) {
        if (a.options.threads == 0) a.options.threads = 1;  // the cores go to the runs, one each
        return sweep_in_jobs(a.file, a.options, a.jobs);
    }
    const SweepOutcome out = run_sweep(a.file, a.options, team);
    return out.stopped_by ? stopped(out, a) : 0;
}

}  // namespace

Command add_sweep_command(CLI::App& app, Team& team) {
    auto* sub = app.add_subcommand("sweep", "run a sweep: parameter grids or samples x seeds, many runs");
    auto a = std::make_shared<SweepArgs>();
    sub->add_option("SWEEP.yaml", a->file, "sweep YAML (docs/SWEEP.md)")->type_name("");
    sub->add_flag("--dry-run", a->options.dry_run, "print the plan of runs, run nothing");
    add_threads_option(*sub, a->options.threads);
    sub->add_flag("--resume", a->options.resume, "keep the complete runs of an earlier sweep, run the rest");
    sub->add_flag("--overwrite", a->options.overwrite, "replace the results of an earlier sweep");
    sub->add_option("--shard", a->shard_text,
                    "run only shard K of N (runs whose index is K modulo N; K from 0), e.g. "
                    "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT (docs/HPC.md)")
        ->type_name("K/N");
    sub->add_option("--jobs", a->jobs,
                    "run J shards at once, each a child process (with --threads 1 unless given), then merge: "
                    "for many small runs, one per core")
        ->check(CLI::Range(1, 1024))
        ->type_name("J");
    sub->add_flag("--merge", a->merge, "join the shards' indexes into index.csv once every shard is done");
    add_ignore_memory_option(*sub, a->options.ignore_memory);
    return {sub, [a, &team] { return sweep(*a, team); }};
}

}  // namespace migflow::cli
