// Outcome measures (issue #9): turned-away movers, camp measures, country totals and
// origin -> destination, on analytic cases and against the region series.
#include <H5Cpp.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <numeric>

#include "engine_fixtures.hpp"
#include "migflow/formats/flee/import.hpp"
#include "../sim/output/hdf5_util.hpp"
#include "test_support.hpp"

using namespace migflow;
using namespace migflow::test;

namespace {

std::int64_t sum(const std::vector<std::int64_t>& v) {
    return std::accumulate(v.begin(), v.end(), std::int64_t(0));
}

// Conflict of 1 in region r from day `from` on (0 before), step interpolation.
void conflict_from(Scenario& s, RegionIndex r, Day from) {
    auto& spec = s.driver(DriverKind::conflict);
    spec.series.resize(s.regions.size());
    spec.series[r] = TimeSeries{{0, from}, {0.0, 1.0}};
}

// Three towns of 100 around one camp of capacity 250, one day's walk each. Town k's
// conflict starts on day 2k and sends all of its agents to the camp that day
// (p = 1); nobody leaves the camp. Inflow 100 on days 0, 2 and 4: the camp has 100,
// 200, then room for 50 of town 2's 100 on day 4, and is full from day 4 on.
Scenario filling_camp(Day days) {
    Scenario s = line_scenario({region("Camp", 0, RegionType::camp, 250), region("T0", 100),
                                region("T1", 100), region("T2", 100)},
                               {}, days);
    for (RegionIndex k = 1; k <= 3; ++k) {
        s.routes.push_back(Route{0, k, 10.0});
        conflict_from(s, k, 2 * (k - 1));
    }
    s.behaviour.lambda_conflict = 1000.0;  // p = 1: every agent in conflict leaves
    s.behaviour.camp_move_factor = 0.0;
    s.behaviour.capacity_buffer = 1.0;
    return s;
}

}  // namespace

TEST_CASE("a camp with known inflow is full on the known day; turned away = demand - admitted",
          "[outcomes]") {
    const Day T = 10;
    const auto rec = run_scenario(filling_camp(T));
    REQUIRE(rec.camps.camps().size() == 1);
    const CampOutcome& c = rec.camps.camps()[0];
    CHECK(rec.camps.full_above() == std::vector<double>{249});  // no room for one more agent
    CHECK(rec.camps.counts_inbound());
    CHECK(c.region == 0);
    CHECK(c.capacity == 250);
    CHECK(c.first_full == 4);
    CHECK(c.peak == 250);
    CHECK(c.peak_day == 4);
    CHECK(c.days_full == T - 4);
    for (Day t = 0; t < T; ++t) {
        INFO("day " << t);
        CHECK(rec.population[t][0] == std::min(250.0, 100.0 * (t / 2 + 1)));
        // Town 2 (region 3) asks for 100 places from day 4 on; 50 are admitted on
        // day 4, none after: the rest are turned away every day and stay.
        const std::int64_t demand = t >= 4 ? (t == 4 ? 100 : 50) : 0;
        const std::int64_t admitted = t == 4 ? 50 : 0;
        CHECK(rec.turned_away_full[t] == std::vector<std::int64_t>{0, 0, 0, demand - admitted});
        CHECK(rec.refused_full[t] == std::vector<std::int64_t>{demand - admitted, 0, 0, 0});
        CHECK(rec.blocked_by_closure[t] == std::vector<std::int64_t>{0, 0, 0, 0});
    }
    CHECK(c.refused == 50 * (T - 4));
}

TEST_CASE("a camp that never fills has no full day", "[outcomes]") {
    auto s = filling_camp(4);  // days 0-3: 200 people in a camp of 250
    const auto rec = run_scenario(s);
    const CampOutcome& c = rec.camps.camps()[0];
    CHECK(c.first_full == -1);
    CHECK(c.days_full == 0);
    CHECK(c.peak == 200);
    CHECK(c.peak_day == 2);
    CHECK(c.refused == 0);
}

