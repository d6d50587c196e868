// Flee's numeric move rules, one row each (move_params.hpp). Ranges are what Flee's
// rules stay meaningful in; meanings follow docs/FLEE-SPEC.md.
#include "migflow/rules/flee/move_params.hpp"

#include "migflow/engine/ruleset.hpp"

namespace migflow {

std::span<const FleeMoveParam> flee_move_params() {
    using R = FleeMoveRules;
    static const FleeMoveParam table[] = {
        {"max_move_speed", &R::max_move_speed, nullptr, 1e-9, 1e6, "km/hop", "km credited per hop of a journey"},
        {"max_walk_speed", &R::max_walk_speed, nullptr, 1e-9, 1e6, "km", "km of the first hop with start_on_foot"},
        {"max_crossing_speed", &R::max_crossing_speed, nullptr, 0, 1e6, "km", "accepted; migflow has no river crossings"},
        {"foreign_weight", &R::foreign_weight, nullptr, 0, 1e9, "", "score multiplier of a location in another country"},
        {"camp_weight", &R::camp_weight, nullptr, 0, 1e9, "", "score multiplier of a camp"},
        {"conflict_weight", &R::conflict_weight, nullptr, 0, 1e9, "", "score multiplier of a conflict zone"},
        {"conflict_movechance", &R::conflict_movechance, nullptr, 0, 1, "1/day", "move chance in a conflict zone"},
        {"camp_movechance", &R::camp_movechance, nullptr, 0, 1, "1/day", "move chance in a camp"},
        {"idpcamp_movechance", &R::idpcamp_movechance, nullptr, 0, 1, "1/day", "move chance in an IDP camp"},
        {"default_movechance", &R::default_movechance, nullptr, 0, 1, "1/day", "move chance anywhere else"},
        {"awareness_level", nullptr, &R::awareness_level, 0, max_awareness_level, "hops",
         "how far agents see when scoring destinations (0: uniform)"},
        {"capacity_buffer", &R::capacity_buffer, nullptr, 0, 1, "", "occupancy share where a camp's attraction starts to fall"},
        {"capacity_scaling", &R::capacity_scaling, nullptr, 0, 1e9, "", "multiplies every capacity"},
        {"softening", &R::softening, nullptr, 0, 1e9, "km", "added to every path length"},
        {"weight_softening", &R::weight_softening, nullptr, 0, 1e9, "", "added to every location score"},
        {"distance_power", &R::distance_power, nullptr, -100, 100, "", "power of the path length in a route's weight"},
        {"weight_power", &R::weight_power, nullptr, -100, 100, "", "power of the location score in a route's weight"},
        {"movechance_pop_base", &R::movechance_pop_base, nullptr, 1e-9, 1e15, "people",
         "population at which move chances are unscaled"},
        {"movechance_pop_scale_factor", &R::movechance_pop_scale_factor, nullptr, -100, 100, "",
         "power of population/base scaling move chances (0: none)"},
    };
    return table;
}

std::vector<RulesetParam> flee_ruleset_params() {
    const FleeMoveRules defaults{};
    std::vector<RulesetParam> out;
    for (const FleeMoveParam& p : flee_move_params())
        out.push_back({"flee.move_rules", p.key, p.get(defaults), p.lo, p.hi, p.whole != nullptr, p.unit, p.meaning});
    return out;
}

}  // namespace migflow
