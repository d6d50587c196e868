#pragma once
// Internal: the flee ruleset's walk tables (docs/FLEE.md "How a day's hops are
// resolved"): per location and day, the likeliest walks of a few hops an agent can
// make from it with their probabilities, so that one draw and one table lookup
// resolve several hops.
#include <cstdint>
#include <vector>

#include "rules/flee/tables.hpp"
#include "migflow/engine/world.hpp"

namespace migflow::detail {

// Travellers with exactly the link length covered have not arrived (Flee's test is
// strict); they keep this token distance so that km_left stays > 0 on the road.
inline constexpr float flee_not_quite_there = 1e-3f;

enum class WalkEnd : std::uint8_t {
    root,         // the location itself: the agent stays
    arrive,       // reached this node's region over `link` and stands there
    road,         // took `link` and is still on it (the link is longer than a day's credit)
    turned_away,  // drew `link` into a full camp and stayed at `region`
};

// A node of a walk tree while it is built.
struct FleeWalkNode {
    RegionIndex region = 0;  // where the agent is (on road: the region it heads to)
    RegionIndex from = 0;    // the region departed last (turned_away: as at the parent)
    // road: km still to go (> 0); arrive: 0, or -1 when the walk stops here although
    // the agent may go on deciding (the table's size limit, or a location whose choices
    // need the per-hop path): the agent decides again at `region`.
    float km_left = 0.0f;
    float km = 0.0f;  // km covered from the root to here over arrivals (arrive)
};

// One alias-table entry (Vose): index i = u * n >> 32; the outcome is the entry's own
// (first + i) when the fraction u * n mod 2^32 is below `p`, else `alias`.
struct FleeAlias {
    std::uint32_t p = 0;
    std::uint32_t alias = 0;
};

// What the kernel reads of a node, with the alias entry of the draw index that lands
// on it first (32 bytes, two to a cache line: a draw that keeps its own entry reads
// one slot).
struct FleeWalkSlot {
    FleeAlias draw;      // the alias entry of draw index (this node's index - 1)
    FleeWalkNode node;   // the agent's state at the end of a walk ending here
    std::int32_t parent = -1;
    float km_before = 0.0f;  // km covered from the root to the parent over arrivals
};
static_assert(sizeof(FleeWalkSlot) == 32, "two slots to a cache line");

// The node reached by a walk from the location whose slots start at `slots` (node 0
// the root, `n` = nodes - 1 draw indices) with 32 random bits, before any cut.
inline std::uint32_t flee_walk_pick(const FleeWalkSlot* slots, std::uint32_t n, std::uint32_t u) {
    const std::uint64_t x = static_cast<std::uint64_t>(u) * n;
    const std::uint32_t i = static_cast<std::uint32_t>(x >> 32) + 1;
    const FleeAlias& e = slots[i].draw;
    return static_cast<std::uint32_t>(x) < e.p ? i : e.alias;
}

struct FleeWalks {
    // Nodes in order of expansion (a parent before its children); node 0 is the root.
    std::vector<FleeWalkNode> nodes;
    std::vector<std::int32_t> parent;  // per node; -1 at the root
    std::vector<std::int32_t> link;    // per node: link taken (turned_away: the link refused)
    std::vector<WalkEnd> end;          // per node
    std::vector<FleeAlias> moving;     // over nodes 1.., given that the root's move test passed
    // The per-hop path decides here (a closure touches the location's links: FLEE.md
    // "Turned away" counts need the first choice without closures); no tables.
    bool per_hop = false;
};

// Per region, what a lookup needs first, in one small array.
struct FleeWalkHead {
    const FleeWalkSlot* slots = nullptr;
    std::uint32_t moving_size = 0;  // draw indices; 0: no walk (per-hop path, or no link out)
    std::uint32_t offset = 0;       // global index of node 0
};

struct FleeWalkTables {
    std::vector<FleeWalks> at;        // per region
    std::vector<FleeWalkHead> head;   // per region
    std::vector<FleeWalkSlot> slots;  // every region's nodes, at head[r].offset
    std::size_t node_count = 0;       // all regions' nodes
    float speed = 0.0f;  // the km credited per hop the tables were built for
};

// Fills `out` from the day's tables: walks of about `max_nodes` nodes per location (the
// most likely first; at least the first hop), for agents credited `speed` km per hop.
void compute_flee_walks(const FleeTables& t, const World& w, float speed, std::size_t max_nodes,
                        FleeWalkTables& out);

// Adds the day's tallies of the walks that `counts[offset + node]` agents ended at
// (every node on the way to an end node was passed; `through` is scratch).
void add_flee_walk_tallies(const FleeWalkTables& walks, const World& w,
                           const std::vector<std::uint8_t>& link_forward,
                           const std::vector<std::int64_t>& counts, std::vector<std::int64_t>& through,
                           DayTally& tally);

}  // namespace migflow::detail
