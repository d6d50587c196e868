// The rulesets by name: the scenario's `ruleset:` key picks one.
#include <stdexcept>

#include "migflow/engine/ruleset.hpp"

namespace migflow {

// Adding a ruleset: a file implementing Ruleset plus one line here.
const std::vector<RulesetEntry>& rulesets() {
    static const std::vector<RulesetEntry> all = {
        {"native", make_native_ruleset},
        {"flee", make_flee_ruleset},
    };
    return all;
}

std::unique_ptr<Ruleset> make_ruleset(const Scenario& s, const World& w, const RunOptions& o) {
    for (const auto& r : rulesets())
        if (r.name == s.ruleset) return r.make(s, w, o);
    throw std::invalid_argument("unknown ruleset '" + s.ruleset + "'");
}

}  // namespace migflow
