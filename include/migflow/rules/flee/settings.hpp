#pragma once
// Settings of the `flee` ruleset: Flee 3's simsetting.yml (shared/flee/SPEC.md,
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
    int awareness_level = 1;            // 0 (uniform) .. 3 hops
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

enum class FleeSpawnMode { data_driven, constant, pop_ratio, poisson };

struct FleeSpawnRules {
    bool take_from_population = false;
    std::vector<double> conflict_spawn_decay;  // empty: no decay
    int conflict_spawn_decay_interval = 30;    // days per entry of conflict_spawn_decay
    bool insert_day0 = true;
    FleeSpawnMode mode = FleeSpawnMode::data_driven;  // conflict_driven_spawning.spawn_mode
    double displaced_per_conflict_day = 500.0;        // agents (constant, poisson) or share (pop_ratio)
};

struct FleeSettings {
    FleeMoveRules move;
    FleeSpawnRules spawn;
    // Divisor Flee applies to populations and data counts. import-flee applies it to
    // the numbers it writes; the ruleset itself never divides (docs/FLEE.md).
    int hasten = 1;
    // Flee location types the native region types cannot express (names of regions).
    std::vector<std::string> idp_camps;  // type `idpcamp`: a camp with idpcamp_movechance, not foreign
    std::vector<std::string> markers;    // type `marker`: routing waypoint, skipped in path scoring
};

}  // namespace migflow
