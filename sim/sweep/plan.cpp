// Sweep files -> SweepSpec -> the plan (docs/SWEEP.md). Problems are reported the way
// the scenario loader reports them (it lends its LoadContext), and a problem the loader
// finds in an override is moved back to the sweep-file line that wrote the value.
#include "migflow/sweep/plan.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include "migflow/core/csv.hpp"
#include "migflow/formats/flee/import.hpp"
#include "migflow/engine/rng.hpp"
#include "migflow/engine/ruleset.hpp"
#include "migflow/sweep/design.hpp"
#include "scenario/loader_internal.hpp"
#include "core/spec_text.hpp"

namespace migflow {

namespace {

using detail::LoadContext;

const std::vector<std::string> sweep_keys = {"scenario", "output_dir", "seeds",
                                             "set",      "grid",       "samples"};
const std::vector<std::string> sample_keys = {"count", "method", "seed", "ranges", "trajectories", "levels"};

SweepOrigin origin_of(const LoadContext& ctx, const YAML::Node& value, const YAML::Node& key_node,
                      const std::string& key) {
    SweepOrigin o{ctx.file, 0, 0, key};
    if (const YAML::Mark m = value.Mark(); m.line >= 0) o.line = m.line + 1, o.column = m.column + 1;
    if (const YAML::Mark m = key_node.Mark(); m.line >= 0) o.key_line = m.line + 1, o.key_column = m.column + 1;
    return o;
}

std::string default_output_dir(const std::string& file) {
    return std::filesystem::path(file).stem().string() + "_out";
}

void load_seeds(LoadContext& ctx, const YAML::Node& n, SweepSpec& spec) {
    if (n.IsMap()) {
        ctx.check_map(n, "seeds", {"from", "count"});
        const YAML::Node from = ctx.need(n, "from", "seeds"), count = ctx.need(n, "count", "seeds");
        const auto f = from.IsDefined() ? ctx.integer(from, "seeds.from", 0, 1LL << 62) : std::nullopt;
        const auto c = count.IsDefined() ? ctx.integer(count, "seeds.count", 1, 100000) : std::nullopt;
        if (f && c)
            for (long long i = 0; i < *c; ++i) spec.seeds.push_back(static_cast<std::uint64_t>(*f + i));
        return;
    }
    if (!n.IsSequence()) {
        ctx.problem(n, "seeds", "expected a list of seeds or {from: N, count: K}");
        return;
    }
    if (n.size() == 0) ctx.problem(n, "seeds", "the list is empty: give at least one seed");
    std::set<std::uint64_t> seen;
    for (std::size_t i = 0; i < n.size(); ++i) {
        const std::string key = detail::index_path("seeds", i);
        const auto v = ctx.integer(n[i], key, 0, std::numeric_limits<long long>::max());
        if (!v) continue;
        if (!seen.insert(static_cast<std::uint64_t>(*v)).second)
            ctx.problem(n[i], key, "seed " + std::to_string(*v) + " is given twice");
        else spec.seeds.push_back(static_cast<std::uint64_t>(*v));
    }
}

// `seed` is what `seeds:` sets; an override of it would be silently replaced.
// `here` holds the keys of the map being read: a repeat there is a duplicate key, which
// check_map has reported already.
bool check_override_key(LoadContext& ctx, const YAML::Node& k, const std::string& path,
                        std::set<std::string>& used, std::set<std::string>& here) {
    const std::string key = k.Scalar();
    if (!here.insert(key).second) return false;
    if (key == "seed") {
        ctx.problem(k, path, "the seed of each run comes from `seeds:`, not from an override");
        return false;
    }
    if (!used.insert(key).second) {
        ctx.problem(k, path, "`" + key + "` is already set or swept elsewhere in this sweep");
        return false;
    }
    return true;
}

void load_set(LoadContext& ctx, const YAML::Node& n, SweepSpec& spec, std::set<std::string>& used) {
    if (!ctx.check_map(n, "set", {})) return;
    std::set<std::string> here;
    for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string path = detail::join_path("set", it->first.Scalar());
        if (!check_override_key(ctx, it->first, path, used, here)) continue;
        spec.fixed.emplace_back(it->first.Scalar(), detail::override_text(it->second));
        spec.fixed_origins.push_back(origin_of(ctx, it->second, it->first, path));
    }
}

void load_grid(LoadContext& ctx, const YAML::Node& n, SweepSpec& spec, std::set<std::string>& used) {
    if (!ctx.check_map(n, "grid", {})) return;
    if (n.size() == 0) ctx.problem(n, "grid", "empty: give at least one key with its values");
    std::set<std::string> here;
    for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string path = detail::join_path("grid", it->first.Scalar());
        if (!check_override_key(ctx, it->first, path, used, here)) continue;
        const YAML::Node values = it->second;
        if (!values.IsSequence()) {
            ctx.problem(values, path, "expected a list of values to try");
            continue;
        }
        if (values.size() == 0) {
            ctx.problem(values, path, "the list of values is empty: give at least one value");
            continue;
        }
        SweepAxis axis{it->first.Scalar(), {}, {}};
        for (std::size_t i = 0; i < values.size(); ++i) {
            axis.values.push_back(detail::override_text(values[i]));
            axis.origins.push_back(origin_of(ctx, values[i], it->first, detail::index_path(path, i)));
        }
        spec.grid.push_back(std::move(axis));
    }
}

