// `migflow run` as a user runs it: the example (scenarios_dir + "/") produce complete files that
// pass the schema check, and the files are identical for any thread count.
#include <H5Cpp.h>

#include <catch2/catch.hpp>
#include <sstream>
#include <fstream>
#include <vector>

#include "test_support.hpp"

using namespace migflow::test;
namespace fs = std::filesystem;

namespace {


const std::vector<std::string> compared = {
    "/series/population", "/series/agents",    "/series/arrivals",
    "/series/departures", "/series/spawned",   "/series/route_flow_forward",
    "/series/route_flow_backward", "/series/in_transit", "/drivers/conflict",
    "/drivers/climate",   "/drivers/economy", "/series/turned_away_full",
    "/series/blocked_by_closure", "/series/refused_full", "/countries/population",
    "/countries/flow", "/measures/camps/first_full_day", "/measures/camps/peak_population",
    "/measures/camps/days_full", "/measures/camps/refused_full", "/measures/origins/origin",
    "/measures/origins/destination", "/measures/origins/standing",
    "/measures/origins/travelling", "/measures/origins/country_matrix"};

}  // namespace

TEST_CASE("example scenarios run and their outputs pass the schema check", "[cli][scenarios]") {
    TempDir dir("cli_run");
    // Full length: shortening them with --set days would put their shocks outside the run.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"tiny.yaml", ""},
        {"sahel.yaml", "--threads 2"},
        {"border_closure.yaml", ""},
        {"border_open.yaml", ""},
        {"flood.yaml", ""},
    };
    for (const auto& [file, extra] : cases) {
        INFO(file);
        const auto out = dir.path / (file + ".h5");
        REQUIRE(run_migflow_logged("run " + (scenarios_dir + "/") + file + " -o " + out.string() + " " + extra,
                            dir.path / "log.txt") == 0);
        CHECK(fs::exists(out));
        CHECK_FALSE(fs::exists(out.string() + ".partial"));
        CHECK(slurp(dir.path / "log.txt").find("output: " + out.string()) != std::string::npos);
        CHECK(run_shell("/usr/bin/python3 " MIGFLOW_SOURCE_DIR "/analysis/check_schema.py " +
                        out.string() + " > /dev/null") == 0);
        CHECK(run_migflow_logged("info " + out.string(), dir.path / "info.txt") == 0);
    }
}

TEST_CASE("same seed gives identical HDF5 datasets for 1 and 2 threads", "[cli][determinism]") {
    TempDir dir("cli_threads");
    // 300,000 agents: about twenty agent blocks, so two threads really share the work.
    const std::string run = "run " + scenarios_dir + "/border_closure.yaml --seed 99 ";
    const auto one = (dir.path / "one.h5").string();
    const auto two = (dir.path / "two.h5").string();
    const auto again = (dir.path / "again.h5").string();
    const auto other = (dir.path / "other.h5").string();
    REQUIRE(run_migflow_logged(run + "--threads 1 -o " + one, dir.path / "log") == 0);
    REQUIRE(run_migflow_logged(run + "--threads 2 -o " + two, dir.path / "log") == 0);
    REQUIRE(run_migflow_logged(run + "--threads 2 -o " + again, dir.path / "log") == 0);
    REQUIRE(run_migflow_logged("run " + scenarios_dir + "/border_closure.yaml --seed 100 -o " + other,
                        dir.path / "log") == 0);
    for (const auto& name : compared) {
        INFO(name);
        const auto a = read_dataset(one, name);
        CHECK(a == read_dataset(two, name));
        CHECK(a == read_dataset(again, name));
    }
    CHECK(read_dataset(one, "/series/arrivals") != read_dataset(other, "/series/arrivals"));
}

TEST_CASE("agent snapshots agree with the region series", "[cli][snapshots]") {
    TempDir dir("cli_snap");
    const auto out = (dir.path / "snap.h5").string();
    REQUIRE(run_migflow_logged("run " + scenarios_dir + "/tiny.yaml --set output.snapshot_every=7 -o " + out,
                        dir.path / "log") == 0);
    H5::Exception::dontPrint();
    H5::H5File f(out, H5F_ACC_RDONLY);
    // Every 7th day from day 0, and the last day (29 of 30).
    for (const char* day : {"day_00000", "day_00007", "day_00014", "day_00021", "day_00028",
                            "day_00029"})
        CHECK(f.nameExists(std::string("/snapshots/") + day));
    CHECK_FALSE(f.nameExists("/snapshots/day_00001"));
    const auto region = read_dataset(out, "/snapshots/day_00029/region");
    const auto km_left = read_dataset(out, "/snapshots/day_00029/km_left");
    const auto agents = read_dataset(out, "/series/agents");  // [30 x 5], last row = day 29
    REQUIRE(region.size() == km_left.size());
    std::vector<double> standing(5, 0.0);
    for (std::size_t i = 0; i < region.size(); ++i)
        if (km_left[i] == 0.0) standing[static_cast<std::size_t>(region[i])] += 1.0;
    CHECK(standing == std::vector<double>(agents.end() - 5, agents.end()));
}

