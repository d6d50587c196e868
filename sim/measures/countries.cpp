// Per-country totals (sums of their regions) and departures across borders, per day.
#include "migflow/measures/countries.hpp"

#include <algorithm>
#include <utility>

namespace migflow {

void CountryTracker::begin(const World& w) {
    world_ = &w;
    countries_ = w.countries.size();
    days_.clear();
    std::vector<std::pair<std::int32_t, std::int32_t>> pairs;
    for (const Route& e : w.routes) {
        const auto a = w.country_of[e.from], b = w.country_of[e.to];
        if (a == b) continue;
        pairs.emplace_back(a, b);
        pairs.emplace_back(b, a);
    }
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    pair_from_.clear(), pair_to_.clear();
    for (const auto& [a, b] : pairs) pair_from_.push_back(a), pair_to_.push_back(b);
    const auto index = [&](std::int32_t a, std::int32_t b) {
        if (a == b) return std::int32_t(-1);
        const auto it = std::lower_bound(pairs.begin(), pairs.end(), std::make_pair(a, b));
        return static_cast<std::int32_t>(it - pairs.begin());
    };
    route_forward_pair_.resize(w.route_count());
    route_backward_pair_.resize(w.route_count());
    for (std::size_t e = 0; e < w.route_count(); ++e) {
        const auto a = w.country_of[w.routes[e].from], b = w.country_of[w.routes[e].to];
        route_forward_pair_[e] = index(a, b);
        route_backward_pair_[e] = index(b, a);
    }
}

void CountryTracker::observe(const std::vector<double>& population, const DayTally& tally) {
    const World& w = *world_;
    CountryDay d;
    d.population.assign(countries_, 0.0);
    for (auto* v : {&d.arrivals, &d.departures, &d.turned_away_full, &d.blocked_by_closure})
        v->assign(countries_, 0);
    for (std::size_t r = 0; r < w.region_count(); ++r) {
        const auto c = w.country_of[r];
        d.population[c] += population[r];
        d.arrivals[c] += tally.arrivals[r];
        d.departures[c] += tally.departures[r];
        d.turned_away_full[c] += tally.turned_away_full[r];
        d.blocked_by_closure[c] += tally.blocked_by_closure[r];
    }
    d.flow.assign(pair_from_.size(), 0);
    for (std::size_t e = 0; e < w.route_count(); ++e) {
        if (const auto p = route_forward_pair_[e]; p >= 0) d.flow[p] += tally.flow_forward[e];
        if (const auto p = route_backward_pair_[e]; p >= 0) d.flow[p] += tally.flow_backward[e];
    }
    days_.push_back(std::move(d));
}

}  // namespace migflow
