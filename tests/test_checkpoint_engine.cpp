// Checkpoints through the library (engine/checkpoint.hpp), without files: the state a
// stopped Simulation hands its CheckpointPolicy is consistent, and a new Simulation
// resumed from it records every series, the origins and the camp measures of an
// uninterrupted run, bit for bit.
#include <catch2/catch.hpp>
#include <numeric>

#include "engine_fixtures.hpp"
#include "migflow/engine/simulation.hpp"
#include "migflow/scenario/loader.hpp"
#include "test_support.hpp"

using namespace migflow;

namespace {

// Every recorded series, day by day, as doubles (exact for the int64 counts used here).
std::vector<std::vector<double>> all_rows(const MemoryRecorder& rec) {
    std::vector<std::vector<double>> out;
    for (const SeriesView& v : rec.series())
        for (std::size_t t = 0; t < v.days; ++t) {
            std::vector<double> row(v.width);
            v.row(t, row.data());
            out.push_back(std::move(row));
        }
    return out;
}

}  // namespace

TEST_CASE("a Simulation resumed from a checkpoint in memory records what an uninterrupted one records",
          "[checkpoint][engine]") {
    const std::string mpi_dir = std::string(MIGFLOW_SOURCE_DIR) + "/tests/mpi/";
    for (const auto& [path, stop] : std::vector<std::pair<std::string, Day>>{
             {test::tiny_yaml, 11}, {mpi_dir + "contested_native.yaml", 17}, {mpi_dir + "contested_flee.yaml", 9}}) {
        INFO(path << ", stopped before day " << stop);
        const Scenario s = load_scenario(path);
        MemoryRecorder ref;
        test::run_simulation(s, s.seed, ref, 2);

        Checkpoint saved;
        int written = 0;
        {
            RunOptions o;
            o.seed = s.seed;
            o.threads = 1;
            Simulation sim(s, o);
            CheckpointPolicy p;
            p.write = [&](const Checkpoint& c) {
                saved = c;
                ++written;
            };
            p.stop_before_day = stop;
            sim.set_checkpoints(p);
            MemoryRecorder first;
            try {
                sim.run(first);
                FAIL("the run was not stopped");
            } catch (const RunStopped& e) {
                CHECK(e.reason() == RunStopped::stop_after_days_reason);
                CHECK(e.checkpointed());
                CHECK(e.days_done() == stop);
            }
            CHECK(first.agents_at.size() == std::size_t(stop));
        }
        REQUIRE(written == 1);
        CHECK(saved.days_done == stop);
        // Conservation: every agent stands somewhere or travels toward somewhere.
        const auto standing = std::accumulate(saved.agents_at.begin(), saved.agents_at.end(), std::int64_t(0));
        const auto travelling = std::accumulate(saved.inbound.begin(), saved.inbound.end(), std::int64_t(0));
        CHECK(std::int64_t(saved.agents()) == standing + travelling);
        CHECK(std::int64_t(saved.agents()) == ref.total_agents.at(std::size_t(stop - 1)));
        CHECK(saved.history.days == stop);
        CHECK(saved.history.agents_at ==
              std::accumulate(ref.agents_at.begin(), ref.agents_at.begin() + stop, std::vector<std::int64_t>{},
                              [](std::vector<std::int64_t> a, const std::vector<std::int64_t>& row) {
                                  a.insert(a.end(), row.begin(), row.end());
                                  return a;
                              }));

        RunOptions o;
        o.seed = s.seed;
        o.threads = 2;
        Simulation resumed(s, o);
        resumed.resume_from(saved);
        MemoryRecorder again;
        const RunSummary sum = resumed.run(again);
        CHECK(all_rows(again) == all_rows(ref));
        CHECK(again.origins.origin == ref.origins.origin);
        CHECK(again.origins.destination == ref.origins.destination);
        CHECK(again.origins.standing == ref.origins.standing);
        CHECK(again.origins.travelling == ref.origins.travelling);
        CHECK(again.summary.agent_steps == ref.summary.agent_steps);
        CHECK(sum.final_agents == ref.summary.final_agents);
    }
}
