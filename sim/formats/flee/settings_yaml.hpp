#pragma once
// Internal: Flee 3 settings from YAML. Used for a Flee case's simsetting.yml and for
// the `flee:` block of a native scenario (same keys: move_rules, spawn_rules,
// optimisations, log_levels). Every key Flee 3 documents is either read or reported
// as a Problem naming it; nothing is silently ignored (log_levels is accepted and
// ignored on purpose: it only affects Flee's own logging).
#include <string>

#include <yaml-cpp/yaml.h>

#include "migflow/core/errors.hpp"
#include "migflow/rules/flee/settings.hpp"

namespace migflow {

// `node` is the mapping holding move_rules/spawn_rules/optimisations/log_levels (a
// null node gives the defaults). Problems go to `d` (file:line:col: key: message);
// the returned settings are meaningful only when no problem was added.
FleeSettings parse_flee_settings(const YAML::Node& node, const std::string& file, Diagnostics& d);

// The same settings as YAML text (a mapping with the four blocks), for import-flee.
std::string flee_settings_to_yaml(const FleeSettings& s, int indent);

}  // namespace migflow
