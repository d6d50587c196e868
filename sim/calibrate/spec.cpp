// Calibration files -> CalibrationSpec (docs/CALIBRATION.md). Problems are reported as the
// scenario loader reports them (it lends its LoadContext): `file:line:col: key: message`.
#include "migflow/core/csv.hpp"
#include "migflow/calibrate/spec.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "migflow/engine/ruleset.hpp"
#include "migflow/formats/flee/import.hpp"
#include "migflow/scenario/params.hpp"
#include "scenario/loader_internal.hpp"
#include "core/spec_text.hpp"

namespace migflow {

namespace {

using detail::LoadContext;

const std::vector<std::string> top_keys = {"cases",  "parameters", "objective", "seeds",    "budget",
                                           "algorithm", "optimiser_seed", "tolerance", "output_dir",
                                           "method", "abc"};
const std::vector<std::string> abc_keys = {"particles", "generations", "seeds_per_particle", "quantile",
                                           "min_acceptance_rate", "seed", "predictive_draws"};
const std::vector<std::string> case_keys = {"case", "name", "ruleset", "set", "reference_ard"};
const std::vector<std::string> parameter_keys = {"range", "log", "start"};

// Derivative-free NLopt algorithms that honour bounds (docs/CALIBRATION.md).
const std::vector<std::string> algorithms = {"LN_SBPLX",   "LN_BOBYQA", "LN_NELDERMEAD", "LN_COBYLA",
                                             "GN_CRS2_LM", "GN_ESCH",   "GN_ISRES",      "GN_DIRECT_L"};

// The registry's row of a coefficient (any ruleset's, ruleset.hpp): its range and
// whether it is whole.
struct KnownParam {
    double lo, hi;
    bool integer;
};
std::optional<KnownParam> table_row(const std::string& key) {
    for (const RulesetEntry& r : rulesets())
        for (const RulesetParam& d : r.params())
            if (key == d.path()) return KnownParam{d.lo, d.hi, d.integer};
    return std::nullopt;
}

std::vector<std::string> table_keys() {
    std::vector<std::string> keys;
    for (const RulesetEntry& r : rulesets())
        for (const RulesetParam& d : r.params()) keys.push_back(d.path());
    return keys;
}

void load_case(LoadContext& ctx, const YAML::Node& n, const std::string& path, const std::string& base_dir,
               CalibrationSpec& spec) {
    CalibrationCase c;
    if (const YAML::Mark m = n.Mark(); m.line >= 0) c.line = m.line + 1, c.column = m.column + 1;
    if (n.IsScalar()) {  // `- path`: the short form
        if (auto v = ctx.string(n, path)) c.path = detail::resolve_relative(base_dir, *v);
    } else {
        if (!ctx.check_map(n, path, case_keys)) return;
        if (const YAML::Node v = ctx.need(n, "case", path); v.IsDefined())
            if (auto s = ctx.string(v, path + ".case")) c.path = detail::resolve_relative(base_dir, *s);
        if (const YAML::Node v = n["name"]; v.IsDefined())
            if (auto s = ctx.string(v, path + ".name")) c.name = *s;
        if (const YAML::Node v = n["ruleset"]; v.IsDefined())
            if (auto s = ctx.string(v, path + ".ruleset")) {
                if (*s == "native") c.native = true;
                else if (*s != "as_given")
                    ctx.problem(v, path + ".ruleset", "got `" + *s + "`, expected native or as_given");
            }
        if (const YAML::Node v = n["set"]; v.IsDefined() && ctx.check_map(v, path + ".set", {}))
            for (auto it = v.begin(); it != v.end(); ++it) c.set.emplace_back(it->first.Scalar(), detail::override_text(it->second));
        if (const YAML::Node v = n["reference_ard"]; v.IsDefined())
            if (auto x = ctx.number_in(v, path + ".reference_ard", 0, 1e6)) c.reference_ard = *x;
    }
    if (c.path.empty()) return;
    namespace fs = std::filesystem;
    const YAML::Node at = n.IsMap() ? n["case"] : n;
    if (!fs::exists(c.path)) {
        ctx.problem(at, path + ".case", "no such file or directory `" + c.path + "`");
        return;
    }
    const bool dir = fs::is_directory(c.path);
    if (dir && !is_flee_case_dir(c.path))
        ctx.problem(at, path + ".case", "`" + c.path + "` is a directory, but not a Flee case");
    if (c.native && !dir)
        ctx.problem(n["ruleset"], path + ".ruleset", "`ruleset: native` converts a Flee case directory; "
                                                     "a YAML scenario sets its own ruleset");
    if (c.name.empty()) c.name = dir ? fs::path(c.path).lexically_normal().filename().string()
                                     : fs::path(c.path).stem().string();
    if (c.name.empty()) c.name = fs::path(c.path).lexically_normal().parent_path().filename().string();
    for (const CalibrationCase& other : spec.cases)
        if (other.name == c.name)
            ctx.problem(n, path, "a second case named `" + c.name + "` (line " + std::to_string(other.line) +
                                     "); give one a `name:`");
    spec.cases.push_back(std::move(c));
}

void load_parameter(LoadContext& ctx, const YAML::Node& key, const YAML::Node& n, CalibrationSpec& spec) {
    CalibrationParameter p;
    p.key = key.Scalar();
    const std::string path = "parameters." + p.key;
    const auto row = table_row(p.key);
    if (!row && !p.key.starts_with("flee.")) {
        std::string msg = "not a coefficient `--set` can change on a loaded scenario (behaviour.*, agents.*, flee.*)";
        if (const std::string hint = did_you_mean(p.key, table_keys()); !hint.empty()) msg += "; " + hint;
        ctx.problem(key, path, msg);
        return;
    }
    if (row) p.integer = row->integer;
    // yaml-cpp's Node::operator= writes through to the node referred to: pick, don't assign.
    if (n.IsMap() && !ctx.check_map(n, path, parameter_keys)) return;
    const YAML::Node range = n.IsMap() ? ctx.need(n, "range", path) : n;
    if (n.IsMap()) {
        if (const YAML::Node v = n["log"]; v.IsDefined()) {
            if (v.IsScalar() && (v.Scalar() == "true" || v.Scalar() == "false")) p.log = v.Scalar() == "true";
            else ctx.problem(v, path + ".log", "got `" + detail::override_text(v) + "`, expected true or false");
        }
        if (const YAML::Node v = n["start"]; v.IsDefined())
            if (auto x = ctx.number(v, path + ".start")) p.start = *x;
    }
    if (!range.IsDefined()) return;
    if (!range.IsSequence() || range.size() != 2) {
        ctx.problem(range, path, "expected [low, high] or {range: [low, high], log: true, start: x}");
        return;
    }
    const auto lo = ctx.number(range[0], path + "[0]"), hi = ctx.number(range[1], path + "[1]");
    if (!lo || !hi) return;
    p.lo = *lo, p.hi = *hi;
    if (!(p.lo < p.hi)) ctx.problem(range, path, "low " + short_number(p.lo) + " is not below high " + short_number(p.hi));
    else if (row && (p.lo < row->lo || p.hi > row->hi))
        ctx.problem(range, path, "[" + short_number(p.lo) + ", " + short_number(p.hi) + "] leaves the coefficient's valid range [" +
                                     short_number(row->lo) + ", " + short_number(row->hi) + "]");
    if (p.log && p.lo <= 0) ctx.problem(range, path, "a log scale needs low > 0, got " + short_number(p.lo));
    if (p.start && (*p.start < p.lo || *p.start > p.hi))
        ctx.problem(n["start"], path + ".start", short_number(*p.start) + " is outside the range [" +
                                                     short_number(p.lo) + ", " + short_number(p.hi) + "]");
    spec.parameters.push_back(std::move(p));
}

void load_seeds(LoadContext& ctx, const YAML::Node& n, CalibrationSpec& spec) {
    spec.seeds.clear();
    if (n.IsScalar()) {  // `seeds: K`: seeds 1..K
        if (auto k = ctx.integer(n, "seeds", 1, 1000))
            for (long long i = 1; i <= *k; ++i) spec.seeds.push_back(static_cast<std::uint64_t>(i));
        return;
    }
    if (!ctx.is_sequence(n, "seeds")) return;
    if (n.size() == 0) ctx.problem(n, "seeds", "the list is empty: give at least one seed");
    std::set<long long> seen;
    for (std::size_t i = 0; i < n.size(); ++i)
        if (auto v = ctx.integer(n[i], detail::index_path("seeds", i), 0, std::numeric_limits<long long>::max())) {
            if (!seen.insert(*v).second) ctx.problem(n[i], detail::index_path("seeds", i), "seed " + std::to_string(*v) + " is given twice");
            spec.seeds.push_back(static_cast<std::uint64_t>(*v));
        }
}

void load_abc(LoadContext& ctx, const YAML::Node& n, CalibrationSpec& spec) {
    if (!ctx.check_map(n, "abc", abc_keys)) return;
    AbcSpec& a = spec.abc;
    if (const YAML::Node v = n["particles"]; v.IsDefined())
        if (auto x = ctx.integer(v, "abc.particles", 2, 1000000)) a.sampler.particles = static_cast<int>(*x);
    if (const YAML::Node v = n["generations"]; v.IsDefined())
        if (auto x = ctx.integer(v, "abc.generations", 1, 1000)) a.sampler.generations = static_cast<int>(*x);
    if (const YAML::Node v = n["seeds_per_particle"]; v.IsDefined())
        if (auto x = ctx.integer(v, "abc.seeds_per_particle", 1, 1000)) a.seeds_per_particle = static_cast<int>(*x);
    if (const YAML::Node v = n["quantile"]; v.IsDefined())
        if (auto x = ctx.number_in(v, "abc.quantile", 0, 1)) {
            if (*x <= 0 || *x >= 1) ctx.problem(v, "abc.quantile", "must lie strictly between 0 and 1");
            else a.sampler.quantile = *x;
        }
    if (const YAML::Node v = n["min_acceptance_rate"]; v.IsDefined())
        if (auto x = ctx.number_in(v, "abc.min_acceptance_rate", 0, 1)) {
            if (*x <= 0) ctx.problem(v, "abc.min_acceptance_rate", "must be above 0");
            else a.sampler.min_acceptance_rate = *x;
        }
    if (const YAML::Node v = n["seed"]; v.IsDefined())
        if (auto x = ctx.integer(v, "abc.seed", 0, std::numeric_limits<long long>::max()))
            a.sampler.seed = static_cast<std::uint64_t>(*x);
    if (const YAML::Node v = n["predictive_draws"]; v.IsDefined())
        if (auto x = ctx.integer(v, "abc.predictive_draws", 0, 100000)) a.predictive_draws = static_cast<int>(*x);
}

}  // namespace

std::string to_string(CalibrationMethod m) { return m == CalibrationMethod::abc_smc ? "abc-smc" : "optimiser"; }

std::string to_string(CalibrationObjective o) {
    switch (o) {
    case CalibrationObjective::ard_rescaled: return "ard_rescaled";
    case CalibrationObjective::ard_unrescaled: return "ard_unrescaled";
    case CalibrationObjective::arrivals_deviance: return "arrivals_deviance";
    }
    return "?";
}

CalibrationSpec load_calibration_text(const std::string& text, const std::string& name_for_errors,
                                      const std::string& base_dir) {
    Diagnostics diag;
    LoadContext ctx{name_for_errors, base_dir, diag};
    const YAML::Node r = detail::parse_yaml_map(text, name_for_errors, "calibration keys (cases, parameters, ...)");
    CalibrationSpec spec;
    spec.file = name_for_errors;
    ctx.check_map(r, "", top_keys);
    if (const YAML::Node n = ctx.need(r, "cases", ""); n.IsDefined() && ctx.is_sequence(n, "cases")) {
        if (n.size() == 0) ctx.problem(n, "cases", "the list is empty: give at least one case with observed data");
        for (std::size_t i = 0; i < n.size(); ++i) load_case(ctx, n[i], detail::index_path("cases", i), base_dir, spec);
    }
    if (const YAML::Node n = ctx.need(r, "parameters", ""); n.IsDefined() && ctx.check_map(n, "parameters", {})) {
        if (n.size() == 0) ctx.problem(n, "parameters", "empty: give at least one coefficient with its range");
        for (auto it = n.begin(); it != n.end(); ++it) load_parameter(ctx, it->first, it->second, spec);
    }
    if (const YAML::Node n = r["objective"]; n.IsDefined())
        if (auto v = ctx.string(n, "objective")) {
            if (*v == "ard_rescaled") spec.objective = CalibrationObjective::ard_rescaled;
            else if (*v == "ard_unrescaled") spec.objective = CalibrationObjective::ard_unrescaled;
            else if (*v == "arrivals_deviance") spec.objective = CalibrationObjective::arrivals_deviance;
            else ctx.problem(n, "objective", "got `" + *v + "`, expected ard_rescaled, ard_unrescaled or arrivals_deviance");
        }
    if (const YAML::Node n = r["seeds"]; n.IsDefined()) load_seeds(ctx, n, spec);
    if (const YAML::Node n = r["budget"]; n.IsDefined())
        if (auto v = ctx.integer(n, "budget", 1, 1000000)) spec.budget = static_cast<int>(*v);
    if (const YAML::Node n = r["algorithm"]; n.IsDefined())
        if (auto v = ctx.string(n, "algorithm")) {
            if (std::find(algorithms.begin(), algorithms.end(), *v) != algorithms.end()) spec.algorithm = *v;
            else {
                std::string msg = "got `" + *v + "`, expected one of NLopt's derivative-free bounded algorithms: ";
                for (std::size_t i = 0; i < algorithms.size(); ++i) msg += (i ? ", " : "") + algorithms[i];
                ctx.problem(n, "algorithm", msg);
            }
        }
    if (const YAML::Node n = r["optimiser_seed"]; n.IsDefined())
        if (auto v = ctx.integer(n, "optimiser_seed", 0, std::numeric_limits<long long>::max()))
            spec.optimiser_seed = static_cast<std::uint64_t>(*v);
    if (const YAML::Node n = r["tolerance"]; n.IsDefined())
        if (auto v = ctx.number_in(n, "tolerance", 0, 1)) spec.tolerance = *v;
    if (const YAML::Node n = r["method"]; n.IsDefined())
        if (auto v = ctx.string(n, "method")) {
            if (*v == "optimiser") spec.method = CalibrationMethod::optimiser;
            else if (*v == "abc-smc") spec.method = CalibrationMethod::abc_smc;
            else ctx.problem(n, "method", "got `" + *v + "`, expected optimiser or abc-smc");
        }
    // Read whatever the method: `--method abc-smc` uses them on a file written for the optimiser.
    if (const YAML::Node n = r["abc"]; n.IsDefined()) load_abc(ctx, n, spec);
    spec.output_dir = detail::resolve_relative(base_dir, std::filesystem::path(name_for_errors).stem().string() + "_out");
    if (const YAML::Node n = r["output_dir"]; n.IsDefined())
        if (auto v = ctx.string(n, "output_dir")) {
            if (v->empty()) ctx.problem(n, "output_dir", "must not be empty");
            spec.output_dir = detail::resolve_relative(base_dir, *v);
        }
    if (!diag.empty()) throw InputError(detail::in_reading_order(diag.problems()));
    return spec;
}

CalibrationSpec load_calibration(const std::string& path) {
    const std::string text = read_yaml_file(path, "calibration file");
    const auto slash = path.find_last_of('/');
    const std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash);
    return load_calibration_text(text, path, dir);
}

