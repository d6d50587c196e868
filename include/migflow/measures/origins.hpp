#pragma once
// Origin -> destination: where the agents created in each region are at the end of a
// run (docs/OUTPUT.md /measures/origins). Origins are kept as runs of consecutive
// agent ids, not as a per-agent column: both rulesets create a day's agents region by
// region, so a run costs 12 bytes per (creation day, region), whatever the agent count.
#include <cstdint>
#include <vector>

#include "migflow/core/ids.hpp"
#include "migflow/engine/agents.hpp"

namespace migflow {

class OriginRuns {
public:
    // Notes agents [first, agents.size()) as created where they stand now (call right
    // after they were created, before anyone moves).
    void note_new_agents(const AgentStore& agents, std::size_t first);
    std::size_t runs() const { return first_id_.size(); }
    std::size_t bytes() const { return runs() * (sizeof(AgentId) + sizeof(RegionIndex)); }
    AgentId first_id(std::size_t k) const { return first_id_[k]; }
    RegionIndex origin(std::size_t k) const { return origin_[k]; }

private:
    std::vector<AgentId> first_id_;     // a run covers [first_id_[k], first_id_[k+1]) (or the end)
    std::vector<RegionIndex> origin_;
};

// Non-zero (origin, destination) pairs, sorted by origin then destination. An agent on
// the road counts towards the region it travels to, in `travelling`.
struct OriginDestination {
    std::vector<RegionIndex> origin;
    std::vector<RegionIndex> destination;
    std::vector<std::int64_t> standing;    // agents standing in destination
    std::vector<std::int64_t> travelling;  // agents on their way to destination
    std::size_t origin_runs = 0;           // runs of ids it was computed from
    std::size_t size() const { return origin.size(); }
};

OriginDestination origin_destination(const OriginRuns& runs, const AgentStore& agents,
                                     std::size_t regions);

// [origin country][destination country] agents (standing + travelling) from the pairs.
std::vector<std::vector<std::int64_t>> country_matrix(const OriginDestination& od,
                                                      const std::vector<std::int32_t>& country_of,
                                                      std::size_t countries);

}  // namespace migflow
