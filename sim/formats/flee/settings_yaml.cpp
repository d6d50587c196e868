// Flee 3 settings (simsetting.yml or a scenario's `flee:` block) -> FleeSettings.
// Every key Flee 3 reads is either applied or reported by name; see docs/FLEE.md.
#include "formats/flee/settings_yaml.hpp"

#include <charconv>
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

void parse_move_rules(Ctx& c, const YAML::Node& m, FleeMoveRules& r) {
    struct Num {
        const char* key;
        double FleeMoveRules::*member;
        double lo, hi;
    };
    static const Num nums[] = {
        {"max_move_speed", &FleeMoveRules::max_move_speed, 1e-9, 1e6},
        {"max_walk_speed", &FleeMoveRules::max_walk_speed, 1e-9, 1e6},
        {"max_crossing_speed", &FleeMoveRules::max_crossing_speed, 0, 1e6},
        {"foreign_weight", &FleeMoveRules::foreign_weight, 0, 1e9},
        {"camp_weight", &FleeMoveRules::camp_weight, 0, 1e9},
        {"conflict_weight", &FleeMoveRules::conflict_weight, 0, 1e9},
        {"conflict_movechance", &FleeMoveRules::conflict_movechance, 0, 1},
        {"camp_movechance", &FleeMoveRules::camp_movechance, 0, 1},
        {"idpcamp_movechance", &FleeMoveRules::idpcamp_movechance, 0, 1},
        {"default_movechance", &FleeMoveRules::default_movechance, 0, 1},
        {"capacity_buffer", &FleeMoveRules::capacity_buffer, 0, 1},
        {"capacity_scaling", &FleeMoveRules::capacity_scaling, 0, 1e9},
        {"softening", &FleeMoveRules::softening, 0, 1e9},
        {"weight_softening", &FleeMoveRules::weight_softening, 0, 1e9},
        {"distance_power", &FleeMoveRules::distance_power, -100, 100},
        {"weight_power", &FleeMoveRules::weight_power, -100, 100},
        {"movechance_pop_base", &FleeMoveRules::movechance_pop_base, 1e-9, 1e15},
        {"movechance_pop_scale_factor", &FleeMoveRules::movechance_pop_scale_factor, -100, 100},
        // Only meaningful with stay_close_to_home / use_pop_for_loc_weight, which are
        // rejected unless false; accepted so that a template listing them loads.
        {"home_distance_power", nullptr, -100, 100},
        {"pop_power_for_loc_weight", nullptr, -100, 100},
    };
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
    for (const auto& n : nums) known.push_back(n.key);
    for (const auto& u : unsupported) known.push_back(u[0]);
    for (const char* k : {"awareness_level", "start_on_foot", "avoid_short_stints", "flood_rules"})
        known.push_back(k);

    check_duplicates(c, m, "move_rules.");
    for (const auto& kv : m) {
        const std::string k = kv.first.as<std::string>();
        const std::string key = "move_rules." + k;
        const YAML::Node& v = kv.second;
        bool done = false;
        for (const auto& n : nums) {
            if (k != n.key) continue;
            double x = 0.0;
            if (read_double(c, v, key, n.lo, n.hi, x) && n.member) r.*(n.member) = x;
            done = true;
        }
        for (const auto& u : unsupported) {
            if (k != u[0]) continue;
            reject_unless_false(c, v, key, u[1]);
            done = true;
        }
        if (done) continue;
        if (k == "awareness_level") {
            double x = 0.0;
            if (read_double(c, v, key, 0, 3, x)) {
                if (x != std::floor(x))
                    c.problem(v, key, "got " + v.Scalar() + ", expected a whole number in [0, 3]");
                else
                    r.awareness_level = static_cast<int>(x);
            }
        } else if (k == "start_on_foot") {
            read_bool(c, v, key, r.start_on_foot);
        } else if (k == "avoid_short_stints") {
            read_bool(c, v, key, r.avoid_short_stints);
        } else if (k == "flood_rules") {
            c.problem(kv.first, key, "not supported by migflow's flee ruleset (flood rules, DFlee)");
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

void parse_spawn_rules(Ctx& c, const YAML::Node& m, FleeSpawnRules& r) {
    static const std::vector<std::string> known = {
        "take_from_population", "insert_day0", "conflict_spawn_decay",
        "conflict_spawn_decay_interval", "conflict_driven_spawning", "conflict_zone_spawning_only",
        "flood_zone_spawning_only", "flood_driven_spawning", "camps_are_sinks", "camps_are_sicks",
        "read_from_agents_csv_file", "sum_from_camps", "empty_camps_on_day0"};
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
            parse_conflict_driven(c, v, r);
        } else if (k == "conflict_zone_spawning_only") {
            bool b = true;
            if (read_bool(c, v, key, b) && !b)
                c.problem(v, key, "not supported by migflow's flee ruleset (spawning outside conflict zones); only true is accepted");
        } else if (k == "sum_from_camps") {
            bool b = true;
            if (read_bool(c, v, key, b) && !b)
                c.problem(v, key, "not supported by migflow's flee ruleset (spawning from the total file); only true is accepted");
        } else if (k == "flood_zone_spawning_only" || k == "camps_are_sinks" || k == "camps_are_sicks" ||
                   k == "read_from_agents_csv_file" || k == "empty_camps_on_day0") {
            reject_unless_false(c, v, key, k.c_str());
        } else if (k == "flood_driven_spawning") {
            c.problem(kv.first, key, "not supported by migflow's flee ruleset (flood spawning, DFlee)");
        } else {
            unknown_key(c, kv.first, "spawn_rules.", known);
        }
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
                                                   "idp_camps", "markers"};
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
            if (v.IsMap()) parse_move_rules(c, v, s.move);
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
            double x = -1.0;
            if (read_double(c, v, k, -1e9, 1e9, x) && x > 0)
                c.problem(v, k, "not supported: the run length comes from input_csv/sim_period.csv (or `days:`); only -1 is accepted");
        } else if (k == "conflict_input_file") {
            if (!(v.IsScalar() && v.Scalar().empty()) && !v.IsNull())
                c.problem(v, k, "not supported: conflicts are read from input_csv/conflicts.csv");
        } else if (k == "idp_camps") {
            parse_names(c, v, k, s.idp_camps);
        } else if (k == "markers") {
            parse_names(c, v, k, s.markers);
        } else {
            unknown_key(c, kv.first, "", known);
        }
    }
    return s;
}

