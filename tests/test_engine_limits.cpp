// Limit cases of the native model (docs/MODEL.md): no hazard, closed routes, full camps,
// travel time, and the analytic emptying rate of a region in conflict.
#include <catch2/catch.hpp>
#include <cmath>

#include "engine_fixtures.hpp"
#include "migflow/rules/native/model.hpp"

using namespace migflow;
using namespace migflow::test;

TEST_CASE("zero move hazard: nobody moves", "[engine]") {
    auto s = line_scenario({region("A", 5000), region("B", 3000), region("C", 100)}, {50, 70}, 20);
    set_driver(s, DriverKind::conflict, 0, 1.0);  // conflict present but λ = 0
    const auto rec = run_scenario(s);
    REQUIRE(rec.agents_at.size() == 20);
    for (std::size_t t = 0; t < 20; ++t) {
        CHECK(rec.agents_at[t] == std::vector<std::int64_t>{5000, 3000, 100});
        CHECK(rec.departures[t] == std::vector<std::int64_t>{0, 0, 0});
        CHECK(rec.in_transit[t] == 0);
    }
}

TEST_CASE("a closed route carries no flow while closed", "[engine]") {
    auto s = line_scenario({region("A", 20000), region("B", 100)}, {40}, 20);
    s.behaviour.lambda_base = 0.05;
    s.closures.push_back(route_closure(0, 1, 5, 12));
    const auto rec = run_scenario(s);
    for (Day t = 0; t < 20; ++t) {
        const auto flow = rec.flow_forward[t][0] + rec.flow_backward[t][0];
        if (t >= 5 && t < 12)
            CHECK(flow == 0);
        else
            CHECK(flow > 0);
    }
}

TEST_CASE("a closed border stops flows between the two countries only", "[engine]") {
    auto s = line_scenario({region("A", 20000, RegionType::settlement, 0, "Aland"),
                            region("B", 20000, RegionType::settlement, 0, "Aland"),
                            region("C", 100, RegionType::settlement, 0, "Bland")},
                           {40, 40}, 10);
    s.behaviour.lambda_base = 0.05;
    Closure c;
    c.kind = Closure::Kind::border;
    c.country_a = "Bland";
    c.country_b = "Aland";
    c.start = 2;
    c.end = 6;
    s.closures.push_back(c);
    const auto rec = run_scenario(s);
    for (Day t = 2; t < 6; ++t) {
        CHECK(rec.flow_forward[t][1] + rec.flow_backward[t][1] == 0);
        CHECK(rec.flow_forward[t][0] > 0);
    }
    CHECK(rec.flow_forward[7][1] > 0);
}

TEST_CASE("a full camp receives no one beyond its capacity", "[engine]") {
    const double capacity = 1500;
    auto s = line_scenario(
        {region("Town", 50000), region("Camp", 0, RegionType::camp, capacity), region("Far", 10)},
        {60, 300}, 40);
    s.behaviour.lambda_base = 0.2;
    s.behaviour.camp_move_factor = 0.0;  // nobody leaves the camp: it can only fill
    s.behaviour.capacity_buffer = 1.0;   // no soft approach: demand presses on the limit
    const auto rec = run_scenario(s, 3);
    for (Day t = 0; t < 40; ++t) CHECK(rec.population[t][1] <= capacity);
    CHECK(rec.population.back()[1] == capacity);  // it does fill up
}

TEST_CASE("long routes take several days at the travel speed", "[engine]") {
    auto s = line_scenario({region("A", 1000), region("B", 0)}, {450}, 6);
    s.behaviour.speed_km_per_day = 200;
    everyone_leaves_on_day0(s);
    const auto rec = run_scenario(s);
    // 450 km at 200 km/day: 250 km left after day 0, 50 after day 1, there on day 2.
    CHECK(rec.departures[0][0] == 1000);
    CHECK(rec.in_transit[0] == 1000);
    CHECK(rec.in_transit[1] == 1000);
    CHECK(rec.in_transit[2] == 0);
    CHECK(rec.arrivals[2][1] == 1000);
    CHECK(rec.agents_at[2][1] == 1000);
}

TEST_CASE("a region in conflict empties at the rate of the hazard formula", "[engine]") {
    const std::int64_t n = 200000;
    auto s = line_scenario({region("War", double(n)), region("Safe", 0)}, {30}, 6);
    s.behaviour.lambda_conflict = 0.15;
    set_driver(s, DriverKind::conflict, 0, 1.0);
    const auto rec = run_scenario(s, 11);
    const double p = move_probability(move_hazard(s.behaviour, RegionType::settlement, 1.0, 0.0,
                                                  1.0, 1.0));
    REQUIRE(p == Approx(1 - std::exp(-0.15)));
    for (Day t = 0; t < 6; ++t) {
        const double expected = double(n) * std::pow(1 - p, t + 1);
        // Binomial thinning: the remaining count has variance n q (1 - q), q = (1-p)^(t+1).
        const double q = std::pow(1 - p, t + 1);
        const double sigma = std::sqrt(double(n) * q * (1 - q));
        CHECK(std::abs(double(rec.agents_at[t][0]) - expected) < 4 * sigma);
    }
}

