#pragma once
// YAML scenario -> validated Scenario. Every problem is collected and thrown at once
// as InputError (file:line:col: key: message).
#include <string>
#include <utility>
#include <vector>

#include "migflow/core/errors.hpp"
#include "migflow/scenario/scenario.hpp"

namespace migflow {

// `--set key.path=value` overrides, applied to the YAML tree before validation.
using Overrides = std::vector<std::pair<std::string, std::string>>;

Scenario load_scenario(const std::string& path, const Overrides& overrides = {});
// `files` (when given) are used instead of the file system for every file the text
// names: a scenario loads again from what a result file keeps (Scenario::inputs).
Scenario load_scenario_text(const std::string& text, const std::string& name_for_errors,
                            const std::string& base_dir, const Overrides& overrides = {},
                            const std::vector<InputFile>* files = nullptr);

}  // namespace migflow
