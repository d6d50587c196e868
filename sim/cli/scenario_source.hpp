#pragma once
// A scenario from what the user named: a YAML file or a Flee input directory.
#include <string>

#include "migflow/scenario/loader.hpp"

namespace migflow::cli {

Scenario load_scenario_source(const std::string& path, const Overrides& overrides);

}  // namespace migflow::cli