bool is_whole_number_key(const std::string& key) {
    for (const RulesetEntry& r : rulesets())
        for (const RulesetParam& p : r.params())
            if (p.integer && p.path() == key) return true;
    return false;
}

// `[low, high]` or `{min: low, max: high, scale: linear|log}`.
std::optional<SweepRange> load_range(LoadContext& ctx, const YAML::Node& r, const std::string& path) {
    SweepRange out;
    YAML::Node lo_node, hi_node;
    if (r.IsMap()) {
        if (!ctx.check_map(r, path, {"min", "max", "scale"})) return std::nullopt;
        lo_node = ctx.need(r, "min", path), hi_node = ctx.need(r, "max", path);
        if (const YAML::Node sc = r["scale"]; sc.IsDefined()) {
            const auto v = ctx.string(sc, path + ".scale");
            if (v == "log") out.log = true;
            else if (v && *v != "linear") ctx.problem(sc, path + ".scale", "got `" + *v + "`, expected linear or log");
        }
        if (!lo_node.IsDefined() || !hi_node.IsDefined()) return std::nullopt;
    } else if (r.IsSequence() && r.size() == 2) {
        lo_node = r[0], hi_node = r[1];
    } else {
        ctx.problem(r, path, "expected [low, high] or {min: low, max: high, scale: log}");
        return std::nullopt;
    }
    const auto lo = ctx.number(lo_node, path + (r.IsMap() ? ".min" : "[0]"));
    const auto hi = ctx.number(hi_node, path + (r.IsMap() ? ".max" : "[1]"));
    if (!lo || !hi) return std::nullopt;
    if (*lo > *hi) {
        ctx.problem(r, path, "low " + lo_node.Scalar() + " is above high " + hi_node.Scalar());
        return std::nullopt;
    }
    if (out.log && *lo <= 0) {
        ctx.problem(r, path, "a log-scale range needs low > 0, got " + lo_node.Scalar());
        return std::nullopt;
    }
    out.lo = *lo, out.hi = *hi;
    return out;
}

void load_ranges(LoadContext& ctx, const YAML::Node& n, SweepSpec& spec, std::set<std::string>& used) {
    if (!ctx.check_map(n, "samples.ranges", {})) return;
    if (n.size() == 0) ctx.problem(n, "samples.ranges", "empty: give at least one key with [low, high]");
    std::set<std::string> here;
    for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string path = detail::join_path("samples.ranges", it->first.Scalar());
        if (!check_override_key(ctx, it->first, path, used, here)) continue;
        auto range = load_range(ctx, it->second, path);
        if (!range) continue;
        range->key = it->first.Scalar();
        range->origin = origin_of(ctx, it->second, it->first, path);
        range->whole = is_whole_number_key(range->key);
        spec.ranges.push_back(std::move(*range));
    }
}

const char* method_name(SweepSampling m) {
    switch (m) {
        case SweepSampling::latin_hypercube: return "latin_hypercube";
        case SweepSampling::uniform: return "uniform";
        case SweepSampling::sobol: return "sobol";
        case SweepSampling::morris: return "morris";
    }
    return "?";
}

