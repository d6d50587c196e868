// Recorders: the HDF5 file holds exactly what it was given, under the documented
// layout (docs/OUTPUT.md), and only a finished run leaves a file behind.
#include <H5Cpp.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "../sim/output/hdf5_util.hpp"
#include "migflow/core/date.hpp"
#include "migflow/output/recorder.hpp"
#include "migflow/measures/ard.hpp"
#include "migflow/engine/world.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace migflow;

using migflow::test::TempDir;

namespace {

// Three regions, two routes, 40 days: more than one 32-day block of rows.
Scenario small_scenario(Day days) {
    Scenario s;
    s.name = "recorder-test";
    s.source_file = "inline.yaml";
    s.source_text = "name: recorder-test\n# é UTF-8\n";
    s.start_date = *parse_date("2024-02-27");  // crosses a leap day
    s.days = days;
    s.seed = 42;
    s.ruleset = "native";
    s.agents.people_per_agent = 10;
    s.output.compression = 4;
    s.regions = {{"Alpha", RegionType::settlement, 12.0, 1.0, 2000, 0, "Aland"},
                 {"Camp", RegionType::camp, 13.5, 3.0, 0, 300, "Bland"},
                 {"Hub", RegionType::transit, 12.5, 1.5, 100, 0, "Aland"}};
    s.routes = {{0, 2, 80.0}, {2, 1, 120.5}};
    return s;
}

// Synthetic values, different for every (series, day, index), so a mix-up shows.
double pop_value(Day t, int r) { return 1000.0 * r + t + 0.25; }
std::int64_t agent_value(Day t, int r) { return 100 * t + r; }

struct SyntheticDay {
    DayState state;
    DayTally tally;
    DayRecord record;

    SyntheticDay(const World& w, Day t) {
        const int R = static_cast<int>(w.region_count());
        const int E = static_cast<int>(w.route_count());
        state.day = t;
        state.drivers.conflict.resize(R);
        state.drivers.economy.resize(R);
        state.drivers.climate.resize(R);
        tally.resize(R, E);
        for (int r = 0; r < R; ++r) {
            state.agents_at.push_back(agent_value(t, r));
            state.drivers.conflict[r] = 0.01 * t + 0.1 * r;
            state.drivers.economy[r] = 1.0 + r + 0.001 * t;
            state.drivers.climate[r] = 0.5 * r;
            tally.arrivals[r] = t + 2 * r;
            tally.departures[r] = t + 3 * r;
            tally.spawned[r] = t * r;
            tally.turned_away_full[r] = t + r + 1;
            tally.blocked_by_closure[r] = 2 * t + r;
            tally.refused_full[r] = 3 * t + r;
            state.inbound.push_back(t % 2);
            record.population.push_back(pop_value(t, r));
        }
        for (int e = 0; e < E; ++e) {
            tally.flow_forward[e] = 7 * t + e;
            tally.flow_backward[e] = 5 * t + e;
        }
        record.day = t;
        record.state = &state;
        record.tally = &tally;
        record.in_transit = t % 4;
        record.total_agents = 1000 + t;
    }
};


// Agents of Alpha at Camp and on their way to Hub; of Hub, at Hub.
OriginDestination synthetic_origins() {
    OriginDestination od;
    od.origin = {0, 0, 2};
    od.destination = {1, 2, 2};
    od.standing = {5, 0, 7};
    od.travelling = {1, 3, 0};
    od.origin_runs = 4;
    return od;
}

void run_recorder(Recorder& rec, const Scenario& s, const World& w, RunInfo info = {}) {
    info.seed = s.seed;
    info.threads = 2;
    rec.begin(s, w, info);
    const OriginDestination od = synthetic_origins();
    for (Day t = 0; t < s.days; ++t) {
        SyntheticDay day(w, t);
        if (t + 1 == s.days) day.record.origins = &od;
        rec.record(day.record);
    }
    rec.finish({1.5, 12345, 1000 + s.days - 1});
}

template <class T>
std::vector<T> read_all(const H5::H5File& f, const std::string& name) {
    return detail::read_vector<T>(f.openDataSet(name));
}

}  // namespace

