// The YAML loader on the reference scenario (scenarios/test::tiny_yaml.yaml) and on CSV inputs.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine_fixtures.hpp"
#include "migflow/engine/drivers.hpp"
#include "migflow/scenario/loader.hpp"
#include "test_support.hpp"

using namespace migflow;
namespace fs = std::filesystem;

using migflow::test::TempDir;
using migflow::test::slurp;

namespace {



}  // namespace

TEST_CASE("loader: tiny.yaml regions, routes, closures", "[loader]") {
    const Scenario s = load_scenario(test::tiny_yaml);
    CHECK(s.name == "tiny");
    CHECK(s.source_file == test::tiny_yaml);
    CHECK(s.source_text.find("name: tiny") != std::string::npos);
    CHECK(s.start_date == *parse_date("2024-01-01"));
    CHECK(s.days == 30);
    CHECK(s.seed == 7);
    CHECK(s.ruleset == "native");
    CHECK_FALSE(s.flee.has_value());

    REQUIRE(s.regions.size() == 5);
    CHECK(s.regions[0].name == "Alpha");
    CHECK(s.regions[1].type == RegionType::transit);
    CHECK(s.regions[2].type == RegionType::settlement);
    CHECK(s.regions[4].type == RegionType::camp);
    CHECK(s.regions[4].capacity == 3000);
    CHECK(s.regions[0].capacity == 0);
    CHECK(s.regions[2].population == 50000);
    CHECK(s.regions[3].country == "Bland");
    CHECK(s.regions[1].lat == 12.5);

    REQUIRE(s.routes.size() == 5);
    CHECK(s.routes[0].from == test::index_of(s, "Alpha"));
    CHECK(s.routes[0].to == test::index_of(s, "Hub"));
    CHECK(s.routes[3].from == test::index_of(s, "Beta"));
    CHECK(s.routes[3].to == test::index_of(s, "Camp"));
    CHECK(s.routes[3].km == 120);

    REQUIRE(s.closures.size() == 2);
    const Closure& rc = s.closures[0];  // from routes[3].closed
    CHECK(rc.kind == Closure::Kind::route);
    CHECK(rc.a == test::index_of(s, "Beta"));
    CHECK(rc.b == test::index_of(s, "Camp"));
    CHECK(rc.start == 9);
    CHECK(rc.end == 14);
    const Closure& bc = s.closures[1];
    CHECK(bc.kind == Closure::Kind::border);
    CHECK(bc.country_a == "Aland");
    CHECK(bc.country_b == "Bland");
    CHECK(bc.start == 19);
    CHECK(bc.end == 24);
    CHECK(s.output.path == "tiny.h5");
    CHECK(s.output.compression == 1);  // the default
}

TEST_CASE("loader: tiny.yaml drivers, shocks, parameters", "[loader]") {
    const Scenario s = load_scenario(test::tiny_yaml);
    const DriverSpec& conflict = s.driver(DriverKind::conflict);
    CHECK(conflict.interpolation == Interpolation::step);
    CHECK(conflict.default_value == 0);
    REQUIRE(conflict.series.size() == 5);
    CHECK(conflict.series[0].day == std::vector<Day>{0, 4, 19});
    CHECK(conflict.series[0].value == std::vector<double>{0.2, 0.9, 0.4});
    CHECK(conflict.series[1].day.empty());

    const DriverSpec& economy = s.driver(DriverKind::economy);
    CHECK(economy.interpolation == Interpolation::linear);
    CHECK(economy.default_value == 1.0);
    CHECK(economy.series[2].day == std::vector<Day>{0, 29});
    CHECK(economy.series[2].value == std::vector<double>{1.5, 1.2});
    CHECK(economy.series[3].value == std::vector<double>{0.8});

    const DriverSpec& climate = s.driver(DriverKind::climate);  // from tiny_climate.csv
    CHECK(climate.interpolation == Interpolation::step);
    CHECK(climate.series[0].day == std::vector<Day>{0, 14});
    CHECK(climate.series[0].value == std::vector<double>{0.1, 0.3});
    CHECK(climate.series[3].value == std::vector<double>{0.2});

    // The points as the engine reads them (drivers.hpp), on chosen days.
    auto at = [&](DriverKind k, const std::string& region, Day t) {
        const DriverSpec& d = s.driver(k);
        return series_value(d.series[test::index_of(s, region)], d.interpolation, d.default_value, t);
    };
    CHECK(at(DriverKind::conflict, "Alpha", 3) == 0.2);
    CHECK(at(DriverKind::conflict, "Alpha", 4) == 0.9);
    CHECK(at(DriverKind::conflict, "Alpha", 25) == 0.4);
    CHECK(at(DriverKind::conflict, "Beta", 10) == 0.0);
    CHECK(at(DriverKind::economy, "Beta", 10) == Approx(1.5 - 0.3 * 10.0 / 29.0));
    CHECK(at(DriverKind::economy, "Hub", 10) == 1.0);
    CHECK(at(DriverKind::climate, "Alpha", 20) == 0.3);

    REQUIRE(s.shocks.size() == 1);
    CHECK(s.shocks[0].driver == DriverKind::climate);
    CHECK(s.shocks[0].region == test::index_of(s, "Gamma"));
    CHECK(s.shocks[0].start == 11);
    CHECK(s.shocks[0].end == 17);
    CHECK(s.shocks[0].severity == 0.7);
    CHECK(s.shocks[0].mode == Shock::Mode::max);

    CHECK(s.behaviour.lambda_conflict == 0.3);
    CHECK(s.behaviour.lambda_base == Behaviour{}.lambda_base);
    CHECK(s.agents.people_per_agent == 10);
    CHECK(s.agents.mobile_fraction == 0.5);
    CHECK(s.agents.spawn_conflict == 0.002);
}

