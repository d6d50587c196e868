// Checkpoint and restart (docs/HPC.md "Checkpoint and restart"): a run stopped at any
// day and continued from its checkpoint, with any number of threads, writes the file an
// uninterrupted run writes, dataset by dataset and root attribute by root attribute
// (tests/mpi/same_datasets.py; only threads, ranks, wall time and build may differ).
#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <regex>
#include <thread>

#include "test_support.hpp"

using namespace migflow::test;
namespace fs = std::filesystem;

namespace {

const std::string same_datasets_py = std::string(MIGFLOW_SOURCE_DIR) + "/tests/mpi/same_datasets.py";

// Exit status of same_datasets.py (0: the same), its findings in `log`.
int compare_files(const fs::path& a, const fs::path& b, const fs::path& log) {
    return run_shell("/usr/bin/python3 " + same_datasets_py + " " + shell_quote(a.string()) + " " +
                     shell_quote(b.string()) + " > " + shell_quote(log.string()) + " 2>&1");
}

struct CheckpointCase {
    std::string name;
    std::string source;  // scenario file or Flee case directory, with any --set
    std::vector<int> stop_days;
};

std::vector<CheckpointCase> checkpoint_cases() {
    const std::string mpi_dir = std::string(MIGFLOW_SOURCE_DIR) + "/tests/mpi/";
    return {
        {"native tiny", tiny_yaml, {1, 7, 29}},
        {"native contested camps", mpi_dir + "contested_native.yaml", {3, 20}},
        // Per-agent flee columns (start_on_foot, avoid_short_stints) and agent snapshots.
        {"flee contested camps with snapshots", mpi_dir + "contested_flee.yaml --set output.snapshot_every=6",
         {1, 13, 39}},
        // Data-driven spawning (its debt) from a real Flee case.
        {"flee burundi", scenarios_dir + "/flee/burundi", {5, 150}},
        // DFlee: flood-driven spawning and the forecaster's awareness groups.
        {"flee dflee weather", scenarios_dir + "/flee/dflee_weather_example", {1, 5, 10}},
    };
}

}  // namespace

TEST_CASE("a run stopped at several days and restarted with 1 or 2 threads equals an uninterrupted run",
          "[checkpoint][cli]") {
    for (const CheckpointCase& c : checkpoint_cases()) {
        INFO(c.name);
        TempDir dir("checkpoint_days");
        const fs::path ref = dir.path / "ref.h5", log = dir.path / "log";
        REQUIRE(run_migflow_logged("run " + c.source + " --quiet --threads 1 -o " + ref.string(), log) == 0);
        for (const int d : c.stop_days) {
            for (const int threads : {1, 2}) {
                INFO("stopped before day " << d << ", restarted with " << threads << " thread(s)");
                const fs::path ck = dir.path / "ck.h5", out = dir.path / "out.h5";
                fs::remove(out);
                REQUIRE(run_migflow_logged("run " + c.source + " --quiet --threads 2 -o " + out.string() +
                                               " --checkpoint " + ck.string() + " --stop-after-days " + std::to_string(d),
                                           log) == 75);
                CHECK_THAT(slurp(log), Catch::Matchers::Contains("run stopped by --stop-after-days after " +
                                                                 std::to_string(d) + " of"));
                CHECK_THAT(slurp(log), Catch::Matchers::Contains("continue with: migflow run --restart " + ck.string() +
                                                                 " -o " + out.string() + "\n"));
                REQUIRE(fs::exists(ck));
                CHECK_FALSE(fs::exists(out));
                // -o may be left out: the checkpoint remembers the result file.
                const int rc = run_migflow_logged(
                    "run --restart " + ck.string() + " --quiet --threads " + std::to_string(threads), log);
                INFO(slurp(log));
                REQUIRE(rc == 0);
                REQUIRE(compare_files(ref, out, log) == 0);
            }
        }
    }
}

TEST_CASE("a run restarted twice from its own checkpoints equals an uninterrupted run", "[checkpoint][cli]") {
    TempDir dir("checkpoint_chain");
    const std::string flee = std::string(MIGFLOW_SOURCE_DIR) + "/tests/mpi/contested_flee.yaml";
    const fs::path ref = dir.path / "ref.h5", out = dir.path / "out.h5", ck = dir.path / "ck.h5", log = dir.path / "log";
    REQUIRE(run_migflow_logged("run " + flee + " --quiet -o " + ref.string(), log) == 0);
    REQUIRE(run_migflow_logged("run " + flee + " --quiet -o " + out.string() + " --checkpoint " + ck.string() +
                                   " --stop-after-days 10",
                               log) == 75);
    // A restarted run checkpoints into the file it continued from unless told otherwise.
    REQUIRE(run_migflow_logged("run --restart " + ck.string() + " --quiet --threads 1 --stop-after-days 25", log) == 75);
    CHECK_THAT(slurp(log), Catch::Matchers::Contains("after 25 of 40 days; checkpoint written to " + ck.string()));
    REQUIRE(run_migflow_logged("info " + ck.string(), log) == 0);
    CHECK_THAT(slurp(log), Catch::Matchers::Contains("state before: day 25 of 40"));
    REQUIRE(run_migflow_logged("run --restart " + ck.string() + " --quiet --threads 2", log) == 0);
    CHECK(compare_files(ref, out, log) == 0);
}

