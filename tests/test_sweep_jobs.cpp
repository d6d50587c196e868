// `migflow sweep --jobs J`: J shard processes at once, then merged; the index is the one
// a sweep in one process writes (only wall_s differs), and a shard's failure is reported
// from its log.
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace migflow::test;
namespace fs = std::filesystem;

namespace {

// index.csv without its wall_s column.
std::vector<std::vector<std::string>> index_without_wall(const fs::path& index) {
    auto rows = csv_rows(index);
    const auto& head = rows.at(0);
    const auto wall = std::size_t(std::find(head.begin(), head.end(), "wall_s") - head.begin());
    for (auto& r : rows) r.erase(r.begin() + std::ptrdiff_t(wall));
    return rows;
}

std::string jobs_sweep_text(const std::string& out) {
    return "scenario: " + tiny_yaml + "\noutput_dir: " + out +
           "\nseeds: [1, 2]\nsamples:\n  method: morris\n  trajectories: 3\n  ranges:\n"
           "    behaviour.lambda_conflict: {min: 0.01, max: 1, scale: log}\n    behaviour.beta_camp: [0, 2]\n";
}

}  // namespace

TEST_CASE("a sweep run as two shard processes writes the index of a sweep run in one", "[sweep][jobs]") {
    TempDir dir("sweep_jobs");
    const std::string jobs_file = dir.write("jobs.yaml", jobs_sweep_text("jobs_out"));
    const std::string one_file = dir.write("one.yaml", jobs_sweep_text("one_out"));
    REQUIRE(run_migflow_logged("sweep " + shell_quote(jobs_file) + " --jobs 2", dir.path / "jobs.log") == 0);
    REQUIRE(run_migflow_logged("sweep " + shell_quote(one_file) + " --threads 1", dir.path / "one.log") == 0);
    const std::string log = slurp(dir.path / "jobs.log");
    INFO(log);
    CHECK(log.find("sweep: 2 shard processes of 1 thread(s) each") != std::string::npos);
    CHECK(log.find("merge: 2 shard(s), 18 run(s), 18 done") != std::string::npos);
    const auto jobs = index_without_wall(dir.path / "jobs_out" / "index.csv");
    REQUIRE(jobs.size() == 1 + 3 * 3 * 2);
    CHECK(jobs == index_without_wall(dir.path / "one_out" / "index.csv"));
    for (int r = 0; r < 18; ++r) {
        char name[32];
        std::snprintf(name, sizeof name, "run_%03d.h5", r);
        CHECK(read_dataset(dir.path / "jobs_out" / name, "/series/population") ==
              read_dataset(dir.path / "one_out" / name, "/series/population"));
    }

    // Again without --resume or --overwrite: the shards refuse, the parent says which and why.
    CHECK(run_migflow_logged("sweep " + shell_quote(jobs_file) + " --jobs 2", dir.path / "again.log") == 1);
    const std::string again = slurp(dir.path / "again.log");
    INFO(again);
    CHECK(again.find("migflow: shard 0/2 failed (exit 1); the end of " + (dir.path / "jobs_out").string() +
                     "/sweep.shard-0-of-2.log:") != std::string::npos);
    CHECK(again.find("already holds sweep results of shard 0/2; use --resume") != std::string::npos);
    // --resume keeps every run and merges again.
    CHECK(run_migflow_logged("sweep " + shell_quote(jobs_file) + " --jobs 2 --resume", dir.path / "resume.log") == 0);
    CHECK(index_without_wall(dir.path / "jobs_out" / "index.csv") == jobs);
}

TEST_CASE("sweep --jobs refuses --shard and --merge", "[sweep][jobs]") {
    TempDir dir("sweep_jobs_usage");
    const std::string file = dir.write("s.yaml", jobs_sweep_text("out"));
    CHECK(run_migflow_logged("sweep " + shell_quote(file) + " --jobs 2 --shard 0/2", dir.path / "log") == 2);
    CHECK(slurp(dir.path / "log").find("--jobs runs every shard itself: it takes no --shard or --merge") !=
          std::string::npos);
}
