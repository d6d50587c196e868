#pragma once
// What happened on one day, counted in agents. Integer counts, so per-thread (and
// per-process) partial tallies sum to the same total in any order.
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
    // Movers turned away (docs/MODEL.md §8, docs/FLEE.md "Turned away"): per region
    // where they stood, and per full region that refused them.
    std::vector<std::int64_t> turned_away_full;    // per region: movers who stayed, destination full
    std::vector<std::int64_t> blocked_by_closure;  // per region: movers whose first choice was closed
    std::vector<std::int64_t> refused_full;        // per region: movers it refused, being full
    std::vector<std::int64_t> flow_forward;   // per route: departures from -> to
    std::vector<std::int64_t> flow_backward;  // per route: departures to -> from

    void resize(std::size_t regions, std::size_t routes);
    void clear();
    void add(const DayTally& other);
};

// How long a column is.
enum class Extent { regions, routes };
// How the processes sharing a run (engine/team.hpp) combine a column: the agent
// kernels count their own agents (summed over processes); spawning is region-level
// work that every process does alike (already the same everywhere).
enum class Across { summed, same };

// Every column of DayTally, once. Adding a column to DayTally is adding one line here:
// resize, clear, add and the sum across processes (engine/exchange.cpp) all follow.
template <class Tally, class F>
void for_each_column(Tally& t, F&& f) {
    f(t.spawned, Extent::regions, Across::same);
    f(t.departures, Extent::regions, Across::summed);
    f(t.arrivals, Extent::regions, Across::summed);
    f(t.road_enter, Extent::regions, Across::summed);
    f(t.road_leave, Extent::regions, Across::summed);
    f(t.turned_away_full, Extent::regions, Across::summed);
    f(t.blocked_by_closure, Extent::regions, Across::summed);
    f(t.refused_full, Extent::regions, Across::summed);
    f(t.flow_forward, Extent::routes, Across::summed);
    f(t.flow_backward, Extent::routes, Across::summed);
}

}  // namespace migflow
