// Sweeps: the plan a sweep file stands for (order, counts, samples), its problems
// located in the sweep file, and `migflow sweep` end to end on tiny.yaml.
#include <H5Cpp.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <sstream>

#include "migflow/sweep/plan.hpp"
#include "test_support.hpp"

using namespace migflow;
using namespace migflow::test;
namespace fs = std::filesystem;

namespace {


SweepSpec sweep(const std::string& text) { return load_sweep_text(text, "sweep.yaml", scenarios_dir); }

// The problems of a sweep file (and, when it loads, of its runs' scenarios), one per line.
std::string sweep_problems_of(const std::string& text) {
    try {
        const SweepSpec spec = sweep(text);
        validate_sweep(spec, plan_sweep(spec), [&](const Overrides& o) { load_scenario(spec.scenario, o); });
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

std::string value_of(const SweepEntry& run, const std::string& key) {
    for (const auto& [k, v] : run.overrides)
        if (k == key) return v;
    return "(not set)";
}

// tiny.yaml's one camp is its last region: its arrivals (agents) over the run and its
// fullest day (people), read straight from the series.
struct CampColumns {
    double arrivals = 0, peak_population = 0;
};
CampColumns camp_columns(const fs::path& file) {
    const auto arrivals = read_dataset(file, "/series/arrivals");
    const auto population = read_dataset(file, "/series/population");
    const std::size_t R = 5;
    CampColumns c;
    for (std::size_t i = R - 1; i < arrivals.size(); i += R) {
        c.arrivals += arrivals[i];
        c.peak_population = std::max(c.peak_population, population[i]);
    }
    return c;
}

}  // namespace

TEST_CASE("a grid expands to every combination with the seeds innermost", "[sweep]") {
    const SweepSpec spec = sweep(
        "scenario: tiny.yaml\n"
        "output_dir: /tmp/somewhere\n"
        "seeds: [1, 2, 3]\n"
        "set: {days: 10}\n"
        "grid:\n"
        "  behaviour.lambda_conflict: [0.1, 0.2, 0.4]\n"
        "  behaviour.beta_camp: [0.5, 1.0]\n");
    CHECK(spec.scenario == scenarios_dir + "/tiny.yaml");
    const auto runs = plan_sweep(spec);
    REQUIRE(runs.size() == 3 * 2 * 3);
    CHECK(swept_keys(spec) == std::vector<std::string>{"behaviour.lambda_conflict", "behaviour.beta_camp"});
    for (std::size_t i = 0; i < runs.size(); ++i) {
        INFO("run " << i);
        const SweepEntry& r = runs[i];
        CHECK(r.index == int(i));
        CHECK(r.point == int(i / 3));
        CHECK(r.seed == 1 + i % 3);
        // The first grid key varies slowest; `set:` comes first in every run.
        CHECK(r.overrides.front() == std::pair<std::string, std::string>{"days", "10"});
        CHECK(value_of(r, "behaviour.lambda_conflict") == std::vector<std::string>{"0.1", "0.2", "0.4"}[i / 6]);
        CHECK(value_of(r, "behaviour.beta_camp") == std::vector<std::string>{"0.5", "1.0"}[(i / 3) % 2]);
    }
    CHECK(runs[0].output == "/tmp/somewhere/run_000.h5");
    CHECK(runs[17].output == "/tmp/somewhere/run_017.h5");
}

TEST_CASE("seeds given as from and count and output_dir defaulting beside the sweep file", "[sweep]") {
    const SweepSpec spec = sweep("scenario: tiny.yaml\nseeds: {from: 5, count: 4}\n");
    CHECK(spec.seeds == std::vector<std::uint64_t>{5, 6, 7, 8});
    CHECK(spec.output_dir == scenarios_dir + "/sweep_out");
    const auto runs = plan_sweep(spec);
    REQUIRE(runs.size() == 4);
    CHECK(runs[3].seed == 8);
    CHECK(runs[3].overrides.empty());
}

TEST_CASE("samples lie in their ranges one per stratum and depend only on the sweep seed", "[sweep]") {
    auto text = [](const std::string& method, int seed) {
        return "scenario: tiny.yaml\nseeds: [1]\nsamples:\n  count: 20\n  method: " + method +
               "\n  seed: " + std::to_string(seed) +
               "\n  ranges: {behaviour.lambda_conflict: [0.05, 0.5], behaviour.beta_camp: [-1, 2]}\n";
    };
    const auto a = plan_sweep(sweep(text("latin_hypercube", 4)));
    REQUIRE(a.size() == 20);
    const std::vector<std::pair<std::string, std::pair<double, double>>> ranges = {
        {"behaviour.lambda_conflict", {0.05, 0.5}}, {"behaviour.beta_camp", {-1.0, 2.0}}};
    for (const auto& [key, range] : ranges) {
        INFO(key);
        std::set<int> strata;
        for (const SweepEntry& r : a) {
            const double v = std::stod(value_of(r, key));
            CHECK(v >= range.first);
            CHECK(v <= range.second);
            strata.insert(std::min(19, int((v - range.first) / (range.second - range.first) * 20)));
        }
        CHECK(strata.size() == 20);  // Latin hypercube: every twentieth of the range once
    }
    const auto again = plan_sweep(sweep(text("latin_hypercube", 4)));
    const auto other = plan_sweep(sweep(text("latin_hypercube", 5)));
    int same = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].overrides == again[i].overrides);
        same += a[i].overrides == other[i].overrides;
    }
    CHECK(same == 0);
    const auto u = plan_sweep(sweep(text("uniform", 4)));
    for (const SweepEntry& r : u) {
        const double v = std::stod(value_of(r, "behaviour.lambda_conflict"));
        CHECK((v >= 0.05 && v <= 0.5));
    }
    CHECK(u[0].overrides != a[0].overrides);
}

