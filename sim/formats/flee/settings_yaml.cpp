// Flee 3 settings (simsetting.yml or a scenario's `flee:` block) -> FleeSettings.
// Every key Flee 3 reads is either applied or reported by name; see docs/FLEE.md.
#include "formats/flee/settings_yaml.hpp"

#include "migflow/rules/flee/move_params.hpp"

#include <charconv>
#include <optional>
#include <cmath>
#include <sstream>
#include <unordered_set>

namespace migflow {

namespace {

struct Ctx {
    const std::string& file;
    Diagnostics& d;
    void problem(const YAML::Node& n, const std::string& key, const std::string& msg) {
        const YAML::Mark m = n.Mark();
        d.add(file, m.line >= 0 ? m.line + 1 : 0, m.column >= 0 ? m.column + 1 : 0, key, msg);
    }
};

bool read_double(Ctx& c, const YAML::Node& n, const std::string& key, double lo, double hi,
                 double& out) {
    double v = 0.0;
    try {
        if (!n.IsScalar()) throw YAML::Exception(n.Mark(), "not a scalar");
        v = n.as<double>();
    } catch (const YAML::Exception&) {
        c.problem(n, key, "expected a number");
        return false;
    }
    if (!(v >= lo && v <= hi) || !std::isfinite(v)) {
        std::ostringstream os;
        os << "got " << n.Scalar() << ", expected a number in [" << lo << ", " << hi << "]";
        c.problem(n, key, os.str());
        return false;
    }
    out = v;
    return true;
}

bool read_bool(Ctx& c, const YAML::Node& n, const std::string& key, bool& out) {
    try {
        if (!n.IsScalar()) throw YAML::Exception(n.Mark(), "not a scalar");
        out = n.as<bool>();  // yaml-cpp accepts true/false/True/False/yes/no/on/off
        return true;
    } catch (const YAML::Exception&) {
        c.problem(n, key, "expected true or false");
        return false;
    }
}

// Keys Flee 3 reads that migflow does not reproduce: only their neutral value is accepted.
void reject_unless_false(Ctx& c, const YAML::Node& n, const std::string& key, const char* what) {
    bool b = false;
    if (read_bool(c, n, key, b) && b)
        c.problem(n, key, std::string("not supported by migflow's flee ruleset (") + what +
                              "); only false is accepted");
}

// Flags a key given twice (yaml-cpp keeps the first silently): once per repetition,
// in one pass, so that a key repeated thousands of times costs no more than it is long.
void check_duplicates(Ctx& c, const YAML::Node& map, const std::string& prefix) {
    std::unordered_set<std::string> seen;
    for (const auto& kv : map) {
        const std::string k = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
        if (!seen.insert(k).second) c.problem(kv.first, prefix + k, "given more than once");
    }
}

void unknown_key(Ctx& c, const YAML::Node& key_node, const std::string& prefix,
                 const std::vector<std::string>& known) {
    const std::string k = key_node.as<std::string>();
    std::string msg = "unknown key";
    const std::string hint = did_you_mean(k, known);
    if (!hint.empty()) msg += "; " + hint;
    c.problem(key_node, prefix + k, msg);
}

bool read_list(Ctx& c, const YAML::Node& v, const std::string& key, double lo, double hi,
               std::vector<double>& out) {
    out.clear();
    if (!v.IsSequence()) {
        c.problem(v, key, "expected a list of numbers, e.g. [0.0, 0.1, 0.2]");
        return false;
    }
    bool ok = true;
    for (std::size_t i = 0; i < v.size(); ++i) {
        double x = 0.0;
        if (read_double(c, v[i], key + "[" + std::to_string(i) + "]", lo, hi, x)) out.push_back(x);
        else ok = false;
    }
    return ok;
}

bool read_whole(Ctx& c, const YAML::Node& v, const std::string& key, int lo, int hi, int& out) {
    double x = 0.0;
    if (!read_double(c, v, key, lo, hi, x)) return false;
    if (x != std::floor(x)) {
        c.problem(v, key, "got " + v.Scalar() + ", expected a whole number");
        return false;
    }
    out = static_cast<int>(x);
    return true;
}

// move_rules.flood_rules (DFlee). Flee enables its flood rules as soon as the block
// is given; they only act where flood_level.csv gives a level above 0.
void parse_flood_rules(Ctx& c, const YAML::Node& m, FleeFloodRules& f) {
    const std::string pre = "move_rules.flood_rules.";
    f.enabled = true;
    if (m.IsNull()) return;
    if (!m.IsMap()) {
        c.problem(m, "move_rules.flood_rules", "expected a mapping (flood_movechances, flood_loc_weights, ...)");
        return;
    }
    static const std::vector<std::string> known = {
        "flood_movechances", "flood_loc_weights", "flood_link_weights", "max_flood_level", "flood_forecaster",
        "flood_forecaster_timescale", "flood_forecaster_end_time", "flood_forecaster_weights",
        "flood_awareness_weights"};
    check_duplicates(c, m, pre);
    for (const auto& kv : m) {
        const std::string k = kv.first.as<std::string>();
        const std::string key = pre + k;
        const YAML::Node& v = kv.second;
        if (k == "flood_movechances") read_list(c, v, key, 0, 1, f.movechances);
        else if (k == "flood_loc_weights") read_list(c, v, key, 0, 1e9, f.loc_weights);
        else if (k == "flood_forecaster") read_bool(c, v, key, f.forecaster);
        else if (k == "flood_forecaster_timescale") read_whole(c, v, key, 0, 100000, f.forecaster_timescale);
        else if (k == "flood_forecaster_end_time") read_whole(c, v, key, 0, 10000000, f.forecaster_end_time);
        else if (k == "flood_forecaster_weights") read_list(c, v, key, 0, 1e9, f.forecaster_weights);
        else if (k == "flood_awareness_weights") read_list(c, v, key, 0, 1e9, f.awareness_weights);
        else if (k == "flood_link_weights") {
            // Flee reads it and says "not supported yet"; so does migflow (no effect).
            if (!v.IsNull()) {
                std::vector<double> ignored;
                read_list(c, v, key, 0, 1e9, ignored);
            }
        } else if (k == "max_flood_level") {
            double x = 0.0;
            read_double(c, v, key, -1, 1e6, x);
        } else {
            unknown_key(c, kv.first, pre, known);
        }
    }
}

void parse_move_rules(Ctx& c, const YAML::Node& m, FleeMoveRules& r, FleeFloodRules& flood) {
    // Only meaningful with stay_close_to_home / use_pop_for_loc_weight, which are
    // rejected unless false; accepted so that a template listing them loads.
    static const char* accepted_unused[] = {"home_distance_power", "pop_power_for_loc_weight"};
    static const char* unsupported[][2] = {
        {"use_v1_rules", "Flee 1 rules"},
        {"stay_close_to_home", "home distance weighting"},
        {"use_pop_for_loc_weight", "population location weighting"},
        {"ChildrenAvoidHazards", "demographic rules"},
        {"BoysTakeRisk", "demographic rules"},
        {"MatchCampEthnicity", "demographic rules"},
        {"MatchTownEthnicity", "demographic rules"},
        {"MatchConflictEthnicity", "demographic rules"},
    };
    std::vector<std::string> known;
    for (const FleeMoveParam& n : flee_move_params()) known.emplace_back(n.key);
    for (const char* k : accepted_unused) known.push_back(k);
    for (const auto& u : unsupported) known.push_back(u[0]);
    for (const char* k : {"start_on_foot", "avoid_short_stints", "flood_rules", "max_flood_level"}) known.push_back(k);

    check_duplicates(c, m, "move_rules.");
    for (const auto& kv : m) {
        const std::string k = kv.first.as<std::string>();
        const std::string key = "move_rules." + k;
        const YAML::Node& v = kv.second;
        bool done = false;
        for (const FleeMoveParam& n : flee_move_params()) {
            if (k != n.key) continue;
            double x = 0.0;
            if (read_double(c, v, key, n.lo, n.hi, x)) {
                if (n.whole && x != std::floor(x))
                    c.problem(v, key, "got " + v.Scalar() + ", expected a whole number in [" + short_number(n.lo) +
                                          ", " + short_number(n.hi) + "]");
                else
                    n.set(r, x);
            }
            done = true;
        }
        for (const char* a : accepted_unused) {
            if (k != a) continue;
            double x = 0.0;
            read_double(c, v, key, -100, 100, x);
            done = true;
        }
        for (const auto& u : unsupported) {
            if (k != u[0]) continue;
            reject_unless_false(c, v, key, u[1]);
            done = true;
        }
        if (done) continue;
        if (k == "start_on_foot") {
            read_bool(c, v, key, r.start_on_foot);
        } else if (k == "avoid_short_stints") {
            read_bool(c, v, key, r.avoid_short_stints);
        } else if (k == "flood_rules") {
            parse_flood_rules(c, v, flood);
        } else if (k == "max_flood_level") {
            // DFlee's examples put it here; Flee reads it only inside flood_rules and
            // uses it nowhere. Accepted as a number.
            double x = 0.0;
            read_double(c, v, key, 0, 1e6, x);
        } else {
            unknown_key(c, kv.first, "move_rules.", known);
        }
    }
}

void parse_conflict_driven(Ctx& c, const YAML::Node& m, FleeSpawnRules& r) {
    const std::string pre = "spawn_rules.conflict_driven_spawning.";
    r.mode = FleeSpawnMode::constant;  // Flee's default spawn_mode
    if (m.IsNull()) return;
    if (!m.IsMap()) {
        c.problem(m, pre.substr(0, pre.size() - 1), "expected a mapping (spawn_mode, displaced_per_conflict_day)");
        return;
    }
    check_duplicates(c, m, pre);
    bool have_count = false;
    for (const auto& kv : m) {
        const std::string k = kv.first.as<std::string>();
        if (k == "spawn_mode") {
            const std::string s = kv.second.IsScalar() ? kv.second.Scalar() : std::string();
            std::string low;
            for (char ch : s) low += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (low == "constant") r.mode = FleeSpawnMode::constant;
            else if (low == "pop_ratio") r.mode = FleeSpawnMode::pop_ratio;
            else if (low == "poisson") r.mode = FleeSpawnMode::poisson;
            else c.problem(kv.second, pre + k, "got `" + s + "`, expected constant, pop_ratio or poisson");
        } else if (k == "displaced_per_conflict_day") {
            have_count = read_double(c, kv.second, pre + k, 0, 1e12, r.displaced_per_conflict_day);
        } else {
            unknown_key(c, kv.first, pre, {"spawn_mode", "displaced_per_conflict_day"});
        }
    }
    // Flee's default differs by mode: a share for pop_ratio, a count otherwise.
    if (!have_count) r.displaced_per_conflict_day = r.mode == FleeSpawnMode::pop_ratio ? 0.01 : 500.0;
}

// flood_driven_spawning as a mapping, or DFlee's examples' flood_driven_spawn_mode:
// {flood_spawn_mode (or spawn_mode), displaced_per_flood_day}.
void parse_flood_spawn(Ctx& c, const YAML::Node& m, const std::string& pre, FleeSpawnRules& r,
                       bool& have_list) {
    if (m.IsNull()) return;
    if (!m.IsMap()) {
        c.problem(m, pre, "expected a mapping (flood_spawn_mode, displaced_per_flood_day)");
        return;
    }
    check_duplicates(c, m, pre + ".");
    for (const auto& kv : m) {
        const std::string k = kv.first.as<std::string>();
        const std::string key = pre + "." + k;
        if (k == "flood_spawn_mode" || k == "spawn_mode") {
            const std::string s = kv.second.IsScalar() ? kv.second.Scalar() : std::string();
            std::string low;
            for (char ch : s) low += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (low == "constant") r.flood_mode = FleeFloodSpawnMode::constant;
            else if (low == "pop_ratio") r.flood_mode = FleeFloodSpawnMode::pop_ratio;
            else if (low == "poisson") r.flood_mode = FleeFloodSpawnMode::poisson;
            else c.problem(kv.second, key, "got `" + s + "`, expected constant, pop_ratio or poisson");
        } else if (k == "displaced_per_flood_day") {
            have_list = read_list(c, kv.second, key, 0, 1e12, r.displaced_per_flood_day);
        } else {
            unknown_key(c, kv.first, pre + ".", {"flood_spawn_mode", "spawn_mode", "displaced_per_flood_day"});
        }
    }
}

void parse_spawn_rules(Ctx& c, const YAML::Node& m, FleeSpawnRules& r) {
    static const std::vector<std::string> known = {
        "take_from_population", "insert_day0", "conflict_spawn_decay",
        "conflict_spawn_decay_interval", "conflict_driven_spawning", "conflict_zone_spawning_only",
        "flood_zone_spawning_only", "flood_driven_spawning", "flood_driven_spawn_mode", "camps_are_sinks",
        "camps_are_sicks", "read_from_agents_csv_file", "sum_from_camps", "empty_camps_on_day0"};
    bool conflict_only = true, flood_only = false, flood_given = false, have_list = false;
    std::optional<YAML::Node> conflict_driven, conflict_only_node, flood_node;
    check_duplicates(c, m, "spawn_rules.");
    for (const auto& kv : m) {
        const std::string k = kv.first.as<std::string>();
        const std::string key = "spawn_rules." + k;
        const YAML::Node& v = kv.second;
        if (k == "take_from_population") {
            read_bool(c, v, key, r.take_from_population);
        } else if (k == "insert_day0") {
            read_bool(c, v, key, r.insert_day0);
        } else if (k == "conflict_spawn_decay") {
            r.conflict_spawn_decay.clear();
            if (v.IsNull()) continue;
            if (!v.IsSequence()) {
                c.problem(v, key, "expected a list of numbers, e.g. [1.0, 1.0, 0.5]");
                continue;
            }
            for (std::size_t i = 0; i < v.size(); ++i) {
                double x = 0.0;
                if (read_double(c, v[i], key + "[" + std::to_string(i) + "]", 0, 1e9, x))
                    r.conflict_spawn_decay.push_back(x);
            }
        } else if (k == "conflict_spawn_decay_interval") {
            double x = 0.0;
            if (read_double(c, v, key, 1, 1e6, x)) r.conflict_spawn_decay_interval = static_cast<int>(x);
        } else if (k == "conflict_driven_spawning") {
            conflict_driven.emplace(v);
        } else if (k == "conflict_zone_spawning_only") {
            // false changes nothing by itself: only conflict locations have a spawn weight.
            read_bool(c, v, key, conflict_only);
            conflict_only_node.emplace(v);
        } else if (k == "flood_zone_spawning_only") {
            read_bool(c, v, key, flood_only);
        } else if (k == "flood_driven_spawning") {
            flood_node.emplace(kv.first);
            if (v.IsMap()) {
                flood_given = true;
                parse_flood_spawn(c, v, key, r, have_list);
            } else {
                bool b = false;
                if (read_bool(c, v, key, b)) flood_given = b;
            }
        } else if (k == "flood_driven_spawn_mode") {
            parse_flood_spawn(c, v, key, r, have_list);
        } else if (k == "empty_camps_on_day0") {
            read_bool(c, v, key, r.empty_camps_on_day0);
        } else if (k == "sum_from_camps") {
            bool b = true;
            if (read_bool(c, v, key, b) && !b)
                c.problem(v, key, "not supported by migflow's flee ruleset (spawning from the total file); only true is accepted");
        } else if (k == "camps_are_sinks" || k == "camps_are_sicks" || k == "read_from_agents_csv_file") {
            reject_unless_false(c, v, key, k.c_str());
        } else {
            unknown_key(c, kv.first, "spawn_rules.", known);
        }
    }
    // Flee's reading order: flood_zone_spawning_only picks the flood branch, where
    // conflict_driven_spawning is not read at all.
    if (conflict_only && flood_only)
        c.problem(conflict_only_node ? *conflict_only_node : m, "spawn_rules.conflict_zone_spawning_only",
                  "Flee stops when both conflict_zone_spawning_only (true by default) and "
                  "flood_zone_spawning_only are true; set conflict_zone_spawning_only: false for flood spawning");
    if (!flood_only && conflict_driven) parse_conflict_driven(c, *conflict_driven, r);
    if (flood_only && flood_given) {
        r.flood_driven = true;
        if (!have_list && r.flood_mode != FleeFloodSpawnMode::pop_ratio)
            r.displaced_per_flood_day = {0, 100, 200, 300, 500};  // Flee's default for counts
        if (!r.take_from_population)
            c.problem(flood_node ? *flood_node : m, "spawn_rules.flood_driven_spawning",
                      "Flee stops when flood-driven spawning is on and take_from_population is false; "
                      "set take_from_population: true");
    }
}

void parse_names(Ctx& c, const YAML::Node& v, const std::string& key, std::vector<std::string>& out) {
    out.clear();
    if (v.IsNull()) return;
    if (!v.IsSequence()) {
        c.problem(v, key, "expected a list of region names");
        return;
    }
    for (const auto& n : v) {
        if (n.IsScalar()) out.push_back(n.Scalar());
        else c.problem(n, key, "expected a region name");
    }
}

// migflow's own key `flood_awareness` (written by import-flee from
// demographics_floodawareness.csv): {groups: [..], default: [..], locations: {name: [..]}}.
void parse_awareness(Ctx& c, const YAML::Node& v, FleeFloodAwareness& a) {
    if (v.IsNull()) return;
    if (!v.IsMap()) {
        c.problem(v, "flood_awareness", "expected a mapping with groups, default and locations");
        return;
    }
    for (const auto& kv : v) {
        const std::string k = kv.first.as<std::string>();
        const std::string key = "flood_awareness." + k;
        if (k == "groups") {
            std::vector<double> g;
            read_list(c, kv.second, key, 0, 255, g);
            for (double x : g) a.group_value.push_back(static_cast<int>(x));
        } else if (k == "default") {
            read_list(c, kv.second, key, 0, 1e12, a.default_share);
        } else if (k == "locations") {
            if (!kv.second.IsMap()) {
                c.problem(kv.second, key, "expected a mapping from location name to shares");
                continue;
            }
            for (const auto& l : kv.second) {
                a.locations.push_back(l.first.as<std::string>());
                a.location_share.emplace_back();
                read_list(c, l.second, key + "." + a.locations.back(), 0, 1e12, a.location_share.back());
            }
        } else {
            unknown_key(c, kv.first, "flood_awareness.", {"groups", "default", "locations"});
        }
    }
}

// What Flee needs once the flood rules are on, checked here because Flee itself only
// fails (TypeError, ZeroDivisionError, IndexError) in the middle of a run.
void check_flood(Ctx& c, const YAML::Node& root, const FleeSettings& s) {
    const FleeFloodRules& f = s.flood;
    if (s.spawn.flood_driven && (f.movechances.empty() || f.loc_weights.empty()))
        c.problem(root, "move_rules.flood_rules",
                  "flood-driven spawning needs flood_movechances and flood_loc_weights (Flee fails with a "
                  "TypeError at the first flooded location without them)");
    if (!f.forecaster) return;
    if (f.forecaster_timescale < 1)
        c.problem(root, "move_rules.flood_rules.flood_forecaster_timescale",
                  "the flood forecaster needs a timescale >= 1 (Flee divides by it)");
    if (f.forecaster_weights.size() <= static_cast<std::size_t>(f.forecaster_end_time))
        c.problem(root, "move_rules.flood_rules.flood_forecaster_weights",
                  "needs an entry for every day up to flood_forecaster_end_time (" +
                      std::to_string(f.forecaster_end_time) + "); Flee indexes it by the forecast day");
    if (f.awareness_weights.empty())
        c.problem(root, "move_rules.flood_rules.flood_awareness_weights",
                  "the flood forecaster needs one weight per flood-awareness group");
    for (int g : s.flood_awareness.group_value)
        if (g >= static_cast<int>(f.awareness_weights.size()))
            c.problem(root, "flood_awareness.groups",
                      "group " + std::to_string(g) + " has no entry in flood_awareness_weights");
}

// Shortest text that reads back as the same double (0.1, not 0.10000000000000001).
std::string shortest(double x) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, r.ptr);
}

}  // namespace

