// `migflow build-case` end to end on a small case the test writes: the native scenario
// passes `check`, runs and conserves people; the Flee case loads and runs; ASSUMPTIONS.md
// lists the rows left out; a bad case file is refused with its line and key.
#include <catch2/catch.hpp>

#include <numeric>

#include "engine_fixtures.hpp"
#include "migflow/formats/flee/import.hpp"
#include "migflow/scenario/loader.hpp"
#include "test_support.hpp"

using namespace migflow;
using namespace migflow::test;

namespace {

// Three towns on a line, a camp beyond the last; conflict in the first town.
void write_small_case(const TempDir& dir) {
    dir.write("places.csv",
              "name,lat,lon,population,country,admin1\n"
              "Alpha,10.0,10.0,50000,Aland,North\n"
              "Beta,10.0,10.5,20000,Aland,Middle\n"
              "Gamma,10.0,11.0,30000,Aland,South\n"
              "Nowhere,,11.0,30000,Aland,South\n");
    dir.write("camps.csv",
              "name,lat,lon,capacity,opening_date,country\n"
              "Camp,10.0,11.6,40000,2016-01-20,Bland\n");
    dir.write("acled.csv",
              "event_id_cnty,event_date,year,event_type,country,admin1,admin2,location,latitude,longitude,fatalities\n"
              "E1,05-Jan-16,2016,Battles,Aland,North,,a,10.01,10.02,3\n"
              "E2,06 January 2016,2016,Battles,Aland,North,,a,10.0,10.0,1\n"
              "E3,2016-01-07,2016,Violence against civilians,Aland,North,,a,10.0,9.99,0\n"
              "E4,2016-01-08,2016,Battles,Aland,South,,far,14.0,11.0,9\n"
              "E5,2016-13-01,2016,Battles,Aland,South,,c,10.0,11.0,9\n"
              "E6,2016-01-15,2016,Battles,Aland,South,,c,10.0,11.0,2\n");
    dir.write("camp_counts.csv", "date,count\n2016-01-01,0\n2016-02-01,3000\n2016-02-29,5000\n");
    // DTM-style IDP counts by admin-1 unit: North is Alpha's; `Nort` is a near miss.
    dir.write("dtm.csv",
              "Date,State,IDPs\n#date,#adm1+name,#affected+idps+ind\n"
              "07-Jan-16,North,1200\n21 January 2016,North,1500\n2016-01-21,Nort,40\n");
    dir.write("case.yaml",
              "name: small\nstart_date: 2016-01-01\ndays: 60\n"
              "places: {file: places.csv}\ncamps: {file: camps.csv}\n"
              "events: {file: acled.csv, max_km: 50, window_days: 10, saturation: 4}\n"
              "routes: {neighbours: 2, circuity: 1.2}\n"
              "observed:\n  - {file: camp_counts.csv, place: Camp}\n  - {file: dtm.csv, tag: \"#affected+idps\"}\n"
              "native: {people_per_agent: 10, spawn_conflict: 0.01}\n");
}

}  // namespace