TEST_CASE("loader: --set overrides before validation", "[loader]") {
    const Scenario s = load_scenario(test::tiny_yaml, {{"behaviour.lambda_conflict", "0.2"},
                                            {"days", "40"},
                                            {"agents.people_per_agent", "100"},
                                            {"regions[2].population", "123"},
                                            {"output.snapshot_every", "5"}});
    CHECK(s.behaviour.lambda_conflict == 0.2);
    CHECK(s.days == 40);
    CHECK(s.agents.people_per_agent == 100);
    CHECK(s.regions[2].population == 123);
    CHECK(s.output.snapshot_every == 5);
    // A block absent from the file can be created by --set.
    const Scenario g = load_scenario(test::tiny_yaml, {{"behaviour.awareness", "2"}, {"seed", "99"}});
    CHECK(g.behaviour.awareness == 2);
    CHECK(g.seed == 99);
}

TEST_CASE("loader: regions, routes and drivers from CSV files", "[loader]") {
    TempDir dir("csv");
    dir.write("regions.csv",
              "\xEF\xBB\xBFname,type,lat,lon,population,capacity,country\n"
              "A,settlement,1,1,1000,,X\r\n"
              "\"B\",camp,2,2,0,500,Y\n"
              "C,transit,3,3,10,,\n");
    dir.write("routes.csv", "# made by hand, for the test\nfrom,to,km\nA,B,10\n# a comment line\nB,C,20.5\n");
    dir.write("conflict.csv", "date,A,C,\n2024-01-01,0.5,,\n2024-01-03,0.7,0.1,\n");
    dir.write("observed.csv", "#date,region,count\n2024-01-02,B,10\n2024-01-04,B,30\n");
    const std::string yaml = dir.write("s.yaml", R"(name: s
start_date: 2024-01-01
days: 6
regions: regions.csv
routes: routes.csv
drivers:
  conflict: {file: conflict.csv, interpolation: linear}
observed: {file: observed.csv}
groups:
  - {name: young, share: 0.25, hazard_scale: 1.5}
  - {name: old, share: 0.75}
)");
    const Scenario s = load_scenario(yaml);
    REQUIRE(s.regions.size() == 3);
    CHECK(s.regions[1].name == "B");
    CHECK(s.regions[1].type == RegionType::camp);
    CHECK(s.regions[1].capacity == 500);
    CHECK(s.regions[2].country.empty());
    REQUIRE(s.routes.size() == 2);
    CHECK(s.routes[1].from == 1);
    CHECK(s.routes[1].km == 20.5);
    const DriverSpec& c = s.driver(DriverKind::conflict);
    CHECK(c.series[0].day == std::vector<Day>{0, 2});
    CHECK(c.series[0].value == std::vector<double>{0.5, 0.7});
    CHECK(c.series[2].day == std::vector<Day>{2});
    CHECK(c.series[1].day.empty());
    REQUIRE(s.observed.region == std::vector<RegionIndex>{1});
    // Before the first date: first value; linear between; after the last: last value.
    CHECK(s.observed.count[0] == std::vector<double>{10, 10, 20, 30, 30, 30});
    REQUIRE(s.groups.size() == 2);
    CHECK(s.groups[0].hazard_scale == 1.5);
    CHECK(s.groups[1].hazard_scale == 1.0);
}

