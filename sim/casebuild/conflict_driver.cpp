// Events -> places -> a conflict intensity per place and day, and Flee-style onsets
// (docs/DATA.md "Conflict intensity").
#include <algorithm>
#include <cmath>
#include <map>

#include "casebuild/nearest.hpp"
#include "casebuild/table.hpp"
#include "migflow/casebuild/build_case.hpp"
#include "migflow/core/errors.hpp"

namespace migflow::casebuild {

double great_circle_km(double lat1, double lon1, double lat2, double lon2) {
    constexpr double earth_km = 6371.0088, rad = 3.14159265358979323846 / 180.0;
    const double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                     std::cos(lat1 * rad) * std::cos(lat2 * rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * earth_km * std::asin(std::min(1.0, std::sqrt(a)));
}

namespace {

// The windowed sum of the measure for every day 0..days-1: a day's events count on
// that day and the window-1 days after it.
std::vector<double> windowed(const std::vector<std::pair<int, double>>& measure_on_day, int days, int window) {
    std::vector<double> change(static_cast<std::size_t>(days) + 1, 0.0);
    for (const auto& [day, m] : measure_on_day) {
        const int from = std::max(day, 0), to = std::min(day + window, days);  // [from, to)
        if (from >= to) continue;
        change[static_cast<std::size_t>(from)] += m;
        change[static_cast<std::size_t>(to)] -= m;
    }
    std::vector<double> sum(static_cast<std::size_t>(days));
    double running = 0.0;
    for (int t = 0; t < days; ++t) sum[static_cast<std::size_t>(t)] = running += change[static_cast<std::size_t>(t)];
    return sum;
}

}  // namespace

std::vector<double> intensity_series(const std::vector<std::pair<int, double>>& measure_on_day, int days,
                                     int window_days, double saturation) {
    std::vector<double> v = windowed(measure_on_day, days, window_days);
    // Rounded to 1e-6 so that the running sum's float residue never reads as conflict.
    for (double& x : v) x = std::min(1.0, std::round(x / saturation * 1e6) / 1e6);
    return v;
}

std::optional<int> onset_day(const std::vector<std::pair<int, double>>& measure_on_day, int days, int window_days,
                             double onset_min) {
    const std::vector<double> v = windowed(measure_on_day, days, window_days);
    for (int t = 0; t < days; ++t)
        if (v[static_cast<std::size_t>(t)] >= onset_min - 1e-9) return t;
    return std::nullopt;
}

// Which node each event belongs to (-1: none), recording the rest in the ledger.
std::vector<int> assign_events(const std::vector<Event>& events, const std::vector<Node>& nodes, const EventsSpec& spec,
                               Ledger& ledger) {
    std::vector<int> out(events.size(), -1);
    std::map<std::string, std::vector<int>> by_admin;  // lower-case admin name -> places
    std::vector<std::string> admin_names;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (nodes[i].camp) continue;  // camps hold no conflict of their own
        const std::string& a = spec.assign == EventAssign::admin2 ? nodes[i].admin2 : nodes[i].admin1;
        if (a.empty()) continue;
        auto& list = by_admin[detail::lower(a)];
        if (list.empty()) admin_names.push_back(a);
        list.push_back(static_cast<int>(i));
    }
    for (auto& [unit, list] : by_admin)
        std::stable_sort(list.begin(), list.end(), [&](int a, int b) { return nodes[a].population > nodes[b].population; });
    detail::NearestPoint places;
    for (std::size_t i = 0; i < nodes.size(); ++i)
        if (!nodes[i].camp) places.add(nodes[i].lat, nodes[i].lon, static_cast<int>(i));
    places.build();
    for (std::size_t e = 0; e < events.size(); ++e) {
        const Event& ev = events[e];
        if (spec.assign == EventAssign::nearest) {
            const auto [best, best_km] = places.find(ev.lat, ev.lon);
            if (best < 0 || best_km > spec.max_km) {
                ledger.drop(spec.file, "farther than `events.max_km` from every place", ev.line,
                            best < 0 ? "" : std::to_string(static_cast<int>(best_km)) + " km from " + nodes[best].name);
                continue;
            }
            out[e] = best;
            continue;
        }
        std::string admin = spec.assign == EventAssign::admin2 ? ev.admin2 : ev.admin1;
        if (const auto alias = spec.admin_aliases.find(admin); alias != spec.admin_aliases.end()) admin = alias->second;
        const auto it = by_admin.find(detail::lower(admin));
        const std::string column = spec.assign == EventAssign::admin2 ? "admin2" : "admin1";
        if (it == by_admin.end()) {
            ledger.drop(spec.file, column + " names no place's " + column, ev.line, "`" + admin + "`");
            const std::string hint = did_you_mean(admin, admin_names);
            if (!hint.empty()) ledger.near_miss(spec.file, admin, hint);
            continue;
        }
        out[e] = it->second.front();  // the unit's place (one per unit at admin level N)
    }
    return out;
}

}  // namespace migflow::casebuild