TEST_CASE("build-case writes a scenario that check accepts and run runs", "[build_case][cli]") {
    TempDir dir("case_cli");
    write_small_case(dir);
    const auto out = dir.path / "out";
    REQUIRE(run_migflow_logged("build-case " + shell_quote((dir.path / "case.yaml").string()) + " -o " +
                                   shell_quote(out.string()),
                               dir.path / "build.log") == 0);
    CHECK_THAT(slurp(dir.path / "build.log"), Catch::Contains("4 places and camps") && Catch::Contains("2 in conflict"));
    CHECK(run_migflow_logged("check " + shell_quote((out / "scenario.yaml").string()), dir.path / "check.log") == 0);

    // Intensity 4 events in 10 days = 1: Alpha has 3 events from 5 January (0.75 from the 7th).
    const std::string conflict = slurp(out / "conflict.csv");
    CHECK_THAT(conflict, Catch::Contains("2016-01-05,Alpha,0.25\n2016-01-06,Alpha,0.5\n2016-01-07,Alpha,0.75\n"
                                         "2016-01-15,Alpha,0.5\n2016-01-16,Alpha,0.25\n2016-01-17,Alpha,0\n"));
    CHECK_THAT(conflict, Catch::Contains("2016-01-15,Gamma,0.25\n2016-01-25,Gamma,0\n"));

    const std::string assumptions = slurp(out / "ASSUMPTIONS.md");
    CHECK_THAT(assumptions, Catch::Contains("- event_date unreadable: 1 row(s); lines 6; e.g. `2016-13-01`;"));
    CHECK_THAT(assumptions, Catch::Contains("- farther than `events.max_km` from every place: 1 row(s); lines 5"));
    CHECK_THAT(assumptions, Catch::Contains("- latitude or longitude missing or out of range: 1 row(s); lines 5; e.g. Nowhere;"));
    CHECK_THAT(assumptions, Catch::Contains("| Alpha | 4 | 2016-01-05 |"));
    CHECK_THAT(assumptions, Catch::Contains("- place name matches no place or camp: 1 row(s); lines 5; e.g. `Nort`;"));
    CHECK_THAT(assumptions, Catch::Contains("`: `Nort`: did you mean `North`?"));  // a name of the file, never applied
    CHECK_THAT(slurp(out / "observed.csv"), Catch::Contains("2016-01-07,Alpha,1200\n2016-01-21,Alpha,1500\n"));

    const Scenario s = load_scenario((out / "scenario.yaml").string());
    REQUIRE(s.regions.size() == 4);
    CHECK(s.closures.size() == 1);  // the camp opens on day 19
    CHECK(s.observed.region.size() == 2);  // the camp, and Alpha through its admin-1 unit
    const MemoryRecorder rec = run_scenario(s, 3);
    double start = 0.0;
    for (const Region& r : s.regions) start += r.population;
    std::int64_t spawned = 0;
    for (std::size_t t = 0; t < rec.population.size(); ++t) {
        for (std::int64_t n : rec.spawned[t]) spawned += n;
        const double people = std::accumulate(rec.population[t].begin(), rec.population[t].end(), 0.0);
        CHECK(people + double(rec.in_transit[t]) * s.agents.people_per_agent == Approx(start).epsilon(1e-12));
    }
    CHECK(spawned > 0);  // conflict displaced people

    // The Flee twin: conflict zones with onsets, the camp's counts, and it runs.
    const Scenario flee = import_flee_case((out / "flee").string());
    CHECK(flee.ruleset == "flee");
    REQUIRE(flee.regions.size() == 4);
    CHECK(flee.regions[3].type == RegionType::camp);
    CHECK(flee.regions[3].capacity == 40000);
    CHECK(flee.observed.region.size() == 1);  // Flee scores camps only
    CHECK_THAT(slurp(out / "flee" / "input_csv" / "locations.csv"), Catch::Contains("Alpha,North,Aland,10,10,conflict_zone,4,50000\n"));
    CHECK(run_migflow_logged("run " + shell_quote((out / "flee").string()) + " -o " + shell_quote((dir.path / "flee.h5").string()),
                             dir.path / "flee.log") == 0);
    CHECK(run_migflow_logged("run " + shell_quote((out / "scenario.yaml").string()) + " -o " +
                                 shell_quote((dir.path / "native.h5").string()),
                             dir.path / "native.log") == 0);
}

TEST_CASE("build-case refuses a bad case file with its line and key", "[build_case][cli]") {
    TempDir dir("case_cli_bad");
    write_small_case(dir);
    dir.write("bad.yaml", "name: small\nstart_date: 2016-01-01\ndays: 60\nplaces: {file: places.csv}\n"
                          "events: {file: acled.csv, windw_days: 3, assign: closest}\n");
    CHECK(run_migflow_logged("build-case " + shell_quote((dir.path / "bad.yaml").string()) + " -o " +
                                 shell_quote((dir.path / "out").string()),
                             dir.path / "bad.log") == 1);
    const std::string log = slurp(dir.path / "bad.log");
    CHECK_THAT(log, Catch::Contains("bad.yaml:5:27: events.windw_days: unknown key; did you mean `window_days`?"));
    CHECK_THAT(log, Catch::Contains("bad.yaml:5:50: events.assign: got `closest`, expected nearest | admin1 | admin2"));
    CHECK_FALSE(std::filesystem::exists(dir.path / "out"));
    CHECK(run_migflow_logged("build-case", dir.path / "usage.log") == 2);
    CHECK_THAT(slurp(dir.path / "usage.log"), Catch::Contains("migflow build-case: no case file given"));
}