TEST_CASE("grid x samples x seeds: samples inside each grid cell", "[sweep]") {
    const auto runs = plan_sweep(sweep(
        "scenario: tiny.yaml\nseeds: [1, 2]\ngrid: {behaviour.beta_camp: [0, 1]}\n"
        "samples: {count: 3, ranges: {behaviour.lambda_conflict: [0.1, 0.2]}}\n"));
    REQUIRE(runs.size() == 2 * 3 * 2);
    CHECK(runs[5].point == 2);
    CHECK(value_of(runs[5], "behaviour.beta_camp") == "0");
    CHECK(value_of(runs[6], "behaviour.beta_camp") == "1");
    // The same draws in both cells: the grid cell changes, the sample does not.
    CHECK(value_of(runs[0], "behaviour.lambda_conflict") == value_of(runs[6], "behaviour.lambda_conflict"));
    CHECK(value_of(runs[0], "behaviour.lambda_conflict") == value_of(runs[1], "behaviour.lambda_conflict"));
    CHECK(value_of(runs[0], "behaviour.lambda_conflict") != value_of(runs[2], "behaviour.lambda_conflict"));
}

TEST_CASE("sweep-file problems are located and listed together", "[sweep][errors]") {
    CHECK(sweep_problems_of("scenario: tiny.yaml\nseeds: [1, 1]\ngrids: {behaviour.beta_camp: [1]}\n"
                      "grid:\n  behaviour.lambda_conflict: []\n  days: 5\n") ==
          "sweep.yaml:2:12: seeds[1]: seed 1 is given twice\n"
          "sweep.yaml:3:1: grids: unknown key; did you mean `grid`?\n"
          "sweep.yaml:5:30: grid.behaviour.lambda_conflict: the list of values is empty: give at least one value\n"
          "sweep.yaml:6:9: grid.days: expected a list of values to try");
    CHECK(sweep_problems_of("scenario: nowhere.yaml\nseeds: {from: 1}\nsamples: {count: 0, ranges: {x: [2, 1]}}\n"
                      "grid: {seed: [1, 2]}\n") ==
          "sweep.yaml:1:11: scenario: no such file or directory `" + scenarios_dir + "/nowhere.yaml`\n"
          "sweep.yaml:2:8: seeds.count: missing required key\n"
          "sweep.yaml:3:18: samples.count: got `0`, expected a whole number in [1, 100000]\n"
          "sweep.yaml:3:33: samples.ranges.x: low 2 is above high 1\n"
          "sweep.yaml:4:8: grid.seed: the seed of each run comes from `seeds:`, not from an override");
    CHECK(sweep_problems_of("scenario: tiny.yaml\nseeds: [1]\nset: {days: 5}\ngrid:\n  days: [3]\n  days: [4]\n") ==
          "sweep.yaml:5:3: grid.days: `days` is already set or swept elsewhere in this sweep\n"
          "sweep.yaml:6:3: grid.days: duplicate key (first given on line 5); the first value would be used");
}