TEST_CASE("HDF5 recorder writes the documented layout", "[recorder]") {
    TempDir dir;
    const std::string out = (dir.path / "run.h5").string();
    Scenario s = small_scenario(40);
    s.observed.region = {1};
    s.observed.count.assign(1, std::vector<double>(40));
    for (Day t = 0; t < 40; ++t) s.observed.count[0][t] = 2.0 * t + 1;
    const World w = build_world(s);
    {
        auto rec = make_hdf5_recorder(out);
        run_recorder(*rec, s, w);
    }
    REQUIRE(fs::exists(out));
    CHECK_FALSE(fs::exists(out + ".partial"));

    H5::Exception::dontPrint();
    H5::H5File f(out, H5F_ACC_RDONLY);
    H5::Group root = f.openGroup("/");
    CHECK(detail::read_int_attr(root, "complete") == 1);
    CHECK(detail::read_int_attr(root, "schema_version") == 1);
    CHECK(detail::read_uint_attr(root, "seed") == 42);
    CHECK(detail::read_int_attr(root, "days") == 40);
    CHECK(detail::read_int_attr(root, "threads") == 2);
    CHECK(detail::read_int_attr(root, "agent_steps") == 12345);
    CHECK(detail::read_double_attr(root, "wall_seconds") == 1.5);
    CHECK(detail::read_double_attr(root, "people_per_agent") == 10.0);
    CHECK(detail::read_string_attr(root, "scenario_text") == s.source_text);
    CHECK(detail::read_string_attr(root, "scenario_name") == "recorder-test");
    CHECK(detail::read_string_attr(root, "ruleset") == "native");
    CHECK(detail::read_string_attr(root, "start_date") == "2024-02-27");
    CHECK(detail::read_string_attr(root, "migflow_version") == MIGFLOW_VERSION);

    const auto dates = detail::read_strings(f.openDataSet("/time/date"));
    REQUIRE(dates.size() == 40);
    CHECK(dates[0] == "2024-02-27");
    CHECK(dates[2] == "2024-02-29");
    CHECK(dates[3] == "2024-03-01");
    CHECK(read_all<std::int32_t>(f, "/time/day")[39] == 39);
    CHECK(detail::read_strings(f.openDataSet("/regions/name")) ==
          std::vector<std::string>{"Alpha", "Camp", "Hub"});
    CHECK(detail::read_strings(f.openDataSet("/regions/type")) ==
          std::vector<std::string>{"settlement", "camp", "transit"});
    CHECK(read_all<double>(f, "/regions/capacity") == std::vector<double>{0, 300, 0});
    CHECK(read_all<double>(f, "/regions/initial_population") == std::vector<double>{2000, 0, 100});
    CHECK(read_all<std::int32_t>(f, "/routes/to") == std::vector<std::int32_t>{2, 1});
    CHECK(read_all<double>(f, "/routes/km") == std::vector<double>{80.0, 120.5});

    // Every row of both blocks (days 0..31, 32..39) landed where it belongs.
    const auto pop = read_all<double>(f, "/series/population");
    const auto agents = read_all<std::int64_t>(f, "/series/agents");
    const auto fwd = read_all<std::int64_t>(f, "/series/route_flow_forward");
    const auto economy = read_all<double>(f, "/drivers/economy");
    CHECK(detail::dims_of(f.openDataSet("/series/population")) == std::vector<hsize_t>{40, 3});
    CHECK(detail::dims_of(f.openDataSet("/series/route_flow_backward")) == std::vector<hsize_t>{40, 2});
    REQUIRE(pop.size() == 120);
    bool all_match = true;
    for (Day t = 0; t < 40; ++t)
        for (int r = 0; r < 3; ++r) {
            all_match &= pop[t * 3 + r] == pop_value(t, r);
            all_match &= agents[t * 3 + r] == agent_value(t, r);
            all_match &= economy[t * 3 + r] == 1.0 + r + 0.001 * t;
        }
    CHECK(all_match);
    CHECK(fwd[39 * 2 + 1] == 7 * 39 + 1);
    CHECK(read_all<std::int64_t>(f, "/series/spawned")[33 * 3 + 2] == 66);
    CHECK(read_all<std::int64_t>(f, "/series/in_transit")[39] == 3);
    CHECK(read_all<std::int64_t>(f, "/series/total_agents")[39] == 1039);
    CHECK(read_all<std::int64_t>(f, "/series/turned_away_full")[33 * 3 + 2] == 36);
    CHECK(read_all<std::int64_t>(f, "/series/blocked_by_closure")[33 * 3 + 2] == 68);
    CHECK(read_all<std::int64_t>(f, "/series/refused_full")[39 * 3 + 1] == 118);

    // Outcome measures: the camp (population 1000 + t > capacity 300) is full from day 0.
    CHECK(read_all<std::int32_t>(f, "/measures/camps/region") == std::vector<std::int32_t>{1});
    CHECK(detail::read_strings(f.openDataSet("/measures/camps/name")) == std::vector<std::string>{"Camp"});
    CHECK(read_all<double>(f, "/measures/camps/full_above") == std::vector<double>{290});
    CHECK(read_all<std::int32_t>(f, "/measures/camps/first_full_day") == std::vector<std::int32_t>{0});
    CHECK(detail::read_strings(f.openDataSet("/measures/camps/first_full_date")) ==
          std::vector<std::string>{"2024-02-27"});
    CHECK(read_all<double>(f, "/measures/camps/peak_population") == std::vector<double>{pop_value(39, 1)});
    CHECK(read_all<std::int32_t>(f, "/measures/camps/peak_day") == std::vector<std::int32_t>{39});
    CHECK(read_all<std::int64_t>(f, "/measures/camps/days_full") == std::vector<std::int64_t>{40});
    std::int64_t refused = 0;
    for (Day t = 0; t < 40; ++t) refused += 3 * t + 1;
    CHECK(read_all<std::int64_t>(f, "/measures/camps/refused_full") == std::vector<std::int64_t>{refused});
    // Countries: Aland = Alpha + Hub, Bland = Camp; route 1 (Hub -> Camp) crosses the border.
    CHECK(detail::read_strings(f.openDataSet("/countries/name")) ==
          std::vector<std::string>{"Aland", "Bland"});
    const auto cpop = read_all<double>(f, "/countries/population");
    REQUIRE(cpop.size() == 80);
    CHECK(cpop[17 * 2 + 0] == pop_value(17, 0) + pop_value(17, 2));
    CHECK(cpop[17 * 2 + 1] == pop_value(17, 1));
    CHECK(read_all<std::int64_t>(f, "/countries/departures")[5 * 2 + 0] == (5 + 0) + (5 + 6));
    CHECK(read_all<std::int32_t>(f, "/countries/flow_from") == std::vector<std::int32_t>{0, 1});
    CHECK(read_all<std::int32_t>(f, "/countries/flow_to") == std::vector<std::int32_t>{1, 0});
    const auto cflow = read_all<std::int64_t>(f, "/countries/flow");
    CHECK(cflow[9 * 2 + 0] == 7 * 9 + 1);
    CHECK(cflow[9 * 2 + 1] == 5 * 9 + 1);
    // Origins: the last day's pairs, and the country matrix from them.
    CHECK(read_all<std::int32_t>(f, "/measures/origins/destination") == std::vector<std::int32_t>{1, 2, 2});
    CHECK(read_all<std::int64_t>(f, "/measures/origins/travelling") == std::vector<std::int64_t>{1, 3, 0});
    CHECK(read_all<std::int64_t>(f, "/measures/origins/country_matrix") ==
          std::vector<std::int64_t>{3 + 7, 6, 0, 0});

    // Series are chunked along time and compressed.
    H5::DSetCreatPropList plist = f.openDataSet("/series/agents").getCreatePlist();
    REQUIRE(plist.getLayout() == H5D_CHUNKED);
    hsize_t chunk[2];
    plist.getChunk(2, chunk);
    CHECK(chunk[0] == 32);
    CHECK(chunk[1] == 3);
    REQUIRE(plist.getNfilters() == 3);  // shuffle + deflate + Fletcher-32 (docs/OUTPUT.md "Integrity")
    unsigned flags = 0;
    std::size_t nelmts = 0;
    char filter_name[32];
    CHECK(plist.getFilter(2, flags, nelmts, nullptr, sizeof filter_name, filter_name, flags) == H5Z_FILTER_FLETCHER32);
    // Small 1-D datasets are chunked too, so that they carry the checksum.
    H5::DSetCreatPropList small = f.openDataSet("/regions/name").getCreatePlist();
    CHECK(small.getLayout() == H5D_CHUNKED);
    CHECK(small.getNfilters() == 1);

    for (const char* name : {"/time/day", "/regions/lat", "/routes/km", "/series/arrivals",
                             "/drivers/climate", "/validation/simulated"}) {
        H5::DataSet ds = f.openDataSet(name);
        CHECK(detail::has_attr(ds, "units"));
        CHECK(detail::has_attr(ds, "description"));
    }
    CHECK(detail::read_string_attr(f.openDataSet("/series/population"), "units") == "people");

    // Validation: simulated is the camp's population; the ARDs are compute_ard's.
    const auto sim = read_all<double>(f, "/validation/simulated");
    const auto obs = read_all<double>(f, "/validation/observed");
    REQUIRE(sim.size() == 40);
    CHECK(sim[17] == pop_value(17, 1));
    CHECK(obs[17] == 35.0);
    std::vector<std::vector<double>> sim_k(1), obs_k(1, s.observed.count[0]);
    for (Day t = 0; t < 40; ++t) sim_k[0].push_back(pop_value(t, 1));
    const Validation v = compute_ard(sim_k, obs_k);
    H5::Group vg = f.openGroup("/validation");
    CHECK(detail::read_double_attr(vg, "ard_rescaled") == v.ard_rescaled);
    CHECK(detail::read_double_attr(root, "ard_unrescaled") == v.ard_unrescaled);
    CHECK(read_all<double>(f, "/validation/error_unrescaled") == v.error_unrescaled);
    CHECK(detail::read_strings(f.openDataSet("/validation/name")) == std::vector<std::string>{"Camp"});
}

