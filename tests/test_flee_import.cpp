// Flee case directories through the importer: CSV quirks, every closure type, data
// layout with several files per camp, registration corrections, hasten, settings.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_support.hpp"
#include "../sim/formats/flee/import_internal.hpp"
#include "../sim/formats/flee/settings_yaml.hpp"
#include "engine_fixtures.hpp"
#include "migflow/formats/flee/import.hpp"

using namespace migflow;
using migflow::test::write_file;
namespace fs = std::filesystem;

namespace {

// A small case with the quirks of real ones: quoted headers, `#` rows, trailing
// commas, blank cells, a column for an unknown location, two files for one camp.
fs::path make_mini_case(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("migflow_flee_" + name);
    fs::remove_all(dir);
    write_file(dir / "simsetting.yml",
          "log_levels:\n  agent: 0\n  granularity: location\n"
          "spawn_rules:\n  take_from_population: False\n  conflict_spawn_decay: [1.0, 0.5]\n  insert_day0: True\n"
          "move_rules:\n  max_move_speed: 200.0\n  camp_weight: 2.0\n  awareness_level: 1\n"
          "optimisations:\n  hasten: 2\n");
    write_file(dir / "input_csv/locations.csv",
          "\"#name\",\"region\",\"country\",\"latitude\",\"longitude\",\"location_type\",\"conflict_date\",\"population\"\n"
          "\"A\",\"r\",\"Home\",0,0,\"conflict_zone\",0,1001\n"
          "\"B\",\"r\",\"Home\",0,1,\"town\",,\n"
          "\"H\",\"r\",\"Home\",0,2,\"forwarding_hub\",,\n"
          "\"C\",\"r\",\"Away\",0,3,\"camp\",,4001\n"
          "\"D\",\"r\",\"Away\",0,4,\"camp\",,\n"
          "\"E\",\"r\",\"Home\",0,5,\"conflict_zone\",3,500\n");
    write_file(dir / "input_csv/routes.csv",
          "#name1,name2,distance,forced_redirection\nA,B,50,\nB,H,60,\nH,C,70,2\nB,D,100,\nA,E,30,\n");
    write_file(dir / "input_csv/closures.csv",
          "#closure_type,name1,name2,closure_start,closure_end\n"
          "location,E,,2,4\ncountry,Home,Away,5,6\ncamp,D,,0,3\nlink,A,B,7,8\n"
          "remove_forced_redirection,H,C,3,0\n");
    std::string conflicts = "#Day,A,E,Ghost,\n";
    for (int t = 0; t < 10; ++t)
        conflicts += std::to_string(t) + "," + (t < 4 ? "1" : "0") + "," + (t >= 3 ? "1" : "0") + ",1,\n";
    write_file(dir / "input_csv/conflicts.csv", conflicts);
    write_file(dir / "input_csv/sim_period.csv", "StartDate,2020-01-01\nLength,10\n");
    write_file(dir / "input_csv/registration_corrections.csv", "\"D\",\"2020-01-06\"\n\"C\",\"2020-01-01\"\n");
    write_file(dir / "source_data/data_layout.csv", "total,refugees.csv\nC,c1.csv,c2.csv\nD,d.csv\n");
    write_file(dir / "source_data/refugees.csv", "Date,Refugee_numbers\n2020-01-01,10\n");
    write_file(dir / "source_data/c1.csv", "Date,count\n2020-01-01,100\n# a comment\n2020-01-05,300\n2020-01-09,\n");
    write_file(dir / "source_data/c2.csv", "2019-12-30,10\n2020-1-3,30\n");
    write_file(dir / "source_data/d.csv", ",\n2020-01-01,0\n2020-01-03,40\n2020-01-06,100\n");
    return dir;
}

}  // namespace