TEST_CASE("closure-blocked movers only while a closure is in force", "[outcomes]") {
    // A's only link is the route to B, closed on days 5-11.
    auto s = line_scenario({region("A", 20000), region("B", 100)}, {40}, 20);
    s.behaviour.lambda_base = 0.05;
    const auto open = run_scenario(s);
    for (Day t = 0; t < 20; ++t) CHECK(sum(open.blocked_by_closure[t]) == 0);
    s.closures.push_back(route_closure(0, 1, 5, 12));
    const auto closed = run_scenario(s);
    for (Day t = 0; t < 20; ++t) {
        INFO("day " << t);
        if (t >= 5 && t < 12) {
            // Every mover in A wanted the closed route, and stayed.
            CHECK(closed.blocked_by_closure[t][0] > 500);
            CHECK(closed.departures[t][0] == 0);
        } else {
            CHECK(sum(closed.blocked_by_closure[t]) == 0);
        }
        CHECK(sum(closed.turned_away_full[t]) == 0);
    }
}

TEST_CASE("a closed border blocks the movers that chose it; the others still leave", "[outcomes]") {
    // B (Aland) lies between A (Aland) and C (Bland); the border closes on days 2-5.
    auto s = line_scenario({region("A", 100, RegionType::settlement, 0, "Aland"),
                            region("B", 20000, RegionType::settlement, 0, "Aland"),
                            region("C", 100, RegionType::settlement, 0, "Bland")},
                           {40, 40}, 10);
    s.behaviour.lambda_base = 0.05;
    Closure c;
    c.kind = Closure::Kind::border;
    c.country_a = "Aland";
    c.country_b = "Bland";
    c.start = 2;
    c.end = 6;
    s.closures.push_back(c);
    const auto rec = run_scenario(s);
    for (Day t = 0; t < 10; ++t) {
        INFO("day " << t);
        const bool in_force = t >= 2 && t < 6;
        // About half of B's 700-1000 daily movers draw C; while closed they go to A instead.
        if (in_force) {
            CHECK(rec.blocked_by_closure[t][1] > 300);
            CHECK(rec.blocked_by_closure[t][1] < 700);
            CHECK(rec.departures[t][1] > 600);
        } else {
            CHECK(rec.blocked_by_closure[t][1] == 0);
        }
        CHECK(rec.blocked_by_closure[t][0] == 0);  // A's only route stays open
    }
}

TEST_CASE("movers of a closed region are blocked there", "[outcomes]") {
    auto s = line_scenario({region("A", 20000), region("B", 100)}, {40}, 8);
    s.behaviour.lambda_base = 0.05;
    Closure c;
    c.kind = Closure::Kind::region;
    c.a = 0;
    c.start = 3;
    c.end = 5;
    s.closures.push_back(c);
    const auto rec = run_scenario(s);
    for (Day t = 0; t < 8; ++t) {
        INFO("day " << t);
        CHECK((rec.blocked_by_closure[t][0] > 500) == (t == 3 || t == 4));
        if (t == 3 || t == 4) CHECK(rec.departures[t][0] == 0);
    }
}

namespace {

// Two countries joined by one border route, with conflict, spawning and a camp.
Scenario two_countries(Day days) {
    auto s = line_scenario({region("A1", 30000, RegionType::settlement, 0, "Aland"),
                            region("A2", 20000, RegionType::settlement, 0, "Aland"),
                            region("B1", 5000, RegionType::settlement, 0, "Bland"),
                            region("B2", 0, RegionType::camp, 6000, "Bland")},
                           {60, 120, 80}, days);
    s.agents.people_per_agent = 2.0;
    s.agents.mobile_fraction = 0.5;
    s.agents.spawn_conflict = 0.01;
    s.behaviour.lambda_base = 0.02;
    s.behaviour.lambda_conflict = 0.3;
    s.behaviour.beta_camp = 1.0;
    s.behaviour.speed_km_per_day = 50;
    set_driver(s, DriverKind::conflict, 0, 0.8);
    s.closures.push_back(route_closure(1, 2, 10, 15));
    return s;
}

}  // namespace