TEST_CASE("HDF5 recorder replaces the final file only when finished", "[recorder]") {
    TempDir dir;
    const std::string out = (dir.path / "run.h5").string();
    const Scenario s = small_scenario(5);
    const World w = build_world(s);
    {
        auto rec = make_hdf5_recorder(out);
        rec->begin(s, w, {});
        rec->record(SyntheticDay(w, 0).record);
        CHECK(fs::exists(out + ".partial"));
        CHECK_FALSE(fs::exists(out));
        // An unfinished run refuses to look complete.
        CHECK_THROWS_AS(rec->finish({}), std::logic_error);
    }  // destroyed without a successful finish, as when the run throws
    CHECK_FALSE(fs::exists(out));
    CHECK_FALSE(fs::exists(out + ".partial"));
    CHECK(fs::is_empty(dir.path));

    // An older result is replaced by a finished run.
    auto first = make_hdf5_recorder(out);
    run_recorder(*first, s, w);
    Scenario longer = small_scenario(7);
    auto second = make_hdf5_recorder(out);
    run_recorder(*second, longer, build_world(longer));
    H5::H5File f(out, H5F_ACC_RDONLY);
    CHECK(detail::dims_of(f.openDataSet("/series/population")) == std::vector<hsize_t>{7, 3});
}

