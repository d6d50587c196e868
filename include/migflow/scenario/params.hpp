#pragma once
// The native model's coefficients (docs/MODEL.md), declared once: the loader, the
// `migflow params` listing and docs/SCENARIO.md all come from `behaviour_params()`.
#include <span>
#include <string_view>

namespace migflow {

struct Behaviour {
    // Move hazard, MODEL.md §2: p = 1 - exp(-factor_type * (λ0 + λc c + λh h + λe max(0, log(ē/e))))
    double lambda_base = 0.0005;
    double lambda_conflict = 0.25;
    double lambda_climate = 0.03;
    double lambda_economy = 0.002;
    double economy_reference = 0.0;  // ē; 0 means the population-weighted mean on day 0
    double camp_move_factor = 0.05;
    double transit_move_factor = 20.0;
    // Destination weight, MODEL.md §3
    double beta_conflict = 4.0;
    double beta_climate = 1.5;
    double beta_economy = 1.0;
    double beta_camp = 1.0;
    double beta_foreign = 0.0;
    double distance_offset_km = 10.0;
    double distance_power = 1.0;
    double capacity_buffer = 0.9;
    double awareness = 1;      // 1..3 hops (whole number)
    double awareness_discount = 0.5;
    // Travel, MODEL.md §4
    double speed_km_per_day = 200.0;
};

struct AgentRules {
    double people_per_agent = 1.0;
    double mobile_fraction = 1.0;
    double spawn_conflict = 0.0;  // σc: share of population displaced per day at conflict 1
    double spawn_climate = 0.0;   // σh: share of population displaced per day at climate hazard 1
};

// One numeric parameter: where it lives, its default, its valid range and what it means.
template <class Block>
struct ParamDef {
    std::string_view key;
    double Block::*member;
    double lo;
    double hi;
    bool integer;
    std::string_view unit;
    std::string_view meaning;
};

std::span<const ParamDef<Behaviour>> behaviour_params();
std::span<const ParamDef<AgentRules>> agent_params();

}  // namespace migflow
