// MemoryRecorder: every day's series kept as plain vectors, for tests and C++ analysis.
#include <algorithm>
#include <stdexcept>

#include "migflow/output/recorder.hpp"

namespace migflow {
namespace {

std::vector<double> to_vector(const Eigen::VectorXd& v) { return {v.data(), v.data() + v.size()}; }

}  // namespace

void MemoryRecorder::begin(const Scenario& s, const World& w, const RunInfo& info) {
    // A recorder can be reused for another run: start from nothing but its setting.
    const bool keep = keep_snapshots;
    *this = MemoryRecorder{};
    keep_snapshots = keep;
    const auto days = static_cast<std::size_t>(std::max<Day>(s.days, 0));
    for (auto* v : {&agents_at, &arrivals, &departures, &spawned, &turned_away_full,
                    &blocked_by_closure, &refused_full, &flow_forward, &flow_backward})
        v->reserve(days);
    camps.begin(w, s.agents.people_per_agent, info.full);
    countries.begin(w);
    for (auto* v : {&population, &conflict, &economy, &climate}) v->reserve(days);
}

void MemoryRecorder::record(const DayRecord& day) {
    if (!day.state || !day.tally) throw std::logic_error("MemoryRecorder: day record without state");
    const DayState& s = *day.state;
    const DayTally& t = *day.tally;
    agents_at.push_back(s.agents_at);
    population.push_back(day.population);
    arrivals.push_back(t.arrivals);
    departures.push_back(t.departures);
    spawned.push_back(t.spawned);
    turned_away_full.push_back(t.turned_away_full);
    blocked_by_closure.push_back(t.blocked_by_closure);
    refused_full.push_back(t.refused_full);
    flow_forward.push_back(t.flow_forward);
    flow_backward.push_back(t.flow_backward);
    in_transit.push_back(day.in_transit);
    total_agents.push_back(day.total_agents);
    conflict.push_back(to_vector(s.drivers.conflict));
    economy.push_back(to_vector(s.drivers.economy));
    climate.push_back(to_vector(s.drivers.climate));
    camps.observe(day.day, day.population, s.inbound, t.refused_full);
    countries.observe(day.population, t);
    if (day.origins) origins = *day.origins;
    if (keep_snapshots && day.agents) snapshots.push_back({day.day, day.agents->region, day.agents->km_left});
}

namespace {

template <class T>
SeriesView view_of(const char* group, const char* name, const char* units, const char* description,
                   SeriesWidth shape, const std::vector<std::vector<T>>& v) {
    SeriesView s{group, name, units, description, shape, v.size(), v.empty() ? 0 : v.front().size(), {}};
    s.row = [&v](std::size_t t, double* out) { std::copy(v[t].begin(), v[t].end(), out); };
    return s;
}

SeriesView view_of(const char* group, const char* name, const char* units, const char* description,
                   const std::vector<std::int64_t>& v) {
    SeriesView s{group, name, units, description, SeriesWidth::one, v.size(), 1, {}};
    s.row = [&v](std::size_t t, double* out) { *out = double(v[t]); };
    return s;
}

}  // namespace

std::vector<SeriesView> MemoryRecorder::series() const {
    using W = SeriesWidth;
    return {
        view_of("series", "population", "people", "people in the region after the day's moves", W::regions, population),
        view_of("series", "agents", "agents", "agents standing in the region at the end of the day", W::regions, agents_at),
        view_of("series", "arrivals", "agents", "agents that reached the region that day", W::regions, arrivals),
        view_of("series", "departures", "agents", "agents that left the region that day", W::regions, departures),
        view_of("series", "spawned", "agents", "agents created in the region that day", W::regions, spawned),
        view_of("series", "turned_away_full", "agents",
                "movers standing in the region that stayed because their destination was full", W::regions,
                turned_away_full),
        view_of("series", "blocked_by_closure", "agents",
                "movers standing in the region whose first choice was closed by a closure", W::regions,
                blocked_by_closure),
        view_of("series", "refused_full", "agents", "movers the region turned away that day, being full",
                W::regions, refused_full),
        view_of("series", "route_flow_forward", "agents", "agents departing along the route from -> to that day",
                W::routes, flow_forward),
        view_of("series", "route_flow_backward", "agents", "agents departing along the route to -> from that day",
                W::routes, flow_backward),
        view_of("series", "in_transit", "agents", "agents travelling at the end of the day", in_transit),
        view_of("series", "total_agents", "agents", "all agents at the end of the day", total_agents),
        view_of("drivers", "conflict", "1", "conflict intensity used on that day", W::regions, conflict),
        view_of("drivers", "economy", "1", "economy level used on that day", W::regions, economy),
        view_of("drivers", "climate", "1", "climate hazard used on that day", W::regions, climate),
    };
}

std::size_t MemoryRecorder::values_per_day(std::size_t regions, std::size_t routes) {
    std::size_t n = 0;
    for (const SeriesView& v : MemoryRecorder{}.series())
        n += v.shape == SeriesWidth::regions ? regions : v.shape == SeriesWidth::routes ? routes : 1;
    return n;
}

void MemoryRecorder::finish(const RunSummary& s) {
    summary = s;
    finished = true;
}

}  // namespace migflow