TEST_CASE("HDF5 recorder rejects out-of-order days and unwritable paths", "[recorder]") {
    TempDir dir;
    const Scenario s = small_scenario(3);
    const World w = build_world(s);
    auto rec = make_hdf5_recorder((dir.path / "a.h5").string());
    rec->begin(s, w, {});
    CHECK_THROWS_AS(rec->record(SyntheticDay(w, 1).record), std::logic_error);

    const std::string bad = (dir.path / "no" / "such" / "dir" / "b.h5").string();
    auto bad_rec = make_hdf5_recorder(bad);
    try {
        bad_rec->begin(s, w, {});
        FAIL("begin() on an unwritable path did not throw");
    } catch (const std::runtime_error& e) {
        CHECK_THAT(e.what(), Catch::Contains(bad + ".partial"));
    }
}

TEST_CASE("Result files pass the schema check and migflow info", "[recorder]") {
    TempDir dir;
    const std::string out = (dir.path / "run.h5").string();
    const Scenario s = small_scenario(33);
    const World w = build_world(s);
    auto rec = make_hdf5_recorder(out);
    run_recorder(*rec, s, w);

    // total_agents = sum(agents) + in_transit per day is part of the schema check;
    // the synthetic days above do not satisfy it, so --no-conservation.
    const std::string check = "/usr/bin/python3 " MIGFLOW_SOURCE_DIR "/analysis/check_schema.py ";
    if (fs::exists("/usr/bin/python3")) {
        CHECK(std::system((check + "--no-conservation " + out + " > /dev/null").c_str()) == 0);
        CHECK(std::system((check + out + " > /dev/null 2>&1").c_str()) != 0);
    }
    const std::string info = std::string(MIGFLOW_BINARY) + " info ";
    const std::string log = (dir.path / "info.txt").string();
    REQUIRE(std::system((info + out + " > " + log).c_str()) == 0);
    CHECK(std::system(("grep -q 'scenario:     recorder-test' " + log).c_str()) == 0);
    // The camp table: capacity 300, full from the first day, peak 1032.25 people on the
    // last day (32), 33 days full, sum(3t + 1) = 1617 agents x 10 people turned away.
    CHECK(std::system(("grep -Eq '^  Camp +300  2024-02-27 +1032  2024-03-30 +33 +16170$' " + log)
                          .c_str()) == 0);
    CHECK(std::system((info + out + ".missing 2> /dev/null").c_str()) != 0);
    CHECK(std::system((info + MIGFLOW_SOURCE_DIR "/CMakeLists.txt 2> /dev/null").c_str()) != 0);

    // Without the `complete` attribute a file is refused by both readers.
    if (fs::exists("/usr/bin/python3")) {
        const std::string strip = "/usr/bin/python3 -c \"import h5py; f = h5py.File('" + out +
                                  "', 'a'); del f.attrs['complete']; f.close()\"";
        REQUIRE(std::system(strip.c_str()) == 0);
        const std::string err = (dir.path / "err.txt").string();
        // Edited in place, the file no longer matches its seal.
        CHECK(std::system((info + out + " 2> " + err).c_str()) != 0);
        CHECK(std::system(("grep -q 'damaged result file: its CRC-32 is' " + err).c_str()) == 0);
        // Sealed again (as if migflow had written it so): the missing attribute is the problem.
        const std::string reseal =
            "/usr/bin/python3 -c \"import zlib; p = '" + out +
            "'; b = bytearray(open(p, 'rb').read()); "
            "h = b'migflow result seal v1\\ncrc32 %08x\\nbytes %d\\n' % (zlib.crc32(b[512:]), len(b) - 512); "
            "b[:512] = h.ljust(512, b'\\0'); open(p, 'wb').write(b)\"";
        REQUIRE(std::system(reseal.c_str()) == 0);
        CHECK(std::system((info + out + " 2> " + err).c_str()) != 0);
        CHECK(std::system(("grep -q 'incomplete result file' " + err).c_str()) == 0);
        CHECK(std::system(("test $(wc -l < " + err + ") -eq 1").c_str()) == 0);  // no HDF5 stack
        CHECK(std::system((check + "--no-conservation " + out + " 2> /dev/null").c_str()) != 0);
    }
}