TEST_CASE("flee import: locations, types, hasten and routes", "[flee][import]") {
    const Scenario s = import_flee_case(make_mini_case("types").string());
    REQUIRE(s.ruleset == "flee");
    REQUIRE(s.flee.has_value());
    CHECK(s.days == 10);
    CHECK(format_date(s.start_date) == "2020-01-01");
    REQUIRE(s.regions.size() == 6);
    const Region& a = s.regions[test::index_of(s, "A")];
    CHECK(a.type == RegionType::settlement);
    CHECK(a.population == 500);  // 1001 / 2, integer division
    CHECK(s.regions[test::index_of(s, "H")].type == RegionType::transit);
    const Region& c = s.regions[test::index_of(s, "C")];
    CHECK(c.type == RegionType::camp);
    CHECK(c.capacity == 2000);  // the population column is a camp's capacity
    CHECK(c.population == 0);
    CHECK(s.regions[test::index_of(s, "D")].capacity == 0);  // blank: unlimited
    REQUIRE(s.routes.size() == 5);
    CHECK(s.routes[2].from == test::index_of(s, "H"));
    CHECK(s.routes[2].km == 70);
    CHECK(s.flee->move.camp_weight == 2.0);
    CHECK(s.flee->hasten == 2);
    CHECK(s.flee->spawn.conflict_spawn_decay == std::vector<double>{1.0, 0.5});
}

TEST_CASE("flee import: every closure type", "[flee][import]") {
    const Scenario s = import_flee_case(make_mini_case("closures").string());
    REQUIRE(s.closures.size() == 4);  // remove_forced_redirection has nothing to undo
    CHECK(s.closures[0].kind == Closure::Kind::region);
    CHECK(s.closures[0].a == test::index_of(s, "E"));
    CHECK((s.closures[0].start == 2 && s.closures[0].end == 4));
    CHECK(s.closures[1].kind == Closure::Kind::border);
    CHECK((s.closures[1].country_a == "Home" && s.closures[1].country_b == "Away"));
    CHECK(s.closures[2].kind == Closure::Kind::camp);
    CHECK((s.closures[2].start == 0 && s.closures[2].end == 3));
    CHECK(s.closures[3].kind == Closure::Kind::route);
    CHECK((s.closures[3].a == test::index_of(s, "A") && s.closures[3].b == test::index_of(s, "B")));
}

TEST_CASE("flee import: conflicts as a step driver", "[flee][import]") {
    const Scenario s = import_flee_case(make_mini_case("conflicts").string());
    const DriverSpec& c = s.driver(DriverKind::conflict);
    const TimeSeries& a = c.series[test::index_of(s, "A")];
    CHECK(a.day == std::vector<Day>{0, 4});
    CHECK(a.value == std::vector<double>{1.0, 0.0});
    const TimeSeries& e = c.series[test::index_of(s, "E")];  // conflict_date 3: a town until then
    CHECK(e.day == std::vector<Day>{0, 3});
    CHECK(e.value == std::vector<double>{0.0, 1.0});
    CHECK(c.series[test::index_of(s, "B")].day.empty());
}

TEST_CASE("flee import: observed counts (two files, interpolation, corrections, hasten)", "[flee][import]") {
    const Scenario s = import_flee_case(make_mini_case("observed").string());
    REQUIRE(s.observed.region.size() == 2);
    CHECK(s.observed.region[0] == test::index_of(s, "C"));
    // c1: 50 on day 0, 150 on day 4 (the blank 2020-01-09 row is skipped);
    // c2: 5 on day -2, 15 on day 2. Flee's AddCSVTables merges them into (-2, 5+50),
    // (0, 5+50), (2, 15+150) and drops c1's day 4, which comes after c2's last date.
    CHECK(s.observed.count[0] == std::vector<double>{55, 110, 165, 165, 165, 165, 165, 165, 165, 165});
    // d: 0, 20, 50 (hastened) on days 0, 2, 5; the correction on 2020-01-06 multiplies
    // the earlier rows by 50 / 20: 0, 50, 50. The correction on C's first row changes nothing.
    CHECK(s.observed.count[1] == std::vector<double>{0, 25, 50, 50, 50, 50, 50, 50, 50, 50});
}

