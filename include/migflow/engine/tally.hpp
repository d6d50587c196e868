#pragma once
// What happened on one day, counted in agents. Integer counts, so per-thread partial
// tallies sum to the same total in any order.
#include <cstdint>
#include <vector>

#include "migflow/core/ids.hpp"

namespace migflow {

struct DayTally {
    std::vector<std::int64_t> spawned;      // per region: agents created there
    std::vector<std::int64_t> departures;   // per region: agents that left it
    std::vector<std::int64_t> arrivals;     // per region: agents that reached it
    std::vector<std::int64_t> road_enter;   // per region: agents now travelling toward it
    std::vector<std::int64_t> road_leave;   // per region: agents no longer travelling toward it
    std::vector<std::int64_t> flow_forward;   // per route: departures from -> to
    std::vector<std::int64_t> flow_backward;  // per route: departures to -> from

    void resize(std::size_t regions, std::size_t routes);
    void clear();
    void add(const DayTally& other);
};

}  // namespace migflow
