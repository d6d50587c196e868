// Ensembles (docs/ENSEMBLES.md): quantiles against hand computation, N = 1 equal to the
// single run, independence of the thread count, paired differences, the memory guard.
#include <catch2/catch.hpp>

#include <cmath>

#include "engine_fixtures.hpp"
#include "migflow/scenario/loader.hpp"
#include "migflow/sweep/ensemble.hpp"
#include "test_support.hpp"

using namespace migflow;
using namespace migflow::test;

TEST_CASE("quantiles interpolate linearly between order statistics, as numpy does", "[ensemble]") {
    // numpy.percentile([10, 1, 4, 3, 2], [5, 25, 50, 75, 95]) = [1.2, 2, 3, 4, 8.8]:
    // h = (n-1) p = 0.2 -> 1 + 0.2 (2 - 1); h = 3.8 -> 4 + 0.8 (10 - 4).
    const std::vector<double> x = {10, 1, 4, 3, 2};
    CHECK(quantile(x, 0.05) == Approx(1.2).epsilon(1e-15));
    CHECK(quantile(x, 0.25) == 2.0);
    CHECK(quantile(x, 0.50) == 3.0);
    CHECK(quantile(x, 0.75) == 4.0);
    CHECK(quantile(x, 0.95) == Approx(8.8).epsilon(1e-15));
    // Even count: the median halfway between the middle two; h = 0.75 for p25.
    CHECK(quantile({0, 1, 5, 6}, 0.5) == 3.0);
    CHECK(quantile({0, 1, 5, 6}, 0.25) == 0.75);
    CHECK(quantile({7}, 0.05) == 7.0);
    CHECK(std::isnan(quantile({}, 0.5)));
}

namespace {

// A recorder holding one day of two regions and one route, filled by hand.
MemoryRecorder hand_run(double pop_a, double pop_b, std::int64_t arrivals_a) {
    MemoryRecorder r;
    r.population = {{pop_a, pop_b}};
    r.agents_at = {{1, 2}};
    r.arrivals = {{arrivals_a, 0}};
    r.departures = r.spawned = r.turned_away_full = r.blocked_by_closure = r.refused_full = {{0, 0}};
    r.flow_forward = r.flow_backward = {{3}};
    r.in_transit = {arrivals_a * 2};
    r.total_agents = {5};
    r.conflict = r.economy = r.climate = {{0.5, 0.5}};
    return r;
}

const Band& band(const std::vector<Band>& bands, const std::string& name) {
    for (const Band& b : bands)
        if (b.name == name) return b;
    FAIL("no band " << name);
    throw;
}

}  // namespace

TEST_CASE("ensemble bands per series and column match the hand computation", "[ensemble]") {
    std::vector<MemoryRecorder> runs;
    for (double v : {10.0, 1.0, 4.0, 3.0, 2.0}) runs.push_back(hand_run(v, 100 - v, std::int64_t(v)));
    const auto bands = ensemble_bands(runs);
    // Every outcome series is there (drivers are not: they do not depend on the seed).
    std::vector<std::string> names;
    for (const Band& b : bands) names.push_back(b.name);
    CHECK(names == std::vector<std::string>{"population", "agents", "arrivals", "departures", "spawned",
                                            "turned_away_full", "blocked_by_closure", "refused_full",
                                            "route_flow_forward", "route_flow_backward", "in_transit",
                                            "total_agents"});
    const Band& pop = band(bands, "population");
    REQUIRE(pop.days == 1);
    REQUIRE(pop.width == 2);
    const std::vector<double> expect_a = {1.2, 2, 3, 4, 8.8};
    // 100 - v sorted: {90, 96, 97, 98, 99}; h = 0.2 -> 90 + 0.2 (96 - 90); h = 3.8 -> 98 + 0.8 (99 - 98).
    const std::vector<double> expect_b = {91.2, 96, 97, 98, 98.8};
    for (std::size_t l = 0; l < band_levels.size(); ++l) {
        CHECK(pop.q[l][0] == Approx(expect_a[l]).epsilon(1e-14));
        CHECK(pop.q[l][1] == Approx(expect_b[l]).epsilon(1e-14));
    }
    CHECK(pop.mean[0] == 4.0);
    CHECK(pop.mean[1] == 96.0);
    const Band& transit = band(bands, "in_transit");
    CHECK(transit.shape == SeriesWidth::one);
    CHECK(transit.q[2][0] == 6.0);  // median of 2 x {10, 1, 4, 3, 2}
    CHECK(band(bands, "route_flow_forward").q[0][0] == 3.0);
}