void load_samples(LoadContext& ctx, const YAML::Node& n, SweepSpec& spec, std::set<std::string>& used) {
    if (!ctx.check_map(n, "samples", sample_keys)) return;
    if (const YAML::Node m = n["method"]; m.IsDefined()) {
        const auto v = ctx.string(m, "samples.method");
        bool known = false;
        for (const auto s : {SweepSampling::latin_hypercube, SweepSampling::uniform, SweepSampling::sobol,
                             SweepSampling::morris})
            if (v == method_name(s)) spec.sampling = s, known = true;
        if (v && !known)
            ctx.problem(m, "samples.method", "got `" + *v + "`, expected latin_hypercube, uniform, sobol or morris");
    }
    const bool morris = spec.sampling == SweepSampling::morris;
    // Morris counts trajectories; the other methods count draws (sobol: base rows N).
    const char* count_key = morris ? "trajectories" : "count";
    if (const YAML::Node c = ctx.need(n, count_key, "samples"); c.IsDefined())
        if (const auto v = ctx.integer(c, std::string("samples.") + count_key, 1, 100000)) spec.sample_count = int(*v);
    for (const char* k : {"trajectories", "levels"})
        if (!morris && n[k].IsDefined())
            ctx.problem(n[k], std::string("samples.") + k, "only method morris takes `" + std::string(k) + "`");
    if (morris && n["count"].IsDefined())
        ctx.problem(n["count"], "samples.count", "method morris counts `trajectories`, not `count`");
    if (const YAML::Node l = n["levels"]; morris && l.IsDefined())
        if (const auto v = ctx.integer(l, "samples.levels", 2, 1000)) {
            if (*v % 2) ctx.problem(l, "samples.levels", "got " + l.Scalar() + ", expected an even number of levels");
            else spec.morris_levels = int(*v);
        }
    if (const YAML::Node s = n["seed"]; s.IsDefined())
        if (const auto v = ctx.integer(s, "samples.seed", 0, std::numeric_limits<long long>::max()))
            spec.sample_seed = static_cast<std::uint64_t>(*v);
    if (const YAML::Node r = ctx.need(n, "ranges", "samples"); r.IsDefined()) load_ranges(ctx, r, spec, used);
    const bool design = morris || spec.sampling == SweepSampling::sobol;
    if (spec.sampling == SweepSampling::sobol && int(spec.ranges.size()) > saltelli_max_factors)
        ctx.problem(n["ranges"], "samples.ranges",
                    std::to_string(spec.ranges.size()) + " ranges, method sobol takes at most " +
                        std::to_string(saltelli_max_factors));
    if (design && !spec.grid.empty())
        ctx.problem(n["method"], "samples.method",
                    std::string("method ") + method_name(spec.sampling) +
                        " is a design over the ranges alone: move the grid's keys into `ranges`, or run one sweep per grid value");
}

void check_scenario(LoadContext& ctx, const YAML::Node& root, const SweepSpec& spec) {
    namespace fs = std::filesystem;
    const YAML::Node n = root["scenario"];
    if (spec.scenario.empty()) return;
    std::error_code ec;
    if (!fs::exists(spec.scenario, ec)) {
        ctx.problem(n, "scenario", "no such file or directory `" + spec.scenario + "`");
        return;
    }
    if (!fs::is_directory(spec.scenario, ec)) return;
    if (!is_flee_case_dir(spec.scenario)) {
        ctx.problem(n, "scenario", "`" + spec.scenario + "` is a directory, but not a Flee case");
        return;
    }
    // Overrides edit a YAML tree; a Flee case has none until it is imported.
    for (const char* k : {"set", "grid", "samples"})
        if (root[k].IsDefined())
            ctx.problem(root[k], k, "overrides apply to YAML scenarios; import the Flee case first "
                                    "(`migflow import-flee DIR -o case.yaml`) and sweep that");
}

std::string format_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

// A unit coordinate u in [0, 1] as a value of range r: linear or log-uniform. A
// whole-number parameter's range is widened by half a unit each side and the value
// rounded, so every whole number in [lo, hi] gets an equal share of [0, 1].
std::string place(const SweepRange& r, double u) {
    const double widen = r.whole ? 0.5 : 0.0;
    // (A log range keeps its low end when widening would reach 0 or below.)
    const double lo = r.log && r.lo <= widen ? r.lo : r.lo - widen, hi = r.hi + widen;
    double x = r.log ? std::exp(std::log(lo) + u * (std::log(hi) - std::log(lo))) : lo + (hi - lo) * u;
    if (r.whole) x = std::round(x);
    return format_number(std::clamp(x, r.lo, r.hi));
}