std::string calibration_fingerprint(const CalibrationSpec& spec) {
    std::ostringstream o;
    o.precision(17);
    o << "migflow " << MIGFLOW_VERSION << " calibration\n";
    for (const CalibrationCase& c : spec.cases) {
        o << "case " << c.name << " " << std::filesystem::absolute(c.path).lexically_normal().string()
          << (c.native ? " ruleset native" : "") << "\n";
        for (const auto& [k, v] : c.set) o << "  set " << k << "=" << v << "\n";
    }
    for (const CalibrationParameter& p : spec.parameters) {
        o << "parameter " << p.key << " [" << p.lo << ", " << p.hi << "]" << (p.log ? " log" : "");
        if (p.start) o << " start " << *p.start;
        o << "\n";
    }
    o << "objective " << to_string(spec.objective) << "\nseeds";
    for (auto s : spec.seeds) o << " " << s;
    o << "\nalgorithm " << spec.algorithm << "\noptimiser_seed " << spec.optimiser_seed
      << "\ntolerance " << spec.tolerance << "\n";
    // Only an ABC calibration says so: an optimiser's fingerprint stays as it was.
    if (spec.method == CalibrationMethod::abc_smc)
        o << "method abc-smc\nparticles " << spec.abc.sampler.particles << "\ngenerations " << spec.abc.sampler.generations
          << "\nseeds_per_particle " << spec.abc.seeds_per_particle << "\nquantile " << spec.abc.sampler.quantile
          << "\nmin_acceptance_rate " << spec.abc.sampler.min_acceptance_rate << "\nabc_seed " << spec.abc.sampler.seed
          << "\npredictive_draws " << spec.abc.predictive_draws << "\n";
    return o.str();
}

}  // namespace migflow
