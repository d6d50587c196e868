// The one declaration of every model coefficient (STYLE.md "each parameter is declared
// once"): the loader validates against these rows, `migflow params` and
// docs/SCENARIO.md print them. Equations: docs/MODEL.md.
#include "migflow/scenario/params.hpp"

#include <array>

#include "migflow/engine/ruleset.hpp"

namespace migflow {

namespace {

using B = Behaviour;
using A = AgentRules;

// Ranges are wide enough for any calibration we have seen and narrow enough to catch
// a misplaced decimal point or a sign error.
constexpr std::array<ParamDef<Behaviour>, 18> behaviour_table{{
    {"lambda_base", &B::lambda_base, 0, 50, false, "1/day", "move hazard of everyone, whatever the drivers (λ0)"},
    {"lambda_conflict", &B::lambda_conflict, 0, 50, false, "1/day", "move hazard per unit of conflict (λc)"},
    {"lambda_climate", &B::lambda_climate, 0, 50, false, "1/day", "move hazard per unit of climate hazard (λh)"},
    {"lambda_economy", &B::lambda_economy, 0, 50, false, "1/day", "move hazard per unit of ln(ē/e) when poorer than the reference (λe)"},
    {"economy_reference", &B::economy_reference, 0, 1e12, false, "economy units", "reference economy ē; 0 = population-weighted mean on day 0"},
    {"camp_move_factor", &B::camp_move_factor, 0, 100, false, "-", "multiplies the move hazard in camps"},
    {"transit_move_factor", &B::transit_move_factor, 0, 1000, false, "-", "multiplies the move hazard in transit regions"},
    {"beta_conflict", &B::beta_conflict, -50, 50, false, "-", "destination weight falls with exp(-βc·conflict)"},
    {"beta_climate", &B::beta_climate, -50, 50, false, "-", "destination weight falls with exp(-βh·climate hazard)"},
    {"beta_economy", &B::beta_economy, -50, 50, false, "-", "destination weight rises with exp(βe·ln(e_j/e_i))"},
    {"beta_camp", &B::beta_camp, -50, 50, false, "-", "destination weight bonus exp(βcamp) for camps"},
    {"beta_foreign", &B::beta_foreign, -50, 50, false, "-", "destination weight bonus exp(βforeign) for regions abroad"},
    {"distance_offset_km", &B::distance_offset_km, 0, 1e5, false, "km", "d0 in the distance decay 1/(d0 + d)^γ"},
    {"distance_power", &B::distance_power, 0, 10, false, "-", "γ in the distance decay 1/(d0 + d)^γ"},
    {"capacity_buffer", &B::capacity_buffer, 0, 1, false, "-", "occupancy share of capacity at which a destination starts to lose weight"},
    {"awareness", &B::awareness, 1, 3, true, "hops", "how many hops away agents see destinations"},
    {"awareness_discount", &B::awareness_discount, 0, 1, false, "-", "weight factor per extra hop of awareness"},
    {"speed_km_per_day", &B::speed_km_per_day, 1, 5000, false, "km/day", "distance an agent covers per day"},
}};

constexpr std::array<ParamDef<AgentRules>, 4> agent_table{{
    {"people_per_agent", &A::people_per_agent, 1e-3, 1e9, false, "people", "people one agent stands for"},
    {"mobile_fraction", &A::mobile_fraction, 0, 1, false, "-", "share of the initial population created as agents"},
    {"spawn_conflict", &A::spawn_conflict, 0, 1, false, "1/day", "share of the population displaced per day at conflict 1 (σc)"},
    {"spawn_climate", &A::spawn_climate, 0, 1, false, "1/day", "share of the population displaced per day at climate hazard 1 (σh)"},
}};

}  // namespace

std::span<const ParamDef<Behaviour>> behaviour_params() { return behaviour_table; }
std::span<const ParamDef<AgentRules>> agent_params() { return agent_table; }

namespace {

template <class Block>
void append_params(std::vector<RulesetParam>& out, const std::string& block, std::span<const ParamDef<Block>> defs) {
    const Block defaults{};
    for (const auto& d : defs)
        out.push_back({block, d.key, defaults.*d.member, d.lo, d.hi, d.integer, d.unit, d.meaning});
}

}  // namespace

std::vector<RulesetParam> native_ruleset_params() {
    std::vector<RulesetParam> out;
    append_params(out, "behaviour", behaviour_params());
    append_params(out, "agents", agent_params());
    return out;
}

}  // namespace migflow