TEST_CASE("the hazard and weight rules match their equations", "[rules]") {
    Behaviour b;
    b.lambda_base = 0.01;
    b.lambda_conflict = 0.5;
    b.lambda_climate = 0.2;
    b.lambda_economy = 0.1;
    b.camp_move_factor = 0.1;
    const double h = move_hazard(b, RegionType::settlement, 0.6, 0.5, 0.5, 2.0);
    CHECK(h == Approx(0.01 + 0.5 * 0.6 + 0.2 * 0.5 + 0.1 * std::log(4.0)));
    CHECK(move_hazard(b, RegionType::camp, 0.6, 0.5, 0.5, 2.0) == Approx(0.1 * h));
    // Richer than the reference: no economic push.
    CHECK(move_hazard(b, RegionType::settlement, 0, 0, 3.0, 2.0) == Approx(0.01));
    CHECK(capacity_factor(50, 100, 0.9) == 1.0);
    CHECK(capacity_factor(95, 100, 0.9) == Approx(0.5));
    CHECK(capacity_factor(100, 100, 0.9) == 0.0);
    CHECK(capacity_factor(1e9, 0, 0.9) == 1.0);
    b.beta_conflict = 2.0;
    b.beta_economy = 1.0;
    b.beta_camp = 0.5;
    CHECK(destination_score(b, 0.5, 0, 2.0, 1.0, true, false) ==
          Approx(std::exp(-1.0 + std::log(2.0) + 0.5)));
}

TEST_CASE("a route's own closure leaves a parallel route between the same regions open",
          "[engine]") {
    auto s = line_scenario({region("A", 20000), region("B", 100)}, {40}, 10);
    s.routes.push_back(Route{0, 1, 60});  // a second road from A to B
    s.behaviour.lambda_base = 0.05;
    auto c = route_closure(0, 1, 0, never);
    c.route = 1;
    s.closures.push_back(c);
    const auto rec = run_scenario(s);
    for (Day t = 0; t < 10; ++t) {
        CHECK(rec.flow_forward[t][1] + rec.flow_backward[t][1] == 0);
        CHECK(rec.flow_forward[t][0] > 0);
    }
}

TEST_CASE("journeys take ceil(km / speed) days whatever the float rounding", "[engine]") {
    // 7.7 km at 1.1 km/day is 7 days; subtracting 1.1f from 7.7f each day takes 8.
    auto s = line_scenario({region("A", 500), region("B", 0)}, {7.7}, 10);
    s.behaviour.speed_km_per_day = 1.1;
    everyone_leaves_on_day0(s);
    const auto rec = run_scenario(s);
    for (Day t = 0; t < 6; ++t) CHECK(rec.in_transit[t] == 500);
    CHECK(rec.arrivals[6][1] == 500);  // day 0 is the first of the 7 days
    CHECK(rec.in_transit[6] == 0);
}

TEST_CASE("extreme preference coefficients still split movers between equal choices",
          "[engine]") {
    // A is very poor and B, C are equal: exp(βe·ln(e_j/e_i)) alone would overflow.
    auto s = line_scenario({region("A", 40000), region("B", 0), region("C", 0)}, {50}, 3);
    s.routes.push_back(Route{0, 2, 50});
    s.behaviour.lambda_base = 0.2;
    s.behaviour.beta_economy = 40;
    set_driver(s, DriverKind::economy, 0, 1e-9);
    set_driver(s, DriverKind::economy, 1, 1.0);
    set_driver(s, DriverKind::economy, 2, 1.0);
    s.behaviour.economy_reference = 1e-9;  // no economic push: only the base hazard
    const auto rec = run_scenario(s);
    const double to_b = double(rec.arrivals[0][1]), to_c = double(rec.arrivals[0][2]);
    const double n = to_b + to_c;
    REQUIRE(n > 1000);
    CHECK(std::abs(to_b - n / 2) < 4 * std::sqrt(n / 4));
}

TEST_CASE("demographic groups follow their shares and scale the hazard", "[engine]") {
    const std::int64_t n = 100000;
    auto s = line_scenario({region("A", double(n)), region("B", 0)}, {20}, 5);
    s.behaviour.lambda_base = 0.3;
    s.groups = {AgentGroup{"stay", 0.3, 0.0}, AgentGroup{"go", 0.7, 1.0}};
    MemoryRecorder rec;
    const auto sim = run_simulation(s, 21, rec);
    const auto& a = sim->agents();
    std::int64_t stayers = 0, stayers_moved = 0, goers_moved = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const bool moved = a.region[i] != 0 || a.km_left[i] > 0;
        if (a.group[i] == 0) {
            ++stayers;
            stayers_moved += moved;
        } else {
            goers_moved += moved;
        }
    }
    CHECK(std::abs(double(stayers) - 0.3 * n) < 4 * std::sqrt(n * 0.3 * 0.7));
    CHECK(stayers_moved == 0);  // hazard_scale 0: never leave
    CHECK(goers_moved > 0);
}
