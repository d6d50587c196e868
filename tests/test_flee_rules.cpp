// The flee ruleset driven directly (no recorder): tables, tallies, determinism.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <map>
#include <tbb/global_control.h>

#include "../sim/rules/flee/tables.hpp"
#include "migflow/formats/flee/import.hpp"
#include "migflow/engine/rng.hpp"
#include "migflow/engine/ruleset.hpp"
#include "migflow/engine/simulation.hpp"

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
        rules->prepare_day(st);
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
    REQUIRE(std::filesystem::exists(case_dir("burundi")));
    const Scenario s = import_flee_case(case_dir("burundi"));
    Driver d(s, 3);
    for (Day t = 0; t < s.days; ++t) {
        d.step(t);
        INFO("day " << t);
        REQUIRE(d.consistent());
    }
}

namespace {

// A (conflict zone) -60- B -60- C -km_cd- D (camp), all transit in between: an agent
// spawned at A on day 1 walks the chain. conflict_weight 0 makes A unattractive and a
// huge camp_weight makes D the certain choice at C, so the path is deterministic.
Scenario chain(double km_cd, Day days = 4) {
    Scenario s;
    s.name = "chain";
    s.days = days;
    s.ruleset = "flee";
    FleeSettings f;
    f.move.max_move_speed = 200;
    f.move.conflict_weight = 0.0;
    f.move.camp_weight = 1e12;
    s.flee = f;
    auto region = [&](const char* n, RegionType t, const char* country) {
        Region r;
        r.name = n;
        r.type = t;
        r.country = country;
        r.population = 1000;
        s.regions.push_back(r);
    };
    region("A", RegionType::settlement, "X");
    region("B", RegionType::transit, "X");
    region("C", RegionType::transit, "X");
    region("D", RegionType::camp, "Y");
    s.regions[3].population = 0;
    s.routes = {{0, 1, 60}, {1, 2, 60}, {2, 3, km_cd}};
    DriverSpec& c = s.driver(DriverKind::conflict);
    c.series.assign(4, TimeSeries{});
    c.series[0] = TimeSeries{{0}, {1.0}};
    s.observed.region = {3};
    s.observed.count = {std::vector<double>(static_cast<std::size_t>(days), 1.0)};
    s.observed.count[0][0] = 0.0;  // one new agent on day 1
    return s;
}


// The region-level state of day t as the engine builds it, with nobody placed yet.
DayState day_state(const Scenario& s, const World& w, Day t) {
    DayState ds;
    ds.day = t;
    evaluate_drivers(s, t, ds.drivers);
    compute_openness(s, w, t, ds.open);
    ds.agents_at.assign(s.regions.size(), 0);
    ds.inbound.assign(s.regions.size(), 0);
    return ds;
}

}  // namespace

TEST_CASE("flee ruleset: per-hop travel credit, strict arrival", "[flee][rules]") {
    SECTION("each link gets a full day's credit: 60 + 60 + 150 km in one day") {
        const Scenario s = chain(150);
        Driver d(s, 1);
        d.step(0);
        d.step(1);
        REQUIRE(d.agents.size() == 1);
        CHECK(d.agents.region[0] == 3);
        CHECK(d.agents.km_left[0] == 0.0f);
        CHECK(d.days[1].arrivals[3] == 1);
        CHECK(d.days[1].departures[0] == 1);
        CHECK(d.days[1].departures[2] == 1);
        REQUIRE(d.consistent());
    }
    SECTION("a link exactly max_move_speed long is not finished the same day") {
        const Scenario s = chain(200);
        Driver d(s, 1);
        d.step(0);
        d.step(1);
        CHECK(d.agents.region[0] == 3);
        CHECK(d.agents.km_left[0] > 0.0f);
        CHECK(d.days[1].road_enter[3] == 1);
        d.step(2);
        CHECK(d.agents.km_left[0] == 0.0f);
        CHECK(d.days[2].road_leave[3] == 1);
        CHECK(d.days[2].arrivals[3] == 1);
        REQUIRE(d.consistent());
    }
}

