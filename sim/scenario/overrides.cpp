// --set overrides on a loaded scenario: the same tree edit and block parsers as the
// loader (loader.cpp), run on a tree that holds only the parameter blocks.
#include "migflow/scenario/overrides.hpp"

#include "formats/flee/settings_yaml.hpp"
#include "scenario/loader_internal.hpp"

namespace migflow {

namespace {

bool starts_with_block(const std::string& key, std::string_view block) {
    return key.size() > block.size() && key.starts_with(block) && key[block.size()] == '.';
}

// Flee's settings as a YAML tree, so that an override edits it as it would edit the
// scenario's `flee:` block; then parsed again with the same parser.
void apply_flee_overrides(Scenario& s, const Overrides& flee_overrides, Diagnostics& diag) {
    if (!s.flee) {
        for (const auto& [key, value] : flee_overrides)
            diag.add("--set", 0, 0, key,
                     "the scenario has no `flee:` block (ruleset " + s.ruleset + ")");
        return;
    }
    detail::LoadContext ctx{"--set", "", diag};
    YAML::Node root(YAML::NodeType::Map);
    root["flee"] = YAML::Load(flee_settings_to_yaml(*s.flee, 0));
    const std::size_t before = diag.problems().size();
    for (const auto& [key, value] : flee_overrides) detail::apply_override(ctx, root, key, value);
    if (diag.problems().size() != before) return;
    Diagnostics flee_diag;
    FleeSettings parsed = parse_flee_settings(root["flee"], "--set", flee_diag);
    // The tree is generated text: its line numbers mean nothing to the user, the key does.
    for (Problem p : flee_diag.problems())
        diag.add("--set", 0, 0, detail::join_path("flee", p.key), p.message);
    if (flee_diag.empty()) s.flee = std::move(parsed);
}

}  // namespace

void apply_parameter_overrides(Scenario& s, const Overrides& overrides) {
    if (overrides.empty()) return;
    Diagnostics diag;
    detail::LoadContext ctx{"--set", "", diag};
    ctx.ruleset = s.ruleset;
    YAML::Node root(YAML::NodeType::Map);
    Overrides flee;
    for (const auto& [key, value] : overrides) {
        if (starts_with_block(key, "behaviour") || starts_with_block(key, "agents"))
            detail::apply_override(ctx, root, key, value);
        else if (starts_with_block(key, "flee"))
            flee.emplace_back(key, value);
        else
            diag.add("--set", 0, 0, key,
                     "only behaviour.*, agents.* and flee.* can change on a loaded scenario; "
                     "load the scenario again with this override");
    }
    Scenario changed_params;  // only its parameter blocks are used
    changed_params.ruleset = s.ruleset;
    changed_params.behaviour = s.behaviour;
    changed_params.agents = s.agents;
    changed_params.flee = s.flee;
    // Every problem at once, as the loader reports them: a bad key does not hide a bad value.
    detail::load_params(ctx, root, changed_params);
    if (!flee.empty()) apply_flee_overrides(changed_params, flee, diag);
    if (!diag.empty()) throw InputError(detail::in_reading_order(diag.problems()));
    s.behaviour = changed_params.behaviour;
    s.agents = changed_params.agents;
    s.flee = std::move(changed_params.flee);
}

std::optional<double> parameter_value(const Scenario& s, const std::string& key) {
    for (const auto& d : behaviour_params())
        if (key == "behaviour." + std::string(d.key)) return s.behaviour.*d.member;
    for (const auto& d : agent_params())
        if (key == "agents." + std::string(d.key)) return s.agents.*d.member;
    return std::nullopt;
}

}  // namespace migflow