TEST_CASE("loader: a large CSV network loads quickly", "[loader]") {
    TempDir dir("big");
    constexpr int regions = 20000, routes = 100000;
    {
        std::ofstream r(dir.path / "regions.csv");
        r << "name,type,lat,lon,population,capacity,country\n";
        for (int i = 0; i < regions; ++i) r << "R" << i << ",settlement," << (i % 90) << ",1,1000,,C\n";
        std::ofstream e(dir.path / "routes.csv");
        e << "from,to,km\n";
        for (int i = 0; i < routes; ++i) e << "R" << i % regions << ",R" << (i * 7 + 1) % regions << "," << 1 + i % 50 << "\n";
    }
    const std::string yaml = dir.write("big.yaml",
                                       "name: big\nstart_date: 2020-01-01\ndays: 5\nregions: regions.csv\nroutes: routes.csv\n");
    // Its speed is measured by benchmarks/bench_startup, not asserted here.
    const Scenario s = load_scenario(yaml);
    CHECK(s.regions.size() == regions);
    CHECK(s.routes.size() == routes);
    CHECK(s.routes[12345].from == 12345 % regions);
    CHECK(s.routes[12345].to == (12345 * 7 + 1) % regions);
}

TEST_CASE("loader: flee ruleset takes the flee block", "[loader]") {
    TempDir dir("flee");
    const std::string yaml = dir.write("f.yaml", R"(name: f
start_date: 2024-01-01
days: 3
ruleset: flee
regions:
  - {name: A, lat: 0, lon: 0, population: 10}
flee:
  move_rules: {max_move_speed: 200}
)");
    const Scenario s = load_scenario(yaml);
    REQUIRE(s.flee.has_value());
    CHECK(s.flee->move.max_move_speed == 200);
    CHECK(s.ruleset == "flee");
    // --set reaches into the flee block and into driver values, parsed as YAML.
    const Scenario t = load_scenario(yaml, {{"flee.move_rules.max_move_speed", "150"},
                                            {"drivers.conflict.values.A", "[[2024-01-02, 0.5]]"}});
    CHECK(t.flee->move.max_move_speed == 150);
    CHECK(t.driver(DriverKind::conflict).series[0].day == std::vector<Day>{1});
    // Flee's conflict intensities may exceed 1; the native model's may not.
    const Scenario u = load_scenario(yaml, {{"drivers.conflict.values.A", "2.5"}});
    CHECK(u.driver(DriverKind::conflict).series[0].value == std::vector<double>{2.5});
    CHECK_THROWS_WITH(load_scenario(yaml, {{"drivers.conflict.values.A", "2.5"},
                                           {"ruleset", "native"},
                                           {"flee", "null"}}),
                      Catch::Contains("expected a number in [0, 1]"));
}

TEST_CASE("migflow params --ruleset flee lists Flee's move rules from the registry and nothing else", "[loader][cli]") {
    TempDir dir("params_flee");
    const std::string out = (dir.path / "flee.txt").string();
    REQUIRE(std::system((std::string("'") + MIGFLOW_BINARY + "' params --ruleset flee > '" + out + "'").c_str()) == 0);
    const std::string text = slurp(out);
    CHECK(text.find("ruleset flee:") != std::string::npos);
    CHECK(text.find("flee.move_rules:") != std::string::npos);
    CHECK(text.find("awareness_level") != std::string::npos);
    CHECK(text.find("whole number in [0, 12]") != std::string::npos);
    CHECK(text.find("lambda_conflict") == std::string::npos);
    CHECK(std::system((std::string("'") + MIGFLOW_BINARY + "' params --ruleset nope 2> /dev/null").c_str()) != 0);
}

TEST_CASE("docs/SCENARIO.md holds the `migflow params --markdown` tables", "[loader][cli]") {
    TempDir dir("params");
    const std::string out = (dir.path / "params.md").string();
    const std::string cmd = std::string("'") + MIGFLOW_BINARY + "' params --markdown > '" + out + "'";
    REQUIRE(std::system(cmd.c_str()) == 0);
    auto slurp = [](const std::string& p) {
        std::ifstream in(p);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    };
    const std::string tables = slurp(out);
    REQUIRE(tables.find("| `lambda_conflict` | 0.25 |") != std::string::npos);
    REQUIRE(tables.find("| `default_movechance` | 0.3 | [0, 1] | 1/day |") != std::string::npos);  // flee's, from the registry
    CHECK(slurp(std::string(MIGFLOW_SOURCE_DIR) + "/docs/SCENARIO.md").find(tables) != std::string::npos);
}