TEST_CASE("country totals are the sums of their regions; border flows are the route's",
          "[outcomes]") {
    const Day T = 30;
    const auto rec = run_scenario(two_countries(T));
    const auto& days = rec.countries.days();
    REQUIRE(days.size() == std::size_t(T));
    REQUIRE(rec.countries.countries() == 2);
    // Pairs: Aland -> Bland and Bland -> Aland, both through route 1 (A2 - B1).
    CHECK(rec.countries.pair_from() == std::vector<std::int32_t>{0, 1});
    CHECK(rec.countries.pair_to() == std::vector<std::int32_t>{1, 0});
    std::int64_t crossings = 0;
    for (Day t = 0; t < T; ++t) {
        INFO("day " << t);
        const auto& d = days[t];
        CHECK(d.population[0] == rec.population[t][0] + rec.population[t][1]);
        CHECK(d.population[1] == rec.population[t][2] + rec.population[t][3]);
        CHECK(d.arrivals[0] == rec.arrivals[t][0] + rec.arrivals[t][1]);
        CHECK(d.arrivals[1] == rec.arrivals[t][2] + rec.arrivals[t][3]);
        CHECK(d.departures[0] == rec.departures[t][0] + rec.departures[t][1]);
        CHECK(d.departures[1] == rec.departures[t][2] + rec.departures[t][3]);
        CHECK(d.blocked_by_closure[0] == rec.blocked_by_closure[t][0] + rec.blocked_by_closure[t][1]);
        CHECK(d.flow == std::vector<std::int64_t>{rec.flow_forward[t][1], rec.flow_backward[t][1]});
        crossings += d.flow[0];
    }
    CHECK(crossings > 0);
}

TEST_CASE("origin -> destination pairs account for every agent, by its origin", "[outcomes]") {
    const Day T = 30;
    auto s = two_countries(T);
    s.agents.mobile_fraction = 0.0;  // every agent is spawned during the run
    MemoryRecorder rec;
    const auto sim = run_simulation(s, 5, rec);
    const OriginDestination& od = rec.origins;
    REQUIRE(od.size() > 0);
    std::vector<std::int64_t> from(4, 0), at(4, 0), towards(4, 0), created(4, 0);
    for (std::size_t k = 0; k < od.size(); ++k) {
        from[od.origin[k]] += od.standing[k] + od.travelling[k];
        at[od.destination[k]] += od.standing[k];
        towards[od.destination[k]] += od.travelling[k];
        CHECK(od.standing[k] + od.travelling[k] > 0);  // only non-zero pairs
        if (k > 0) CHECK(std::make_pair(od.origin[k - 1], od.destination[k - 1]) <
                         std::make_pair(od.origin[k], od.destination[k]));
    }
    for (Day t = 0; t < T; ++t)
        for (int r = 0; r < 4; ++r) created[r] += rec.spawned[t][r];
    // Conservation: the matrix sums to the displaced total, origin by origin.
    CHECK(from == created);
    CHECK(sum(from) == rec.total_agents.back());
    CHECK(at == rec.agents_at.back());
    CHECK(sum(towards) == rec.in_transit.back());
    CHECK(from[0] > 0);
    const auto m = country_matrix(od, sim->world().country_of, 2);
    CHECK(m[0][0] + m[0][1] == created[0] + created[1]);
    CHECK(m[1][0] + m[1][1] == created[2] + created[3]);
    CHECK(m[0][1] > 0);  // some of Aland's displaced reached Bland
    CHECK(sim->origin_runs().bytes() == sim->origin_runs().runs() * 12);
    CHECK(sim->origin_runs().runs() <= std::size_t(3 * T));  // at most a run per day and spawning region
}

