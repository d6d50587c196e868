// Input that loads but is probably not what was meant (docs/SCENARIO.md "Warnings"):
// a camp that starts above its capacity or has none, two routes joining the same two
// regions, a driver whose every point lies outside the run. Warnings, not errors: each
// has a reading that is right, but none should pass unsaid.
#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include "migflow/core/date.hpp"
#include "scenario/loader_internal.hpp"

namespace migflow::detail {

std::string some_names(const std::vector<std::string>& names) {
    constexpr std::size_t named_at_most = 5;  // a 100,000-region file must not print 100,000 lines
    std::string out;
    for (std::size_t i = 0; i < std::min(names.size(), named_at_most); ++i) out += (i ? ", " : "") + names[i];
    if (names.size() > named_at_most) out += " and " + std::to_string(names.size() - named_at_most) + " more";
    return out;
}

namespace {

// The YAML item of list `list` at `i`, or the list's own node (a CSV file name).
YAML::Node item_or_list(const YAML::Node& list, std::size_t i) {
    return list.IsSequence() && i < list.size() ? list[i] : list;
}

void check_camps(LoadContext& ctx, const YAML::Node& regions, const Scenario& s) {
    std::vector<std::string> unlimited;
    for (std::size_t i = 0; i < s.regions.size(); ++i) {
        const Region& r = s.regions[i];
        if (r.type != RegionType::camp) continue;
        if (r.capacity <= 0) unlimited.push_back(r.name);
        else if (r.population > r.capacity)
            ctx.warning(item_or_list(regions, i), regions.IsSequence() ? index_path("regions", i) : "regions",
                        "camp `" + r.name + "` starts with " + short_number(r.population) + " people, above its capacity " +
                            short_number(r.capacity) + ": it is full from day 0 and admits no one until it is below capacity");
    }
    if (!unlimited.empty())
        ctx.warning(regions, "regions",
                    std::to_string(unlimited.size()) + " camp(s) without a capacity (" + some_names(unlimited) +
                        "): unlimited, they never fill; give `capacity:` if they have one");
}

void check_routes(LoadContext& ctx, const YAML::Node& routes, const Scenario& s) {
    std::unordered_map<std::uint64_t, std::size_t> first;  // unordered pair of ends -> first route
    first.reserve(s.routes.size());
    std::vector<std::string> pairs;
    std::size_t first_repeat = 0;
    for (std::size_t e = 0; e < s.routes.size(); ++e) {
        const auto [lo, hi] = std::minmax(s.routes[e].from, s.routes[e].to);
        const std::uint64_t k = (std::uint64_t(std::uint32_t(lo)) << 32) | std::uint32_t(hi);
        const auto [it, fresh] = first.emplace(k, e);
        if (fresh) continue;
        if (pairs.empty()) first_repeat = e;
        pairs.push_back(s.regions[std::size_t(lo)].name + "–" + s.regions[std::size_t(hi)].name + " (routes " +
                        std::to_string(it->second) + " and " + std::to_string(e) + ")");
    }
    if (!pairs.empty())
        ctx.warning(item_or_list(routes, first_repeat),
                    routes.IsSequence() ? index_path("routes", first_repeat) : std::string("routes"),
                    std::to_string(pairs.size()) + " pair(s) of regions joined by more than one route: " +
                        some_names(pairs) + "; every one is used, as a separate road");
}

void check_driver_dates(LoadContext& ctx, const YAML::Node& drivers, const Scenario& s) {
    static const char* const names[driver_count] = {"conflict", "economy", "climate"};
    for (int k = 0; k < driver_count; ++k) {
        const DriverSpec& spec = s.drivers[k];
        std::vector<std::string> flat;
        for (std::size_t r = 0; r < spec.series.size(); ++r) {
            const TimeSeries& ts = spec.series[r];
            if (ts.day.empty()) continue;
            if (ts.day.back() < 0 || ts.day.front() >= s.days) flat.push_back(s.regions[r].name);
        }
        if (flat.empty()) continue;
        const YAML::Node at = drivers.IsMap() && drivers[names[k]].IsDefined() ? drivers[names[k]] : drivers;
        ctx.warning(at, join_path("drivers", names[k]),
                    "every point of " + std::to_string(flat.size()) + " region(s) (" + some_names(flat) +
                        ") lies outside the run (" + format_date(ctx.start_date) + " to " +
                        format_date(ctx.start_date + s.days - 1) +
                        "): each holds one value for the whole run; a date in the wrong year?");
    }
}

}  // namespace

void check_plausibility(LoadContext& ctx, const YAML::Node& root, const Scenario& s) {
    if (const YAML::Node n = root["regions"]; n.IsDefined()) check_camps(ctx, n, s);
    if (const YAML::Node n = root["routes"]; n.IsDefined()) check_routes(ctx, n, s);
    if (const YAML::Node n = root["drivers"]; n.IsDefined()) check_driver_dates(ctx, n, s);
}

}  // namespace migflow::detail