FleeSettings parse_flee_settings(const YAML::Node& node, const std::string& file, Diagnostics& d) {
    FleeSettings s;
    Ctx c{file, d};
    if (!node || node.IsNull()) return s;
    if (!node.IsMap()) {
        c.problem(node, "flee", "expected a mapping with move_rules, spawn_rules, optimisations");
        return s;
    }
    static const std::vector<std::string> known = {"move_rules", "spawn_rules", "optimisations",
                                                   "log_levels", "number_of_steps", "conflict_input_file",
                                                   "idp_camps", "markers", "flood_zones", "flood_level_input_file",
                                                   "flood_awareness", "data_total_extra"};
    check_duplicates(c, node, "");
    for (const auto& kv : node) {
        const std::string k = kv.first.as<std::string>();
        const YAML::Node& v = kv.second;
        const bool is_map_or_null = v.IsMap() || v.IsNull();
        if ((k == "move_rules" || k == "spawn_rules" || k == "optimisations" || k == "log_levels") &&
            !is_map_or_null) {
            c.problem(v, k, "expected a mapping");
            continue;
        }
        if (k == "move_rules") {
            if (v.IsMap()) parse_move_rules(c, v, s.move, s.flood);
        } else if (k == "spawn_rules") {
            if (v.IsMap()) parse_spawn_rules(c, v, s.spawn);
        } else if (k == "optimisations") {
            if (!v.IsMap()) continue;
            check_duplicates(c, v, "optimisations.");
            for (const auto& o : v) {
                if (o.first.as<std::string>() == "hasten") {
                    double x = 1.0;
                    if (read_double(c, o.second, "optimisations.hasten", 1, 1e9, x)) {
                        if (x != std::floor(x))
                            c.problem(o.second, "optimisations.hasten", "got " + o.second.Scalar() + ", expected a whole number >= 1");
                        else
                            s.hasten = static_cast<int>(x);
                    }
                } else {
                    unknown_key(c, o.first, "optimisations.", {"hasten"});
                }
            }
        } else if (k == "log_levels") {
            // Accepted and ignored on purpose: it only controls Flee's own logging.
        } else if (k == "number_of_steps") {
            // Flee's run script ignores it (the length comes from sim_period.csv or the
            // command line); so does migflow.
            double x = -1.0;
            read_double(c, v, k, -1e9, 1e9, x);
        } else if (k == "conflict_input_file") {
            if (!(v.IsScalar() && v.Scalar().empty()) && !v.IsNull())
                c.problem(v, k, "not supported: conflicts are read from input_csv/conflicts.csv");
        } else if (k == "idp_camps") {
            parse_names(c, v, k, s.idp_camps);
        } else if (k == "markers") {
            parse_names(c, v, k, s.markers);
        } else if (k == "flood_zones") {
            parse_names(c, v, k, s.flood_zones);
        } else if (k == "flood_level_input_file") {
            if (v.IsScalar()) s.flood_level_input_file = v.Scalar();
            else if (!v.IsNull()) c.problem(v, k, "expected a file name");
        } else if (k == "flood_awareness") {
            parse_awareness(c, v, s.flood_awareness);
        } else if (k == "data_total_extra") {
            read_list(c, v, k, -1e15, 1e15, s.data_total_extra);
        } else {
            unknown_key(c, kv.first, "", known);
        }
    }
    check_flood(c, node, s);
    return s;
}