TEST_CASE("flee data: interpolation and registration corrections", "[flee][import]") {
    using detail::FleeDataPoint;
    std::vector<FleeDataPoint> d = {{2, 10.0}, {6, 20.0}, {8, 30.0}};
    CHECK(detail::flee_count_on(d, 0) == 10);   // before the first date
    CHECK(detail::flee_count_on(d, 3) == 12);   // 12.5 truncated
    CHECK(detail::flee_count_on(d, 7) == 25);
    CHECK(detail::flee_count_on(d, 20) == 30);  // after the last date
    CHECK_FALSE(detail::apply_registration_correction(d, 2));  // the first row: nothing earlier
    CHECK_FALSE(detail::apply_registration_correction(d, 5));  // no such date
    REQUIRE(detail::apply_registration_correction(d, 8));
    CHECK(d[0].value == Approx(15.0));  // x 30 / 20
    CHECK(d[1].value == Approx(30.0));
    CHECK(d[2].value == Approx(30.0));
    // Flee reads dates with strptime("%Y-%m-%d"): one-digit months and days are fine.
    CHECK(detail::parse_flee_date("2015-5-1") == parse_date("2015-05-01"));
    CHECK(detail::parse_flee_date("2015-05-01") == parse_date("2015-05-01"));
    CHECK_FALSE(detail::parse_flee_date("Date").has_value());
    CHECK_FALSE(detail::parse_flee_date("2015-13-01").has_value());
}

TEST_CASE("flee import: problems are collected and name the file and key", "[flee][import]") {
    const fs::path dir = make_mini_case("bad");
    write_file(dir / "input_csv/routes.csv", "#name1,name2,distance\nA,Bee,50\nA,B,-3\n");
    write_file(dir / "simsetting.yml", "move_rules:\n  max_move_sped: 200\n  awareness_level: 13\n");
    try {
        import_flee_case(dir.string());
        FAIL("expected InputError");
    } catch (const InputError& e) {
        const std::string what = e.what();
        CHECK_THAT(what, Catch::Contains("routes.csv:2:2: name2: unknown location `Bee`"));
        CHECK_THAT(what, Catch::Contains("routes.csv:3:3: distance: got `-3`, expected a number in (0, 1e+09]"));
        CHECK_THAT(what, Catch::Contains("simsetting.yml:2:3: move_rules.max_move_sped: unknown key; did you mean `max_move_speed`?"));
        CHECK_THAT(what, Catch::Contains("simsetting.yml:3:20: move_rules.awareness_level: got 13, expected a number in [0, 12]"));
    }
}

TEST_CASE("flee settings: every rule read, unsupported ones rejected by name", "[flee][settings]") {
    Diagnostics d;
    const YAML::Node n = YAML::Load(
        "move_rules: {awareness_level: 3, capacity_buffer: 0.8, softening: 5, weight_softening: 0.1,\n"
        "  distance_power: 2, weight_power: 0.5, start_on_foot: true, avoid_short_stints: true,\n"
        "  foreign_weight: 3, max_walk_speed: 30}\n"
        "spawn_rules: {conflict_driven_spawning: {spawn_mode: Poisson, displaced_per_conflict_day: 7}}\n"
        "log_levels: {agent: 1}\n");
    const FleeSettings s = parse_flee_settings(n, "x.yml", d);
    REQUIRE(d.empty());
    CHECK(s.move.awareness_level == 3);
    CHECK(s.move.capacity_buffer == 0.8);
    CHECK(s.move.weight_softening == 0.1);
    CHECK(s.move.start_on_foot);
    CHECK(s.move.avoid_short_stints);
    CHECK(s.spawn.mode == FleeSpawnMode::poisson);
    CHECK(s.spawn.displaced_per_conflict_day == 7);
    Diagnostics bad;
    parse_flee_settings(YAML::Load("move_rules: {awareness_level: 2.5, use_v1_rules: true}\n"
                                   "spawn_rules: {camps_are_sinks: true, sum_from_camps: false}\n"),
                        "y.yml", bad);
    REQUIRE(bad.problems().size() == 4);
    CHECK(bad.problems()[0].key == "move_rules.awareness_level");
    CHECK(bad.problems()[1].key == "move_rules.use_v1_rules");
    CHECK(bad.problems()[2].key == "spawn_rules.camps_are_sinks");
    CHECK(bad.problems()[3].key == "spawn_rules.sum_from_camps");
}

TEST_CASE("flee import: the shared real cases", "[flee][import]") {
    const std::string root = MIGFLOW_FLEE_CASES;
    REQUIRE(fs::exists(root + "/burundi"));
    const Scenario b = import_flee_case(root + "/burundi");
    CHECK(b.regions.size() == 30);
    CHECK(b.routes.size() == 41);
    CHECK(b.days == 396);
    CHECK(b.observed.region.size() == 5);
    CHECK(b.closures.size() == 2);  // two camp closures; the forced redirection is dropped
    const Scenario s = import_flee_case(root + "/ssudan");
    CHECK(s.days == 604);
    CHECK(s.observed.region.size() == 10);
    CHECK(s.closures.size() == 3);
    CHECK(is_flee_case_dir(root + "/ssudan"));
    CHECK_FALSE(is_flee_case_dir(root));
}

