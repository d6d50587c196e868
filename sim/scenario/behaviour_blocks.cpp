// behaviour/agents (from the parameter tables), groups and output.
#include <cmath>

#include <algorithm>

#include "scenario/loader_internal.hpp"

namespace migflow::detail {

namespace {

template <class Block>
void load_param_block(LoadContext& ctx, const YAML::Node& n, const std::string& key,
                      std::span<const ParamDef<Block>> defs, Block& out) {
    std::vector<std::string> keys;
    for (const auto& d : defs) keys.emplace_back(d.key);
    if (n.IsNull() || !ctx.check_map(n, key, keys)) return;
    for (const auto& d : defs) {
        const YAML::Node v = n[std::string(d.key)];
        if (!v.IsDefined()) continue;
        const std::string path = join_path(key, d.key);
        if (d.integer) {
            if (const auto x = ctx.integer(v, path, static_cast<long long>(d.lo), static_cast<long long>(d.hi)))
                out.*d.member = static_cast<double>(*x);
        } else if (const auto x = ctx.number_in(v, path, d.lo, d.hi)) {
            out.*d.member = *x;
        }
    }
}

}  // namespace

void load_params(LoadContext& ctx, const YAML::Node& root, Scenario& s) {
    if (const YAML::Node n = root["behaviour"]; n.IsDefined()) {
        // Accepted and ignored, a sweep over them would give identical runs.
        if (ctx.ruleset == "flee") {
            const std::string why =
                "the flee ruleset does not use the native model's coefficients; its own are flee.* (`migflow "
                "params`), or run the case under the native model (import-flee --native)";
            if (!n.IsMap() || n.size() == 0) ctx.problem(n, "behaviour", why);
            for (auto it = n.begin(); n.IsMap() && it != n.end(); ++it)
                ctx.problem(it->second, join_path("behaviour", it->first.Scalar()), why);
        } else {
            load_param_block(ctx, n, "behaviour", behaviour_params(), s.behaviour);
        }
    }
    if (const YAML::Node n = root["agents"]; n.IsDefined())
        load_param_block(ctx, n, "agents", agent_params(), s.agents);
}

void load_groups(LoadContext& ctx, const YAML::Node& n, Scenario& s) {
    if (n.IsNull() || !ctx.is_sequence(n, "groups")) return;
    if (n.size() > 255) {
        ctx.problem(n, "groups", "at most 255 groups (got " + std::to_string(n.size()) + ")");
        return;
    }
    double total = 0;
    bool ok = true;
    for (std::size_t i = 0; i < n.size(); ++i) {
        const std::string key = index_path("groups", i);
        const YAML::Node m = n[i];
        if (!ctx.check_map(m, key, scenario_keys("groups[]"))) {
            ok = false;
            continue;
        }
        AgentGroup g;
        const YAML::Node name = ctx.need(m, "name", key);
        const auto nm = name.IsDefined() ? ctx.string(name, join_path(key, "name")) : std::nullopt;
        const YAML::Node share = ctx.need(m, "share", key);
        auto sh = share.IsDefined() ? ctx.number(share, join_path(key, "share")) : std::nullopt;
        if (sh && (*sh <= 0 || *sh > 1)) {
            ctx.problem(share, join_path(key, "share"), "got " + share.Scalar() + ", expected a number in (0, 1]");
            sh.reset();
        }
        if (const YAML::Node h = m["hazard_scale"]; h.IsDefined()) {
            if (const auto x = ctx.number_in(h, join_path(key, "hazard_scale"), 0, 1e6)) g.hazard_scale = *x;
            else ok = false;
        }
        if (!nm || !sh) {
            ok = false;
            continue;
        }
        if (std::any_of(s.groups.begin(), s.groups.end(), [&](const AgentGroup& o) { return o.name == *nm; })) {
            ctx.problem(name, join_path(key, "name"), "group `" + *nm + "` is listed twice");
            ok = false;
            continue;
        }
        g.name = *nm;
        g.share = *sh;
        total += *sh;
        s.groups.push_back(g);
    }
    if (ok && std::abs(total - 1.0) > 1e-6)
        ctx.problem(n, "groups", "shares sum to " + std::to_string(total) + ", expected 1");
}

void load_output(LoadContext& ctx, const YAML::Node& n, Scenario& s) {
    if (n.IsNull() || !ctx.check_map(n, "output", scenario_keys("output"))) return;
    if (const YAML::Node f = n["file"]; f.IsDefined()) {
        if (const auto v = ctx.string(f, "output.file")) {
            if (v->empty()) ctx.problem(f, "output.file", "must not be empty (leave the key out for <name>.h5)");
            s.output.path = *v;
        }
    }
    if (const YAML::Node v = n["snapshot_every"]; v.IsDefined()) {
        if (const auto x = ctx.integer(v, "output.snapshot_every", 0, 1000000)) s.output.snapshot_every = static_cast<int>(*x);
    }
    if (const YAML::Node v = n["compression"]; v.IsDefined()) {
        if (const auto x = ctx.integer(v, "output.compression", 0, 9)) s.output.compression = static_cast<int>(*x);
    }
    if (const YAML::Node v = n["keep_inputs"]; v.IsDefined()) {
        bool keep = true;
        if (v.IsScalar() && YAML::convert<bool>::decode(v, keep)) s.output.keep_inputs = keep;
        else ctx.problem(v, "output.keep_inputs", "got `" + (v.IsScalar() ? v.Scalar() : std::string("a non-scalar")) +
                                                      "`, expected true or false");
    }
}

}  // namespace migflow::detail
