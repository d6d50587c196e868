// Resources estimated before they are spent (docs/RELIABILITY.md "Resources"): the
// memory estimate grows with the agents, runs that would not fit are refused before
// they allocate (and start with --ignore-memory-estimate), dates stay in years
// 1..9999 and sweeps are bounded.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>

#include "migflow/engine/agents.hpp"
#include "migflow/engine/resource_estimate.hpp"
#include "migflow/formats/flee/import.hpp"
#include "migflow/scenario/loader.hpp"
#include "migflow/sweep/plan.hpp"
#include "test_support.hpp"

using namespace migflow;
using namespace migflow::test;
namespace fs = std::filesystem;

namespace {

// A self-contained native scenario: `people` in the one settlement, 100 agents each.
std::string estimate_yaml(const std::string& people, const std::string& start = "2024-01-01", int days = 10) {
    return "name: huge\nstart_date: " + start + "\ndays: " + std::to_string(days) +
           "\nseed: 1\nruleset: native\n"
           "regions:\n"
           "  - {name: A, type: settlement, lat: 0, lon: 0, population: " + people + ", country: X}\n"
           "  - {name: C, type: camp, lat: 0, lon: 1, population: 0, country: X}\n"
           "routes:\n  - {from: A, to: C, km: 50}\n"
           "agents: {people_per_agent: 0.01}\n";
}

// A copy of the Burundi Flee case with `edit` applied to its files.
fs::path flee_case_copy(const TempDir& dir, const std::function<void(const fs::path&)>& edit) {
    const fs::path to = dir.path / "case";
    fs::copy(scenarios_dir + "/flee/burundi", to, fs::copy_options::recursive);
    edit(to);
    return to;
}

std::string estimate_load_problems(const std::string& yaml) {
    try {
        load_scenario_text(yaml, "dates.yaml", "");
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("the memory estimate grows with the agents and counts every part", "[resources]") {
    const Scenario small = load_scenario(tiny_yaml, {{"agents.people_per_agent", "10"}});
    const Scenario large = load_scenario(tiny_yaml, {{"agents.people_per_agent", "1"}});
    const RunEstimate a = estimate_run(small, 1, 2), b = estimate_run(large, 1, 2);
    CHECK(b.agents > 9 * a.agents);
    CHECK(b.memory_bytes > a.memory_bytes);
    CHECK(b.agent_bytes > 9 * (a.agent_bytes - 12 * 5 * 30));
    CHECK(a.bytes_per_agent == double(AgentStore::bytes_per_agent));
    CHECK(a.memory_bytes == a.agent_bytes + a.region_bytes + a.output_buffer_bytes + 24.0 * (1 << 20));
    // Two processes hold half the agents each; regions are replicated.
    const RunEstimate halves = estimate_run(large, 2, 2);
    CHECK(halves.agent_bytes < b.agent_bytes);
    CHECK(halves.region_bytes == b.region_bytes);
    // Output: 30 days of every series, more with snapshots of every agent.
    Scenario snap = large;
    snap.output.snapshot_every = 5;
    CHECK(estimate_run(snap, 1, 2).output_file_bytes > b.output_file_bytes + b.agents * 8 * 6);
    // 10^11 people, 100 agents each: 10^13 agents, terabytes, computed without allocating them.
    const Scenario huge = load_scenario_text(estimate_yaml("100000000000"), "huge.yaml", "");
    const RunEstimate h = estimate_run(huge);
    CHECK(h.agents > 1e13);
    CHECK(h.memory_bytes > 1e11);
    CHECK(estimate_text(h).find("TiB of memory") != std::string::npos);
}

TEST_CASE("a Flee case is estimated from its spawn rules", "[resources][flee]") {
    TempDir dir("flee_estimate");
    const fs::path plain = flee_case_copy(dir, [](const fs::path&) {});
    const double before = estimate_run(import_flee_case(plain.string())).agents;
    CHECK(before > 0);
    // pop_ratio spawning of a population of 2^32: billions of agents, which the run's
    // reservation caps but the estimate must not.
    TempDir dir2("flee_estimate_big");
    const fs::path big = flee_case_copy(dir2, [](const fs::path& c) {
        REQUIRE(replace_in_file(c / "input_csv/locations.csv", "497166", "4294967296"));
        REQUIRE(replace_in_file(c / "simsetting.yml", "spawn_rules:\n",
                        "spawn_rules:\n  conflict_driven_spawning: {spawn_mode: pop_ratio, displaced_per_conflict_day: 0.01}\n"));
    });
    const RunEstimate e = estimate_run(import_flee_case(big.string()));
    CHECK(e.agents > 4e8);
    CHECK(e.memory_bytes > 4e8 * 13);
}

TEST_CASE("run refuses a scenario whose estimate exceeds the memory before it allocates", "[resources][cli]") {
    TempDir dir("memory_refusal");
    const std::string huge = dir.write("huge.yaml", estimate_yaml("100000000000"));
    const auto log = dir.path / "log.txt";
    const auto start = std::chrono::steady_clock::now();
    CHECK(run_migflow_logged("run " + huge + " -o " + (dir.path / "out.h5").string(), log) == 1);
    // 137 TiB were never asked for: a refusal, not std::bad_alloc, and at once.
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
    const std::string text = slurp(log);
    INFO(text);
    CHECK(text.find("this run (`migflow check` shows the estimate) needs about ") != std::string::npos);
    CHECK(text.find("TiB of memory, but ") != std::string::npos);
    CHECK(text.find("--ignore-memory-estimate") != std::string::npos);
    CHECK(text.find("bad_alloc") == std::string::npos);
    CHECK(!fs::exists(dir.path / "out.h5"));
    CHECK(!fs::exists(dir.path / "out.h5.partial"));
    // check prints the estimate and warns, exit 0: the scenario itself is valid.
    CHECK(run_migflow_logged("check " + huge, log) == 0);
    CHECK(slurp(log).find("estimate: about 1.05e+13 agents") != std::string::npos);
    CHECK(slurp(log).find("migflow check: warning: this run needs about") != std::string::npos);
}

TEST_CASE("a memory limit refuses run rerun compare and replicates and the option proceeds", "[resources][cli]") {
    TempDir dir("memory_limit");
    const std::string out = (dir.path / "t.h5").string(), log = (dir.path / "log.txt").string();
    const std::string limit = "MIGFLOW_MEMORY_LIMIT=1000000 ";  // 1 MB: tiny needs more
    const std::string bin = " " + migflow_bin + " ";
    auto run = [&](const std::string& args) { return run_shell(limit + bin + args + " > " + log + " 2>&1"); };
    CHECK(run("run " + tiny_yaml + " --quiet -o " + out) == 1);
    CHECK(slurp(log).find("976.6 KiB is MIGFLOW_MEMORY_LIMIT; make the scenario smaller") != std::string::npos);
    CHECK(!fs::exists(out));
    CHECK(run("run " + tiny_yaml + " --quiet --replicates 3 -o " + out) == 1);
    CHECK(slurp(log).find("this ensemble (3 replicates, ") != std::string::npos);
    CHECK(run("compare " + tiny_yaml + " " + tiny_yaml + " --replicates 2 --quiet -o " + out) == 1);
    CHECK(slurp(log).find("--ignore-memory-estimate") != std::string::npos);
    CHECK(!fs::exists(out));
    CHECK(run("run " + tiny_yaml + " --quiet --ignore-memory-estimate -o " + out) == 0);
    CHECK(fs::exists(out));
    const std::string again = (dir.path / "again.h5").string();
    CHECK(run("rerun " + out + " --quiet -o " + again) == 1);
    CHECK(slurp(log).find("needs about") != std::string::npos);
    CHECK(run("rerun " + out + " --quiet --ignore-memory-estimate -o " + again) == 0);
    CHECK(run("compare " + tiny_yaml + " " + tiny_yaml + " --replicates 2 --quiet --ignore-memory-estimate -o " +
              (dir.path / "c.h5").string()) == 0);
    // check reports the estimate in plain figures.
    CHECK(run_migflow_logged("check " + tiny_yaml, log) == 0);
    CHECK(slurp(log).find("of memory (") != std::string::npos);
    CHECK(slurp(log).find("a result file of at most ") != std::string::npos);
}

TEST_CASE("dates stay within years 1 to 9999 the last day included", "[resources][scenario]") {
    CHECK(estimate_load_problems(estimate_yaml("100", "9999-12-31", 1)).empty());
    CHECK(estimate_load_problems(estimate_yaml("100", "9999-12-01", 31)).empty());
    CHECK(estimate_load_problems(estimate_yaml("100", "9999-12-31", 2)) ==
          "dates.yaml:2:13: start_date: the run's last day would be 10000-01-01 (9999-12-31 + 2 days); dates end at "
          "9999-12-31, so start by 9999-12-30 or run at most 1 days");
    CHECK(estimate_load_problems(estimate_yaml("100", "0000-06-01", 5)) ==
          "dates.yaml:2:13: start_date: the run starts in year 0, before 0001-01-01; dates go from 0001-01-01 to "
          "9999-12-31");
    CHECK(estimate_load_problems(estimate_yaml("100", "0001-01-01", 5)).empty());
    // --set reaches the same check.
    TempDir dir("dates");
    const std::string path = dir.write("d.yaml", estimate_yaml("100", "9999-01-01", 10));
    CHECK_THROWS_WITH(load_scenario(path, {{"days", "1000"}}),
                      Catch::Contains("d.yaml:2:13: start_date: the run's last day would be 10001-09-26"));
    // A Flee case's sim_period.csv, named by file and line.
    const fs::path c = flee_case_copy(dir, [](const fs::path& at) {
        write_file(at / "input_csv/sim_period.csv", "StartDate,9999-12-01\nLength,60\n");
    });
    CHECK_THROWS_WITH(import_flee_case(c.string()),
                      Catch::Contains("sim_period.csv:1:2: StartDate: the run's last day would be 10000-01-29"));
}

TEST_CASE("a sweep of more than a million runs is refused with its count", "[resources][sweep]") {
    const std::string values = "[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]";
    const std::string text = "scenario: tiny.yaml\nseeds: {from: 1, count: 1000}\ngrid:\n"
                             "  behaviour.lambda_conflict: " + values + "\n"
                             "  behaviour.beta_camp: " + values + "\n"
                             "  behaviour.beta_conflict: " + values + "\n"
                             "  behaviour.lambda_climate: " + values + "\n";
    CHECK_THROWS_WITH(
        load_sweep_text(text, "sweep.yaml", scenarios_dir),
        "sweep.yaml:4:3: grid: the sweep has 10000000 runs (10 values of behaviour.lambda_conflict x 10 values "
        "of behaviour.beta_camp x 10 values of behaviour.beta_conflict x 10 values of behaviour.lambda_climate x "
        "1000 seeds), more than the limit of 1000000; split it into several sweeps or sample the space "
        "(`samples:`) instead of a full grid");
    // A million exactly is allowed.
    const std::string ok = "scenario: tiny.yaml\nseeds: {from: 1, count: 100}\ngrid:\n"
                           "  behaviour.lambda_conflict: " + values + "\n"
                           "  behaviour.beta_camp: " + values + "\n"
                           "  behaviour.beta_conflict: " + values + "\n"
                           "  behaviour.lambda_climate: " + values + "\n";
    CHECK_NOTHROW(load_sweep_text(ok, "sweep.yaml", scenarios_dir));
    const std::string samples = "scenario: tiny.yaml\nseeds: {from: 1, count: 100000}\n"
                                "samples: {count: 100000, ranges: {behaviour.lambda_conflict: [0.1, 0.5]}}\n";
    CHECK_THROWS_WITH(load_sweep_text(samples, "sweep.yaml", scenarios_dir),
                      Catch::Contains("sweep.yaml:3:10: samples: the sweep has 10000000000 runs (100000 samples x "
                                      "100000 seeds)"));
}
