// `migflow run`: load a scenario (YAML or a Flee directory), run it, write HDF5
// (the run itself: run_scenario.cpp).
#include <optional>

#include "cli/commands.hpp"
#include "cli/run_scenario.hpp"
#include "migflow/scenario/source.hpp"

namespace migflow::cli {

namespace {

struct RunArgs {
    std::string input;
    std::string output;
    std::optional<std::uint64_t> seed;
    int threads = 0;
    Overrides overrides;
    std::string set_file;
    bool show_progress = false;  // the default anyway: kept for scripts that pass it
    bool quiet = false;
    std::size_t replicates = 0;  // 0: one run, the single-run layout
    bool ignore_memory = false;
    CheckpointArgs checkpoint;
};

int run(const RunArgs& ra, Team& team) {
    const CheckpointArgs& ck = ra.checkpoint;
    if (!ck.restart.empty()) {
        // The checkpoint holds its scenario, overrides and seed: nothing may change them.
        if (!ra.input.empty() || ra.seed || !ra.overrides.empty() || !ra.set_file.empty())
            throw UsageError("--restart continues the checkpoint's own scenario and seed: give no SCENARIO, --seed, "
                             "--set or --set-file");
    } else if (ra.input.empty()) {
        throw UsageError("no scenario given");
    }
    if (ra.replicates > 0 && (!ck.path.empty() || !ck.restart.empty() || ck.stop_after_days > 0))
        throw UsageError("--checkpoint, --restart and --stop-after-days are for one run, not --replicates");
    if ((ck.every_days > 0 || ck.every_minutes > 0) && ck.path.empty() && ck.restart.empty())
        throw UsageError("--checkpoint-every and --checkpoint-every-minutes need --checkpoint CKPT.h5");
    if (ra.show_progress && ra.quiet) throw UsageError("--progress and --quiet exclude each other");
    return run_scenario(
        [&] {
            Scenario s = load_scenario_source(ra.input, with_set_file(ra.set_file, ra.overrides));
            s.seed = ra.seed.value_or(s.seed);
            if (!ra.set_file.empty()) s.input_files.push_back(ra.set_file);  // never an output
            return s;
        },
        ra.output, ra.replicates, ra.threads, ra.quiet, team, ra.ignore_memory, ck);
}

}  // namespace

Command add_run_command(CLI::App& app, Team& team) {
    auto* sub = app.add_subcommand("run", "run a scenario (YAML file or Flee input directory), write HDF5");
    auto a = std::make_shared<RunArgs>();
    sub->add_option("SCENARIO", a->input, "scenario YAML file or Flee input directory")->type_name("");
    sub->add_option("-o,--output", a->output, "result file (default: the scenario's output.file, else NAME.h5)")
        ->type_name("OUT.h5");
    add_seed_option(*sub, a->seed);
    add_threads_option(*sub, a->threads);
    add_set_option(*sub, a->overrides);
    add_set_file_option(*sub, a->set_file);
    add_replicates_option(*sub, a->replicates);
    add_ignore_memory_option(*sub, a->ignore_memory);
    sub->add_option("--checkpoint", a->checkpoint.path,
                    "write the run's state here when a signal (SIGTERM, SIGINT, SIGHUP, SIGUSR1) stops it, then exit "
                    "75 (docs/HPC.md)")
        ->type_name("CKPT.h5");
    sub->add_option("--checkpoint-every", a->checkpoint.every_days, "also write the checkpoint before every N-th day")
        ->type_name("N")
        ->check(CLI::PositiveNumber);
    sub->add_option("--checkpoint-every-minutes", a->checkpoint.every_minutes,
                    "also write the checkpoint when M minutes of wall time passed since the last one")
        ->type_name("M")
        ->check(CLI::PositiveNumber);
    sub->add_option("--restart", a->checkpoint.restart,
                    "continue the run a checkpoint holds (its scenario and seed; any --threads, any number of MPI ranks); "
                    "the result file equals an uninterrupted run's")
        ->type_name("CKPT.h5");
    sub->add_option("--stop-after-days", a->checkpoint.stop_after_days,
                    "stop before day D as a signal would (with --checkpoint: write it, exit 75); for tests and runs cut "
                    "into pieces")
        ->type_name("D")
        ->check(CLI::PositiveNumber);
    sub->add_flag("--progress", a->show_progress, "show progress on stderr (the default: redrawn on a terminal, a line per 5 % of the days in a log)");
    sub->add_flag("--quiet", a->quiet, "no progress on stderr");
    return {sub, [a, &team] { return run(*a, team); }};
}

}  // namespace migflow::cli
