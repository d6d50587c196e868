// The one list of the keys a scenario may hold, block by block (loader_internal.hpp):
// the block loaders check maps against it and `--set` resolves paths through it, so a
// key added to a block is known to both (they had drifted: `closures[].direction`).
#include <map>
#include <stdexcept>

#include "scenario/loader_internal.hpp"

namespace migflow::detail {

namespace {

template <class Block>
std::vector<std::string> param_keys(std::span<const ParamDef<Block>> defs) {
    std::vector<std::string> keys;
    for (const auto& d : defs) keys.emplace_back(d.key);
    return keys;
}

const std::map<std::string, std::vector<std::string>, std::less<>>& key_table() {
    static const std::map<std::string, std::vector<std::string>, std::less<>> table = {
        {"",
         {"name", "description", "start_date", "days", "seed", "ruleset", "regions", "routes", "closures", "drivers",
          "shocks", "behaviour", "agents", "groups", "output", "observed", "flee"}},
        {"behaviour", param_keys(behaviour_params())},
        {"agents", param_keys(agent_params())},
        {"output", {"file", "snapshot_every", "compression", "keep_inputs"}},
        {"observed", {"file"}},
        {"drivers", {"conflict", "economy", "climate"}},
        {"drivers.*", {"interpolation", "default", "values", "file"}},
        {"regions[]", {"name", "type", "lat", "lon", "population", "capacity", "country"}},
        {"routes[]", {"from", "to", "km", "closed"}},
        {"routes[].closed[]", {"from", "to"}},
        {"closures[]", {"route", "region", "border", "camp", "direction", "from", "to"}},
        {"shocks[]", {"driver", "region", "from", "to", "severity", "mode"}},
        {"groups[]", {"name", "share", "hazard_scale"}},
    };
    return table;
}

}  // namespace

const std::vector<std::string>& scenario_keys(std::string_view block) {
    const auto& table = key_table();
    const auto it = table.find(block);
    if (it == table.end()) throw std::logic_error("scenario_keys: no block `" + std::string(block) + "`");
    return it->second;
}

std::optional<std::vector<std::string>> schema_children(const std::string& schema) {
    if (schema == "flee" || schema.starts_with("flee.") || schema.starts_with("drivers.*.values"))
        return std::nullopt;  // region names, Flee's own settings: checked by their own parsers
    const auto& table = key_table();
    const auto it = table.find(schema);
    if (it == table.end()) return std::vector<std::string>{};  // a scalar: no children
    return it->second;
}

}  // namespace migflow::detail
