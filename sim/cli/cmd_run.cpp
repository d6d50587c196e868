// `migflow run`: load a scenario (YAML or a Flee directory), run it, write HDF5.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <optional>

#include "cli/args.hpp"
#include "migflow/scenario/loader.hpp"
#include "migflow/engine/simulation.hpp"
#include "cli/scenario_source.hpp"

namespace migflow::cli {

namespace {

struct RunArgs {
    std::string input;
    std::string output;
    std::optional<std::uint64_t> seed;
    int threads = 0;
    Overrides overrides;
    int progress = -1;  // -1: only when stderr is a terminal
};

constexpr const char* run_usage =
    "usage: migflow run SCENARIO.yaml|FLEE_DIR [-o OUT.h5] [--seed N] [--threads N]\n"
    "                   [--set key=value]... [--progress|--quiet]";

RunArgs parse_run_args(const Args& args) {
    RunArgs r;
    ArgReader in(args, run_usage);
    while (in.more()) {
        const auto a = in.next();
        if (a == "-o" || a == "--output") r.output = in.value(a);
        else if (a == "--seed") r.seed = in.unsigned_value(a);
        else if (a == "--threads") r.threads = in.threads_value(a);
        else if (a == "--set") r.overrides.push_back(split_assignment(in.value(a), run_usage));
        else if (a == "--progress") r.progress = 1;
        else if (a == "--quiet") r.progress = 0;
        else if (a == "-h" || a == "--help") throw HelpRequested(run_usage);
        else if (a.starts_with("-")) throw UsageError("unknown option '" + a + "'", run_usage);
        else if (r.input.empty()) r.input = a;
        else throw UsageError("more than one scenario given ('" + a + "')", run_usage);
    }
    if (r.input.empty()) throw UsageError("no scenario given", run_usage);
    return r;
}

std::string output_path(const RunArgs& ra, const Scenario& s) {
    if (!ra.output.empty()) return ra.output;
    if (!s.output.path.empty()) return s.output.path;
    return s.name + ".h5";
}

void print_progress(const Progress& p) {
    std::fprintf(stderr, "\rday %d/%d  agents %lld  %.3g agent-steps/s   ", p.day + 1, p.days,
                 static_cast<long long>(p.agents), p.agent_steps_per_second);
    if (p.day + 1 == p.days) std::fputc('\n', stderr);
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

}  // namespace

int cmd_run(const Args& args) {
    const auto ra = parse_run_args(args);
    Scenario s = load_scenario_source(ra.input, ra.overrides);
    RunOptions opt;
    opt.seed = ra.seed.value_or(s.seed);
    opt.threads = ra.threads;
    s.seed = opt.seed;
    const auto out = output_path(ra, s);

    Simulation sim(s, opt);
    auto recorder = make_hdf5_recorder(out);
    const bool show = ra.progress == 1 || (ra.progress == -1 && isatty(STDERR_FILENO));
    const auto sum = show ? sim.run(*recorder, print_progress) : sim.run(*recorder);
    print_summary(sim, s, sum, out);
    return 0;
}

}  // namespace migflow::cli