TEST_CASE("a bad override fails before any run at the sweep-file line that wrote it", "[sweep][errors]") {
    CHECK(sweep_problems_of("scenario: tiny.yaml\nseeds: [1, 2]\n"
                      "grid:\n"
                      "  behaviour.lambda_confict: [0.1, 0.2]\n"
                      "  behaviour.beta_camp: [1, -70, 2]\n"
                      "samples: {count: 2, ranges: {agents.mobile_fraction: [0.5, 1.5]}}\n") ==
          "sweep.yaml:4:3: grid.behaviour.lambda_confict: unknown key `lambda_confict`; did you mean "
          "`lambda_conflict`?\n"
          "sweep.yaml:5:28: grid.behaviour.beta_camp[1]: got -70, expected a number in [-50, 50]\n"
          "sweep.yaml:6:54: samples.ranges.agents.mobile_fraction: sampled value 1.18142: got 1.18142, "
          "expected a number in [0, 1]");
}

TEST_CASE("migflow sweep runs every run and writes the index then resumes and repeats exactly", "[sweep][cli]") {
    TempDir dir("sweep");
    // Observed counts make the index carry ARD columns (two regions: with one, the
    // rescaled ARD is always 0).
    const std::string obs = dir.write("obs.csv", "date,region,count\n2024-01-01,Camp,0\n2024-01-20,Camp,900\n"
                                                 "2024-01-01,Gamma,10000\n2024-01-20,Gamma,12000\n");
    const std::string body = "scenario: " + scenarios_dir + "/tiny.yaml\nseeds: [1, 2]\n"
                             "set: {days: 25, observed: {file: " + obs + "}}\n"
                             "grid: {behaviour.lambda_conflict: [0.3, 0.6]}\n";
    const std::string a = dir.write("a.yaml", "output_dir: a\n" + body);
    const std::string b = dir.write("b.yaml", "output_dir: b\n" + body);
    const std::string bin = std::string(MIGFLOW_BINARY) + " sweep ";
    const std::string log = " > " + shell_quote((dir.path / "log").string()) + " 2>&1";

    REQUIRE(run_shell(bin + a + " --dry-run" + log) == 0);
    CHECK(slurp(dir.path / "log").find("run 3 (point 1): seed 2, behaviour.lambda_conflict=0.6 -> " +
                                       (dir.path / "a/run_003.h5").string()) != std::string::npos);
    CHECK_FALSE(fs::exists(dir.path / "a"));

    REQUIRE(run_shell(bin + a + " --threads 1" + log) == 0);
    CHECK(slurp(dir.path / "log").find("[4/4] run_003.h5 (seed 2, behaviour.lambda_conflict=0.6)") !=
          std::string::npos);
    const auto rows = csv_rows(dir.path / "a/index.csv");
    REQUIRE(rows.size() == 5);
    CHECK(rows[0] == std::vector<std::string>{"run", "point", "seed", "behaviour.lambda_conflict", "file",
                                              "status", "wall_s", "final_agents", "camp_arrivals",
                                              "peak_camp_population", "ard_rescaled", "ard_unrescaled", "build"});
    for (int i = 0; i < 4; ++i) {
        INFO("run " << i);
        const auto& row = rows[i + 1];
        REQUIRE(row.size() == 13);
        CHECK(row[12].rfind("commit ", 0) == 0);  // the build that made the run file
        CHECK(row[0] == std::to_string(i));
        CHECK(row[2] == std::to_string(1 + i % 2));
        CHECK(row[3] == (i < 2 ? "0.3" : "0.6"));
        CHECK(row[5] == "done");
        CHECK(fs::exists(dir.path / "a" / row[4]));
        const auto total = read_dataset(dir.path / "a" / row[4], "/series/total_agents");
        CHECK(total.size() == 25);
        CHECK(std::stoll(row[7]) == static_cast<long long>(total.back()));
        // Camp outcomes recomputed from the run's own series (tiny.yaml: 10 people per agent).
        const auto camp = camp_columns(dir.path / "a" / row[4]);
        CHECK(std::stod(row[8]) == Approx(camp.arrivals * 10.0));
        CHECK(camp.arrivals > 0);
        CHECK(std::stod(row[9]) == Approx(camp.peak_population));
        CHECK(camp.peak_population > 0);
        CHECK(std::stod(row[10]) > 0.0);
        CHECK(std::stod(row[11]) > 0.0);
    }

    // Results are never replaced silently; --resume keeps complete runs as they are.
    CHECK(run_shell(bin + a + log) == 1);
    CHECK(slurp(dir.path / "log").find("--resume") != std::string::npos);
    // A run whose file is gone (as after a crash) runs again.
    const auto before = fs::last_write_time(dir.path / "a/run_002.h5");
    fs::remove(dir.path / "a/run_001.h5");
    REQUIRE(run_shell(bin + a + " --resume" + log) == 0);
    const std::string resumed = slurp(dir.path / "log");
    CHECK(resumed.find("[3/4] run_002.h5 (seed 1, behaviour.lambda_conflict=0.6): complete already, kept") !=
          std::string::npos);
    CHECK(resumed.find("[2/4] run_001.h5 (seed 2, behaviour.lambda_conflict=0.3) ... ") != std::string::npos);
    CHECK(resumed.find("(1 ran, 3 kept from before)") != std::string::npos);
    CHECK(fs::last_write_time(dir.path / "a/run_002.h5") == before);
    CHECK(fs::exists(dir.path / "a/run_001.h5"));
    auto rows_after = csv_rows(dir.path / "a/index.csv");
    REQUIRE(rows_after.size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        INFO("row " << i);
        if (i == 2) rows_after[i][6] = rows[i][6];  // the rerun's wall time differs
        CHECK(rows_after[i] == rows[i]);
    }

    // An edited sweep file must not adopt the old files.
    std::string edited = body;
    edited.replace(edited.find("0.6]"), 3, "0.7");
    const std::string c = dir.write("c.yaml", "output_dir: a\n" + edited);
    CHECK(run_shell(bin + c + " --resume" + log) == 1);
    CHECK(slurp(dir.path / "log").find("was written by another plan (run 2: behaviour.lambda_conflict was `0.6`, "
                                       "now `0.7`)") != std::string::npos);
    // So must one whose `set:` values changed: they are not in the index.
    std::string reset = body;
    reset.replace(reset.find("days: 25"), 8, "days: 26");
    const std::string e = dir.write("e.yaml", "output_dir: a\n" + reset);
    CHECK(run_shell(bin + e + " --resume" + log) == 1);
    CHECK(slurp(dir.path / "log").find("sweep_settings.txt says `set days=25`, this sweep `set days=26`") !=
          std::string::npos);

    // Same seed and overrides: identical series; another seed: different.
    REQUIRE(run_shell(bin + b + " --threads 2" + log) == 0);
    for (const char* name : {"/series/population", "/series/agents", "/series/route_flow_forward"}) {
        INFO(name);
        for (const char* run : {"run_000.h5", "run_003.h5"})
            CHECK(read_dataset(dir.path / "a" / run, name) == read_dataset(dir.path / "b" / run, name));
        CHECK(read_dataset(dir.path / "a/run_000.h5", name) != read_dataset(dir.path / "a/run_001.h5", name));
    }
    CHECK(read_dataset(dir.path / "a/run_000.h5", "/series/population") !=
          read_dataset(dir.path / "a/run_002.h5", "/series/population"));
}

