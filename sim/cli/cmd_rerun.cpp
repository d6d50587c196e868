// `migflow rerun OUT.h5 -o AGAIN.h5`: runs again what a result file records (its
// effective scenario text, kept input files and seed), from the file alone.
#include <cstdio>
#include <filesystem>

#include "cli/commands.hpp"
#include "cli/run_scenario.hpp"
#include "migflow/core/build_info.hpp"
#include "migflow/output/provenance.hpp"

namespace migflow::cli {

namespace {

struct RerunArgs {
    std::string input, output;
    int threads = 0;
    bool show_progress = false;
    bool quiet = false;
    bool ignore_memory = false;
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
    // A different build may give different numbers for the same seed: say so, then rerun.
    if (run.build.empty()) {
        std::fprintf(stderr, "note: %s does not record the build that made it; this binary is %s, and its "
                     "results may differ\n", ra.input.c_str(), build_summary().c_str());
    } else if (const auto diff = build_differences(run.build); !diff.empty()) {
        std::string what;
        for (const std::string& d : diff) what += (what.empty() ? "" : ", ") + d;
        std::fprintf(stderr, "note: this binary (%s) differs from the build that made %s (%s) in: %s; its "
                     "results may differ\n", build_summary().c_str(), ra.input.c_str(),
                     build_summary(run.build).c_str(), what.c_str());
    }
    return run_scenario([&] { return run.scenario; }, ra.output, run.replicates, ra.threads, ra.quiet, team,
                        ra.ignore_memory);
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
    add_ignore_memory_option(*sub, a->ignore_memory);
    sub->add_flag("--progress", a->show_progress, "show progress on stderr (default: only when it is a terminal)");
    sub->add_flag("--quiet", a->quiet, "no progress on stderr");
    return {sub, [a, &team] { return rerun(*a, team); }};
}

}  // namespace migflow::cli
