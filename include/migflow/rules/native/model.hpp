#pragma once
// The native model's rules as pure functions (docs/MODEL.md), and the region-level
// tables the agent kernel reads.
#include <cstdint>
#include <vector>

#include "migflow/engine/ruleset.hpp"

namespace migflow {

// MODEL.md §2: daily hazard of leaving a region of type `type` (before group scaling).
double move_hazard(const Behaviour& b, RegionType type, double conflict, double climate,
                   double economy, double economy_reference);

// MODEL.md §2: probability of leaving today for a hazard h.
double move_probability(double hazard);

// MODEL.md §3: ln of the destination terms that depend on j alone.
double destination_log_score(const Behaviour& b, double conflict_j, double climate_j,
                             double economy_j, bool camp_j, bool foreign_j);

// MODEL.md §3: attractiveness of destination j seen from i (no distance, no capacity).
double destination_score(const Behaviour& b, double conflict_j, double climate_j,
                         double economy_j, double economy_i, bool camp_j, bool foreign_j);

// MODEL.md §3: 1 below capacity_buffer·capacity, 0 at capacity, linear between;
// 1 when capacity is 0 (unlimited).
double capacity_factor(double occupancy, double capacity, double buffer);

// Region tables of one day (MODEL.md §2-3), rebuilt once per day.
struct NativeTables {
    int groups = 1;
    std::vector<std::uint32_t> move_threshold;  // [region * groups + group]: bernoulli32(p)
    std::vector<double> link_cumulative;        // per link: cumulative weight within its region
    std::vector<double> region_total;           // per region: total weight (0: nowhere to go)
    std::vector<std::int64_t> quota;            // per capped slot (NativeContext): agents it may still admit
    std::vector<double> log_score;              // per region: ln of its destination terms
    std::vector<double> log_cap;                // per region: ln of its capacity factor
    // MODEL.md §8: the choice as if no route, region or border closure were in force,
    // to tell movers whose first choice is closed. Filled only where closure_touched.
    std::vector<std::uint8_t> closure_touched;  // per region: one of its links is closed today
    std::vector<double> open_cumulative;        // per link: cumulative weight without closures
    std::vector<double> open_total;             // per region: total weight without closures
    std::vector<double> own_log_score;          // per region: its own terms, closures ignored
    // Where no neighbour has room even without closures: the choice with capacity and
    // closures ignored, to tell which full region turned a mover away (MODEL.md §8).
    std::vector<double> full_cumulative;        // per link, filled only where needed
    std::vector<double> full_total;             // per region
};

// What the tables need that does not change from day to day.
struct NativeContext {
    NativeContext(const Scenario& s, const World& w);
    const Scenario& scenario;
    const World& world;
    double economy_reference;            // ē (MODEL.md §2)
    std::vector<double> log_link_distance;  // per link: -γ ln(d0 + km) (MODEL.md §3)
    std::vector<std::int32_t> capped_slot;  // per region: index among regions with a capacity, or -1
    std::int32_t capped_count = 0;
};

void build_native_tables(const NativeContext& ctx, const DayState& s, NativeTables& out);

// Link chosen for a uniform u in [0,1) among region i's links from cumulative weights
// `cum` (total `total`), or -1 if every weight is 0. Inline: it runs once per moving agent.
inline std::int32_t pick_link_in(const World& w, const double* cum, double total, RegionIndex i,
                                 double u) {
    if (!(total > 0.0)) return -1;
    const double target = u * total;
    const auto first = w.link_begin[i], last = w.link_begin[i + 1];
    // Branch-free count of the cumulative weights at or below target: a random choice
    // makes every early-exit branch a coin flip for the predictor.
    std::int32_t below = 0;
    for (auto l = first; l < last; ++l) below += cum[l] <= target;
    if (below < last - first) return first + below;
    // Rounding can leave target == total: take the last link with weight.
    for (auto l = last - 1; l >= first; --l)
        if (cum[l] > (l > first ? cum[l - 1] : 0.0)) return l;
    return -1;
}

// The day's choice (MODEL.md §3), or -1 if no link has weight.
inline std::int32_t pick_link(const World& w, const NativeTables& t, RegionIndex i, double u) {
    return pick_link_in(w, t.link_cumulative.data(), t.region_total[i], i, u);
}

// The full region that turns away a mover who finds no room anywhere (MODEL.md §8).
inline std::int32_t pick_full_link(const World& w, const NativeTables& t, RegionIndex i, double u) {
    return pick_link_in(w, t.full_cumulative.data(), t.full_total[i], i, u);
}

// The choice the same u would make were no closure in force (MODEL.md §8).
inline std::int32_t pick_link_without_closures(const World& w, const NativeTables& t,
                                               RegionIndex i, double u) {
    return pick_link_in(w, t.open_cumulative.data(), t.open_total[i], i, u);
}

}  // namespace migflow