#include "migflow/output/recorder.hpp"
#include "migflow/scenario/loader.hpp"
#include "migflow/engine/simulation.hpp"

namespace {

MemoryRecorder run_memory(const Scenario& s, std::uint64_t seed) {
    RunOptions o;
    o.seed = seed;
    o.threads = 2;
    Simulation sim(s, o);
    MemoryRecorder rec;
    sim.run(rec);
    return rec;
}

}  // namespace

TEST_CASE("flee import: the written YAML scenario runs to the same result", "[flee][import]") {
    const fs::path dir = make_mini_case("roundtrip");
    const fs::path out = fs::temp_directory_path() / "migflow_flee_roundtrip_out" / "mini.yaml";
    fs::remove_all(out.parent_path());
    fs::create_directories(out.parent_path());
    const Scenario direct = import_flee_case(dir.string());
    write_flee_scenario_yaml(direct, out.string());
    const Scenario loaded = load_scenario(out.string());
    CHECK(loaded.ruleset == "flee");
    REQUIRE(loaded.regions.size() == direct.regions.size());
    CHECK(loaded.closures.size() == direct.closures.size());
    CHECK(loaded.observed.count == direct.observed.count);
    CHECK(loaded.flee->spawn.conflict_spawn_decay == direct.flee->spawn.conflict_spawn_decay);
    CHECK(loaded.flee->hasten == 1);  // numbers are written already divided
    const auto a = run_memory(direct, 11), b = run_memory(loaded, 11);
    CHECK(a.agents_at == b.agents_at);
    CHECK(a.flow_forward == b.flow_forward);

    const std::string burundi = std::string(MIGFLOW_FLEE_CASES) + "/burundi";
    REQUIRE(fs::exists(burundi));
    const Scenario real = import_flee_case(burundi);
    const fs::path out2 = out.parent_path() / "burundi.yaml";
    write_flee_scenario_yaml(real, out2.string());
    const auto c = run_memory(real, 3), d = run_memory(load_scenario(out2.string()), 3);
    CHECK(c.agents_at == d.agents_at);
    CHECK(c.total_agents.back() == 212321);  // Flee's own final agent count (FIGURES.md)
}

TEST_CASE("flee import: idp camps, markers and unknown location types", "[flee][import]") {
    const fs::path dir = make_mini_case("moretypes");
    write_file(dir / "input_csv/locations.csv",
          "#name,region,country,lat,lon,location_type,conflict_date,population\n"
          "A,r,Home,0,0,conflict_zone,0,1000\nB,r,Home,0,1,marker,,\nH,r,Home,0,2,default,,\n"
          "C,r,Away,0,3,camp,,4000\nD,r,Home,0,4,idpcamp,,300\nE,r,Home,0,5,Town,,10\n");
    const Scenario s = import_flee_case(dir.string());
    CHECK(s.flee->markers == std::vector<std::string>{"B"});
    CHECK(s.flee->idp_camps == std::vector<std::string>{"D"});
    CHECK(s.regions[test::index_of(s, "D")].type == RegionType::camp);
    CHECK(s.regions[test::index_of(s, "D")].capacity == 150);  // hasten 2
    CHECK(s.regions[test::index_of(s, "E")].type == RegionType::settlement);
    write_file(dir / "input_csv/locations.csv",
          "#name,region,country,lat,lon,location_type,conflict_date,population\n"
          "A,r,Home,0,0,conflict_zone,0,1000\nB,r,Home,0,1,village,,\n");
    try {
        import_flee_case(dir.string());
        FAIL("expected InputError");
    } catch (const InputError& e) {
        CHECK_THAT(std::string(e.what()), Catch::Contains("locations.csv:3:6: location_type: got `village`"));
    }
}

