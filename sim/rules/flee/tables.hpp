#pragma once
// Internal: the region- and link-level tables of the flee ruleset, computed once per
// day (docs/DESIGN.md §1 stage 2), so that each agent costs O(links of its location).
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
    std::vector<std::uint8_t> flood_zone;  // DFlee's flood_zone: default move chance, never a town
    std::vector<std::uint8_t> link_forward;  // per link: it runs along its route's from -> to
    std::vector<double> capacity;       // capacity x capacity_scaling minus the day-0 insert
    std::vector<double> population;     // for movechance_pop_scale_factor
};

FleeStatic make_flee_static(const Scenario& s, const World& w);

// Flee's lib_math.interp: v[i0] + frac (v[i0+1] - v[i0]) at a fractional index;
// exactly the last index gives the last entry (Flee stops there), past it too.
double flee_interp(const std::vector<double>& v, double level);

// DFlee's flood effects on one day's tables, per region (docs/FLEE.md, "DFlee").
struct FleeFloodDay {
    bool active = false;
    std::vector<double> score_factor;  // flood_loc_weights at the level, squared, where it is > 0, else 1
    std::vector<double> chance;        // flood_movechances at the level where it is > 0, else -1
    bool forecast_move = false;        // the flood forecaster (up to its end time) scales move
    std::vector<double> move_forecast; // chances by this x the agent's awareness weight
};

// Fills `out` for day `day`, given the flood level of every region on every day
// up to the forecaster's horizon (`level_by_day[t][region]`).
void compute_flee_flood_day(const FleeSettings& f, Day day,
                            const std::vector<std::vector<double>>& level_by_day, FleeFloodDay& out);

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
    std::vector<std::uint8_t> link_open;  // per link: open today (else travellers on it turn back)
    // FLEE.md "Turned away": the link table as if no closure were in force, to tell
    // movers whose first choice is closed. Filled only where closure_touched.
    std::vector<std::uint8_t> closure_touched;  // per region: one of its links is closed today
    std::vector<std::uint64_t> open_link_cum;   // per link, like link_cum
    // Per link, what the kernel tests after a choice in one load: bit 0 = link_stay,
    // bit 1 = closure_touched of the link's region.
    std::vector<std::uint8_t> link_flags;
};
inline constexpr std::uint8_t flee_link_stay = 1, flee_link_touched = 2;

// Fills `out` for day s.day. `toc` holds each region's day of conflict onset;
// `flood` the day's flood effects (null: none), `awareness` the weight of the
// agents' flood-awareness group (forecaster only).
void compute_flee_tables(const FleeSettings& f, const World& w, const FleeStatic& st,
                         const DayState& s, const std::vector<Day>& toc, const FleeFloodDay* flood,
                         double awareness, FleeTables& out);

}  // namespace migflow::detail
