// AgentStore: the agent columns (struct of arrays), grown by spawning, and the map from
// local indices to global agent ids.
#include "migflow/engine/agents.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>

namespace migflow {

namespace {
// Global ids below `n` that fall to process `p` of `P` when ids are dealt round-robin:
// every process's total stays within one of the others' however batches are sized.
std::uint64_t dealt(std::uint64_t n, int p, int P) {
    return (n + std::uint64_t(P) - 1 - std::uint64_t(p)) / std::uint64_t(P);
}
}  // namespace

void AgentStore::reserve(std::size_t n) {
    region.reserve(n);
    from.reserve(n);
    km_left.reserve(n);
    group.reserve(n);
}

namespace {
// New entries are left unwritten (AgentStore::Column).
void grow_columns(AgentStore& a, std::size_t n) {
    a.region.resize(n);
    a.from.resize(n);
    a.km_left.resize(n);
    a.group.resize(n);
}
}  // namespace

// Agents added one at a time, or by resize, belong to a lone process: their global id
// is their index. New agents stand in region 0, group 0.
void AgentStore::resize(std::size_t n) {
    const std::size_t old = size();
    grow_columns(*this, n);
    if (n > old) {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(old, n, 1 << 16), [&](const auto& b) {
            std::fill(region.begin() + std::ptrdiff_t(b.begin()), region.begin() + std::ptrdiff_t(b.end()), RegionIndex(0));
            std::fill(from.begin() + std::ptrdiff_t(b.begin()), from.begin() + std::ptrdiff_t(b.end()), RegionIndex(0));
            std::fill(km_left.begin() + std::ptrdiff_t(b.begin()), km_left.begin() + std::ptrdiff_t(b.end()), 0.0f);
            std::fill(group.begin() + std::ptrdiff_t(b.begin()), group.begin() + std::ptrdiff_t(b.end()), std::uint8_t(0));
        });
    }
    if (parts == 1) global_count = n;
}

void AgentStore::push_back(RegionIndex r, std::uint8_t g) {
    region.push_back(r);
    from.push_back(r);
    km_left.push_back(0.0f);
    group.push_back(g);
    if (parts == 1) global_count = size();
}

// The batch is dealt as round-robin would deal its ids (so totals stay balanced), but
// each process takes a contiguous slice, in rank order, so a slice is one run of ids.
AgentStore::IdRange AgentStore::add_batch(std::uint64_t n) {
    const std::uint64_t g0 = global_count, g1 = global_count + n;
    std::uint64_t start = g0;
    for (int q = 0; q < part; ++q) start += dealt(g1, q, parts) - dealt(g0, q, parts);
    const std::uint64_t mine = dealt(g1, part, parts) - dealt(g0, part, parts);
    IdRange r{start, start + mine, size()};
    global_count = g1;
    if (n == 0) return r;
    // A batch continuing the last one's ids needs no entry of its own (always so alone).
    const bool continues = !batches.empty() &&
                           batches.back().global_begin + (size() - batches.back().local_begin) == start;
    if (!continues || parts > 1) batches.push_back({size(), start});
    grow_columns(*this, size() + mine);
    return r;
}

std::size_t AgentStore::batch_of(std::size_t i) const {
    // The last batch starting at or before i (batches are few: one per spawning day).
    auto it = std::upper_bound(batches.begin(), batches.end(), std::uint64_t(i),
                               [](std::uint64_t v, const Batch& b) { return v < b.local_begin; });
    return it == batches.begin() ? 0 : std::size_t(it - batches.begin()) - 1;
}

std::uint64_t AgentStore::global_id(std::size_t i) const {
    if (batches.empty()) return i;
    const auto& b = batches[batch_of(i)];
    return b.global_begin + (i - b.local_begin);
}

}  // namespace migflow