TEST_CASE("progress in a log file is one line per 5 % of the days, no carriage returns", "[cli][progress]") {
    TempDir dir("cli_progress");
    const auto out = (dir.path / "p.h5").string();
    const auto err = dir.path / "err";
    // stderr is a file here, as in a batch job; 1000 days of tiny.yaml take well under a minute.
    REQUIRE(run_shell(migflow_bin + " run " + scenarios_dir + "/tiny.yaml --set days=1000 -o " + out + " 2> " +
                      shell_quote(err.string()) + " > /dev/null") == 0);
    const std::string text = slurp(err);
    CHECK(text.find('\r') == std::string::npos);
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    REQUIRE(lines.size() == 20);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        INFO(lines[i]);
        const int day = 50 * int(i + 1);
        CHECK(lines[i].starts_with("day " + std::to_string(day) + "/1000 (" + std::to_string(day / 10) +
                                   "%)  agents "));
        CHECK(lines[i].find(" agent-steps/s  elapsed ") != std::string::npos);
    }
    REQUIRE(run_shell(migflow_bin + " run " + scenarios_dir + "/tiny.yaml --quiet --set days=1000 -o " + out + " 2> " +
                      shell_quote(err.string()) + " > /dev/null") == 0);
    CHECK(slurp(err).empty());
}

TEST_CASE("run on a Flee case prints the import's warnings and still runs", "[cli][flee]") {
    TempDir dir("cli_flee_warning");
    const fs::path c = dir.path / "case";
    fs::create_directories(c / "input_csv");
    fs::create_directories(c / "source_data");
    std::ofstream(c / "input_csv/locations.csv")
        << "#name,region,country,lat,lon,location_type,conflict_date,population\n"
           "A,r,X,0,0,conflict_zone,0,1000\nC,r,Y,0,1,camp,,500\nA,r,X,0,2,town,,10\n";
    std::ofstream(c / "input_csv/routes.csv") << "#name1,name2,distance\nA,C,50\n";
    std::ofstream(c / "input_csv/sim_period.csv") << "StartDate,2020-01-01\nLength,3\n";
    std::ofstream(c / "source_data/data_layout.csv") << "total,r.csv\nC,c.csv\n";
    std::ofstream(c / "source_data/c.csv") << "2020-01-01,5\n2020-01-03,9\n";
    const auto out = dir.path / "out.h5";
    REQUIRE(run_migflow_logged("run " + c.string() + " -o " + out.string() + " --quiet", dir.path / "log.txt") == 0);
    CHECK_THAT(slurp(dir.path / "log.txt"),
               Catch::Contains("warning: " + (c / "input_csv/locations.csv").string() +
                               ":4:1: name: location `A` given again"));
    CHECK(fs::exists(out));
}

TEST_CASE("benchmarks/flee_corpus.py tabulates a directory of Flee cases", "[cli][flee]") {
    TempDir dir("flee_corpus");
    auto make_case = [&](const std::string& name, const std::string& routes) {
        const fs::path c = dir.path / name;
        fs::create_directories(c / "input_csv");
        fs::create_directories(c / "source_data");
        std::ofstream(c / "input_csv/locations.csv")
            << "#name,region,country,lat,lon,location_type,conflict_date,population\n"
               "A,r,X,0,0,conflict_zone,0,1000\nC,r,Y,0,1,camp,,500\n";
        std::ofstream(c / "input_csv/routes.csv") << routes;
        std::ofstream(c / "input_csv/sim_period.csv") << "StartDate,2020-01-01\nLength,3\n";
        std::ofstream(c / "source_data/data_layout.csv") << "total,r.csv\nC,c.csv\n";
        std::ofstream(c / "source_data/c.csv") << "2020-01-01,5\n2020-01-03,9\n";
    };
    make_case("good", "#name1,name2,distance\nA,C,50\n");
    make_case("bad", "#name1,name2,distance\nA,Nowhere,50\n");
    const int rc = run_shell("/usr/bin/python3 " MIGFLOW_SOURCE_DIR "/benchmarks/flee_corpus.py " +
                             dir.path.string() + " --migflow " + migflow_bin + " --threads 1 > " +
                             (dir.path / "table.txt").string() + " 2>&1");
    CHECK(rc != 0);  // a refused case fails the suite
    const std::string table = slurp(dir.path / "table.txt");
    CHECK_THAT(table, Catch::Contains("| good | runs | 0 |"));
    CHECK_THAT(table, Catch::Contains("| bad | refused: "));
    CHECK_THAT(table, Catch::Contains("name2: unknown location `Nowhere`"));
}

TEST_CASE("threads beyond the cores a process may use are a warning, and the file records what ran", "[cli][threads]") {
    TempDir dir("threads_bound");
    const std::string out = (dir.path / "one_core.h5").string();
    // taskset gives the process one core, as mpirun's binding gives each rank.
    REQUIRE(run_shell("taskset -c 0 " + migflow_bin + " run " + scenarios_dir + "/tiny.yaml --threads 2 --quiet -o " + out +
                      " > /dev/null 2> " + (dir.path / "log").string()) == 0);
    CHECK(slurp(dir.path / "log") == "migflow: warning: --threads 2, but this process may use 1 core(s), so it runs 1 "
                                     "thread(s): it is bound to fewer cores (taskset, a cgroup, srun's binding); under "
                                     "Slurm give the task its cores with `srun --cpus-per-task=N`\n");
    H5::H5File f(out, H5F_ACC_RDONLY);
    int threads = 0;
    f.openGroup("/").openAttribute("threads").read(H5::PredType::NATIVE_INT, &threads);
    CHECK(threads == 1);
}
