// `migflow check SCENARIO [--set key=value]...`: validate only. Every problem goes to
// stderr, one per line (exit 1); a valid scenario gets a one-paragraph summary (exit 0).
#include <cmath>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "migflow/engine/resource_estimate.hpp"
#include "migflow/scenario/loader.hpp"
#include "migflow/scenario/source.hpp"

namespace migflow::cli {

namespace {

std::string count(std::size_t n, const std::string& word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string summary(const Scenario& s) {
    std::size_t by_type[3] = {0, 0, 0};
    double mobile_people = 0;
    for (const Region& r : s.regions) {
        ++by_type[static_cast<int>(r.type)];
        mobile_people += r.population * s.agents.mobile_fraction;
    }
    const double ppa = s.ruleset == "native" ? s.agents.people_per_agent : 1.0;
    std::ostringstream out;
    out << s.name << ": " << format_date(s.start_date) << " to " << format_date(s.start_date + s.days - 1)
        << " (" << s.days << " days), seed " << s.seed << ", ruleset " << s.ruleset << "; "
        << count(s.regions.size(), "region") << " (" << by_type[0] << " settlement, " << by_type[1] << " camp, "
        << by_type[2] << " transit), " << count(s.routes.size(), "route") << ", "
        << count(s.closures.size(), "closure") << ", " << count(s.shocks.size(), "shock");
    if (!s.groups.empty()) out << ", " << count(s.groups.size(), "group");
    if (!s.observed.region.empty()) out << ", observed counts for " << count(s.observed.region.size(), "region");
    // The flee ruleset starts from no agents: Flee's spawn rules create them day by day
    // from conflicts and populations, so a count from the populations would be wrong.
    if (s.ruleset == "flee")
        out << "; agents created day by day by Flee's spawn rules (the estimate below counts them).";
    else
        out << "; people_per_agent " << s.agents.people_per_agent << ", about "
            << static_cast<long long>(std::llround(mobile_people / ppa)) << " initial agents.";
    return out.str();
}

struct CheckArgs {
    std::string path;
    Overrides overrides;
    std::string set_file;
};

int check(const CheckArgs& a) {
    const std::string& path = a.path;
    if (path.empty()) throw UsageError("which scenario?");
    try {
        const Scenario s = load_scenario_source(path, with_set_file(a.set_file, a.overrides));
        for (const auto& n : s.notes) std::cerr << n << "\n";
        std::cout << summary(s) << "\n";
        // What `run` will spend, and whether it fits here: run refuses what does not
        // (--ignore-memory-estimate), check only warns, as the scenario itself is valid.
        const RunEstimate e = estimate_run(s);
        std::cout << estimate_text(e) << "\n";
        try {
            check_memory_fits(e.memory_bytes, "this run", machine_memory());
        } catch (const std::runtime_error& too_big) {
            std::cerr << "migflow check: warning: " << too_big.what() << "\n";
        }
        return 0;
    } catch (const InputError& e) {
        for (const Problem& p : e.problems()) std::cerr << p.str() << "\n";
        std::cerr << "migflow check: " << e.problems().size() << " problem(s) in " << path << "\n";
        return 1;
    }
}

}  // namespace

Command add_check_command(CLI::App& app) {
    auto* sub = app.add_subcommand("check", "validate a scenario only: list every problem, or summarise it");
    auto a = std::make_shared<CheckArgs>();
    sub->add_option("SCENARIO", a->path, "scenario YAML file or Flee input directory")->type_name("");
    add_set_option(*sub, a->overrides);
    add_set_file_option(*sub, a->set_file);
    return {sub, [a] { return check(*a); }};
}

}  // namespace migflow::cli
