// A day's counts (departures, arrivals, flows, spawns), summed across threads.
#include "migflow/engine/tally.hpp"

#include <algorithm>

namespace migflow {

namespace {
template <class F>
void each_column(DayTally& t, F&& f) {
    f(t.spawned), f(t.departures), f(t.arrivals), f(t.road_enter), f(t.road_leave);
}
}  // namespace

void DayTally::resize(std::size_t regions, std::size_t routes) {
    each_column(*this, [&](auto& v) { v.assign(regions, 0); });
    flow_forward.assign(routes, 0);
    flow_backward.assign(routes, 0);
}

void DayTally::clear() {
    each_column(*this, [](auto& v) { std::fill(v.begin(), v.end(), 0); });
    std::fill(flow_forward.begin(), flow_forward.end(), 0);
    std::fill(flow_backward.begin(), flow_backward.end(), 0);
}

void DayTally::add(const DayTally& o) {
    const auto plus = [](auto& a, const auto& b) {
        for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
    };
    plus(spawned, o.spawned);
    plus(departures, o.departures);
    plus(arrivals, o.arrivals);
    plus(road_enter, o.road_enter);
    plus(road_leave, o.road_leave);
    plus(flow_forward, o.flow_forward);
    plus(flow_backward, o.flow_backward);
}

}  // namespace migflow
