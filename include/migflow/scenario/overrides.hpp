#pragma once
// `--set` overrides applied to a scenario that is already loaded: the parameter blocks
// (behaviour.*, agents.*, flee.*) change without reading the YAML or its CSV files again,
// so a calibration loop pays for parsing once (docs/PYTHON.md).
#include "migflow/scenario/loader.hpp"

namespace migflow {

// Applies `overrides` to the parameter blocks of `s`, validated exactly as the loader
// validates them (same ranges, same messages, reported as `--set: key: message`).
// Keys outside behaviour, agents and flee change what was read from files (regions,
// drivers, ...): they are refused, and the scenario must be loaded again with them.
// On any problem InputError lists them all and `s` is left unchanged.
void apply_parameter_overrides(Scenario& s, const Overrides& overrides);

// The value of one parameter key (`behaviour.lambda_conflict`, `agents.people_per_agent`),
// or nullopt when the key is not one of the parameter tables' keys.
std::optional<double> parameter_value(const Scenario& s, const std::string& key);

}  // namespace migflow
