#pragma once
// Flee input directories (shared/flee/SPEC.md): read one into a Scenario with
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
void write_flee_scenario_yaml(const Scenario& s, const std::string& out_yaml);

}  // namespace migflow
