#pragma once
// Settings of the `flee` ruleset: Flee 3's simsetting.yml (docs/FLEE-SPEC.md,
// docs/FLEE.md). Defaults are Flee 3's own defaults.
#include <string>
#include <vector>

namespace migflow {

struct FleeMoveRules {
    double max_move_speed = 360.0;      // km credited per hop (per-hop credit, not a daily cap)
    double max_walk_speed = 35.0;       // km on the first hop when start_on_foot
    double max_crossing_speed = 20.0;   // accepted; migflow has no river-crossing links
    double foreign_weight = 1.0;
    double camp_weight = 1.0;
    double conflict_weight = 0.31622776601683794;  // 1/sqrt(10), Flee's default
    double conflict_movechance = 1.0;
    double camp_movechance = 0.001;
    double idpcamp_movechance = 0.1;
    double default_movechance = 0.3;
    int awareness_level = 1;            // 0 (uniform), 1 .. max_awareness_level hops
    double capacity_buffer = 0.9;       // occupancy share where the capacity multiplier starts to fall
    double capacity_scaling = 1.0;      // multiplies every capacity
    double softening = 10.0;            // km added to every path length
    double weight_softening = 0.0;      // added to every location score
    double distance_power = 1.0;
    double weight_power = 1.0;
    double movechance_pop_base = 10000.0;
    double movechance_pop_scale_factor = 0.0;  // 0: move chances do not depend on population
    bool start_on_foot = false;
    bool avoid_short_stints = false;
};

// Deepest awareness_level accepted: path enumeration is exponential in it, and the
// deepest real case uses 5 (Flee's own recursion has no limit).
constexpr int max_awareness_level = 12;

// DFlee's flood rules (move_rules.flood_rules): per flood level, a move chance that
// replaces the location's own and a factor on its attractiveness. Levels between
// entries are interpolated (Flee's lib_math.interp). Active when flood-driven
// spawning is (Flee reads flood_level.csv only then).
struct FleeFloodRules {
    bool enabled = false;
    std::vector<double> movechances;  // index = flood level; entry 0 unused (level 0 = no flood)
    std::vector<double> loc_weights;  // index = flood level; multiplies the location score
    // Flood forecaster: agents weigh the flood levels of the next `timescale` days.
    bool forecaster = false;
    int forecaster_timescale = 0;
    int forecaster_end_time = 0;          // last day with forecast data
    std::vector<double> forecaster_weights;  // indexed by the forecast day (as Flee does)
    std::vector<double> awareness_weights;   // per flood-awareness group of agents
};

// demographics_floodawareness.csv: the share of each awareness group among spawned
// agents, per location (a column) or by default. Group k's weight is
// awareness_weights[group_value[k]].
struct FleeFloodAwareness {
    std::vector<int> group_value;  // first column, one entry per group
    std::vector<double> default_share;
    std::vector<std::string> locations;             // locations with their own column
    std::vector<std::vector<double>> location_share;  // parallel to `locations`
};

enum class FleeSpawnMode { data_driven, constant, pop_ratio, poisson };
enum class FleeFloodSpawnMode { constant, pop_ratio, poisson };

struct FleeSpawnRules {
    bool take_from_population = false;
    std::vector<double> conflict_spawn_decay;  // empty: no decay
    int conflict_spawn_decay_interval = 30;    // days per entry of conflict_spawn_decay
    bool insert_day0 = true;
    FleeSpawnMode mode = FleeSpawnMode::data_driven;  // conflict_driven_spawning.spawn_mode
    double displaced_per_conflict_day = 500.0;        // agents (constant, poisson) or share (pop_ratio)
    bool empty_camps_on_day0 = false;  // no day-0 agents; observed counts shifted by their day-0 value
    // DFlee: flood_zone_spawning_only with flood_driven_spawning. Each location with
    // flood level L > 0 spawns int(d(L)) (constant), int(d(L) x population)
    // (pop_ratio) or Poisson(int(d(L))) agents a day, d interpolated in
    // displaced_per_flood_day. Replaces data- and conflict-driven spawning.
    bool flood_driven = false;
    FleeFloodSpawnMode flood_mode = FleeFloodSpawnMode::pop_ratio;
    std::vector<double> displaced_per_flood_day = {0.0, 0.1, 0.2, 0.5, 0.9};
};

struct FleeSettings {
    FleeMoveRules move;
    FleeSpawnRules spawn;
    FleeFloodRules flood;
    FleeFloodAwareness flood_awareness;  // empty: every agent in group 0 (weight awareness_weights[0])
    // Divisor Flee applies to populations and data counts. import-flee applies it to
    // the numbers it writes; the ruleset itself never divides (docs/FLEE.md).
    int hasten = 1;
    // Flee location types the native region types cannot express (names of regions).
    std::vector<std::string> idp_camps;  // type `idpcamp`: a camp with idpcamp_movechance, not foreign
    std::vector<std::string> markers;    // type `marker`: routing waypoint, skipped in path scoring
    std::vector<std::string> flood_zones;  // type `flood_zone`: default move chance, not a town
    // Added to the observed camp total before spawning, per day: Flee's data-driven
    // total sums every data_layout row after the first, including rows that name no
    // camp of the run (their data are read but never placed or scored).
    std::vector<double> data_total_extra;
    std::string flood_level_input_file;  // simsetting.yml's flood_level_input_file (import only)
};

}  // namespace migflow
