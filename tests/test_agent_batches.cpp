// AgentStore batches (docs/DESIGN.md §5): global ids in creation order, one contiguous slice
// per process in rank order, every process's share within one of the others'.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <vector>

#include "migflow/engine/agents.hpp"

using namespace migflow;

namespace {

// The stores of P processes that were all handed the same batches.
std::vector<AgentStore> shared_out(int P, const std::vector<std::uint64_t>& batches) {
    std::vector<AgentStore> parts(static_cast<std::size_t>(P));
    for (int p = 0; p < P; ++p) {
        parts[std::size_t(p)].part = p;
        parts[std::size_t(p)].parts = P;
    }
    for (const auto n : batches)
        for (auto& a : parts) a.add_batch(n);
    return parts;
}

}  // namespace

TEST_CASE("agent batches: every global id held once, in rank order within a batch", "[agents]") {
    const std::vector<std::uint64_t> batches{10, 0, 1, 1, 7, 1000, 3, 1, 1, 1, 1, 2};
    const std::uint64_t total = std::accumulate(batches.begin(), batches.end(), std::uint64_t(0));
    for (int P : {1, 2, 3, 4, 7}) {
        const auto parts = shared_out(P, batches);
        std::vector<int> holder(total, -1);
        for (int p = 0; p < P; ++p) {
            const auto& a = parts[std::size_t(p)];
            CHECK(a.global_count == total);
            for (std::size_t i = 0; i < a.size(); ++i) {
                const auto g = a.global_id(i);
                REQUIRE(g < total);
                CHECK(holder[g] == -1);
                holder[g] = p;
                if (i > 0) CHECK(a.global_id(i - 1) < g);  // local order is global order
            }
        }
        CHECK(std::count(holder.begin(), holder.end(), -1) == 0);
        // Within each batch the holders go up with the id: rank 0's slice, then rank 1's...
        std::uint64_t g = 0;
        for (const auto n : batches) {
            for (std::uint64_t k = 1; k < n; ++k) CHECK(holder[g + k - 1] <= holder[g + k]);
            g += n;
        }
    }
}

TEST_CASE("agent batches: shares stay within one however unevenly agents are spawned", "[agents]") {
    // One agent a day (the worst case for "the remainder goes to the last rank"), then
    // a large batch, then odd sizes.
    std::vector<std::uint64_t> batches(365, 1);
    batches.push_back(100001);
    for (std::uint64_t k = 0; k < 50; ++k) batches.push_back(k % 5);
    for (int P : {2, 3, 4, 16}) {
        const auto parts = shared_out(P, batches);
        std::size_t lo = parts[0].size(), hi = lo;
        for (const auto& a : parts) {
            lo = std::min(lo, a.size());
            hi = std::max(hi, a.size());
        }
        INFO("P = " << P);
        CHECK(hi - lo <= 1);
    }
}

TEST_CASE("agent batches: runs of consecutive ids cover a range across batches", "[agents]") {
    const auto parts = shared_out(3, {5, 4, 9});
    const auto& a = parts[1];  // holds 2 of the first batch, 1 of the second, 3 of the third
    REQUIRE(a.size() == 6);
    std::vector<std::uint64_t> ids;
    a.for_each_run(0, a.size(), [&](std::size_t b, std::size_t e, std::uint64_t g) {
        for (std::size_t i = b; i < e; ++i) ids.push_back(g + (i - b));
    });
    CHECK(ids == std::vector<std::uint64_t>{2, 3, 6, 12, 13, 14});
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(a.global_id(i) == ids[i]);
}