TEST_CASE("outcome measures are identical for 1 and 2 threads", "[outcomes][determinism]") {
    auto s = two_countries(40);
    s.regions[0].population = 600000;  // ~ 20 agent blocks: two threads share the work
    const auto one = run_scenario(s, 9, 1);
    const auto two = run_scenario(s, 9, 2);
    CHECK(one.turned_away_full == two.turned_away_full);
    CHECK(one.blocked_by_closure == two.blocked_by_closure);
    CHECK(one.refused_full == two.refused_full);
    CHECK(one.origins.origin == two.origins.origin);
    CHECK(one.origins.destination == two.origins.destination);
    CHECK(one.origins.standing == two.origins.standing);
    CHECK(one.origins.travelling == two.origins.travelling);
    std::int64_t blocked = 0, refused = 0;
    for (const auto& d : one.blocked_by_closure) blocked += sum(d);
    for (const auto& d : one.refused_full) refused += sum(d);
    CHECK(blocked > 0);  // the comparison covers non-trivial series
    CHECK(refused > 0);
    // MODEL.md §8: every mover turned away by capacity is refused by one full region.
    for (std::size_t t = 0; t < one.refused_full.size(); ++t)
        CHECK(sum(one.refused_full[t]) == sum(one.turned_away_full[t]));
    const auto& a = one.camps.camps()[0];
    const auto& b = two.camps.camps()[0];
    CHECK(a.first_full == b.first_full);
    CHECK(a.peak == b.peak);
    CHECK(a.days_full == b.days_full);
    CHECK(a.refused == b.refused);
}

TEST_CASE("migflow info prints the camps table, turned-away totals and countries", "[outcomes][cli]") {
    TempDir dir("outcomes_info");
    const auto out = (dir.path / "closure.h5").string();
    const auto log = dir.path / "info.txt";
    const std::string bin = MIGFLOW_BINARY;
    REQUIRE(run_shell(bin + " run " MIGFLOW_SOURCE_DIR "/scenarios/border_closure.yaml --quiet -o " +
                      out + " > /dev/null 2>&1") == 0);
    REQUIRE(run_shell(bin + " info " + out + " > " + log.string()) == 0);
    const std::string text = slurp(log);
    CHECK_THAT(text, Catch::Contains("camps (regions with a capacity; people; full = turning movers "
                                     "away, see OUTPUT.md):\n  name           capacity  full from        "
                                     "peak  peak on     days full  turned away\n"));
    CHECK_THAT(text, Catch::Contains("\n  Mbera            150000  never  "));
    CHECK_THAT(text, Catch::Contains("found their first choice closed\n"));
    CHECK_THAT(text, Catch::Contains("\ncountries (people; arrivals, departures and turned away summed"));
    CHECK_THAT(text, Catch::Contains("\n  Mali -> Mauritania: "));
    CHECK_THAT(text, Catch::Contains("\n  from Mali: Mali "));
    CHECK_THAT(text, !Catch::Contains("camps (final population / capacity)"));
    // The table shows what the file holds: Mentao's row carries its stored first full date.
    H5::Exception::dontPrint();
    H5::H5File f(out, H5F_ACC_RDONLY);
    const auto names = detail::read_strings(f.openDataSet("/measures/camps/name"));
    const auto dates = detail::read_strings(f.openDataSet("/measures/camps/first_full_date"));
    const auto k = std::find(names.begin(), names.end(), "Mentao") - names.begin();
    REQUIRE(std::size_t(k) < names.size());
    REQUIRE_FALSE(dates[k].empty());
    CHECK_THAT(text, Catch::Matches("[\\s\\S]*\n  Mentao +12000  " + dates[k] + " [\\s\\S]*"));
    // The closure blocked people in Mali, and no one before it came into force (day 45).
    const auto blocked = detail::read_vector<std::int64_t>(f.openDataSet("/countries/blocked_by_closure"));
    const auto countries = detail::read_strings(f.openDataSet("/countries/name"));
    const std::size_t C = countries.size();
    std::int64_t before = 0, after = 0;
    for (std::size_t i = 0; i < blocked.size(); ++i) (i / C < 45 ? before : after) += blocked[i];
    CHECK(before == 0);
    CHECK(after > 0);
}

