// The flee ruleset driven directly (no recorder): tables, tallies, determinism.
#include <catch2/catch.hpp>

#include <filesystem>
#include <tbb/global_control.h>

#include "../sim/flee_rules_detail.hpp"
#include "migflow/flee_import.hpp"
#include "migflow/rules.hpp"
#include "migflow/simulation.hpp"

using namespace migflow;

namespace {

// Runs the ruleset day by day like the engine does, checking after every day that
// the tallies account for where the agents really are.
struct Driver {
    const Scenario& s;
    World w;
    DayState st;
    AgentStore agents;
    std::unique_ptr<Ruleset> rules;
    DayTally tally;
    std::vector<double> residents;
    std::vector<DayTally> days;

    Driver(const Scenario& sc, std::uint64_t seed) : s(sc), w(build_world(sc)) {
        RunOptions o;
        o.seed = seed;
        rules = make_flee_ruleset(s, w, o);
        st.agents_at.assign(w.region_count(), 0);
        st.inbound.assign(w.region_count(), 0);
        tally.resize(w.region_count(), w.route_count());
        evaluate_drivers(s, 0, st.drivers);
        compute_openness(s, w, 0, st.open);
        rules->populate(st, agents, tally, residents);
        st.agents_at = tally.spawned;
    }

    void step(Day t) {
        st.day = t;
        evaluate_drivers(s, t, st.drivers);
        compute_openness(s, w, t, st.open);
        tally.clear();
        rules->spawn(st, agents, tally, residents);
        for (std::size_t r = 0; r < st.agents_at.size(); ++r) st.agents_at[r] += tally.spawned[r];
        rules->move(st, agents, tally);
        for (std::size_t r = 0; r < st.agents_at.size(); ++r) {
            st.agents_at[r] += tally.arrivals[r] - tally.departures[r];
            st.inbound[r] += tally.road_enter[r] - tally.road_leave[r];
        }
        days.push_back(tally);
    }

    // True when agents_at/inbound equal a recount of the agent columns.
    bool consistent() const {
        std::vector<std::int64_t> at(w.region_count(), 0), in(w.region_count(), 0);
        for (std::size_t i = 0; i < agents.size(); ++i)
            (agents.km_left[i] > 0.0f ? in : at)[agents.region[i]]++;
        for (std::size_t r = 0; r < at.size(); ++r)
            if (at[r] != st.agents_at[r] || in[r] != st.inbound[r])
                UNSCOPED_INFO(s.regions[r].name << ": at " << at[r] << " vs " << st.agents_at[r] << ", inbound " << in[r] << " vs " << st.inbound[r]);
        return at == st.agents_at && in == st.inbound;
    }
};

std::string case_dir(const char* name) { return std::string(MIGFLOW_FLEE_CASES) + "/" + name; }

}  // namespace

TEST_CASE("flee ruleset: tallies match the agents on the Burundi case", "[flee]") {
    if (!std::filesystem::exists(case_dir("burundi"))) {
        WARN("Flee cases not found at " MIGFLOW_FLEE_CASES "; skipped");
        return;
    }
    const Scenario s = import_flee_case(case_dir("burundi"));
    Driver d(s, 3);
    for (Day t = 0; t < s.days; ++t) {
        d.step(t);
        INFO("day " << t);
        REQUIRE(d.consistent());
    }
}