namespace {

// Three regions in a line with a camp at the end: enough randomness for bands to spread.
Scenario small_ensemble_scenario() {
    auto s = line_scenario({region("A", 3000), region("B", 2000), region("C", 0, RegionType::camp, 1500)},
                           {40, 60}, 25);
    s.behaviour.lambda_base = 0.05;
    s.behaviour.beta_camp = 1.0;
    return s;
}

}  // namespace

TEST_CASE("an ensemble of one replicate equals the single run", "[ensemble]") {
    const auto s = small_ensemble_scenario();
    const auto single = run_scenario(s, 41);
    const auto reps = run_replicates(s, {41}, 0);
    const auto bands = ensemble_bands(reps.runs);
    const auto views = single.series();
    std::size_t checked = 0;
    for (const SeriesView& v : views) {
        if (v.group != "series") continue;
        const Band& b = band(bands, v.name);
        REQUIRE(b.days == v.days);
        REQUIRE(b.width == v.width);
        std::vector<double> row(v.width);
        for (std::size_t t = 0; t < v.days; ++t) {
            v.row(t, row.data());
            for (std::size_t i = 0; i < v.width; ++i) {
                for (const auto& q : b.q) REQUIRE(q[t * v.width + i] == row[i]);
                REQUIRE(b.mean[t * v.width + i] == row[i]);
                ++checked;
            }
        }
    }
    CHECK(checked > 25 * 3 * 5);
}

TEST_CASE("replicates use seed, seed+1, ... and do not depend on the thread count", "[ensemble][determinism]") {
    const auto s = small_ensemble_scenario();
    CHECK(replicate_seeds(7, 3) == std::vector<std::uint64_t>{7, 8, 9});
    const auto one = run_replicates(s, replicate_seeds(7, 4), 1);
    const auto two = run_replicates(s, replicate_seeds(7, 4), 2);
    REQUIRE(one.runs.size() == 4);
    for (std::size_t k = 0; k < 4; ++k) {
        const auto alone = run_scenario(s, 7 + k, 1);
        CHECK(one.runs[k].arrivals == alone.arrivals);
        CHECK(two.runs[k].arrivals == alone.arrivals);
        CHECK(two.runs[k].population == alone.population);
    }
    CHECK(one.runs[0].arrivals != one.runs[1].arrivals);
    const auto b1 = ensemble_bands(one.runs), b2 = ensemble_bands(two.runs);
    REQUIRE(b1.size() == b2.size());
    for (std::size_t j = 0; j < b1.size(); ++j) {
        CHECK(b1[j].q == b2[j].q);
        CHECK(b1[j].mean == b2[j].mean);
    }
}

TEST_CASE("paired differences: identical scenarios give exactly 0, a change gives its effect", "[ensemble]") {
    const auto s = small_ensemble_scenario();
    const auto seeds = replicate_seeds(3, 5);
    const auto a = run_replicates(s, seeds, 0);
    const auto again = run_replicates(s, seeds, 0);
    for (const Band& d : difference_bands(a.runs, again.runs)) {
        INFO(d.name);
        for (const auto& q : d.q)
            for (double v : q) REQUIRE(v == 0.0);
        for (double v : d.mean) REQUIRE(v == 0.0);
    }
    // Closing the route into the camp: the difference is the per-seed change, and its
    // mean is the difference of the means (the mean is linear; quantiles are not).
    auto closed = s;
    closed.closures.push_back(route_closure(1, 2, 5, never));
    const auto b = run_replicates(closed, seeds, 0);
    const auto diff = difference_bands(a.runs, b.runs);
    const auto side_a = ensemble_bands(a.runs), side_b = ensemble_bands(b.runs);
    const Band& d = band(diff, "population");
    const Band& pa = band(side_a, "population");
    const Band& pb = band(side_b, "population");
    for (std::size_t c = 0; c < d.mean.size(); ++c) CHECK(d.mean[c] == Approx(pb.mean[c] - pa.mean[c]).margin(1e-9));
    const std::size_t last_camp = (d.days - 1) * d.width + 2;
    CHECK(d.q[4][last_camp] < 0);  // every seed: fewer people in the camp
    // The per-seed difference of a replicate is exactly that replicate's change.
    std::vector<double> per_seed;
    for (std::size_t k = 0; k < seeds.size(); ++k)
        per_seed.push_back(b.runs[k].population.back()[2] - a.runs[k].population.back()[2]);
    CHECK(d.q[2][last_camp] == quantile(per_seed, 0.5));
}