std::string flee_settings_to_yaml(const FleeSettings& s, int indent) {
    const std::string p(static_cast<std::size_t>(indent), ' ');
    std::ostringstream os;
    const FleeMoveRules& m = s.move;
    auto b = [](bool x) { return x ? "true" : "false"; };
    os << p << "move_rules:\n";
    os << p << "  max_move_speed: " << shortest(m.max_move_speed) << "\n";
    os << p << "  max_walk_speed: " << shortest(m.max_walk_speed) << "\n";
    os << p << "  max_crossing_speed: " << shortest(m.max_crossing_speed) << "\n";
    os << p << "  foreign_weight: " << shortest(m.foreign_weight) << "\n";
    os << p << "  camp_weight: " << shortest(m.camp_weight) << "\n";
    os << p << "  conflict_weight: " << shortest(m.conflict_weight) << "\n";
    os << p << "  conflict_movechance: " << shortest(m.conflict_movechance) << "\n";
    os << p << "  camp_movechance: " << shortest(m.camp_movechance) << "\n";
    os << p << "  idpcamp_movechance: " << shortest(m.idpcamp_movechance) << "\n";
    os << p << "  default_movechance: " << shortest(m.default_movechance) << "\n";
    os << p << "  awareness_level: " << m.awareness_level << "\n";
    os << p << "  capacity_buffer: " << shortest(m.capacity_buffer) << "\n";
    os << p << "  capacity_scaling: " << shortest(m.capacity_scaling) << "\n";
    os << p << "  softening: " << shortest(m.softening) << "\n";
    os << p << "  weight_softening: " << shortest(m.weight_softening) << "\n";
    os << p << "  distance_power: " << shortest(m.distance_power) << "\n";
    os << p << "  weight_power: " << shortest(m.weight_power) << "\n";
    os << p << "  movechance_pop_base: " << shortest(m.movechance_pop_base) << "\n";
    os << p << "  movechance_pop_scale_factor: " << shortest(m.movechance_pop_scale_factor) << "\n";
    os << p << "  start_on_foot: " << b(m.start_on_foot) << "\n";
    os << p << "  avoid_short_stints: " << b(m.avoid_short_stints) << "\n";
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
    return os.str();
}

}  // namespace migflow