namespace {

// Flee rules: a conflict town A whose only link leads to camp D. D starts with the
// one agent of its day-0 count, which (as in Flee) also lowers its capacity of 2 to 1:
// D is full for Flee. From day 1, `spawn` agents appear in A each day.
Scenario flee_pair(Day days, std::int64_t spawn) {
    Scenario s;
    s.name = "flee-pair";
    s.days = days;
    s.ruleset = "flee";
    s.flee = FleeSettings{};
    s.regions = {region("A", 100000, RegionType::settlement, 0, "X"),
                 region("D", 0, RegionType::camp, 2, "Y")};
    s.routes = {{0, 1, 100}};
    DriverSpec& c = s.driver(DriverKind::conflict);
    c.series.assign(2, TimeSeries{});
    c.series[0] = TimeSeries{{0}, {1.0}};
    s.observed.region = {1};
    s.observed.count.assign(1, std::vector<double>(std::size_t(days)));
    for (Day t = 0; t < days; ++t) s.observed.count[0][t] = 1.0 + double(spawn * t);
    return s;
}

}  // namespace

TEST_CASE("flee: a mover that draws a link into a full camp stays and is turned away", "[outcomes][flee]") {
    const auto rec = run_scenario(flee_pair(5, 10));
    for (Day t = 1; t < 5; ++t) {
        INFO("day " << t);
        // Conflict: move chance 1; D's multiplier is 0, so the only link is drawn (equal
        // weights when all are 0) and every agent in A stays, turned away by D.
        CHECK(rec.turned_away_full[t][0] == 10 * t);
        CHECK(rec.refused_full[t][1] == 10 * t);
        CHECK(rec.departures[t][0] == 0);
        CHECK(sum(rec.blocked_by_closure[t]) == 0);
    }
    // Full by Flee's rule (agents stop entering when capMult < 0.5): capacity 2 - 1
    // (the day-0 count) = 1, full above 1 x (1 + 0.9) / 2 = 0.95 people; it holds 1.
    REQUIRE(rec.camps.camps().size() == 1);
    CHECK(rec.camps.full_above() == std::vector<double>{0.95});
    CHECK_FALSE(rec.camps.counts_inbound());
    CHECK(rec.camps.camps()[0].first_full == 0);
    CHECK(rec.camps.camps()[0].days_full == 5);
    CHECK(rec.camps.camps()[0].refused == 10 + 20 + 30 + 40);
}

TEST_CASE("flee: closures block movers, and travellers they send back", "[outcomes][flee]") {
    auto s = flee_pair(6, 10);
    s.regions[1].capacity = 0;  // unlimited: movers leave A unless the route is closed
    s.routes[0].km = 500;       // two days on the road at Flee's 360 km per day
    s.closures.push_back(route_closure(0, 1, 3, 5));
    const auto rec = run_scenario(s);
    for (Day t = 0; t < 6; ++t) {
        INFO("day " << t);
        const bool in_force = t == 3 || t == 4;
        // Day 3: the 10 spawned in A that day are blocked, and the 10 that left on day 2
        // and are on the road come back to A, blocked too. Day 4: those 20 and the day's
        // 10 new ones are blocked in A.
        CHECK(rec.blocked_by_closure[t][0] == (t == 3 ? 20 : t == 4 ? 30 : 0));
        CHECK(rec.blocked_by_closure[t][1] == 0);
        if (in_force) CHECK(rec.departures[t][0] == 0);
        CHECK(sum(rec.turned_away_full[t]) == 0);
    }
}

TEST_CASE("flee: turned-away series identical for 1 and 2 threads on the Burundi case",
          "[outcomes][flee][determinism]") {
    const std::string dir = std::string(MIGFLOW_FLEE_CASES) + "/burundi";
    REQUIRE(std::filesystem::exists(dir));
    const Scenario s = import_flee_case(dir);
    const auto one = run_scenario(s, 4, 1);
    const auto two = run_scenario(s, 4, 2);
    CHECK(one.turned_away_full == two.turned_away_full);
    CHECK(one.refused_full == two.refused_full);
    CHECK(one.blocked_by_closure == two.blocked_by_closure);
    CHECK(one.origins.standing == two.origins.standing);
    std::int64_t away = 0, refused = 0;
    for (std::size_t t = 0; t < one.turned_away_full.size(); ++t) {
        away += sum(one.turned_away_full[t]);
        refused += sum(one.refused_full[t]);
    }
    CHECK(away == refused);  // each turned-away mover is refused by one full camp
}
