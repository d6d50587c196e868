// The rulesets by name: the scenario's `ruleset:` key picks one.
#include <limits>
#include <stdexcept>

#include "migflow/engine/ruleset.hpp"

namespace migflow {

namespace {
constexpr double infinity = std::numeric_limits<double>::infinity();
}

// Adding a ruleset: its folder under sim/rules/ plus one line here (sim/rules/README.md).
const std::vector<RulesetEntry>& rulesets() {
    static const std::vector<RulesetEntry> all = {
        {"native", make_native_ruleset, "migflow's own model: hazards from drivers, gravity destinations (docs/MODEL.md)",
         native_ruleset_params, 1.0, 1.0},
        // Conflict is Flee's intensity and climate DFlee's flood level: no upper bound.
        {"flee", make_flee_ruleset, "Flee's rules, for Flee cases and DFlee (docs/FLEE-SPEC.md)", flee_ruleset_params,
         infinity, infinity},
    };
    return all;
}

double driver_max(const std::string& ruleset, DriverKind k) {
    if (k == DriverKind::economy) return infinity;
    const RulesetEntry* r = find_ruleset(ruleset);
    if (!r) return 1.0;  // a ruleset not known yet: the loader says so
    return k == DriverKind::conflict ? r->conflict_max : r->climate_max;
}

const RulesetEntry* find_ruleset(std::string_view name) {
    for (const auto& r : rulesets())
        if (r.name == name) return &r;
    return nullptr;
}

std::unique_ptr<Ruleset> make_ruleset(const Scenario& s, const World& w, const RunOptions& o) {
    if (const RulesetEntry* r = find_ruleset(s.ruleset)) return r->make(s, w, o);
    throw std::invalid_argument("unknown ruleset '" + s.ruleset + "'");
}

}  // namespace migflow
