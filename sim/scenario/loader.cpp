// YAML scenario -> Scenario: parse, apply --set overrides, validate every block,
// collect all problems and throw once. Block parsers live in scenario_loader_*.cpp.
#include "migflow/scenario/loader.hpp"

#include <algorithm>
#include <fstream>
#include <functional>
#include <tuple>
#include <map>
#include <sstream>

#include "formats/flee/settings_yaml.hpp"
#include "migflow/engine/ruleset.hpp"
#include "migflow/core/csv.hpp"
#include "scenario/loader_internal.hpp"

namespace migflow {

namespace detail {

namespace {

struct PathSegment {
    std::string name;
    long index = -1;  // `name[i]`: entry i of the list `name`
};

// "regions[2].population" -> {regions, 2}, {population}; nullopt (problem added) when malformed.
std::optional<std::vector<PathSegment>> split_path(const std::string& path, const std::function<void(const std::string&)>& fail) {
    std::vector<PathSegment> out;
    for (std::size_t b = 0;;) {
        const std::size_t e = path.find('.', b);
        const std::string raw = path.substr(b, e == std::string::npos ? std::string::npos : e - b);
        PathSegment seg{raw};
        if (const auto lb = raw.find('['); lb != std::string::npos && raw.back() == ']') {
            char* end = nullptr;
            seg.index = std::strtol(raw.c_str() + lb + 1, &end, 10);
            if (end != raw.c_str() + raw.size() - 1 || seg.index < 0) {
                fail("bad list index in `" + raw + "`");
                return std::nullopt;
            }
            seg.name.erase(lb);
        }
        if (seg.name.empty()) {
            fail("empty key in the path");
            return std::nullopt;
        }
        out.push_back(std::move(seg));
        if (e == std::string::npos) return out;
        b = e + 1;
    }
}

}  // namespace

// Applies one `--set path=value` to the tree; problems are reported with file `--set`.
// A --set value and everything inside it (a list or map given on the command line):
// problems found in any of them are reported as `--set`, not at a scenario line.
static void remember_override(LoadContext& ctx, const YAML::Node& n) {
    ctx.override_nodes.push_back(n);
    if (n.IsSequence())
        for (const auto& child : n) remember_override(ctx, child);
    else if (n.IsMap())
        for (const auto& kv : n) remember_override(ctx, kv.second);
}

void apply_override(LoadContext& ctx, YAML::Node& root, const std::string& path, const std::string& text) {
    auto fail = [&](const std::string& msg) { ctx.diag.add("--set", 0, 0, path, msg); };
    YAML::Node value;
    try {
        value = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        fail("value `" + text + "` is not a YAML value: " + e.msg);
        return;
    }
    const auto segments = split_path(path, fail);
    if (!segments) return;
    try {
        YAML::Node cur = root;
        std::string schema;
        for (std::size_t i = 0; i < segments->size(); ++i) {
            const std::string& name = (*segments)[i].name;
            const long index = (*segments)[i].index;
            const auto known = schema_children(schema);
            if (known && std::find(known->begin(), known->end(), name) == known->end()) {
                std::string msg = "unknown key `" + name + "`";
                if (known->empty()) msg = "`" + schema + "` has no keys below it";
                else if (const auto hint = did_you_mean(name, *known); !hint.empty()) msg += "; " + hint;
                fail(msg);
                return;
            }
            const bool last = i + 1 == segments->size();
            schema = schema == "drivers" ? std::string("drivers.*") : join_path(schema, name);
            if (index >= 0) {
                YAML::Node list = cur[name];
                if (!list.IsSequence() || static_cast<std::size_t>(index) >= list.size()) {
                    fail("`" + name + "` has no entry [" + std::to_string(index) + "]");
                    return;
                }
                schema += "[]";
                if (last) {
                    list[index] = value;
                    remember_override(ctx, list[index]);
                    return;
                }
                cur.reset(list[index]);
                continue;
            }
            if (last) {
                cur[name] = value;
                remember_override(ctx, cur[name]);
                return;
            }
            if (!cur[name].IsDefined() || cur[name].IsNull()) cur[name] = YAML::Node(YAML::NodeType::Map);
            if (!cur[name].IsMap()) {
                fail("`" + name + "` is not a map in the scenario");
                return;
            }
            cur.reset(cur[name]);
        }
    } catch (const YAML::Exception&) {
        fail("cannot set a key inside a value that is not a map");
    }
}

// Problems are found block by block; users read them top to bottom. The command line
// (--set) comes first, then files in the order in which they first had a problem.
std::vector<Problem> in_reading_order(std::vector<Problem> problems) {
    std::vector<std::string> files = {"--set"};
    for (const Problem& p : problems)
        if (std::find(files.begin(), files.end(), p.file) == files.end()) files.push_back(p.file);
    auto rank = [&](const Problem& p) { return std::find(files.begin(), files.end(), p.file) - files.begin(); };
    std::stable_sort(problems.begin(), problems.end(), [&](const Problem& a, const Problem& b) {
        return std::tuple(rank(a), a.summary, a.line, a.column) < std::tuple(rank(b), b.summary, b.line, b.column);
    });
    return problems;
}

namespace {

std::optional<std::string> scalar_string(LoadContext& ctx, const YAML::Node& root, const char* key) {
    const YAML::Node n = root[key];
    if (!n.IsDefined()) return std::nullopt;
    return ctx.string(n, key);
}

void load_header(LoadContext& ctx, const YAML::Node& root, Scenario& s) {
    if (const YAML::Node n = ctx.need(root, "name", ""); n.IsDefined()) {
        if (auto v = ctx.string(n, "name")) {
            if (v->empty()) ctx.problem(n, "name", "must not be empty");
            // The name gives the default output file, <name>.h5, in the working directory.
            if (v->find('/') != std::string::npos)
                ctx.problem(n, "name", "must not contain `/` (it names the default output file)");
            s.name = *v;
        }
    }
    if (auto v = scalar_string(ctx, root, "description")) s.description = *v;
    bool start_ok = false, days_ok = false;
    const YAML::Node start_node = ctx.need(root, "start_date", "");
    if (const YAML::Node n = start_node; n.IsDefined()) {
        if (auto d = ctx.date(n, "start_date")) {
            s.start_date = *d;
            start_ok = true;
        }
    }
    if (const YAML::Node n = ctx.need(root, "days", ""); n.IsDefined()) {
        if (auto d = ctx.integer(n, "days", 1, 1000000)) {
            s.days = static_cast<Day>(*d);
            days_ok = true;
        }
    }
    if (start_ok && days_ok)
        if (const std::string why = run_dates_problem(s.start_date, s.days); !why.empty()) {
            ctx.problem(start_node, "start_date", why);
            start_ok = false;
        }
    ctx.dates_ok = start_ok && days_ok;
    ctx.start_date = s.start_date;
    ctx.days = s.days;
    if (const YAML::Node n = root["seed"]; n.IsDefined()) {
        if (auto v = ctx.integer(n, "seed", 0, std::numeric_limits<long long>::max()))
            s.seed = static_cast<std::uint64_t>(*v);
    }
    if (const YAML::Node n = root["ruleset"]; n.IsDefined()) {
        if (auto v = ctx.string(n, "ruleset")) {
            if (find_ruleset(*v)) {
                s.ruleset = ctx.ruleset = *v;
            } else {
                std::string names;  // "native or flee": the registry's, in its order
                const auto& all = rulesets();
                for (std::size_t i = 0; i < all.size(); ++i)
                    names += (i == 0 ? "" : i + 1 == all.size() ? " or " : ", ") + std::string(all[i].name);
                ctx.problem(n, "ruleset", "got `" + *v + "`, expected " + names);
            }
        }
    }
}

}  // namespace

void load_flee(LoadContext& ctx, const YAML::Node& root, Scenario& s) {
    const YAML::Node n = root["flee"];
    if (s.ruleset == "flee" && !n.IsDefined()) {
        const YAML::Node r = root["ruleset"];
        ctx.problem(r.IsDefined() ? r : root, "flee", "ruleset flee needs a `flee:` block with Flee's settings");
        return;
    }
    if (!n.IsDefined()) return;
    if (s.ruleset != "flee") {
        ctx.problem(n, "flee", "a `flee:` block is only used with `ruleset: flee`");
        return;
    }
    if (!n.IsNull() && !n.IsMap()) {
        ctx.problem(n, "flee", "expected a map with move_rules, spawn_rules, optimisations");
        return;
    }
    // The Flee parser also reads simsetting.yml, where its keys stand at the top; here
    // they sit under `flee:`, so its key paths get that prefix.
    Diagnostics flee_diag;
    s.flee = parse_flee_settings(n, ctx.file, flee_diag);
    for (Problem p : flee_diag.problems()) {
        if (p.file == ctx.file) p.key = join_path("flee", p.key);
        ctx.diag.add(std::move(p));
    }
}

}  // namespace detail

namespace detail {

// The scenario as run: the tree with the overrides applied, written back as YAML, so a
// result file names the values it used (comments of the original are lost here; the
// original text is kept beside it as Scenario::base_text).
std::string effective_text(const YAML::Node& root, const std::string& file, const Overrides& overrides) {
    YAML::Emitter out;
    out << root;
    std::string head = "# " + file + " with";
    for (const auto& [k, v] : overrides) head += " --set " + k + "=" + v;
    for (char& c : head)
        if (c == '\n' || c == '\r') c = ' ';
    return head + "\n" + out.c_str() + "\n";
}

}  // namespace detail

Scenario load_scenario_text(const std::string& text, const std::string& name_for_errors,
                            const std::string& base_dir, const Overrides& overrides,
                            const std::vector<InputFile>* files) {
    Diagnostics diag;
    detail::LoadContext ctx{name_for_errors, base_dir, diag};
    ctx.embedded = files;
    YAML::Node root =
        detail::parse_yaml_map(text, name_for_errors, "scenario keys (name, start_date, days, ...)");
    for (const auto& [path, value] : overrides) detail::apply_override(ctx, root, path, value);

    const YAML::Node r = root;  // const from here on: lookups must never insert keys
    Scenario s;
    s.source_text = overrides.empty() ? text : detail::effective_text(root, name_for_errors, overrides);
    if (!overrides.empty()) s.base_text = text;
    s.overrides = overrides;
    ctx.check_map(r, "", detail::scenario_keys(""));
    detail::load_header(ctx, r, s);
    if (const YAML::Node n = ctx.need(r, "regions", ""); n.IsDefined()) detail::load_regions(ctx, n, s);
    if (const YAML::Node n = r["routes"]; n.IsDefined()) detail::load_routes(ctx, n, s);
    if (const YAML::Node n = r["closures"]; n.IsDefined()) detail::load_closures(ctx, n, s);
    detail::load_drivers(ctx, r["drivers"], s);
    if (const YAML::Node n = r["shocks"]; n.IsDefined()) detail::load_shocks(ctx, n, s);
    detail::load_params(ctx, r, s);
    if (const YAML::Node n = r["groups"]; n.IsDefined()) detail::load_groups(ctx, n, s);
    if (const YAML::Node n = r["output"]; n.IsDefined()) detail::load_output(ctx, n, s);
    if (const YAML::Node n = r["observed"]; n.IsDefined()) detail::load_observed(ctx, n, s);
    detail::load_flee(ctx, r, s);
    if (diag.empty()) detail::check_plausibility(ctx, r, s);
    s.input_files = std::move(ctx.files_read);
    if (!diag.empty()) throw InputError(detail::in_reading_order(diag.problems()));
    s.inputs = std::move(ctx.inputs);
    s.notes = std::move(ctx.notes);
    return s;
}

Scenario load_scenario(const std::string& path, const Overrides& overrides) {
    const std::string text = read_yaml_file(path, "scenario file");
    const auto slash = path.find_last_of('/');
    const std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash);
    Scenario s = load_scenario_text(text, path, dir, overrides);
    s.source_file = path;
    s.input_files.insert(s.input_files.begin(), path);
    return s;
}

}  // namespace migflow