TEST_CASE("camp outcomes per replicate: peak, its day, arrivals", "[ensemble]") {
    Scenario s = small_ensemble_scenario();
    std::vector<MemoryRecorder> runs(1);
    runs[0].population = {{0, 0, 100}, {0, 0, 1600}, {0, 0, 1700}, {0, 0, 1200}};
    runs[0].arrivals = {{0, 0, 10}, {0, 0, 150}, {0, 0, 10}, {0, 0, 0}};
    const auto camps = camp_outcomes(s, runs);
    REQUIRE(camps.size() == 1);
    CHECK(camps[0].region == 2);
    CHECK(camps[0].peak_population == std::vector<double>{1700});
    CHECK(camps[0].peak_day == std::vector<double>{2});
    CHECK(camps[0].arrivals_people == std::vector<double>{170});  // people_per_agent 1
}

TEST_CASE("camp outcomes per replicate: full as the single run's camp outcomes say", "[ensemble]") {
    // tiny.yaml with a camp small enough to fill in some seeds: admission never lets it
    // exceed its capacity, so "over capacity" would always be never.
    std::string text = slurp(std::string(MIGFLOW_SOURCE_DIR) + "/scenarios/tiny.yaml");
    text.replace(text.find("capacity: 3000"), 14, "capacity: 900");
    const Scenario s = load_scenario_text(text, "tiny.yaml", std::string(MIGFLOW_SOURCE_DIR) + "/scenarios");
    std::vector<MemoryRecorder> runs;
    for (std::uint64_t seed = 1; seed <= 4; ++seed) runs.push_back(run_scenario(s, seed, 1));
    const auto camps = camp_outcomes(s, runs);
    REQUIRE(camps.size() == 1);
    int full = 0;
    for (std::size_t k = 0; k < runs.size(); ++k) {
        const CampOutcome& o = runs[k].camps.camps().at(0);
        REQUIRE(o.region == camps[0].region);
        CHECK(camps[0].first_day_full[k] == double(o.first_full));
        CHECK(camps[0].days_full[k] == double(o.days_full));
        CHECK(camps[0].turned_away[k] == double(o.refused) * s.agents.people_per_agent);
        CHECK(camps[0].peak_population[k] <= 900.0);  // never over capacity
        full += o.first_full >= 0 ? 1 : 0;
    }
    CHECK(full > 0);  // the test means something: the camp does fill
}

TEST_CASE("an ensemble too big for memory is refused with the formula", "[ensemble]") {
    const auto s = small_ensemble_scenario();  // 25 days, 3 regions, 2 routes
    // Values per day: 8 region series + 3 drivers, 2 route series, 2 per-day = 11 x 3 + 2 x 2 + 2 = 39.
    CHECK(MemoryRecorder::values_per_day(3, 2) == 39);
    CHECK(ensemble_memory_bytes(s, 10) == 10.0 * 25 * 39 * 8);
    CHECK_NOTHROW(check_ensemble_memory(s, 10, 1, 80000));
    try {
        check_ensemble_memory(s, 100, 1, 80000);
        FAIL("expected a refusal");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()) ==
              "an ensemble keeps every replicate's series in memory for the quantiles: 100 replicates x 25 days x "
              "39 values per day (3 regions, 2 routes) x 8 B = 761.7 KiB, more than the limit of 78.1 KiB; use "
              "fewer replicates or a shorter run");
    }
}
