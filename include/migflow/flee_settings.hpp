#pragma once
// Settings of the `flee` ruleset: Flee 3's simsetting.yml (shared/flee/SPEC.md).
#include <string>
#include <vector>

namespace migflow {

struct FleeMoveRules {
    double max_move_speed = 360.0;
    double max_walk_speed = 35.0;
    double foreign_weight = 1.0;
    double camp_weight = 1.0;
    double conflict_weight = 0.25;
    double conflict_movechance = 1.0;
    double camp_movechance = 0.001;
    double default_movechance = 0.3;
    int awareness_level = 1;
    double capacity_buffer = 1.0;
    double capacity_scaling = 1.0;
    double softening = 10.0;
    double weight_softening = 0.0;
    double distance_power = 1.0;
    double weight_power = 1.0;
    bool start_on_foot = false;
    bool avoid_short_stints = false;
};

enum class FleeSpawnMode { data_driven, constant, pop_ratio, poisson };

struct FleeSpawnRules {
    bool take_from_population = false;
    std::vector<double> conflict_spawn_decay;  // empty: no decay
    bool insert_day0 = true;
    FleeSpawnMode mode = FleeSpawnMode::data_driven;
};

struct FleeSettings {
    FleeMoveRules move;
    FleeSpawnRules spawn;
    int hasten = 1;
};

}  // namespace migflow