// Where a written value sits in its range, in [0, 1] (the inverse of `place` before
// rounding): a Morris step is measured between the values the runs really used.
double position(const SweepRange& r, const std::string& value) {
    const double x = std::stod(value);
    if (r.hi == r.lo) return 0.0;
    return r.log ? (std::log(x) - std::log(r.lo)) / (std::log(r.hi) - std::log(r.lo)) : (x - r.lo) / (r.hi - r.lo);
}

struct Draws {
    std::vector<std::vector<std::string>> values;  // values[k][d]: draw k, range d
    std::vector<std::vector<std::string>> design;  // design cells of draw k (sobol, morris)
};

Draws design_draws(const SweepSpec& spec) {
    const int k = static_cast<int>(spec.ranges.size());
    const bool morris = spec.sampling == SweepSampling::morris;
    const auto rows = morris ? morris_design(spec.sample_count, k, spec.morris_levels, spec.sample_seed)
                             : saltelli_design(spec.sample_count, k, spec.sample_seed);
    Draws out;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::vector<std::string> v(spec.ranges.size());
        for (std::size_t d = 0; d < v.size(); ++d) v[d] = place(spec.ranges[d], rows[i].unit[d]);
        std::vector<std::string> cells = {rows[i].role, std::to_string(rows[i].group)};
        if (morris) {
            std::string step;
            if (rows[i].role != "start") {
                const std::size_t d = std::stoul(rows[i].role.substr(4)) - 1;
                step = format_number(position(spec.ranges[d], v[d]) - position(spec.ranges[d], out.values.back()[d]));
            }
            cells.push_back(step);
        }
        out.values.push_back(std::move(v));
        out.design.push_back(std::move(cells));
    }
    return out;
}

// count × ranges.size() values: draws[k][d] for sample k and range d.
Draws draw_samples(const SweepSpec& spec) {
    if (spec.sample_count > 0 &&
        (spec.sampling == SweepSampling::sobol || spec.sampling == SweepSampling::morris))
        return design_draws(spec);
    const std::size_t n = static_cast<std::size_t>(spec.sample_count);
    Draws draws;
    auto& out = draws.values;
    out.assign(n, std::vector<std::string>(spec.ranges.size()));
    for (std::size_t d = 0; d < spec.ranges.size(); ++d) {
        const SweepRange& r = spec.ranges[d];
        const auto jitter = stream_key(spec.sample_seed, Purpose::sweep_jitter, static_cast<std::int64_t>(d));
        // Latin hypercube: one draw in each of n equal strata, strata shuffled per range
        // (Fisher-Yates) so that the ranges are paired at random.
        std::vector<std::size_t> stratum(n);
        std::iota(stratum.begin(), stratum.end(), std::size_t(0));
        const auto order = stream_key(spec.sample_seed, Purpose::sweep_order, static_cast<std::int64_t>(d));
        for (std::size_t i = n; i > 1; --i)
            std::swap(stratum[i - 1], stratum[random_bits(order, i) % i]);
        for (std::size_t k = 0; k < n; ++k) {
            const double u = uniform01(random_bits(jitter, k));
            const double x = spec.sampling == SweepSampling::uniform
                                 ? u
                                 : (static_cast<double>(stratum[k]) + u) / static_cast<double>(n);
            out[k][d] = place(r, x);
        }
    }
    return draws;
}

std::string run_file(const std::string& dir, int index, int total) {
    const int width = std::max<int>(3, static_cast<int>(std::to_string(std::max(total - 1, 0)).size()));
    char buf[32];
    std::snprintf(buf, sizeof buf, "run_%0*d.h5", width, index);
    return dir.empty() ? std::string(buf) : dir + "/" + buf;
}

// A loader problem inside an override `path` names the path itself (a path problem,
// e.g. an unknown key) or a key below it (the value's own problems).
bool inside(const std::string& problem_key, const std::string& path) {
    if (problem_key == path) return true;
    if (!problem_key.starts_with(path)) return false;
    const char next = problem_key[path.size()];
    return next == '.' || next == '[';
}