TEST_CASE("migflow sweep stops on a bad grid value before running anything", "[sweep][cli]") {
    TempDir dir("sweep_bad");
    const std::string s = dir.write("s.yaml", "scenario: " + scenarios_dir + "/tiny.yaml\nseeds: [1]\n"
                                              "grid: {behaviour.lambda_conflict: [0.3, 99]}\n");
    REQUIRE(run_shell(std::string(MIGFLOW_BINARY) + " sweep " + s + " > " +
                      shell_quote((dir.path / "log").string()) + " 2>&1") == 1);
    CHECK(slurp(dir.path / "log") == s + ":3:41: grid.behaviour.lambda_conflict[1]: got 99, expected a number "
                                         "in [0, 50]\nmigflow: 1 problem(s) in the input\n");
    CHECK_FALSE(fs::exists(dir.path / "s_out"));
}

TEST_CASE("a failing run stops the sweep naming the run and the index says what finished", "[sweep][cli]") {
    TempDir dir("sweep_fail");
    const std::string s = dir.write("s.yaml", "scenario: " + scenarios_dir + "/tiny.yaml\nseeds: [4, 5, 6]\n"
                                              "output_dir: out\ngrid: {agents.spawn_conflict: [0.001]}\n");
    // A directory where run 1's file must go: its recorder cannot put the file there.
    fs::create_directories(dir.path / "out/run_001.h5");
    const std::string log = (dir.path / "log").string();
    REQUIRE(run_shell(std::string(MIGFLOW_BINARY) + " sweep " + s + " --resume > " + shell_quote(log) + " 2>&1") == 1);
    CHECK(slurp(log).find("migflow: error: sweep run 1 (seed 5, agents.spawn_conflict=0.001) failed: ") !=
          std::string::npos);
    const auto rows = csv_rows(dir.path / "out/index.csv");
    REQUIRE(rows.size() == 4);
    CHECK(rows[1][5] == "done");
    CHECK(rows[2][5] == "failed");
    CHECK(rows[3][5] == "pending");
    CHECK(fs::exists(dir.path / "out/run_000.h5"));
    CHECK_FALSE(fs::exists(dir.path / "out/run_002.h5"));
}

