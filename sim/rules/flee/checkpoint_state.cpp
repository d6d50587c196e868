// The flee ruleset's state across days, for checkpoints (engine/checkpoint.hpp): the
// conflict onset days and flags (update_conflict), the population left to spawn from,
// the data-driven spawn debt, and the per-agent columns that start_on_foot and
// avoid_short_stints keep.
#include <stdexcept>

#include "rules/flee/kernel.hpp"

namespace migflow::detail {

namespace {

template <class T>
const std::vector<T>& flee_column(const StateColumn* c, const char* name, std::size_t n) {
    if (!c) throw std::runtime_error(std::string("checkpoint has no flee state `") + name + "`");
    const auto* v = std::get_if<std::vector<T>>(&c->values);
    if (!v || v->size() != n)
        throw std::runtime_error(std::string("checkpoint's flee state `") + name + "` has the wrong type or length");
    return *v;
}

}  // namespace

void FleeRuleset::save_state(RulesetState& out) const {
    out.regions.push_back({"flee_conflict_onset_day", std::vector<std::int64_t>(toc_.begin(), toc_.end())});
    out.regions.push_back({"flee_was_conflict", was_conflict_});
    out.regions.push_back({"flee_population_left", pop_});
    out.regions.push_back({"flee_spawn_debt", std::vector<std::int64_t>{debt_}});
    out.regions.push_back({"flee_conflict_updated_day", std::vector<std::int64_t>{updated_day_}});
    if (f_.move.start_on_foot) out.agents.push_back({"flee_arrived_once", arrived_once_});
    if (f_.move.avoid_short_stints) out.agents.push_back({"flee_recent_distance", recent_});
}

void FleeRuleset::restore_state(const RulesetState& in, const AgentStore& agents) {
    const std::size_t R = w_.region_count();
    const auto& toc = flee_column<std::int64_t>(in.find_regions("flee_conflict_onset_day"), "flee_conflict_onset_day", R);
    toc_.assign(toc.begin(), toc.end());
    was_conflict_ = flee_column<std::uint8_t>(in.find_regions("flee_was_conflict"), "flee_was_conflict", R);
    pop_ = flee_column<double>(in.find_regions("flee_population_left"), "flee_population_left", R);
    debt_ = flee_column<std::int64_t>(in.find_regions("flee_spawn_debt"), "flee_spawn_debt", 1)[0];
    updated_day_ = static_cast<Day>(
        flee_column<std::int64_t>(in.find_regions("flee_conflict_updated_day"), "flee_conflict_updated_day", 1)[0]);
    if (f_.move.start_on_foot)
        arrived_once_ = flee_column<std::uint8_t>(in.find_agents("flee_arrived_once"), "flee_arrived_once", agents.size());
    if (f_.move.avoid_short_stints)
        recent_ = flee_column<float>(in.find_agents("flee_recent_distance"), "flee_recent_distance", agents.size());
}

}  // namespace migflow::detail
