// Origin -> destination of every agent at the end of a run, from runs of creation ids.
#include "migflow/measures/origins.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <numeric>

namespace migflow {

void OriginRuns::note_new_agents(const AgentStore& agents, std::size_t first) {
    const RegionIndex* region = agents.region.data();
    const std::size_t n = agents.size();
    if (first >= n) return;
    if (origin_.empty() || origin_.back() != region[first]) {
        first_id_.push_back(first);
        origin_.push_back(region[first]);
    }  // else the run goes on from the last batch
    // Runs are long (a region's agents of a day): each block of agents lists where a new
    // run starts in it, in parallel; the blocks' lists, in order, are the runs.
    constexpr std::size_t block = std::size_t(1) << 20;
    const std::size_t blocks = (n - first - 1 + block - 1) / block;
    std::vector<std::vector<std::size_t>> starts(blocks);
    tbb::parallel_for(std::size_t(0), blocks, [&](std::size_t b) {
        const std::size_t lo = first + 1 + b * block, hi = std::min(n, lo + block);
        for (std::size_t id = lo; id < hi; ++id)
            if (region[id] != region[id - 1]) starts[b].push_back(id);
    });
    for (const auto& in_block : starts)
        for (const std::size_t id : in_block) {
            first_id_.push_back(id);
            origin_.push_back(region[id]);
        }
}

namespace {

// One origin's counts per destination ([2d] standing, [2d+1] travelling, side by side
// so one cache line serves both), reused across origins by one thread.
struct Scratch {
    std::vector<std::int64_t> count;
    std::vector<RegionIndex> touched;
};

}  // namespace

OriginDestination origin_destination(const OriginRuns& runs, const AgentStore& agents,
                                     std::size_t regions) {
    // Runs grouped by origin (stable: the pairs come out the same for any thread count).
    std::vector<std::size_t> order(runs.runs());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return runs.origin(a) < runs.origin(b); });
    std::vector<std::size_t> group_begin;  // into order, one per origin present
    for (std::size_t k = 0; k < order.size(); ++k)
        if (k == 0 || runs.origin(order[k]) != runs.origin(order[k - 1])) group_begin.push_back(k);
    group_begin.push_back(order.size());
    const std::size_t groups = group_begin.size() - 1;

    std::vector<OriginDestination> per_group(groups);
    tbb::enumerable_thread_specific<Scratch> scratch;
    tbb::parallel_for(std::size_t(0), groups, [&](std::size_t g) {
        Scratch& s = scratch.local();
        if (s.count.size() != 2 * regions) s.count.assign(2 * regions, 0);
        std::int64_t* count = s.count.data();
        const RegionIndex* region = agents.region.data();
        const float* km_left = agents.km_left.data();
        for (std::size_t k = group_begin[g]; k < group_begin[g + 1]; ++k) {
            const std::size_t run = order[k];
            const std::size_t end = run + 1 < runs.runs() ? runs.first_id(run + 1) : agents.size();
            for (std::size_t id = runs.first_id(run); id < end; ++id) {
                const std::size_t d = std::size_t(region[id]);
                if ((count[2 * d] | count[2 * d + 1]) == 0) s.touched.push_back(RegionIndex(d));
                ++count[2 * d + (km_left[id] > 0.0f)];
            }
        }
        std::sort(s.touched.begin(), s.touched.end());
        OriginDestination& out = per_group[g];
        const RegionIndex o = runs.origin(order[group_begin[g]]);
        for (auto* v : {&out.origin, &out.destination}) v->reserve(s.touched.size());
        for (auto* v : {&out.standing, &out.travelling}) v->reserve(s.touched.size());
        for (RegionIndex d : s.touched) {
            out.origin.push_back(o);
            out.destination.push_back(d);
            out.standing.push_back(count[2 * d]);
            out.travelling.push_back(count[2 * d + 1]);
            count[2 * d] = count[2 * d + 1] = 0;
        }
        s.touched.clear();
    });

    // Exact sizes, and each group freed once copied: the pairs exist about once, not
    // four times over, at the peak (24 bytes per pair; docs/PERFORMANCE.md "Origins as
    // runs of ids").
    OriginDestination od;
    od.origin_runs = runs.runs();
    std::size_t pairs = 0;
    for (const auto& g : per_group) pairs += g.size();
    for (auto* v : {&od.origin, &od.destination}) v->reserve(pairs);
    for (auto* v : {&od.standing, &od.travelling}) v->reserve(pairs);
    for (auto& g : per_group) {
        od.origin.insert(od.origin.end(), g.origin.begin(), g.origin.end());
        od.destination.insert(od.destination.end(), g.destination.begin(), g.destination.end());
        od.standing.insert(od.standing.end(), g.standing.begin(), g.standing.end());
        od.travelling.insert(od.travelling.end(), g.travelling.begin(), g.travelling.end());
        g = OriginDestination{};
    }
    return od;
}

std::vector<std::vector<std::int64_t>> country_matrix(const OriginDestination& od,
                                                      const std::vector<std::int32_t>& country_of,
                                                      std::size_t countries) {
    std::vector<std::vector<std::int64_t>> m(countries, std::vector<std::int64_t>(countries, 0));
    for (std::size_t k = 0; k < od.size(); ++k)
        m[country_of[od.origin[k]]][country_of[od.destination[k]]] += od.standing[k] + od.travelling[k];
    return m;
}

}  // namespace migflow
