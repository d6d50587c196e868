// MemoryRecorder: every day's series kept as plain vectors, for tests and C++ analysis.
#include <algorithm>
#include <stdexcept>

#include "migflow/output/recorder.hpp"

namespace migflow {
namespace {

std::vector<double> to_vector(const Eigen::VectorXd& v) { return {v.data(), v.data() + v.size()}; }

}  // namespace

void MemoryRecorder::begin(const Scenario& s, const World& w, const RunInfo& info) {
    // A recorder can be reused for another run: start from nothing.
    *this = MemoryRecorder{};
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
}

void MemoryRecorder::finish(const RunSummary& s) {
    summary = s;
    finished = true;
}

}  // namespace migflow