TEST_CASE("flee import: a comment above the conflicts header, a camp on two layout rows",
          "[flee][import]") {
    const fs::path plain = make_mini_case("layout_plain");
    const Scenario a = import_flee_case(plain.string());
    // The same case with a comment above `#Day,...` and C's two files on two rows.
    const fs::path dir = make_mini_case("layout_split");
    std::string conflicts;
    {
        std::ifstream in(dir / "input_csv/conflicts.csv");
        std::stringstream ss;
        ss << in.rdbuf();
        conflicts = ss.str();
    }
    write_file(dir / "input_csv/conflicts.csv", "# generated by a script\n" + conflicts);
    write_file(dir / "source_data/data_layout.csv", "total,refugees.csv\nC,c1.csv\nD,d.csv\nC,c2.csv\n");
    const Scenario b = import_flee_case(dir.string());
    const auto& ca = a.driver(DriverKind::conflict), &cb = b.driver(DriverKind::conflict);
    for (std::size_t r = 0; r < a.regions.size(); ++r) {
        CHECK(ca.series[r].day == cb.series[r].day);
        CHECK(ca.series[r].value == cb.series[r].value);
    }
    // C twice: Flee looks a name up at its first row, so C is c1 alone, and the
    // spawn total (every row after `total`) counts it twice: once more than scored.
    CHECK(b.observed.region == a.observed.region);
    CHECK(b.observed.count[0] == std::vector<double>{50, 75, 100, 125, 150, 150, 150, 150, 150, 150});
    CHECK(b.observed.count[1] == a.observed.count[1]);
    CHECK(b.flee->data_total_extra == b.observed.count[0]);
    CHECK(a.flee->data_total_extra.empty());
    REQUIRE(b.warnings.size() == 1);
    CHECK_THAT(b.warnings[0].str(), Catch::Contains("data_layout.csv:4:1: camp: `C` is given again"));
}

TEST_CASE("flee import: bad conflicts and closure days are errors", "[flee][import]") {
    const fs::path dir = make_mini_case("bad_days");
    write_file(dir / "input_csv/conflicts.csv", "#Day,Nowhere\n0,1\n1,1,1\n");
    write_file(dir / "input_csv/closures.csv",
          "#closure_type,name1,name2,closure_start,closure_end\ncamp,D,,-5,3\nlocation,E,,3.7,9\n");
    try {
        import_flee_case(dir.string());
        FAIL("expected an InputError");
    } catch (const InputError& e) {
        const std::string what = e.what();
        CHECK_THAT(what, Catch::Contains("conflicts.csv:1:1: header: no column names a location"));
        CHECK_THAT(what, Catch::Contains("conflicts.csv:3:3: Day: row has 3 cells, the header names 2 columns"));
        CHECK_THAT(what, Catch::Contains("closures.csv:2:4: closure_start: got `-5`, expected a day number >= 0"));
        CHECK_THAT(what, Catch::Contains("closures.csv:3:4: closure_start: got `3.7`, expected a day number >= 0"));
    }
}

TEST_CASE("flee import refuses to write inside the case it imports", "[flee][import]") {
    const fs::path dir = make_mini_case("export_inside");
    const Scenario a = import_flee_case(dir.string());
    try {
        write_flee_scenario_yaml(a, (dir / "out/case.yaml").string());
        FAIL("wrote inside the case");
    } catch (const std::exception& e) {
        CHECK_THAT(std::string(e.what()), Catch::Contains("lies inside " + dir.string() + ", an input folder of this import"));
    }
    CHECK(!fs::exists(dir / "out/case_regions.csv"));
}

TEST_CASE("flee import: the YAML goes into a new folder, and intensities above 1 survive",
          "[flee][import]") {
    const fs::path dir = make_mini_case("export_new_dir");
    write_file(dir / "input_csv/conflicts.csv", "#Day,A,E\n0,0,0\n1,2.5,0\n2,2.5,1\n");
    const Scenario a = import_flee_case(dir.string());
    const fs::path yaml = dir.string() + "_fresh/sub/case.yaml";  // beside the case: never inside it
    fs::remove_all(dir.string() + "_fresh");
    write_flee_scenario_yaml(a, yaml.string());
    const Scenario b = load_scenario(yaml.string());
    const auto& ca = a.driver(DriverKind::conflict).series[test::index_of(a, "A")];
    const auto& cb = b.driver(DriverKind::conflict).series[test::index_of(b, "A")];
    CHECK(ca.value == std::vector<double>{1.0, 2.5});  // conflict_zone from its type, 2.5 from day 1
    CHECK(cb.day == ca.day);
    CHECK(cb.value == ca.value);
}