TEST_CASE("flee ruleset: closures of each type stop or turn back agents", "[flee][rules]") {
    auto blocked = [](Closure c) {
        Scenario s = chain(150);
        s.closures = {c};
        Driver d(s, 1);
        d.step(0);
        d.step(1);
        REQUIRE(d.consistent());
        return d.agents.region[0] == 0 && d.days[1].departures[0] == 0;
    };
    Closure route;
    route.kind = Closure::Kind::route, route.a = 0, route.b = 1;
    CHECK(blocked(route));
    Closure region;
    region.kind = Closure::Kind::region, region.a = 1;
    CHECK(blocked(region));
    Closure border;  // A, B, C are in X, D in Y: the agent reaches C and waits there
    border.kind = Closure::Kind::border, border.country_a = "Y", border.country_b = "X";
    {
        Scenario s = chain(150);
        s.closures = {border};
        Driver d(s, 1);
        d.step(0);
        d.step(1);
        CHECK(d.agents.region[0] == 2);
        CHECK(d.days[1].arrivals[3] == 0);
        CHECK(d.consistent());
    }
    SECTION("a link that closes under a traveller sends it back") {
        Scenario s = chain(150);
        s.routes[0].km = 300;  // A-B takes two days
        Closure c;
        c.kind = Closure::Kind::route, c.a = 0, c.b = 1, c.start = 2;
        s.closures = {c};
        Driver d(s, 1);
        d.step(0);
        d.step(1);
        CHECK(d.agents.km_left[0] > 0.0f);
        d.step(2);
        CHECK(d.agents.region[0] == 0);
        CHECK(d.agents.km_left[0] == 0.0f);
        CHECK(d.days[2].arrivals[0] == 1);
        CHECK(d.days[2].road_leave[1] == 1);
        CHECK(d.consistent());
    }
    SECTION("a closed camp is a town: default move chance, no camp weight") {
        Scenario s = chain(150);
        Closure c;
        c.kind = Closure::Kind::camp, c.a = 3, c.end = 2;
        s.closures = {c};
        const World w = build_world(s);
        const auto st = detail::make_flee_static(s, w);
        std::vector<Day> toc(4, 0);
        detail::FleeTables t;
        for (Day day : {1, 2}) {
            const DayState ds = day_state(s, w, day);
            detail::compute_flee_tables(*s.flee, w, st, ds, toc, nullptr, 1.0, t);
            const bool closed = day == 1;
            CHECK(t.move_threshold[3] == threshold32(closed ? 0.3 : 0.001));
            CHECK(t.score[3] == Approx(closed ? 1.0 : 1e12));
        }
    }
}

TEST_CASE("flee ruleset: capacity multiplier and the link weights it scales", "[flee][rules]") {
    using detail::flee_cap_multiplier;
    CHECK(flee_cap_multiplier(50, 100, 0.9) == 1.0);
    CHECK(flee_cap_multiplier(90, 100, 0.9) == 1.0);
    CHECK(flee_cap_multiplier(95, 100, 0.9) == Approx(0.5));
    CHECK(flee_cap_multiplier(100, 100, 0.9) == 0.0);
    CHECK(flee_cap_multiplier(500, 0.5, 0.9) == 1.0);  // capacity below 1: unlimited
    // B has two ways on: C (a town, 60 km) and D (a camp, 60 km, capacity 100).
    Scenario s = chain(150);
    s.regions[2].type = RegionType::settlement;
    s.routes = {{0, 1, 60}, {1, 2, 60}, {1, 3, 60}};
    s.flee->move.camp_weight = 1.0;
    s.flee->move.conflict_weight = 1.0;
    s.regions[3].capacity = 100;
    s.observed.count[0].assign(4, 0.0);
    const World w = build_world(s);
    const auto st = detail::make_flee_static(s, w);
    DayState ds = day_state(s, w, 1);
    std::vector<Day> toc(4, 0);
    detail::FleeTables t;
    auto share_to_camp = [&](std::int64_t in_camp) {
        ds.agents_at = {0, 0, 0, in_camp};
        detail::compute_flee_tables(*s.flee, w, st, ds, toc, nullptr, 1.0, t);
        const auto b = w.link_begin[1];
        REQUIRE(w.link_to[b + 2] == 3);  // B's links in file order: A, C, D
        return static_cast<double>(t.link_cum[b + 2] - t.link_cum[b + 1]) / 4294967296.0;
    };
    CHECK(share_to_camp(0) == Approx(1.0 / 3.0).epsilon(1e-6));   // A, C, D equal
    CHECK(share_to_camp(94) == Approx(0.6 / 2.6).epsilon(1e-6));  // D at weight 0.6
    CHECK(t.link_stay[w.link_begin[1] + 2] == 0);
    CHECK(share_to_camp(100) == 0.0);
    share_to_camp(96);
    CHECK(t.link_stay[w.link_begin[1] + 2] == 1);  // capMult 0.4 < 0.5: agents stay
}

TEST_CASE("flee ruleset: spawning is the observed increase minus the carried debt", "[flee][rules]") {
    Scenario s = chain(150, 6);
    s.observed.count = {{10, 15, 12, 20, 25, 25}};
    Driver d(s, 5);
    CHECK(d.tally.spawned[3] == 10);  // day 0's count is put in the camp before the run
    CHECK(d.rules->expected_agents() == 10 + 5 + 8 + 5);  // day 0 plus every increase
    std::vector<std::int64_t> spawned;
    for (Day t = 0; t < 6; ++t) {
        d.step(t);
        spawned.push_back(d.days.back().spawned[0]);
    }
    // Day 0 is already in the camp; +5; -3 (debt 3); +8 - 3; +5; 0.
    CHECK(spawned == std::vector<std::int64_t>{0, 5, 0, 5, 5, 0});
}