TEST_CASE("the example sweep is valid and plans 2 x 2 points x 5 seeds", "[sweep]") {
    const SweepSpec spec = load_sweep(scenarios_dir + "/sweep_example.yaml");
    const auto runs = plan_sweep(spec);
    CHECK(runs.size() == 20);
    CHECK(spec.output_dir == scenarios_dir + "/sweep_example_out");
    CHECK_NOTHROW(validate_sweep(spec, runs, [&](const Overrides& o) { load_scenario(spec.scenario, o); }));
}

TEST_CASE("a sweep never writes over its inputs and --overwrite deletes only files its indexes list", "[sweep][cli]") {
    TempDir dir("sweep_guard");
    // Observed counts in a file that happens to be named like the sweep's index.
    const std::string obs = dir.write("index.csv", "date,region,count\n2024-01-01,Camp,0\n2024-01-20,Camp,900\n");
    const std::string stranger = dir.write("run_000.h5", "not a sweep's file\n");
    const std::string log = " > " + shell_quote((dir.path / "log").string()) + " 2>&1";
    const std::string body = "scenario: " + scenarios_dir + "/tiny.yaml\nseeds: [1]\noutput_dir: .\n";

    const std::string reads_index = dir.write("a.yaml", body + "set: {days: 5, observed: {file: " + obs + "}}\n");
    for (const char* option : {"", " --overwrite"}) {
        INFO("migflow sweep a.yaml" << option);
        CHECK(run_shell(std::string(MIGFLOW_BINARY) + " sweep " + reads_index + option + log) == 1);
        CHECK(slurp(dir.path / "log").find("index.csv is an input of this sweep") != std::string::npos);
        CHECK(slurp(obs).starts_with("date,region,count\n"));
    }

    const std::string plain = dir.write("b.yaml", body + "set: {days: 5}\n");
    fs::remove(obs);
    CHECK(run_shell(std::string(MIGFLOW_BINARY) + " sweep " + plain + " --overwrite" + log) == 1);
    CHECK(slurp(dir.path / "log").find("run_000.h5 exists, but no sweep index in") != std::string::npos);
    CHECK(slurp(stranger) == "not a sweep's file\n");
    CHECK_FALSE(fs::exists(dir.path / "index.csv"));
}