// The apply_override messages (sim/scenario/loader.cpp) that are about the path, not
// the value: they belong on the key's line, once, not on every value.
bool is_path_problem(const std::string& message) {
    for (const char* s : {"unknown key", "has no keys below it", "has no entry", "is not a map in the scenario",
                          "bad list index", "empty key in the path", "cannot set a key inside"})
        if (message.find(s) != std::string::npos) return true;
    return false;
}

// Counted in doubles: a grid of many axes overflows any integer before it is refused.
void check_run_count(LoadContext& ctx, const YAML::Node& root, const SweepSpec& spec) {
    double runs = double(std::max<std::size_t>(spec.seeds.size(), 1));
    std::string how;
    for (const SweepAxis& a : spec.grid) {
        runs *= double(a.values.size());
        how += std::to_string(a.values.size()) + " values of " + a.key + " x ";
    }
    if (spec.sample_count > 0) {
        const double k = double(spec.ranges.size());
        const double per = spec.sampling == SweepSampling::sobol ? k + 2 : spec.sampling == SweepSampling::morris ? k + 1 : 1;
        runs *= spec.sample_count * per;
        how += spec.sampling == SweepSampling::sobol ? std::to_string(spec.sample_count) + " base rows x (" +
                                                           std::to_string(spec.ranges.size()) + " ranges + 2) x "
               : spec.sampling == SweepSampling::morris ? std::to_string(spec.sample_count) + " trajectories x (" +
                                                              std::to_string(spec.ranges.size()) + " ranges + 1) x "
                                                        : std::to_string(spec.sample_count) + " samples x ";
    }
    if (runs <= max_sweep_runs) return;
    char count[32];
    std::snprintf(count, sizeof count, "%.0f", runs);
    const YAML::Node at = root["grid"].IsDefined() ? root["grid"] : root["samples"].IsDefined() ? root["samples"] : root["seeds"];
    const std::string key = root["grid"].IsDefined() ? "grid" : root["samples"].IsDefined() ? "samples" : "seeds";
    ctx.problem(at, key,
                "the sweep has " + std::string(count) + " runs (" + how + std::to_string(spec.seeds.size()) +
                    " seeds), more than the limit of 1000000; split it into several sweeps or sample the space "
                    "(`samples:`) instead of a full grid");
}

std::string strip_index(const std::string& key) {
    if (key.empty() || key.back() != ']') return key;
    return key.substr(0, key.rfind('['));
}

}  // namespace

SweepSpec load_sweep_text(const std::string& text, const std::string& name_for_errors,
                          const std::string& base_dir) {
    Diagnostics diag;
    LoadContext ctx{name_for_errors, base_dir, diag};
    YAML::Node root = detail::parse_yaml_map(text, name_for_errors, "sweep keys (scenario, seeds, grid, ...)");
    const YAML::Node r = root;  // const: lookups must never insert keys
    SweepSpec spec;
    spec.file = name_for_errors;
    ctx.check_map(r, "", sweep_keys);
    if (const YAML::Node n = ctx.need(r, "scenario", ""); n.IsDefined())
        if (const auto v = ctx.string(n, "scenario")) spec.scenario = detail::resolve_relative(base_dir, *v);
    spec.output_dir = detail::resolve_relative(base_dir, default_output_dir(name_for_errors));
    if (const YAML::Node n = r["output_dir"]; n.IsDefined())
        if (const auto v = ctx.string(n, "output_dir")) {
            if (v->empty()) ctx.problem(n, "output_dir", "must not be empty");
            spec.output_dir = detail::resolve_relative(base_dir, *v);
        }
    if (const YAML::Node n = ctx.need(r, "seeds", ""); n.IsDefined()) load_seeds(ctx, n, spec);
    std::set<std::string> used;
    if (const YAML::Node n = r["set"]; n.IsDefined()) load_set(ctx, n, spec, used);
    if (const YAML::Node n = r["grid"]; n.IsDefined()) load_grid(ctx, n, spec, used);
    if (const YAML::Node n = r["samples"]; n.IsDefined()) load_samples(ctx, n, spec, used);
    check_scenario(ctx, r, spec);
    check_run_count(ctx, r, spec);
    if (!diag.empty()) throw InputError(detail::in_reading_order(diag.problems()));
    return spec;
}

