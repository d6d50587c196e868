#pragma once
// A scenario from what the user named: a YAML file or a Flee input directory.
#include <string>

#include "migflow/scenario/loader.hpp"

namespace migflow {

Scenario load_scenario_source(const std::string& path, const Overrides& overrides);

// The scenario's warnings on stderr, one `warning: file:line:col: key: message` a line.
void print_warnings(const Scenario& s);

}  // namespace migflow
