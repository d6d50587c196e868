// Invariants of every run: people are conserved, the tallies agree with the agents
// themselves, and results depend only on scenario and seed.
#include <catch2/catch.hpp>
#include <numeric>

#include "engine_fixtures.hpp"

using namespace migflow;
using namespace migflow::test;

namespace {

// Four regions, a camp with capacity, long and short routes, spawning, a closure.
Scenario busy_scenario() {
    auto s = line_scenario({region("A", 80000), region("B", 40000), region("C", 30000),
                            region("Camp", 0, RegionType::camp, 20000)},
                           {120, 450, 90}, 40);
    s.routes.push_back(Route{0, 2, 500});
    s.behaviour = Behaviour{};  // the documented defaults
    s.agents.people_per_agent = 2.0;
    s.agents.mobile_fraction = 0.5;
    s.agents.spawn_conflict = 0.01;
    set_driver(s, DriverKind::conflict, 0, 0.8);
    set_driver(s, DriverKind::climate, 1, 0.6);
    s.closures.push_back(route_closure(1, 2, 10, 20));
    return s;
}

double total_people(const Scenario& s) {
    return std::accumulate(s.regions.begin(), s.regions.end(), 0.0,
                           [](double a, const Region& r) { return a + r.population; });
}

}  // namespace

TEST_CASE("people are conserved every day", "[engine]") {
    const auto s = busy_scenario();
    const auto rec = run_scenario(s, 5);
    const double ppa = s.agents.people_per_agent;
    std::int64_t spawned_so_far = 0;
    const auto initial_agents = rec.total_agents[0] -
        std::accumulate(rec.spawned[0].begin(), rec.spawned[0].end(), std::int64_t(0));
    for (Day t = 0; t < s.days; ++t) {
        const auto standing = std::accumulate(rec.agents_at[t].begin(), rec.agents_at[t].end(),
                                              std::int64_t(0));
        spawned_so_far += std::accumulate(rec.spawned[t].begin(), rec.spawned[t].end(),
                                          std::int64_t(0));
        CHECK(standing + rec.in_transit[t] == rec.total_agents[t]);
        CHECK(rec.total_agents[t] == initial_agents + spawned_so_far);
        const double people = std::accumulate(rec.population[t].begin(),
                                              rec.population[t].end(), 0.0);
        CHECK(people + double(rec.in_transit[t]) * ppa == Approx(total_people(s)).epsilon(1e-12));
    }
    CHECK(spawned_so_far > 0);
    CHECK(std::accumulate(rec.in_transit.begin(), rec.in_transit.end(), std::int64_t(0)) > 0);
}

TEST_CASE("region counts agree with a recount of the agents", "[engine]") {
    const auto s = busy_scenario();
    MemoryRecorder rec;
    const auto sim = run_simulation(s, 9, rec);
    const auto& a = sim->agents();
    std::vector<std::int64_t> at(s.regions.size()), inbound(s.regions.size());
    for (std::size_t i = 0; i < a.size(); ++i) ++(a.km_left[i] > 0 ? inbound : at)[a.region[i]];
    CHECK(at == sim->state().agents_at);
    CHECK(inbound == sim->state().inbound);
}

TEST_CASE("same seed gives identical results, another seed different ones", "[engine]") {
    const auto s = busy_scenario();
    const auto a = run_scenario(s, 42);
    const auto b = run_scenario(s, 42);
    const auto c = run_scenario(s, 43);
    CHECK(a.agents_at == b.agents_at);
    CHECK(a.flow_forward == b.flow_forward);
    CHECK(a.spawned == b.spawned);
    CHECK(a.agents_at != c.agents_at);
}

TEST_CASE("one thread and two threads give identical results", "[engine]") {
    auto s = busy_scenario();
    s.regions[0].population = 400000;  // several agent blocks, so threads really split work
    const auto one = run_scenario(s, 42, 1);
    const auto two = run_scenario(s, 42, 2);
    CHECK(one.agents_at == two.agents_at);
    CHECK(one.arrivals == two.arrivals);
    CHECK(one.departures == two.departures);
    CHECK(one.flow_forward == two.flow_forward);
    CHECK(one.flow_backward == two.flow_backward);
    CHECK(one.in_transit == two.in_transit);
    CHECK(one.population == two.population);
}