TEST_CASE("flee ruleset: reproducible with a seed, for any thread count", "[flee][rules]") {
    const std::string dir = case_dir("burundi");
    REQUIRE(std::filesystem::exists(dir));
    Scenario s = import_flee_case(dir);
    s.days = 120;
    auto run = [&](std::uint64_t seed, int threads) {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
        Driver d(s, seed);
        for (Day t = 0; t < s.days; ++t) d.step(t);
        return d.agents.region;
    };
    const auto one = run(9, 1);
    CHECK(one == run(9, 2));
    CHECK(one != run(10, 2));
}

TEST_CASE("flee ruleset: awareness levels and markers in the link weights", "[flee][rules]") {
    // B -60- A, B -60- C -40- D; every score 1: a path of D km weighs 1 / (10 + D).
    Scenario s = chain(40);
    s.routes = {{1, 0, 60}, {1, 2, 60}, {2, 3, 40}};
    s.flee->move.conflict_weight = 1.0;
    s.flee->move.camp_weight = 1.0;
    s.observed.count[0].assign(4, 0.0);
    auto share_to_c = [&](int awareness) {
        s.flee->move.awareness_level = awareness;
        const World w = build_world(s);
        const auto st = detail::make_flee_static(s, w);
        const DayState ds = day_state(s, w, 1);
        std::vector<Day> toc(4, 0);
        detail::FleeTables t;
        detail::compute_flee_tables(*s.flee, w, st, ds, toc, nullptr, 1.0, t);
        const auto b = w.link_begin[1];
        REQUIRE(w.link_to[b + 1] == 2);
        return static_cast<double>(t.link_cum[b + 1] - t.link_cum[b]) / 4294967296.0;
    };
    const double a = 1.0 / 70, c = 1.0 / 70, d = 1.0 / 110;
    CHECK(share_to_c(0) == Approx(0.5));
    CHECK(share_to_c(1) == Approx(c / (a + c)).epsilon(1e-6));
    CHECK(share_to_c(2) == Approx((c + d) / (a + c + d)).epsilon(1e-6));
    s.flee->markers = {"C"};  // a waypoint: the path goes on to D and does not count as a hop
    CHECK(share_to_c(1) == Approx(d / (a + d)).epsilon(1e-6));
}

TEST_CASE("flee ruleset: start_on_foot walks every day of the first link", "[flee][rules]") {
    // A -km- B at 35 km a day on foot: the first journey takes as many days as that needs
    // (Flee's places_travelled == 1 on each; the walk tables must not drive it), then
    // the agent hops on at full speed: B, C, D the day it arrives.
    struct Case {
        double km;
        std::vector<float> on_foot;  // km_left after each day on the road
    };
    for (const Case& c : {Case{60, {25}}, Case{100, {65, 30}}}) {
        INFO("A-B " << c.km << " km");
        Scenario s = chain(150, 6);
        s.routes[0].km = c.km;
        s.flee->move.start_on_foot = true;
        s.flee->move.max_walk_speed = 35;
        Driver d(s, 1);
        d.step(0);
        Day t = 1;
        for (const float left : c.on_foot) {
            d.step(t++);
            CHECK(d.agents.region[0] == 1);
            CHECK(d.agents.km_left[0] == Approx(left));
        }
        d.step(t);
        CHECK(d.agents.region[0] == 3);
        CHECK(d.agents.km_left[0] == 0.0f);
        CHECK(d.consistent());
    }
}

TEST_CASE("flee ruleset: conflict-driven spawning modes", "[flee][rules]") {
    Scenario s = chain(150, 3);
    s.flee->spawn.mode = FleeSpawnMode::constant;
    s.flee->spawn.displaced_per_conflict_day = 7;
    {
        Driver d(s, 1);
        CHECK(d.rules->expected_agents() == 21);  // 7 a day at the one conflict zone
        for (Day t = 0; t < 3; ++t) {
            d.step(t);
            CHECK(d.days.back().spawned[0] == 7);
        }
        CHECK(d.consistent());
    }
    s.flee->spawn.mode = FleeSpawnMode::pop_ratio;
    s.flee->spawn.displaced_per_conflict_day = 0.01;
    s.flee->spawn.take_from_population = true;
    {
        Driver d(s, 1);
        d.step(0);
        CHECK(d.days.back().spawned[0] == 10);  // 1% of 1000
        d.step(1);
        CHECK(d.days.back().spawned[0] == 9);   // 1% of the 990 left
    }
    s.flee->spawn.mode = FleeSpawnMode::poisson;
    s.flee->spawn.displaced_per_conflict_day = 50;
    {
        Driver d(s, 1);
        std::int64_t total = 0;
        for (Day t = 0; t < 3; ++t) d.step(t), total += d.days.back().spawned[0];
        CHECK(total > 100);  // mean 150, sd 12
        CHECK(total < 200);
    }
}