TEST_CASE("periodic checkpoints leave the run unchanged and each one continues to the same file",
          "[checkpoint][cli]") {
    TempDir dir("checkpoint_every");
    const fs::path ref = dir.path / "ref.h5", out = dir.path / "out.h5", again = dir.path / "again.h5";
    const fs::path ck = dir.path / "ck.h5", log = dir.path / "log";
    REQUIRE(run_migflow_logged("run " + tiny_yaml + " --quiet -o " + ref.string(), log) == 0);
    REQUIRE(run_migflow_logged("run " + tiny_yaml + " --quiet -o " + out.string() + " --checkpoint " + ck.string() +
                                   " --checkpoint-every 8",
                               log) == 0);
    CHECK(compare_files(ref, out, log) == 0);
    // The last periodic checkpoint of a 30-day run is the one before day 24.
    REQUIRE(run_migflow_logged("info " + ck.string(), log) == 0);
    CHECK_THAT(slurp(log), Catch::Matchers::Contains("state before: day 24 of 30"));
    REQUIRE(run_migflow_logged("run --restart " + ck.string() + " --quiet -o " + again.string(), log) == 0);
    CHECK(compare_files(ref, again, log) == 0);

    // By wall time: 60 microseconds, so before nearly every day; each one replaces the last.
    const fs::path by_time = dir.path / "by_time.h5", ck_time = dir.path / "ck_time.h5";
    REQUIRE(run_migflow_logged("run " + tiny_yaml + " -o " + by_time.string() + " --checkpoint " + ck_time.string() +
                                   " --checkpoint-every-minutes 0.000001",
                               log) == 0);
    CHECK(compare_files(ref, by_time, log) == 0);
    REQUIRE(run_migflow_logged("info " + ck_time.string(), log) == 0);
    // A day of this scenario plus its recording takes longer than that on any machine
    // we know of, but only the last checkpoint's day being after day 0 is asserted.
    const std::string text = slurp(log);
    std::smatch m;
    REQUIRE(std::regex_search(text, m, std::regex("state before: day ([0-9]+) of 30")));
    CHECK(std::stoi(m[1]) > 0);
    fs::remove(again);
    REQUIRE(run_migflow_logged("run --restart " + ck_time.string() + " --quiet -o " + again.string(), log) == 0);
    CHECK(compare_files(ref, again, log) == 0);
}

TEST_CASE("SIGTERM and SIGUSR1 to a run with --checkpoint write a checkpoint that continues to the same file",
          "[checkpoint][cli][stop]") {
    TempDir dir("checkpoint_signal");
    const std::string sahel = scenarios_dir + "/sahel.yaml --set days=1500";
    const fs::path ref = dir.path / "ref.h5", log = dir.path / "log";
    REQUIRE(run_migflow_logged("run " + sahel + " --quiet -o " + ref.string(), log) == 0);
    for (const auto& [sig, name] : std::vector<std::pair<int, std::string>>{{SIGTERM, "SIGTERM"}, {SIGUSR1, "SIGUSR1"}}) {
        INFO(name);
        const fs::path out = dir.path / (name + ".h5"), ck = dir.path / (name + ".ck.h5");
        const pid_t pid = spawn_shell(migflow_bin + " run " + sahel + " --quiet -o " + out.string() + " --checkpoint " +
                                      ck.string() + " > " + shell_quote(log.string()) + " 2>&1");
        REQUIRE(pid > 0);
        REQUIRE(wait_until([&] { return fs::exists(out.string() + ".partial"); }, 30.0));
        // Usually some days in; under load it may still be creating day 0's agents, and a
        // checkpoint before day 0 must continue just as well.
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        REQUIRE(::kill(pid, sig) == 0);
        REQUIRE(wait_exit(pid, 30.0) == 75);
        const std::string text = slurp(log);
        std::smatch m;
        const std::regex said("migflow: run stopped by " + name + " after ([0-9]+) of 1500 days; checkpoint written to " +
                              ck.string() + " \\([0-9.]+ MB, [0-9.]+ s\\); continue with: migflow run --restart " +
                              ck.string() + " -o " + out.string() + "\n");
        REQUIRE(std::regex_search(text, m, said));
        CHECK(std::stoi(m[1]) < 1500);
        CHECK_FALSE(fs::exists(out));
        CHECK_FALSE(fs::exists(out.string() + ".partial"));
        CHECK_FALSE(fs::exists(ck.string() + ".partial"));
        REQUIRE(run_migflow_logged("run --restart " + ck.string() + " --quiet --threads 2 -o " + out.string(), log) == 0);
        CHECK(compare_files(ref, out, log) == 0);
    }
}