SweepSpec load_sweep(const std::string& path) {
    const std::string text = read_yaml_file(path, "sweep file");
    const auto slash = path.find_last_of('/');
    const std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash);
    return load_sweep_text(text, path, dir);
}

std::vector<std::string> swept_keys(const SweepSpec& spec) {
    std::vector<std::string> keys;
    for (const SweepAxis& a : spec.grid) keys.push_back(a.key);
    for (const SweepRange& r : spec.ranges) keys.push_back(r.key);
    return keys;
}

std::vector<std::string> design_columns(const SweepSpec& spec) {
    if (spec.sample_count == 0) return {};
    if (spec.sampling == SweepSampling::sobol) return {"design", "design_group"};
    if (spec.sampling == SweepSampling::morris) return {"design", "design_group", "design_step"};
    return {};
}

std::vector<SweepEntry> plan_sweep(const SweepSpec& spec) {
    std::size_t cells = 1;
    for (const SweepAxis& a : spec.grid) cells *= a.values.size();
    const Draws drawn = draw_samples(spec);
    const auto& draws = drawn.values;
    const std::size_t per_cell = draws.empty() ? 1 : draws.size();
    const std::size_t total = cells * per_cell * spec.seeds.size();

    std::vector<SweepEntry> runs;
    runs.reserve(total);
    for (std::size_t cell = 0; cell < cells; ++cell) {
        // Mixed-radix digits of `cell`, the last grid key fastest.
        std::vector<std::size_t> digit(spec.grid.size());
        for (std::size_t a = spec.grid.size(), rest = cell; a-- > 0;) {
            digit[a] = rest % spec.grid[a].values.size();
            rest /= spec.grid[a].values.size();
        }
        for (std::size_t k = 0; k < per_cell; ++k) {
            SweepEntry base;
            base.point = static_cast<int>(cell * per_cell + k);
            base.overrides = spec.fixed;
            base.origins = spec.fixed_origins;
            for (std::size_t a = 0; a < spec.grid.size(); ++a) {
                base.overrides.emplace_back(spec.grid[a].key, spec.grid[a].values[digit[a]]);
                base.origins.push_back(spec.grid[a].origins[digit[a]]);
            }
            if (!draws.empty())
                for (std::size_t d = 0; d < spec.ranges.size(); ++d) {
                    base.overrides.emplace_back(spec.ranges[d].key, draws[k][d]);
                    base.origins.push_back(spec.ranges[d].origin);
                }
            if (!drawn.design.empty()) base.design = drawn.design[k];
            for (const std::uint64_t seed : spec.seeds) {
                SweepEntry run = base;
                run.index = static_cast<int>(runs.size());
                run.seed = seed;
                run.output = run_file(spec.output_dir, run.index, static_cast<int>(total));
                runs.push_back(std::move(run));
            }
        }
    }
    return runs;
}

void validate_sweep(const SweepSpec& spec, const std::vector<SweepEntry>& runs,
                    const std::function<void(const Overrides&)>& load) {
    std::vector<Problem> out;
    std::set<std::tuple<std::string, int, int, std::string, std::string>> seen;
    auto add = [&](Problem p) {
        if (seen.emplace(p.file, p.line, p.column, p.key, p.message).second) out.push_back(std::move(p));
    };
    int last_point = -1;
    for (const SweepEntry& run : runs) {
        if (run.point == last_point) continue;  // same overrides, other seed: same scenario
        last_point = run.point;
        try {
            load(run.overrides);
        } catch (const InputError& e) {
            for (Problem p : e.problems()) {
                if (p.file == "--set") {
                    for (std::size_t i = 0; i < run.overrides.size(); ++i) {
                        const std::string& path = run.overrides[i].first;
                        if (!inside(p.key, path)) continue;
                        const SweepOrigin& o = run.origins[i];
                        if (is_path_problem(p.message)) {
                            p = Problem{o.file, o.key_line, o.key_column, strip_index(o.key), p.message};
                        } else {
                            const bool sampled = o.key.starts_with("samples.");
                            p = Problem{o.file, o.line, o.column, sampled ? strip_index(o.key) : o.key,
                                        (sampled ? "sampled value " + run.overrides[i].second + ": " : "") +
                                            p.message};
                        }
                        break;
                    }
                }
                add(std::move(p));
            }
        }
    }
    if (!out.empty()) throw InputError(detail::in_reading_order(std::move(out)));
}

}  // namespace migflow