TEST_CASE("MemoryRecorder keeps what it is given", "[recorder]") {
    const Scenario s = small_scenario(4);
    const World w = build_world(s);
    MemoryRecorder m;
    run_recorder(m, s, w);
    REQUIRE(m.finished);
    REQUIRE(m.population.size() == 4);
    CHECK(m.population[3][2] == pop_value(3, 2));
    CHECK(m.agents_at[2] == std::vector<std::int64_t>{200, 201, 202});
    CHECK(m.arrivals[3][1] == 5);
    CHECK(m.departures[3][2] == 9);
    CHECK(m.spawned[2][2] == 4);
    CHECK(m.turned_away_full[3][1] == 5);
    CHECK(m.blocked_by_closure[3][1] == 7);
    CHECK(m.refused_full[3][1] == 10);
    CHECK(m.camps.camps().size() == 1);
    CHECK(m.countries.days().size() == 4);
    CHECK(m.origins.standing == std::vector<std::int64_t>{5, 0, 7});
    CHECK(m.flow_forward[1] == std::vector<std::int64_t>{7, 8});
    CHECK(m.flow_backward[3][1] == 16);
    CHECK(m.in_transit == std::vector<std::int64_t>{0, 1, 2, 3});
    CHECK(m.total_agents[3] == 1003);
    CHECK(m.conflict[3][1] == Approx(0.13));
    CHECK(m.economy[0][2] == 3.0);
    CHECK(m.climate[1][1] == 0.5);
    CHECK(m.summary.agent_steps == 12345);
    // Reused for a second run, it starts empty.
    run_recorder(m, s, w);
    CHECK(m.population.size() == 4);
}
