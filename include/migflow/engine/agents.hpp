#pragma once
// AgentStore: one column per field (DESIGN.md §4). An agent's id is its index.
#include <cstdint>
#include <vector>

#include "migflow/core/ids.hpp"

namespace migflow {

struct AgentStore {
    // Where the agent stands, or the region it is heading to while travelling.
    std::vector<RegionIndex> region;
    // Region the current journey started from (only meaningful while travelling).
    std::vector<RegionIndex> from;
    // Kilometres still to go; 0 when standing in `region`.
    std::vector<float> km_left;
    // Demographic group (index into Scenario::groups).
    std::vector<std::uint8_t> group;

    std::size_t size() const { return region.size(); }
    void reserve(std::size_t n);
    void push_back(RegionIndex r, std::uint8_t g);
    void resize(std::size_t n);  // new agents: region 0, standing, group 0
    static constexpr std::size_t bytes_per_agent =
        sizeof(RegionIndex) * 2 + sizeof(float) + sizeof(std::uint8_t);
};

}  // namespace migflow
