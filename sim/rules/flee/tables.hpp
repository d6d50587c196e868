#pragma once
// Internal: the region- and link-level tables of the flee ruleset, computed once per
// day (DESIGN.md §1 stage 2), so that each agent costs O(links of its location).
// Exposed for tests/test_flee_rules.cpp.
#include <cstdint>
#include <vector>

#include "migflow/rules/flee/settings.hpp"
#include "migflow/engine/ruleset.hpp"

namespace migflow::detail {

// Flee's capacity multiplier (SPEC step 5): 1 below capacity_buffer x cap (or when
// cap < 1, i.e. unlimited), 0 at or above cap, linear in between.
double flee_cap_multiplier(double occupancy, double cap, double capacity_buffer);

// conflict_spawn_decay entry for `days_since_conflict` (1 when the list is empty).
double flee_conflict_decay(const FleeSpawnRules& r, Day days_since_conflict);

// Static per-region facts the tables need, fixed for the run.
struct FleeStatic {
    std::vector<std::uint8_t> camp;     // a camp (or idp camp) by type
    std::vector<std::uint8_t> idp;      // an idp camp
    std::vector<std::uint8_t> transit;  // forwarding hub or marker: move chance 1
    std::vector<std::uint8_t> marker;   // skipped as a path end in scoring
    std::vector<double> capacity;       // capacity x capacity_scaling minus the day-0 insert
    std::vector<double> population;     // for movechance_pop_scale_factor
};

FleeStatic make_flee_static(const Scenario& s, const World& w);

struct FleeTables {
    // Per region.
    std::vector<double> score;
    std::vector<double> cap_mult;
    std::vector<std::uint64_t> move_threshold;  // threshold32(move chance)
    std::vector<std::uint8_t> town;             // a plain town today (avoid_short_stints forcing)
    // Per link (World CSR order): cumulative choice thresholds over the region's
    // links, on a 2^32 scale (a closed link repeats its predecessor's value).
    std::vector<std::uint64_t> link_cum;
    std::vector<std::uint8_t> link_stay;  // the end is a camp with capMult < 0.5: stay today
    std::vector<std::uint8_t> route_open;  // per route: open today (else travellers turn back)
    // FLEE.md "Turned away": the link table as if no closure were in force, to tell
    // movers whose first choice is closed. Filled only where closure_touched.
    std::vector<std::uint8_t> closure_touched;  // per region: one of its links is closed today
    std::vector<std::uint64_t> open_link_cum;   // per link, like link_cum
    // Per link, what the kernel tests after a choice in one load: bit 0 = link_stay,
    // bit 1 = closure_touched of the link's region.
    std::vector<std::uint8_t> link_flags;
};
inline constexpr std::uint8_t flee_link_stay = 1, flee_link_touched = 2;

// Fills `out` for day s.day. `toc` holds each region's day of conflict onset.
void compute_flee_tables(const FleeSettings& f, const World& w, const FleeStatic& st,
                         const DayState& s, const std::vector<Day>& toc, FleeTables& out);

}  // namespace migflow::detail