std::string flee_settings_to_yaml(const FleeSettings& s, int indent) {
    const std::string p(static_cast<std::size_t>(indent), ' ');
    std::ostringstream os;
    const FleeMoveRules& m = s.move;
    auto b = [](bool x) { return x ? "true" : "false"; };
    os << p << "move_rules:\n";
    for (const FleeMoveParam& n : flee_move_params()) os << p << "  " << n.key << ": " << shortest(n.get(m)) << "\n";
    os << p << "  start_on_foot: " << b(m.start_on_foot) << "\n";
    os << p << "  avoid_short_stints: " << b(m.avoid_short_stints) << "\n";
    auto list = [&](const std::vector<double>& v) {
        std::string out = "[";
        for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + shortest(v[i]);
        return out + "]";
    };
    const FleeFloodRules& fl = s.flood;
    if (fl.enabled) {
        os << p << "  flood_rules:\n";
        os << p << "    flood_movechances: " << list(fl.movechances) << "\n";
        os << p << "    flood_loc_weights: " << list(fl.loc_weights) << "\n";
        if (fl.forecaster) {
            os << p << "    flood_forecaster: true\n";
            os << p << "    flood_forecaster_timescale: " << fl.forecaster_timescale << "\n";
            os << p << "    flood_forecaster_end_time: " << fl.forecaster_end_time << "\n";
            os << p << "    flood_forecaster_weights: " << list(fl.forecaster_weights) << "\n";
            os << p << "    flood_awareness_weights: " << list(fl.awareness_weights) << "\n";
        }
    }
    const FleeSpawnRules& r = s.spawn;
    os << p << "spawn_rules:\n";
    os << p << "  take_from_population: " << b(r.take_from_population) << "\n";
    os << p << "  insert_day0: " << b(r.insert_day0) << "\n";
    if (!r.conflict_spawn_decay.empty()) {
        os << p << "  conflict_spawn_decay: [";
        for (std::size_t i = 0; i < r.conflict_spawn_decay.size(); ++i)
            os << (i ? ", " : "") << shortest(r.conflict_spawn_decay[i]);
        os << "]\n";
    }
    os << p << "  conflict_spawn_decay_interval: " << r.conflict_spawn_decay_interval << "\n";
    if (r.mode != FleeSpawnMode::data_driven) {
        const char* mode = r.mode == FleeSpawnMode::constant ? "constant"
                           : r.mode == FleeSpawnMode::pop_ratio ? "pop_ratio" : "poisson";
        os << p << "  conflict_driven_spawning:\n";
        os << p << "    spawn_mode: " << mode << "\n";
        os << p << "    displaced_per_conflict_day: " << shortest(r.displaced_per_conflict_day) << "\n";
    }
    if (r.empty_camps_on_day0) os << p << "  empty_camps_on_day0: true\n";
    if (r.flood_driven) {
        const char* mode = r.flood_mode == FleeFloodSpawnMode::constant ? "constant"
                           : r.flood_mode == FleeFloodSpawnMode::pop_ratio ? "pop_ratio" : "poisson";
        os << p << "  conflict_zone_spawning_only: false\n";
        os << p << "  flood_zone_spawning_only: true\n";
        os << p << "  flood_driven_spawning:\n";
        os << p << "    flood_spawn_mode: " << mode << "\n";
        os << p << "    displaced_per_flood_day: " << list(r.displaced_per_flood_day) << "\n";
    }
    os << p << "optimisations:\n";
    os << p << "  hasten: " << s.hasten << "\n";
    auto names = [&](const char* key, const std::vector<std::string>& v) {
        if (v.empty()) return;
        os << p << key << ": [";
        for (std::size_t i = 0; i < v.size(); ++i) os << (i ? ", " : "") << '"' << v[i] << '"';
        os << "]\n";
    };
    names("idp_camps", s.idp_camps);
    names("markers", s.markers);
    names("flood_zones", s.flood_zones);
    if (!s.data_total_extra.empty()) os << p << "data_total_extra: " << list(s.data_total_extra) << "\n";
    const FleeFloodAwareness& a = s.flood_awareness;
    if (!a.group_value.empty()) {
        std::vector<double> g(a.group_value.begin(), a.group_value.end());
        os << p << "flood_awareness:\n" << p << "  groups: " << list(g) << "\n";
        os << p << "  default: " << list(a.default_share) << "\n";
        if (!a.locations.empty()) {
            os << p << "  locations:\n";
            for (std::size_t i = 0; i < a.locations.size(); ++i)
                os << p << "    \"" << a.locations[i] << "\": " << list(a.location_share[i]) << "\n";
        }
    }
    return os.str();
}

}  // namespace migflow