TEST_CASE("a damaged or foreign checkpoint and a restart that changes the scenario are refused", "[checkpoint][cli]") {
    TempDir dir("checkpoint_bad");
    const fs::path ck = dir.path / "ck.h5", out = dir.path / "out.h5", log = dir.path / "log";
    REQUIRE(run_migflow_logged("run " + tiny_yaml + " --quiet -o " + out.string() + " --checkpoint " + ck.string() +
                                   " --stop-after-days 10",
                               log) == 75);
    // A changed byte past the seal's user block.
    const fs::path bad = dir.path / "bad.h5";
    fs::copy_file(ck, bad);
    {
        std::fstream f(bad, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(std::streamoff(fs::file_size(bad) / 2));
        char c = 0;
        f.read(&c, 1);
        f.seekp(std::streamoff(fs::file_size(bad) / 2));
        c = static_cast<char>(c ^ 0x5a);
        f.write(&c, 1);
    }
    CHECK(run_migflow_logged("run --restart " + bad.string() + " -o " + out.string(), log) == 1);
    CHECK_THAT(slurp(log), Catch::Matchers::Contains(bad.string() + ": damaged result file"));
    CHECK_FALSE(fs::exists(out));

    // A result file is not a checkpoint.
    const fs::path result = dir.path / "result.h5";
    REQUIRE(run_migflow_logged("run " + tiny_yaml + " --quiet -o " + result.string(), log) == 0);
    CHECK(run_migflow_logged("run --restart " + result.string() + " -o " + out.string(), log) == 1);
    CHECK_THAT(slurp(log), Catch::Matchers::Contains(result.string() + ": not a checkpoint (a run result file)"));

    // The checkpoint keeps the scenario and seed: a restart may not change them.
    CHECK(run_migflow_logged("run " + tiny_yaml + " --restart " + ck.string() + " -o " + out.string(), log) == 2);
    CHECK_THAT(slurp(log), Catch::Matchers::Contains("--restart continues the checkpoint's own scenario and seed"));
    CHECK(run_migflow_logged("run --restart " + ck.string() + " --seed 9 -o " + out.string(), log) == 2);
    CHECK(run_migflow_logged("run " + tiny_yaml + " -o " + out.string() + " --checkpoint " + out.string(), log) == 1);
    CHECK_THAT(slurp(log), Catch::Matchers::Contains("must be different files"));
    // Reported before the run starts, not when the checkpoint is due.
    CHECK(run_migflow_logged("run " + tiny_yaml + " -o " + out.string() + " --checkpoint " +
                                 (dir.path / "no_such_dir" / "ck.h5").string(),
                             log) == 1);
    CHECK_THAT(slurp(log), Catch::Matchers::Contains("cannot write the checkpoint " +
                                                     (dir.path / "no_such_dir" / "ck.h5").string() +
                                                     ": the directory `" + (dir.path / "no_such_dir").string() +
                                                     "` does not exist\n"));
    CHECK(run_migflow_logged("run --restart " + (dir.path / "missing.h5").string() + " -o " + out.string(), log) == 1);
    CHECK_THAT(slurp(log), Catch::Matchers::Contains("missing.h5: no such file"));
    CHECK(run_migflow_logged("export " + ck.string() + " -o " + (dir.path / "tables").string(), log) == 1);
    CHECK_THAT(slurp(log), Catch::Matchers::Contains("a checkpoint holds no result tables"));
    CHECK_FALSE(fs::exists(dir.path / "tables"));
    CHECK(run_migflow_logged("report " + ck.string() + " -o " + (dir.path / "r.html").string(), log) == 1);
    CHECK_THAT(slurp(log), Catch::Matchers::Contains(ck.string() + ": a checkpoint, not a result file"));
    CHECK_FALSE(fs::exists(dir.path / "r.html"));
    CHECK_FALSE(fs::exists(out));
}
