// `migflow build-case CASE.yaml -o DIR`: public data (ACLED events, places, camps,
// observed counts) -> a native scenario, its Flee twin and ASSUMPTIONS.md (docs/DATA.md).
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "cli/commands.hpp"
#include "migflow/casebuild/build_case.hpp"

namespace migflow::cli {

namespace {

struct BuildCaseArgs {
    std::string file, out;
    bool quiet = false;
};

int build_case_command(const BuildCaseArgs& a) {
    if (a.file.empty()) throw UsageError("no case file given");
    if (a.out.empty()) throw UsageError("no output directory given (-o DIR)");
    const auto t0 = std::chrono::steady_clock::now();
    const casebuild::CaseSpec spec = casebuild::load_case_spec(a.file);
    const casebuild::BuiltCase built = casebuild::build_case(spec);
    const auto files = casebuild::write_case(built, a.out);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (a.quiet) return 0;
    long dropped = 0, zones = 0;
    for (const auto& [file, reasons] : built.ledger.dropped()) dropped += built.ledger.dropped_count(file);
    for (const auto& o : built.onset) zones += o.has_value();
    std::fprintf(stderr,
                 "migflow build-case: %zu places and camps, %zu routes, %ld in conflict, %zu observed series; "
                 "%ld input row(s) not used (%s/ASSUMPTIONS.md); %zu files in %.2f s\n",
                 built.nodes.size(), built.routes.size(), zones, built.observed.size(), dropped, a.out.c_str(),
                 files.size(), seconds);
    std::fprintf(stderr, "  migflow check %s/scenario.yaml; migflow run %s/flee\n", a.out.c_str(), a.out.c_str());
    return 0;
}

}  // namespace

Command add_build_case_command(CLI::App& app) {
    auto* sub = app.add_subcommand("build-case", "build a scenario (and its Flee case) from ACLED events, places, camps and counts");
    auto a = std::make_shared<BuildCaseArgs>();
    sub->add_option("CASE.yaml", a->file, "the case file naming the inputs and choices (docs/DATA.md)");
    sub->add_option("-o,--output", a->out, "directory to write scenario.yaml, its CSV files, flee/ and ASSUMPTIONS.md");
    sub->add_flag("-q,--quiet", a->quiet, "print nothing when it succeeds");
    return {sub, [a] { return build_case_command(*a); }};
}

}  // namespace migflow::cli