TEST_CASE("flee ruleset: avoid_short_stints forces agents out of towns after short hops", "[flee][rules]") {
    Scenario s = chain(150);
    s.regions[1].type = s.regions[2].type = RegionType::settlement;  // B and C: towns
    s.flee->move.default_movechance = 0.0;                           // nobody leaves a town...
    {
        Driver d(s, 1);
        d.step(0);
        d.step(1);
        CHECK(d.agents.region[0] == 1);  // ...so the agent stops at B
    }
    s.flee->move.avoid_short_stints = true;  // ...unless it has travelled too little lately
    {
        Driver d(s, 1);
        d.step(0);
        d.step(1);
        CHECK(d.agents.region[0] == 3);  // 60 + 60 km hops are short: forced on to D
        CHECK(d.consistent());
    }
}

namespace {

// A line of `n` settlements `km` apart, every agent standing at the first one.
Scenario line_of_towns(int n, double km, double speed, std::int64_t agents) {
    Scenario s;
    s.name = "line";
    s.days = 1;
    s.ruleset = "flee";
    FleeSettings f;
    f.move.max_move_speed = speed;
    s.flee = f;
    for (int i = 0; i < n; ++i) {
        Region r;
        r.name = "T" + std::to_string(i);
        r.type = RegionType::settlement;
        r.country = "X";
        r.population = 1000;
        s.regions.push_back(r);
        if (i > 0) s.routes.push_back({i - 1, i, km});
    }
    s.observed.region = {0};
    s.observed.count = {{static_cast<double>(agents)}};
    return s;
}

// Rule 4 hop by hop as a distribution (docs/FLEE.md): where an agent standing at the
// first town ends the day. Towns have move chance 0.3 and, all alike, links of equal
// weight; km are whole numbers, so the km covered are exact map keys.
std::vector<double> line_end_chances(int n, double km, double speed) {
    const double move = 0.3;
    std::vector<double> end(static_cast<std::size_t>(n), 0.0);
    std::map<std::pair<int, double>, double> deciding{{{0, 0.0}, 1.0}};
    while (!deciding.empty()) {
        const auto [state, p] = *deciding.begin();
        deciding.erase(deciding.begin());
        const auto [at, moved] = state;
        end[static_cast<std::size_t>(at)] += p * (1.0 - move);
        std::vector<int> next;
        if (at > 0) next.push_back(at - 1);
        if (at + 1 < n) next.push_back(at + 1);
        for (int to : next) {
            const double q = p * move / static_cast<double>(next.size());
            if (moved + km < speed) deciding[{to, moved + km}] += q;
            else end[static_cast<std::size_t>(to)] += q;
        }
    }
    return end;
}

}  // namespace

TEST_CASE("flee ruleset: a day's walks end where the hop-by-hop rule does", "[flee][rules]") {
    // 30 km links and 250 km of credit: up to 9 hops a day, more walks than a walk
    // table holds, so agents also hop on past its end (docs/FLEE.md "How a day's hops
    // are resolved"). 100 km links: every walk fits in the table.
    for (const double km : {30.0, 100.0}) {
        const int n = 7;
        const std::int64_t agents = 200000;
        const Scenario s = line_of_towns(n, km, 250.0, agents);
        Driver d(s, 5);
        d.step(0);
        REQUIRE(d.consistent());
        REQUIRE(d.agents.size() == static_cast<std::size_t>(agents));
        const auto chance = line_end_chances(n, km, 250.0);
        std::int64_t hops = 0;
        for (int i = 0; i < n; ++i) {
            const double mean = static_cast<double>(agents) * chance[static_cast<std::size_t>(i)];
            const double sd = std::sqrt(mean * (1.0 - chance[static_cast<std::size_t>(i)]));
            INFO("km " << km << ", town " << i << ": expected " << mean);
            CHECK(std::abs(static_cast<double>(d.st.agents_at[static_cast<std::size_t>(i)]) - mean) <= 5.0 * sd + 1.0);
            hops += d.days[0].departures[static_cast<std::size_t>(i)];
        }
        // Nobody ends on a road (links shorter than a day's credit), and every hop
        // departs from one town and arrives at another.
        std::int64_t arrivals = 0;
        for (int i = 0; i < n; ++i) arrivals += d.days[0].arrivals[static_cast<std::size_t>(i)];
        CHECK(arrivals == hops);
        CHECK(hops > 0);
    }
}
