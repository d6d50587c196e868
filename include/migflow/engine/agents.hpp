#pragma once
// AgentStore: one column per field (docs/DESIGN.md §4). Agent ids are global: the order of
// creation over the whole run, whatever the number of processes sharing it.
#include <cstdint>
#include <vector>

#include "migflow/core/ids.hpp"
#include "migflow/core/uninitialized.hpp"

namespace migflow {

struct AgentStore {
    // Columns whose growth leaves new entries unwritten (add_batch's callers write them,
    // in parallel: batch_fill.hpp); the layout is that of a std::vector.
    template <class T>
    using Column = UninitVector<T>;
    // Where the agent stands, or the region it is heading to while travelling.
    Column<RegionIndex> region;
    // Region the current journey started from (only meaningful while travelling).
    Column<RegionIndex> from;
    // Kilometres still to go; 0 when standing in `region`.
    Column<float> km_left;
    // Demographic group (index into Scenario::groups).
    Column<std::uint8_t> group;

    // Agents are created in batches (those present before day 0, then each day's
    // spawns), a batch taking the next global ids. With several processes each holds
    // one contiguous slice of every batch, in rank order, sized so that every process
    // holds the same number of agents to within one (see add_batch); alone, a process
    // holds everything and local index = global id.
    struct Batch {
        std::uint64_t local_begin;   // first local index of this process's slice
        std::uint64_t global_begin;  // global id of that agent
    };
    std::vector<Batch> batches;      // every batch with agents, the same on every process
    std::uint64_t global_count = 0;  // agents created on all processes together
    int part = 0;                    // this process's rank
    int parts = 1;                   // processes sharing the agents

    struct IdRange {
        std::uint64_t begin, end;  // global ids [begin, end) held here
        std::size_t local_begin;   // local index of `begin`
    };

    std::size_t size() const { return region.size(); }
    void reserve(std::size_t n);
    void push_back(RegionIndex r, std::uint8_t g);
    void resize(std::size_t n);  // new agents: region 0, standing, group 0
    // Creates a batch of `n` agents (global ids global_count .. + n) and appends this
    // process's slice to the columns, unwritten: the caller writes every column of every
    // agent of the slice (km_left 0 for a standing agent), best with fill_batch
    // (batch_fill.hpp). Every process must call it with the same n.
    IdRange add_batch(std::uint64_t n);
    // Global id of local agent `i`.
    std::uint64_t global_id(std::size_t i) const;
    // Index into `batches` of local agent `i`.
    std::size_t batch_of(std::size_t i) const;
    // Calls f(local_begin, local_end, global_begin) for the runs of local agents
    // [begin, end) whose global ids are consecutive, in order.
    template <class F>
    void for_each_run(std::size_t begin, std::size_t end, F&& f) const {
        if (begin >= end) return;
        if (batches.empty()) return f(begin, end, std::uint64_t(begin));  // agents added one by one
        std::size_t b = batch_of(begin);
        while (begin < end) {
            const std::size_t stop =
                b + 1 < batches.size() ? std::min<std::size_t>(end, batches[b + 1].local_begin) : end;
            if (stop > begin) f(begin, stop, batches[b].global_begin + (begin - batches[b].local_begin));
            begin = std::max(begin, stop);
            ++b;
        }
    }
    static constexpr std::size_t bytes_per_agent =
        sizeof(RegionIndex) * 2 + sizeof(float) + sizeof(std::uint8_t);
};

}  // namespace migflow
