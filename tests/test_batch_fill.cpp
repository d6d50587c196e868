// Filling new agents in place (issue #25; docs/PERFORMANCE.md "New agents filled in
// parallel, in place"): fill_batch hands every agent of this process's slice to exactly one
// call, with its run and global id, for any split into processes, any block size and any
// number of threads; resize still gives standing agents in region 0.
#include <catch2/catch.hpp>
#include <tbb/global_control.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "migflow/engine/agents.hpp"
#include "migflow/engine/batch_fill.hpp"
#include "migflow/measures/origins.hpp"

using namespace migflow;

namespace {

// Region of each local agent after one fill, the region being the run's index; -1 where
// no call wrote, -2 where two did (or the global id handed over was wrong).
std::vector<RegionIndex> filled_regions(int part, int parts, const std::vector<std::uint64_t>& runs,
                                        std::uint64_t grain, int threads) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    AgentStore a;
    a.part = part;
    a.parts = parts;
    a.add_batch(5);  // a batch before, so the fill's ids do not start at 0
    std::vector<std::uint64_t> run_end(runs.size());
    std::uint64_t g = a.global_count;
    for (std::size_t k = 0; k < runs.size(); ++k) run_end[k] = g += runs[k];
    const auto mine = a.add_batch(g - a.global_count);
    std::vector<RegionIndex> out(a.size() - mine.local_begin, -1);
    fill_batch(
        mine, run_end,
        [&](std::size_t k, std::size_t i0, std::size_t i1, std::uint64_t gid) {
            for (std::size_t i = i0; i < i1; ++i, ++gid) {
                const bool right_id = a.global_id(i) == gid && (k == 0 || gid >= run_end[k - 1]) && gid < run_end[k];
                auto& slot = out[i - mine.local_begin];
                slot = (slot == -1 && right_id) ? RegionIndex(k) : RegionIndex(-2);
            }
        },
        grain);
    return out;
}

}  // namespace

TEST_CASE("fill_batch writes every agent of the slice once with its run and global id", "[agents]") {
    // Empty runs, runs shorter and longer than a block, one long run.
    const std::vector<std::uint64_t> runs{0, 3, 1, 0, 70, 129, 0, 1, 600, 2};
    const std::uint64_t total = std::accumulate(runs.begin(), runs.end(), std::uint64_t(0));
    std::vector<RegionIndex> expected;
    for (std::size_t k = 0; k < runs.size(); ++k) expected.insert(expected.end(), runs[k], RegionIndex(k));
    for (int parts : {1, 2, 3}) {
        std::vector<RegionIndex> all;
        for (int part = 0; part < parts; ++part) {
            const auto one = filled_regions(part, parts, runs, 1, 1);
            for (std::uint64_t grain : {2, 7, 64, 1 << 16})
                for (int threads : {1, 2}) CHECK(filled_regions(part, parts, runs, grain, threads) == one);
            all.insert(all.end(), one.begin(), one.end());
        }
        // The slices in rank order are the whole batch.
        REQUIRE(all.size() == total);
        CHECK(all == expected);
    }
}

TEST_CASE("resize gives new agents standing in region 0 of group 0", "[agents]") {
    AgentStore a;
    a.push_back(4, 2);
    a.km_left[0] = 3.5f;
    a.resize(200000);  // several parallel blocks
    CHECK(a.region[0] == 4);
    CHECK(a.km_left[0] == 3.5f);
    CHECK(a.group[0] == 2);
    CHECK(std::all_of(a.region.begin() + 1, a.region.end(), [](RegionIndex r) { return r == 0; }));
    CHECK(std::all_of(a.from.begin() + 1, a.from.end(), [](RegionIndex r) { return r == 0; }));
    CHECK(std::all_of(a.km_left.begin() + 1, a.km_left.end(), [](float k) { return k == 0.0f; }));
    CHECK(std::all_of(a.group.begin() + 1, a.group.end(), [](std::uint8_t g) { return g == 0; }));
    CHECK(a.global_count == 200000);
}

TEST_CASE("origin runs found in parallel blocks are those of a serial scan", "[agents]") {
    // The scan's blocks start at ids 1, 2^20 + 1, 2^21 + 1: runs end just before, at and
    // after a block's start, and one runs across a block's start.
    const std::size_t M = std::size_t(1) << 20;
    const std::vector<std::size_t> starts{0, 17, M, M + 1, M + 2, 1500000, 2 * M + 100};
    const std::size_t n = 2 * M + 12345;
    AgentStore a;
    a.resize(n);
    for (std::size_t k = 0; k < starts.size(); ++k) {
        const std::size_t end = k + 1 < starts.size() ? starts[k + 1] : n;
        std::fill(a.region.begin() + std::ptrdiff_t(starts[k]), a.region.begin() + std::ptrdiff_t(end), RegionIndex(k % 3));
    }
    for (int threads : {1, 2}) {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
        OriginRuns runs;
        runs.note_new_agents(a, 0);
        REQUIRE(runs.runs() == starts.size());
        for (std::size_t k = 0; k < starts.size(); ++k) {
            CHECK(runs.first_id(k) == starts[k]);
            CHECK(runs.origin(k) == a.region[starts[k]]);
        }
        // A later call: agents standing where the last run's do continue it; others start one.
        a.push_back(a.region[n - 1], 0);
        runs.note_new_agents(a, n);
        CHECK(runs.runs() == starts.size());
        a.push_back(RegionIndex((a.region[n - 1] + 1) % 7), 0);
        runs.note_new_agents(a, n + 1);
        CHECK(runs.runs() == starts.size() + 1);
        a.resize(n);
    }
}
