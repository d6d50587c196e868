// Clean stops: real signals sent to the real `migflow` binary. A stopped run leaves no
// file behind and exits 128 + the signal; a stopped sweep keeps its finished runs, marks
// the one cut short `interrupted`, and `--resume` makes it equal an uninterrupted sweep.
#include <H5Cpp.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <regex>
#include <sstream>
#include <vector>

#include "test_support.hpp"

using namespace migflow::test;
namespace fs = std::filesystem;

namespace {


double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("a signal stops a run within a second, removes its partial file and exits 128 + signal",
          "[cli][stop]") {
    TempDir dir("stop_run");
    const std::vector<std::tuple<int, std::string, int>> signals = {
        {SIGTERM, "SIGTERM", 143}, {SIGINT, "SIGINT", 130}, {SIGHUP, "SIGHUP", 129}};
    for (const auto& [sig, name, code] : signals) {
        INFO(name);
        const auto out = (dir.path / (name + ".h5")).string();
        const auto log = (dir.path / (name + ".log")).string();
        // The Sahel scenario over 30000 days: about half a minute, far longer than the test waits.
        const pid_t pid = spawn_shell(migflow_bin + " run " + scenarios_dir + "/sahel.yaml --set days=30000 -o " + out +
                                      " > " + shell_quote(log) + " 2>&1");
        REQUIRE(pid > 0);
        REQUIRE(wait_until([&] { return fs::exists(out + ".partial"); }, 30.0));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));  // well into the days
        const auto t0 = std::chrono::steady_clock::now();
        REQUIRE(::kill(pid, sig) == 0);
        const int rc = wait_exit(pid, 10.0);
        const double took = seconds_since(t0);
        CHECK(rc == code);
        CHECK(took < 2.0);
        CHECK_FALSE(fs::exists(out + ".partial"));
        CHECK_FALSE(fs::exists(out));
        const std::string text = slurp(log);
        std::smatch m;
        const std::regex said("migflow: run stopped by " + name + " after ([0-9]+) of 30000 days; " + out +
                              " not written\n");
        REQUIRE(std::regex_search(text, m, said));
        CHECK(std::stoi(m[1]) > 0);
        CHECK(std::stoi(m[1]) < 30000);
    }
}

TEST_CASE("a signal stops an ensemble or a comparison within seconds, with nothing written", "[cli][stop][ensemble]") {
    TempDir dir("stop_ensemble");
    const std::string sahel = scenarios_dir + "/sahel.yaml";
    const std::vector<std::tuple<std::string, std::string, std::string>> commands = {
        {"ensemble", "run " + sahel + " --replicates 4", "ens.h5"},
        {"comparison", "compare " + sahel + " " + sahel + " --replicates 4", "cmp.h5"}};
    for (const auto& [kind, command, file] : commands) {
        INFO(kind);
        const auto out = (dir.path / file).string();
        const auto log = (dir.path / (kind + ".log")).string();
        // 30000 days a replicate: minutes, far longer than the test waits.
        const pid_t pid = spawn_shell(migflow_bin + " " + command + " --set days=30000 --quiet -o " + out + " > " +
                                      shell_quote(log) + " 2>&1");
        REQUIRE(pid > 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // loaded, replicates running
        const auto t0 = std::chrono::steady_clock::now();
        REQUIRE(::kill(pid, SIGINT) == 0);
        CHECK(wait_exit(pid, 20.0) == 130);
        CHECK(seconds_since(t0) < 5.0);
        CHECK_FALSE(fs::exists(out));
        CHECK_FALSE(fs::exists(out + ".partial"));
        CHECK_THAT(slurp(log), Catch::Matchers::Contains("migflow: " + kind + " stopped by SIGINT; " + out + " not written\n"));
    }
}

TEST_CASE("a sweep stopped by a signal keeps finished runs and --resume completes exactly the rest",
          "[sweep][cli][stop]") {
    TempDir dir("stop_sweep");
    const std::string body = "scenario: " + scenarios_dir + "/sahel.yaml\nseeds: [1, 2, 3]\nset: {days: 600}\n"
                             "grid: {behaviour.lambda_conflict: [0.1]}\n";
    const std::string a = dir.write("a.yaml", "output_dir: a\n" + body);
    const std::string b = dir.write("b.yaml", "output_dir: b\n" + body);
    const auto log = (dir.path / "log").string();
    const std::string to_log = " > " + shell_quote(log) + " 2>&1";

    const pid_t pid = spawn_shell(migflow_bin + " sweep " + a + to_log);
    REQUIRE(pid > 0);
    // Stopped in the middle of run 1: run 0 is complete, run 2 has not started.
    REQUIRE(wait_until([&] { return fs::exists(dir.path / "a/run_001.h5.partial"); }, 60.0));
    REQUIRE(::kill(pid, SIGINT) == 0);
    CHECK(wait_exit(pid, 10.0) == 130);
    CHECK(slurp(log).find("[2/3] run_001.h5 (seed 2, behaviour.lambda_conflict=0.1) ... interrupted\n"
                          "migflow: sweep stopped by SIGINT: 1 of 3 run(s) complete (index: ") != std::string::npos);
    const auto stopped = csv_rows(dir.path / "a/index.csv");
    REQUIRE(stopped.size() == 4);
    CHECK(stopped[1][5] == "done");
    CHECK(stopped[2][5] == "interrupted");
    CHECK(stopped[3][5] == "pending");
    CHECK(fs::exists(dir.path / "a/run_000.h5"));
    CHECK_FALSE(fs::exists(dir.path / "a/run_001.h5.partial"));
    CHECK_FALSE(fs::exists(dir.path / "a/run_001.h5"));
    CHECK_FALSE(fs::exists(dir.path / "a/run_002.h5"));

    const auto kept = fs::last_write_time(dir.path / "a/run_000.h5");
    REQUIRE(run_shell(migflow_bin + " sweep " + a + " --resume" + to_log) == 0);
    CHECK(slurp(log).find("(2 ran, 1 kept from before)") != std::string::npos);
    CHECK(fs::last_write_time(dir.path / "a/run_000.h5") == kept);

    REQUIRE(run_shell(migflow_bin + " sweep " + b + to_log) == 0);
    auto resumed = csv_rows(dir.path / "a/index.csv");
    auto straight = csv_rows(dir.path / "b/index.csv");
    REQUIRE(resumed.size() == straight.size());
    for (std::size_t i = 1; i < resumed.size(); ++i) resumed[i][6] = straight[i][6] = "";  // wall_s
    CHECK(resumed == straight);
    for (const char* run : {"run_000.h5", "run_001.h5", "run_002.h5"})
        for (const char* name : {"/series/population", "/series/arrivals", "/series/route_flow_forward"}) {
            INFO(run << " " << name);
            CHECK(read_dataset(dir.path / "a" / run, name) == read_dataset(dir.path / "b" / run, name));
        }
}
