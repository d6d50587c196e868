// `migflow rerun OUT.h5 -o AGAIN.h5`: runs again what a result file records (its
// effective scenario text, kept input files and seed), from the file alone.
#include <filesystem>

#include "cli/commands.hpp"
#include "cli/run_scenario.hpp"
#include "migflow/output/provenance.hpp"

namespace migflow::cli {

namespace {

struct RerunArgs {
    std::string input, output;
    int threads = 0;
    bool show_progress = false;
    bool quiet = false;
};

int rerun(const RerunArgs& ra, Team& team) {
    if (ra.input.empty()) throw UsageError("no result file given");
    if (ra.output.empty()) throw UsageError("rerun needs -o AGAIN.h5");
    if (ra.show_progress && ra.quiet) throw UsageError("--progress and --quiet exclude each other");
    std::error_code ec;
    if (!std::filesystem::is_regular_file(ra.input, ec)) throw std::runtime_error(ra.input + ": no such file");
    if (std::filesystem::equivalent(ra.input, ra.output, ec))
        throw UsageError("-o must name another file than the one being rerun");
    const RecordedRun run = read_recorded_run(ra.input);
    return run_scenario([&] { return run.scenario; }, ra.output, run.replicates, ra.threads, ra.quiet, team);
}

}  // namespace

Command add_rerun_command(CLI::App& app, Team& team) {
    auto* sub = app.add_subcommand(
        "rerun", "repeat a run or an ensemble from what its result file keeps: identical datasets");
    auto a = std::make_shared<RerunArgs>();
    sub->add_option("RESULT", a->input, "result file of `migflow run` (single run or --replicates)")
        ->type_name("");
    sub->add_option("-o,--output", a->output, "the new result file")->type_name("AGAIN.h5");
    add_threads_option(*sub, a->threads);
    sub->add_flag("--progress", a->show_progress, "show progress on stderr (default: only when it is a terminal)");
    sub->add_flag("--quiet", a->quiet, "no progress on stderr");
    return {sub, [a, &team] { return rerun(*a, team); }};
}

}  // namespace migflow::cli
