#pragma once
// Per-country series and flows between countries (docs/OUTPUT.md /countries), summed
// from the regions' series day by day.
#include <cstdint>
#include <vector>

#include "migflow/engine/tally.hpp"
#include "migflow/engine/world.hpp"

namespace migflow {

// One day of every country (index into World::countries).
struct CountryDay {
    std::vector<double> population;               // people
    std::vector<std::int64_t> arrivals;           // agents reaching a region of the country
    std::vector<std::int64_t> departures;         // agents leaving a region of the country
    std::vector<std::int64_t> turned_away_full;   // movers standing in the country
    std::vector<std::int64_t> blocked_by_closure;
    std::vector<std::int64_t> flow;               // per country pair: departures across the border
};

class CountryTracker {
public:
    void begin(const World& w);
    void observe(const std::vector<double>& population, const DayTally& tally);

    std::size_t countries() const { return countries_; }
    // Directed pairs (from != to) joined by at least one route, sorted.
    const std::vector<std::int32_t>& pair_from() const { return pair_from_; }
    const std::vector<std::int32_t>& pair_to() const { return pair_to_; }
    const std::vector<CountryDay>& days() const { return days_; }

private:
    std::size_t countries_ = 0;
    const World* world_ = nullptr;
    std::vector<std::int32_t> pair_from_, pair_to_;
    std::vector<std::int32_t> route_forward_pair_, route_backward_pair_;  // per route, or -1
    std::vector<CountryDay> days_;
};

}  // namespace migflow
