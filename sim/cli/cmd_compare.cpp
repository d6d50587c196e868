// `migflow compare BASELINE SCENARIO --replicates N`: both scenarios run with the same
// seeds (common random numbers); the file holds each side's bands and the bands of
// the per-seed difference, tighter than subtracting independent runs (docs/ENSEMBLES.md).
#include <unistd.h>

#include <cstdio>
#include <optional>

#include "cli/commands.hpp"
#include "cli/ensemble_report.hpp"
#include "migflow/scenario/source.hpp"
#include "cli/stop_signals.hpp"
#include "migflow/engine/simulation.hpp"
#include "migflow/output/ensemble_file.hpp"

namespace migflow::cli {

namespace {

struct CompareArgs {
    std::string baseline, scenario, output;
    std::optional<std::uint64_t> seed;
    std::size_t replicates = 0;
    int threads = 0;
    Overrides overrides;
    std::string set_file;
    bool show_progress = false;
    bool quiet = false;
    bool ignore_memory = false;
};

// Differences per region and route only mean something on the same network and days.
void require_same_network(const Scenario& a, const Scenario& b) {
    auto fail = [&](const std::string& what) {
        throw std::runtime_error("compare: " + a.name + " and " + b.name + " differ in " + what +
                                 "; a comparison needs the same regions, routes and days");
    };
    if (a.days != b.days || a.start_date != b.start_date) fail("start date or days");
    if (a.regions.size() != b.regions.size()) fail("the number of regions");
    for (std::size_t r = 0; r < a.regions.size(); ++r)
        if (a.regions[r].name != b.regions[r].name) fail("region " + std::to_string(r) + " (" + a.regions[r].name + ")");
    if (a.routes.size() != b.routes.size()) fail("the number of routes");
    for (std::size_t e = 0; e < a.routes.size(); ++e)
        if (a.routes[e].from != b.routes[e].from || a.routes[e].to != b.routes[e].to) fail("route " + std::to_string(e));
}

void print_progress(std::size_t done, std::size_t total) {
    std::fprintf(stderr, "\rreplicate %zu/%zu   ", done, total);
    if (done == total) std::fputc('\n', stderr);
}

int compare(const CompareArgs& ca) {
    if (ca.scenario.empty()) throw UsageError("compare needs a baseline and a scenario");
    if (ca.replicates == 0) throw UsageError("compare needs --replicates N");
    if (ca.output.empty()) throw UsageError("compare needs -o OUT.h5");
    if (ca.show_progress && ca.quiet) throw UsageError("--progress and --quiet exclude each other");
    const Overrides overrides = with_set_file(ca.set_file, ca.overrides);
    Scenario base = load_scenario_source(ca.baseline, overrides);
    Scenario scen = load_scenario_source(ca.scenario, overrides);
    if (!ca.set_file.empty())  // never an output
        for (Scenario* s : {&base, &scen}) s->input_files.push_back(ca.set_file);
    require_same_network(base, scen);
    const std::uint64_t seed = ca.seed.value_or(base.seed);
    base.seed = scen.seed = seed;
    if (!ca.ignore_memory) check_ensemble_fits(base, ca.replicates, 2, ca.threads);
    const bool show = ca.show_progress || (!ca.quiet && isatty(STDERR_FILENO));
    const auto seeds = replicate_seeds(seed, ca.replicates);
    const std::atomic<int>& stop = install_stop_signals();
    Replicates a, b;
    try {
        if (show) std::fprintf(stderr, "baseline %s\n", base.name.c_str());
        a = run_replicates(base, seeds, ca.threads, show ? print_progress : nullptr, &stop);
        if (show) std::fprintf(stderr, "scenario %s\n", scen.name.c_str());
        b = run_replicates(scen, seeds, ca.threads, show ? print_progress : nullptr, &stop);
    } catch (const RunStopped& e) {
        std::fprintf(stderr, "%smigflow: comparison stopped by %s; %s not written\n", show ? "\n" : "",
                     signal_name(e.reason()).c_str(), ca.output.c_str());
        return stopped_exit_code(e.reason());
    }

    EnsembleFileSpec spec;
    spec.scenario = &scen;
    spec.baseline = &base;
    spec.seeds_group = "/comparison";
    spec.seeds = seeds;
    spec.threads = b.threads;
    spec.wall_seconds = a.wall_seconds + b.wall_seconds;
    spec.agent_steps = a.agent_steps + b.agent_steps;
    const auto camps_a = camp_outcomes(base, a.runs);
    const auto camps_b = camp_outcomes(scen, b.runs);
    spec.sections.push_back({"/comparison/difference", difference_bands(a.runs, b.runs),
                             camp_differences(camps_a, camps_b)});
    spec.sections.push_back({"/comparison/baseline", ensemble_bands(a.runs), camps_a, replicate_ards(base, a.runs)});
    spec.sections.push_back({"/comparison/scenario", ensemble_bands(b.runs), camps_b, replicate_ards(scen, b.runs)});
    write_ensemble_file(ca.output, build_world(scen), spec);

    std::printf("baseline %s vs scenario %s: %d days from %s, %zu replicates paired by seed (%llu .. %llu)\n",
                base.name.c_str(), scen.name.c_str(), scen.days, format_date(scen.start_date).c_str(),
                seeds.size(), static_cast<unsigned long long>(seeds.front()),
                static_cast<unsigned long long>(seeds.back()));
    print_camp_differences(scen, camps_a, camps_b);
    std::printf("time: %.2f s wall on %d thread(s)\n", spec.wall_seconds, spec.threads);
    std::printf("output: %s\n", ca.output.c_str());
    return 0;
}

}  // namespace

Command add_compare_command(CLI::App& app) {
    auto* sub = app.add_subcommand(
        "compare", "run two scenarios with the same seeds; bands of each and of their per-seed difference");
    auto a = std::make_shared<CompareArgs>();
    sub->add_option("BASELINE", a->baseline, "baseline scenario (YAML file or Flee input directory)")->type_name("");
    sub->add_option("SCENARIO", a->scenario, "scenario compared with it: same regions, routes and days")
        ->type_name("");
    sub->add_option("-o,--output", a->output, "comparison file (docs/ENSEMBLES.md)")->type_name("OUT.h5");
    add_replicates_option(*sub, a->replicates);
    add_seed_option(*sub, a->seed)->description("first seed (default: the baseline's `seed:`); replicate k uses SEED+k");
    add_threads_option(*sub, a->threads);
    add_ignore_memory_option(*sub, a->ignore_memory);
    add_set_option(*sub, a->overrides)->description("override one key of both scenarios; repeatable");
    add_set_file_option(*sub, a->set_file)->description("YAML fragment of overrides for both scenarios, e.g. a "
                                                          "calibration's best.yaml; a --set wins over it");
    sub->add_flag("--progress", a->show_progress, "show progress on stderr (default: only when it is a terminal)");
    sub->add_flag("--quiet", a->quiet, "no progress on stderr");
    return {sub, [a] { return compare(*a); }};
}

}  // namespace migflow::cli
