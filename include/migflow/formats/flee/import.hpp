#pragma once
// Flee input directories (docs/FLEE-SPEC.md): read one into a Scenario with
// `ruleset: flee`, or write it as a native YAML scenario with side CSV files.
#include <string>

#include "migflow/scenario/scenario.hpp"

namespace migflow {

// True when `dir` looks like a Flee case (a directory holding input_csv/locations.csv).
bool is_flee_case_dir(const std::string& dir);

// Reads simsetting.yml, input_csv/*.csv and source_data/* of a Flee case. Collects
// every problem and throws InputError once. The scenario has ruleset "flee", its
// `flee` settings, conflicts as a step conflict driver, closures, and the observed
// camp counts (interpolated, registration-corrected, hastened).
Scenario import_flee_case(const std::string& dir);

// Writes `s` (as returned by import_flee_case) as a YAML scenario at out_yaml plus
// side CSV files beside it (<stem>_regions.csv, _routes.csv, _conflict.csv,
// _observed.csv). Loading that YAML gives a scenario that runs to the same result.
// A scenario from flee_case_as_native is written with `ruleset: native` and its
// behaviour and agents blocks instead of the `flee:` block.
void write_flee_scenario_yaml(const Scenario& s, const std::string& out_yaml);

}  // namespace migflow

namespace migflow {

// The share of a conflict location's people displaced per day at conflict 1 that a Flee
// case gets under the native model (agents.spawn_conflict) until calibrated.
inline constexpr double native_flee_spawn_conflict = 0.001;

// `s` (as returned by import_flee_case) under the native model: ruleset native, no
// `flee:` block; conflict and climate clamped to [0, 1]; each observed camp holds its
// day-0 count as residents (Flee's insert_day0); nobody is an agent before the run
// (mobile_fraction 0) and conflict displaces native_flee_spawn_conflict a day; speed
// Flee's max_move_speed. Other coefficients keep the native defaults. A scenario that
// is not a Flee one is returned unchanged.
Scenario flee_case_as_native(Scenario s);

}  // namespace migflow
