// Sweeps cut into shards (job arrays): the shards are disjoint and cover the plan, run
// side by side, and --merge gives the index and files of a sweep run in one piece; the
// output directory is locked against a second sweep.
#include <H5Cpp.h>

#include <catch2/catch.hpp>
#include <set>
#include <sstream>

#include "migflow/sweep/lock.hpp"
#include "migflow/sweep/shard.hpp"
#include "test_support.hpp"

using namespace migflow;
using namespace migflow::test;
namespace fs = std::filesystem;

namespace {


// The index without its wall_s column (column 6), which differs between any two runs.
std::vector<std::vector<std::string>> index_without_times(const fs::path& p) {
    auto rows = csv_rows(p);
    for (auto& r : rows)
        if (r.size() > 6) r.erase(r.begin() + 6);
    return rows;
}

std::string shard_error_of(const std::string& text) {
    try {
        parse_shard(text);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("shards K/N are disjoint, cover the plan and are checked", "[sweep][shard]") {
    const SweepSpec spec = load_sweep_text("scenario: tiny.yaml\nseeds: {from: 1, count: 7}\n", "s.yaml",
                                           scenarios_dir);
    const auto runs = plan_sweep(spec);
    REQUIRE(runs.size() == 7);
    for (int n = 1; n <= 9; ++n) {
        INFO("N = " << n);
        std::multiset<int> seen;
        for (int k = 0; k < n; ++k)
            for (const SweepEntry& r : shard_runs(runs, {k, n})) {
                CHECK(r.index % n == k);
                seen.insert(r.index);
            }
        CHECK(seen == std::multiset<int>{0, 1, 2, 3, 4, 5, 6});
    }
    CHECK(parse_shard("3/4").index == 3);
    CHECK(parse_shard("3/4").count == 4);
    CHECK(shard_error_of("4/4") == "--shard 4/4: K must be in 0..3 (shards are numbered from 0, as `--array=0-3` numbers them)");
    CHECK(shard_error_of("1/0") == "--shard 1/0: N must be at least 1");
    CHECK(shard_error_of("2") == "--shard needs K/N (shard K of N, K from 0), got '2'");
    CHECK(shard_error_of("a/3") == "--shard needs K/N (shard K of N, K from 0), got 'a/3'");
    CHECK(shard_index_name({2, 16}) == "index.shard-2-of-16.csv");
}

TEST_CASE("a lock file admits one exclusive holder or many shared ones, and says who holds it", "[sweep][lock]") {
    TempDir dir("lock");
    const std::string path = (dir.path / ".sweep.lock").string();
    {
        FileLock a(path, LockMode::exclusive, "pid 1 on here: first");
        REQUIRE(a.held());
        try {
            FileLock b(path, LockMode::exclusive, "second");
            FAIL("a second exclusive lock was granted");
        } catch (const LockBusy& e) {
            CHECK(e.holder() == "pid 1 on here: first");
        }
        CHECK_THROWS_AS(FileLock(path, LockMode::shared, "third"), LockBusy);
    }
    {
        FileLock a(path, LockMode::shared, "shard 0");
        FileLock b(path, LockMode::shared, "shard 1");
        CHECK(b.held());
        CHECK_THROWS_AS(FileLock(path, LockMode::exclusive, "merge"), LockBusy);
    }
    CHECK(FileLock(path, LockMode::exclusive, "after").held());  // released with its holders
}

TEST_CASE("shards merged give the index and files of the sweep run in one piece", "[sweep][shard][cli]") {
    TempDir dir("shards");
    const std::string obs = dir.write("obs.csv", "date,region,count\n2024-01-01,Camp,0\n2024-01-20,Camp,900\n"
                                                 "2024-01-01,Gamma,10000\n2024-01-20,Gamma,12000\n");
    const std::string body = "scenario: " + scenarios_dir + "/tiny.yaml\nseeds: [1, 2, 3]\n"
                             "set: {days: 25, observed: {file: " + obs + "}}\n"
                             "grid: {behaviour.lambda_conflict: [0.3, 0.6]}\n";
    const std::string whole = dir.write("whole.yaml", "output_dir: whole\n" + body);
    const std::string parts = dir.write("parts.yaml", "output_dir: parts\n" + body);
    const auto log = (dir.path / "log").string();
    const std::string to_log = " > " + shell_quote(log) + " 2>&1";
    const std::string sweep = migflow_bin + " sweep ";

    REQUIRE(run_shell(sweep + whole + to_log) == 0);
    // Six runs in four shards: 0 and 4, 1 and 5, 2, 3.
    REQUIRE(run_shell(sweep + parts + " --shard 0/4" + to_log) == 0);
    CHECK(slurp(log).find("sweep shard 0/4: 2 run(s) (2 ran, 0 kept from before)") != std::string::npos);
    const auto shard0 = csv_rows(dir.path / "parts/index.shard-0-of-4.csv");
    REQUIRE(shard0.size() == 3);
    CHECK(shard0[1][0] == "0");
    CHECK(shard0[2][0] == "4");
    REQUIRE(run_shell(sweep + parts + " --shard 1/4" + to_log) == 0);
    REQUIRE(run_shell(sweep + parts + " --shard 2/4" + to_log) == 0);
    CHECK(run_shell(sweep + parts + " --shard 1/3" + to_log) == 1);
    CHECK(slurp(log).find("parts holds shards of a 4-way split (index.shard-0-of-4.csv); every shard of a sweep must "
                          "use the same N: use --shard K/4, or --overwrite") != std::string::npos);
    CHECK(run_shell(sweep + parts + " --shard 4/4" + to_log) == 2);
    CHECK(run_shell(sweep + parts + " --merge --resume" + to_log) == 2);

    // Shard 3 has not run: the merge says which run is missing and fails.
    CHECK(run_shell(sweep + parts + " --merge" + to_log) == 1);
    CHECK(slurp(log).find("merge: 4 shard(s), 6 run(s), 5 done\n") != std::string::npos);
    CHECK(slurp(log).find("--merge: 1 of 6 run(s) not done (run 3 pending); shard(s) 3 wrote no index: run their "
                          "shards with --resume, then --merge again") != std::string::npos);
    CHECK(csv_rows(dir.path / "parts/index.csv")[4][5] == "pending");

    REQUIRE(run_shell(sweep + parts + " --shard 3/4" + to_log) == 0);
    REQUIRE(run_shell(sweep + parts + " --merge" + to_log) == 0);
    CHECK(slurp(log).find("merge: 4 shard(s), 6 run(s), 6 done\n") != std::string::npos);
    const auto merged = index_without_times(dir.path / "parts/index.csv");
    REQUIRE(merged.size() == 7);
    CHECK(merged[0].back() == "build");
    CHECK(merged[0][merged[0].size() - 2] == "ard_unrescaled");
    CHECK(merged == index_without_times(dir.path / "whole/index.csv"));
    for (int i = 0; i < 6; ++i) {
        const std::string run = "run_00" + std::to_string(i) + ".h5";
        for (const char* name : {"/series/population", "/series/arrivals", "/series/route_flow_backward",
                                 "/validation/simulated"}) {
            INFO(run << " " << name);
            CHECK(read_dataset(dir.path / "parts" / run, name) == read_dataset(dir.path / "whole" / run, name));
        }
    }
    // The merged index serves --resume of the whole sweep like its own.
    REQUIRE(run_shell(sweep + parts + " --resume" + to_log) == 0);
    CHECK(slurp(log).find("(0 ran, 6 kept from before)") != std::string::npos);
}

TEST_CASE("shards run side by side; a second sweep, the same shard or a merge meanwhile is refused",
          "[sweep][shard][lock][cli]") {
    TempDir dir("shard_lock");
    // Two runs of a couple of seconds each, one per shard.
    const std::string s = dir.write("s.yaml", "scenario: " + scenarios_dir + "/sahel.yaml\noutput_dir: out\n"
                                              "seeds: [1, 2]\nset: {days: 1500}\n");
    const std::string sweep = migflow_bin + " sweep " + s;
    const auto log = [&](const std::string& name) { return " > " + shell_quote((dir.path / name).string()) + " 2>&1"; };
    const pid_t first = spawn_shell(sweep + " --shard 0/2 --threads 1" + log("0.log"));
    const pid_t second = spawn_shell(sweep + " --shard 1/2 --threads 1" + log("1.log"));
    REQUIRE(wait_until([&] {
        return fs::exists(dir.path / "out/run_000.h5.partial") && fs::exists(dir.path / "out/run_001.h5.partial");
    }, 60.0));
    const std::string busy = dir.path.string() + "/out is in use by another running migflow sweep (pid ";
    CHECK(run_shell(sweep + " --resume" + log("x.log")) == 1);
    CHECK(slurp(dir.path / "x.log").find(busy) != std::string::npos);
    CHECK(slurp(dir.path / "x.log").find("; wait for it to finish, or use another output_dir\n") != std::string::npos);
    CHECK(run_shell(sweep + " --merge" + log("x.log")) == 1);
    CHECK(slurp(dir.path / "x.log").find("; merge once every shard has finished\n") != std::string::npos);
    CHECK(run_shell(sweep + " --shard 1/2 --resume" + log("x.log")) == 1);
    CHECK(slurp(dir.path / "x.log").find("/out is in use by another run of shard 1/2 (pid " + std::to_string(second)) !=
          std::string::npos);
    CHECK(wait_exit(first, 120.0) == 0);
    CHECK(wait_exit(second, 120.0) == 0);
    REQUIRE(run_shell(sweep + " --merge" + log("x.log")) == 0);
    CHECK(slurp(dir.path / "x.log").find("merge: 2 shard(s), 2 run(s), 2 done\n") != std::string::npos);
}
