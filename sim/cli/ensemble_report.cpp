// Camp summaries of ensembles and comparisons: medians and p05-p95 bands on stdout.
#include "cli/ensemble_report.hpp"

#include <cstdio>
#include <string>

namespace migflow::cli {

namespace {

std::string band(const std::vector<double>& v, const char* fmt = "%.0f") {
    char buf[128], a[32], b[32], c[32];
    std::snprintf(a, sizeof a, fmt, quantile(v, 0.50));
    std::snprintf(b, sizeof b, fmt, quantile(v, 0.05));
    std::snprintf(c, sizeof c, fmt, quantile(v, 0.95));
    std::snprintf(buf, sizeof buf, "%s [%s, %s]", a, b, c);
    return buf;
}

// "day 40 [31, 52] in 7/10" over the replicates where the camp was full.
std::string first_full(const std::vector<double>& first_day) {
    std::vector<double> days;
    for (double d : first_day)
        if (d >= 0) days.push_back(d);
    if (days.empty()) return "never";
    return "day " + band(days) + " in " + std::to_string(days.size()) + "/" + std::to_string(first_day.size());
}

}  // namespace

void print_camp_bands(const Scenario& s, const std::vector<CampReplicates>& camps) {
    if (camps.empty()) return;
    std::printf("camps, median [p05, p95] over replicates:\n");
    std::printf("  %-22s %-30s %-30s %s\n", "camp", "peak population", "arrivals (people)", "full from");
    for (const CampReplicates& c : camps)
        std::printf("  %-22s %-30s %-30s %s\n", s.regions[c.region].name.c_str(), band(c.peak_population).c_str(),
                    band(c.arrivals_people).c_str(), first_full(c.first_day_full).c_str());
}

void print_camp_differences(const Scenario& s, const std::vector<CampReplicates>& baseline,
                            const std::vector<CampReplicates>& scenario) {
    if (scenario.empty()) return;
    std::printf("camps, scenario - baseline paired by seed, median [p05, p95]:\n");
    std::printf("  %-22s %-30s %-30s %s\n", "camp", "peak population", "arrivals (people)",
                "full from (baseline -> scenario)");
    for (std::size_t c = 0; c < scenario.size() && c < baseline.size(); ++c) {
        const auto& a = baseline[c];
        const auto& b = scenario[c];
        std::vector<double> peak, arrivals;
        for (std::size_t k = 0; k < a.peak_population.size(); ++k) {
            peak.push_back(b.peak_population[k] - a.peak_population[k]);
            arrivals.push_back(b.arrivals_people[k] - a.arrivals_people[k]);
        }
        std::printf("  %-22s %-30s %-30s %s -> %s\n", s.regions[b.region].name.c_str(), band(peak, "%+.0f").c_str(),
                    band(arrivals, "%+.0f").c_str(), first_full(a.first_day_full).c_str(),
                    first_full(b.first_day_full).c_str());
    }
}

}  // namespace migflow::cli
