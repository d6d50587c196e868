// Regression tests for the Flee inputs migflow once refused or read differently from
// current Flee (issue #11, parts 1 and 2): each builds the smallest case showing it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "test_support.hpp"
#include "../sim/formats/flee/import_internal.hpp"
#include "../sim/formats/flee/settings_yaml.hpp"
#include "engine_fixtures.hpp"
#include "migflow/formats/flee/import.hpp"

using namespace migflow;
using migflow::test::write_file;
namespace fs = std::filesystem;

namespace {

// A conflict zone A, a town B, a camp C; 6 days; C observed (c.csv). Tests overwrite
// single files.
fs::path tiny_case(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("migflow_compat_" + name);
    fs::remove_all(dir);
    write_file(dir / "input_csv/locations.csv",
          "#name,region,country,lat,lon,location_type,conflict_date,population\n"
          "A,r,X,0,0,conflict_zone,0,1000\nB,r,X,0,1,town,,500\nC,r,Y,0,2,camp,,2000\n");
    write_file(dir / "input_csv/routes.csv", "#name1,name2,distance\nA,B,50\nB,C,50\n");
    write_file(dir / "input_csv/sim_period.csv", "StartDate,2020-01-01\nLength,6\n");
    write_file(dir / "input_csv/conflicts.csv", "#Day,A\n0,1\n1,1\n2,1\n3,1\n4,1\n5,1\n");
    write_file(dir / "source_data/data_layout.csv", "total,refugees.csv\nC,c.csv\n");
    write_file(dir / "source_data/refugees.csv", "2020-01-01,0\n");
    write_file(dir / "source_data/c.csv", "2020-01-01,10\n2020-01-03,30\n2020-01-06,60\n");
    return dir;
}

// The conflict intensity of a region on each day, from its step series.
std::vector<double> conflict_by_day(const Scenario& s, const std::string& name) {
    std::vector<double> v;
    const TimeSeries& ts = s.driver(DriverKind::conflict).series[static_cast<std::size_t>(test::index_of(s, name))];
    for (Day t = 0; t < s.days; ++t) v.push_back(series_value(ts, Interpolation::step, 0.0, t));
    return v;
}

bool any_warning(const Scenario& s, const std::string& text) {
    for (const Problem& p : s.warnings)
        if (p.str().find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("flee compat: a data_layout row naming no location is read into the spawn total only",
          "[flee][compat]") {
    const fs::path dir = tiny_case("unplaced");
    write_file(dir / "source_data/data_layout.csv", "total,refugees.csv\nC,c.csv\nGhost,g.csv\n");
    write_file(dir / "source_data/g.csv", "2020-01-01,5\n2020-01-06,10\n");
    const Scenario s = import_flee_case(dir.string());
    REQUIRE(s.observed.region.size() == 1);  // only C is scored
    CHECK(s.flee->data_total_extra == std::vector<double>{5, 6, 7, 8, 9, 10});
    CHECK(any_warning(s, "not in locations.csv: `Ghost`"));
    // The ruleset spawns the increase of C + Ghost: 50 (C) + 5 (Ghost) over the run.
    const MemoryRecorder rec = test::run_scenario(s, 1, 1);
    std::int64_t spawned = 0;
    for (const auto& day : rec.spawned)
        for (const auto n : day) spawned += n;
    CHECK(spawned == 50 + 5);                 // the daily increases
    CHECK(rec.total_agents.back() == 10 + 55);  // and the day-0 insert into C
}

TEST_CASE("flee compat: names in the conflicts header are stripped", "[flee][compat]") {
    const fs::path dir = tiny_case("header_spaces");
    write_file(dir / "input_csv/conflicts.csv", "#Day, B \n0,0\n1,0\n2,1\n3,1\n4,1\n5,1\n");
    const Scenario s = import_flee_case(dir.string());
    CHECK(conflict_by_day(s, "B") == std::vector<double>{0, 0, 1, 1, 1, 1});
}

TEST_CASE("flee compat: a repeated location name keeps both copies, as Flee does", "[flee][compat]") {
    const fs::path dir = tiny_case("duplicate");
    write_file(dir / "input_csv/locations.csv",
          "#name,region,country,lat,lon,location_type,conflict_date,population\n"
          "A,r,X,0,0,town,,1000\nB,r,X,0,1,town,,500\nC,r,Y,0,2,camp,,2000\nA,r,X,0,3,town,,300\n");
    write_file(dir / "input_csv/conflicts.csv", "#Day,A\n0,1\n1,1\n2,1\n3,1\n4,1\n5,1\n");
    const Scenario s = import_flee_case(dir.string());
    REQUIRE(s.regions.size() == 4);
    CHECK(s.regions[0].name == "A#1");  // the first copy, renamed
    CHECK(s.regions[3].name == "A");
    CHECK(s.regions[3].population == 300);
    // Routes attach to the last copy, conflicts to the first.
    CHECK(s.routes[0].from == 3);
    CHECK(conflict_by_day(s, "A#1") == std::vector<double>{1, 1, 1, 1, 1, 1});
    CHECK(conflict_by_day(s, "A") == std::vector<double>{0, 0, 0, 0, 0, 0});
    CHECK(any_warning(s, "locations.csv:5:1: name: location `A` given again"));
}

TEST_CASE("flee compat: awareness_level above 3 is read and weighs deeper paths", "[flee][compat]") {
    Diagnostics d;
    const FleeSettings f = parse_flee_settings(YAML::Load("move_rules: {awareness_level: 5}\n"), "x.yml", d);
    REQUIRE(d.empty());
    CHECK(f.move.awareness_level == 5);
    const fs::path dir = tiny_case("awareness5");
    write_file(dir / "simsetting.yml", "move_rules:\n  awareness_level: 5\n");
    const Scenario s = import_flee_case(dir.string());
    const MemoryRecorder rec = test::run_scenario(s, 1, 1);
    CHECK(rec.total_agents.back() == 60);
}

TEST_CASE("flee compat: empty_camps_on_day0 starts empty and shifts the observed counts",
          "[flee][compat]") {
    const fs::path dir = tiny_case("empty_camps");
    write_file(dir / "simsetting.yml", "spawn_rules:\n  empty_camps_on_day0: True\n");
    const Scenario s = import_flee_case(dir.string());
    // c.csv: 10, 20, 30, 40, 50, 60 interpolated; Flee subtracts the day-0 value.
    CHECK(s.observed.count[0] == std::vector<double>{0, 10, 20, 30, 40, 50});
    const MemoryRecorder rec = test::run_scenario(s, 1, 1);
    CHECK(rec.total_agents.back() == 50);  // the increases only, nobody placed on day 0
    CHECK(rec.spawned[0][static_cast<std::size_t>(test::index_of(s, "C"))] == 0);
}

TEST_CASE("flee compat: conflicts.csv applies from day 0", "[flee][compat]") {
    const fs::path dir = tiny_case("day0");
    write_file(dir / "input_csv/conflicts.csv", "#Day,B\n0,1\n1,1\n2,0\n3,0\n4,0\n5,0\n");
    const Scenario s = import_flee_case(dir.string());
    CHECK(conflict_by_day(s, "B") == std::vector<double>{1, 1, 0, 0, 0, 0});
    // A has no column: it keeps its day-0 state (a conflict_zone with conflict_date 0).
    CHECK(conflict_by_day(s, "A") == std::vector<double>{1, 1, 1, 1, 1, 1});
}

TEST_CASE("flee compat: the intensity is set at onset only", "[flee][compat]") {
    const fs::path dir = tiny_case("onset");
    write_file(dir / "input_csv/conflicts.csv", "#Day,B\n0,0.5\n1,2\n2,0\n3,3\n4,0.25\n5,0\n");
    const Scenario s = import_flee_case(dir.string());
    // 0.5 at onset; the rise to 2 changes nothing; 0 ends it; 3 starts it again.
    CHECK(conflict_by_day(s, "B") == std::vector<double>{0.5, 0.5, 0, 3, 3, 0});
}

TEST_CASE("flee compat: a registration correction whose date appears twice applies at both rows",
          "[flee][compat]") {
    std::vector<detail::FleeDataPoint> d = {{0, 10}, {5, 20}, {5, 40}, {9, 50}};
    CHECK(detail::apply_registration_correction(d, 5) == 2);
    // Row 1 scales row 0 by 20/10 (-> 20); row 2 then scales rows 0-1 by 40/20.
    CHECK(d[0].value == 40);
    CHECK(d[1].value == 40);
    CHECK(d[2].value == 40);
    CHECK(d[3].value == 50);
    const fs::path dir = tiny_case("correction_twice");
    write_file(dir / "source_data/c.csv", "2020-01-01,10\n2020-01-03,20\n2020-01-03,40\n2020-01-06,60\n");
    write_file(dir / "input_csv/registration_corrections.csv", "C,2020-01-03\n");
    const Scenario s = import_flee_case(dir.string());
    CHECK(s.observed.count[0][0] == 40);
}

TEST_CASE("flee compat: a camp listed twice uses its first row; two files merge as Flee's reader does",
          "[flee][compat]") {
    // AddCSVTables, hand-computed: t1 = (0,10) (4,30); t2 = (2,5) (6,7).
    const std::vector<detail::FleeDataPoint> t1 = {{0, 10}, {4, 30}}, t2 = {{2, 5}, {6, 7}};
    const auto m = detail::merge_flee_tables(t1, t2);
    // (0, 0+10): t1 before t2's first date; (2, 5+30): t1's next value; (4, 5+30):
    // t1's last date with the previous t2 value; t2's (6,7), after t1's last date, is lost.
    REQUIRE(m.size() == 3);
    CHECK((m[0].day == 0 && m[0].value == 10));
    CHECK((m[1].day == 2 && m[1].value == 35));
    CHECK((m[2].day == 4 && m[2].value == 35));
    const fs::path dir = tiny_case("camp_twice");
    write_file(dir / "source_data/data_layout.csv", "total,refugees.csv\nC,c.csv\nC,c2.csv\n");
    write_file(dir / "source_data/c2.csv", "2020-01-01,1000\n");
    const Scenario s = import_flee_case(dir.string());
    CHECK(s.observed.count[0] == std::vector<double>{10, 20, 30, 40, 50, 60});
    CHECK(s.flee->data_total_extra == s.observed.count[0]);  // Flee's total counts C twice
    CHECK(any_warning(s, "data_layout.csv:3:1: camp: `C` is given again"));
}
