#pragma once
// Scenarios built in code for engine tests, independent of the YAML loader.
#include <memory>
#include <string>
#include <vector>

#include "migflow/output/recorder.hpp"
#include "migflow/scenario/scenario.hpp"
#include "migflow/engine/simulation.hpp"

namespace migflow::test {

// A region with no drivers of its own.
// The index of the region called `name`, or no_region.
inline RegionIndex index_of(const Scenario& s, const std::string& name) {
    for (std::size_t i = 0; i < s.regions.size(); ++i)
        if (s.regions[i].name == name) return static_cast<RegionIndex>(i);
    return no_region;
}

inline Region region(std::string name, double population, RegionType type = RegionType::settlement,
                     double capacity = 0.0, std::string country = "Aland") {
    Region r;
    r.name = std::move(name);
    r.population = population;
    r.type = type;
    r.capacity = capacity;
    r.country = std::move(country);
    return r;
}

// Behaviour with every hazard and preference switched off; tests switch on what they test.
inline Behaviour still_behaviour() {
    Behaviour b;
    b.lambda_base = b.lambda_conflict = b.lambda_climate = b.lambda_economy = 0.0;
    b.beta_conflict = b.beta_climate = b.beta_economy = b.beta_camp = 0.0;
    return b;
}

// Regions joined in a line by routes of the given lengths, one agent per person.
inline Scenario line_scenario(std::vector<Region> regions, std::vector<double> km, Day days) {
    Scenario s;
    s.name = "line";
    s.start_date = 19723;  // 2024-01-01
    s.days = days;
    s.regions = std::move(regions);
    for (std::size_t i = 0; i < km.size(); ++i)
        s.routes.push_back(Route{RegionIndex(i), RegionIndex(i + 1), km[i]});
    s.behaviour = still_behaviour();
    s.agents.people_per_agent = 1.0;
    s.agents.mobile_fraction = 1.0;
    s.driver(DriverKind::economy).default_value = 1.0;
    return s;
}

// Sets a constant value of one driver in one region.
inline void set_driver(Scenario& s, DriverKind k, RegionIndex r, double v) {
    auto& spec = s.driver(k);
    spec.series.resize(s.regions.size());
    spec.series[r] = TimeSeries{{0}, {v}};
}

// Closes every route between regions a and b on days start <= t < end.
inline Closure route_closure(RegionIndex a, RegionIndex b, Day start, Day end) {
    Closure c;
    c.kind = Closure::Kind::route;
    c.a = a;
    c.b = b;
    c.start = start;
    c.end = end;
    return c;
}

// Region 0 in full conflict with an overwhelming hazard: every agent there leaves on
// day 0, and its route to region 1 closes from day 1, so nobody comes back.
inline void everyone_leaves_on_day0(Scenario& s) {
    set_driver(s, DriverKind::conflict, 0, 1.0);
    s.behaviour.lambda_conflict = 50.0;
    s.closures.push_back(route_closure(0, 1, 1, never));
}

// A simulation run to its end into `rec`, for tests that inspect the agents themselves.
inline std::unique_ptr<Simulation> run_simulation(const Scenario& s, std::uint64_t seed,
                                                  MemoryRecorder& rec, int threads = 0) {
    RunOptions o;
    o.seed = seed;
    o.threads = threads;
    auto sim = std::make_unique<Simulation>(s, o);
    sim->run(rec);
    return sim;
}

inline MemoryRecorder run_scenario(const Scenario& s, std::uint64_t seed = 1, int threads = 0) {
    MemoryRecorder rec;
    run_simulation(s, seed, rec, threads);
    return rec;
}

}  // namespace migflow::test
