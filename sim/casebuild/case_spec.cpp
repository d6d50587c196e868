// The case file of `migflow build-case` (docs/DATA.md "The case file"): read with
// yaml-cpp, every key checked, every problem reported at once.
#include "migflow/casebuild/case_spec.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>

#include "migflow/core/csv.hpp"
#include "migflow/core/errors.hpp"

namespace migflow::casebuild {

namespace {

namespace fs = std::filesystem;

std::string hint(const std::string& suggestion) { return suggestion.empty() ? "" : "; " + suggestion; }

class SpecReader {
public:
    SpecReader(std::string file, fs::path base) : file_(std::move(file)), base_(std::move(base)) {}

    void problem(const YAML::Node& n, const std::string& key, const std::string& message) {
        const YAML::Mark m = n.Mark();
        d_.add(file_, m.line + 1, m.column + 1, key, message);
    }

    // Keys of a map, each known (with a "did you mean" otherwise).
    bool map_of(const YAML::Node& n, const std::string& key, const std::vector<std::string>& known) {
        if (!n.IsMap()) {
            problem(n, key, "expected a map of keys");
            return false;
        }
        for (const auto& kv : n) {
            const std::string k = kv.first.as<std::string>();
            if (std::find(known.begin(), known.end(), k) == known.end())
                problem(kv.first, key.empty() ? k : key + "." + k, "unknown key" + hint(did_you_mean(k, known)));
        }
        return true;
    }

    template <class T>
    void read(const YAML::Node& parent, const std::string& block, const char* key, T& out, const std::string& expected) {
        const YAML::Node n = parent[key];
        if (!n) return;
        try {
            out = n.as<T>();
        } catch (const YAML::Exception&) {
            problem(n, block + key, "got `" + scalar(n) + "`, expected " + expected);
        }
    }

    void number(const YAML::Node& parent, const std::string& block, const char* key, double& out, double lo, double hi) {
        read(parent, block, key, out, "a number");
        if (parent[key] && (out < lo || out > hi))
            problem(parent[key], block + key, "got " + short_number(out) + ", expected a number in [" + short_number(lo) + ", " + short_number(hi) + "]");
    }

    void whole(const YAML::Node& parent, const std::string& block, const char* key, int& out, int lo, int hi) {
        read(parent, block, key, out, "a whole number");
        if (parent[key] && (out < lo || out > hi))
            problem(parent[key], block + key, "got " + std::to_string(out) + ", expected a whole number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }

    std::string path(const YAML::Node& parent, const std::string& block, const char* key, bool required) {
        std::string p;
        read(parent, block, key, p, "a file path");
        if (p.empty()) {
            if (required) problem(parent, block + key, "missing: the path of the input file");
            return p;
        }
        const fs::path resolved = fs::path(p).is_absolute() ? fs::path(p) : base_ / p;
        if (!fs::exists(resolved)) problem(parent[key], block + key, "no file `" + resolved.string() + "`");
        return resolved.string();
    }

    template <class E>
    void choice(const YAML::Node& parent, const std::string& block, const char* key, E& out,
                const std::vector<std::pair<std::string, E>>& options) {
        const YAML::Node n = parent[key];
        if (!n) return;
        const std::string v = scalar(n);
        std::string list;
        for (const auto& [name, value] : options) {
            if (v == name) { out = value; return; }
            list += (list.empty() ? "" : " | ") + name;
        }
        problem(n, block + key, "got `" + v + "`, expected " + list);
    }

    static std::string scalar(const YAML::Node& n) { return n.IsScalar() ? n.Scalar() : std::string("(not a value)"); }

    Diagnostics d_;

private:
    std::string file_;
    fs::path base_;
};

void read_places_block(SpecReader& r, const YAML::Node& n, PlacesSpec& p) {
    if (!n) return r.problem(YAML::Node(), "places", "missing: the places table (`places: {file: places.csv}`)");
    if (!r.map_of(n, "places", {"file", "format", "min_population", "admin_level", "countries", "admin1_names"})) return;
    p.file = r.path(n, "places.", "file", true);
    p.format = p.file.ends_with(".txt") ? PlaceFormat::geonames : PlaceFormat::csv;
    r.choice(n, "places.", "format", p.format, {{"csv", PlaceFormat::csv}, {"geonames", PlaceFormat::geonames}});
    r.number(n, "places.", "min_population", p.min_population, 0, 1e11);
    r.whole(n, "places.", "admin_level", p.admin_level, 0, 2);
    r.read(n, "places.", "countries", p.countries, "a list of country names or codes");
    p.admin1_names = r.path(n, "places.", "admin1_names", false);
}

void read_events_block(SpecReader& r, const YAML::Node& n, EventsSpec& e) {
    if (!r.map_of(n, "events", {"file", "assign", "max_km", "measure", "window_days", "saturation", "onset_min",
                                "event_types", "admin_aliases"}))
        return;
    e.file = r.path(n, "events.", "file", true);
    r.choice(n, "events.", "assign", e.assign,
             {{"nearest", EventAssign::nearest}, {"admin1", EventAssign::admin1}, {"admin2", EventAssign::admin2}});
    r.number(n, "events.", "max_km", e.max_km, 0, 20000);
    r.choice(n, "events.", "measure", e.measure, {{"events", EventMeasure::events}, {"fatalities", EventMeasure::fatalities}});
    r.whole(n, "events.", "window_days", e.window_days, 1, 3650);
    r.number(n, "events.", "saturation", e.saturation, 1e-9, 1e9);
    r.number(n, "events.", "onset_min", e.onset_min, 1e-9, 1e9);
    r.read(n, "events.", "event_types", e.event_types, "a list of ACLED event types");
    r.read(n, "events.", "admin_aliases", e.admin_aliases, "a map from ACLED admin names to the places' admin names");
}

void read_observed_block(SpecReader& r, const YAML::Node& n, std::vector<ObservedSpec>& out) {
    if (!n.IsSequence()) return r.problem(n, "observed", "expected a list of {file, place} or {file, tag}");
    for (std::size_t i = 0; i < n.size(); ++i) {
        const std::string key = "observed[" + std::to_string(i) + "]";
        if (!r.map_of(n[i], key, {"file", "place", "tag"})) continue;
        ObservedSpec o;
        o.file = r.path(n[i], key + ".", "file", true);
        r.read(n[i], key + ".", "place", o.place, "a place or camp name");
        r.read(n[i], key + ".", "tag", o.tag, "an HXL tag such as #affected+idps");
        out.push_back(std::move(o));
    }
}

}  // namespace

CaseSpec load_case_spec(const std::string& file) {
    const std::string text = read_yaml_file(file, "case file");
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        throw InputError({Problem{file, e.mark.line + 1, e.mark.column + 1, "", e.msg}});
    }
    SpecReader r(file, fs::path(file).parent_path());
    CaseSpec s;
    s.file = file;
    if (!r.map_of(root, "", {"name", "start_date", "days", "seed", "places", "camps", "events", "routes", "observed", "native", "flee"}))
        r.d_.throw_if_any();
    r.read(root, "", "name", s.name, "a name");
    if (s.name.empty()) r.problem(root, "name", "missing: the scenario's name");
    std::string start;
    r.read(root, "", "start_date", start, "a date");
    if (const auto d = parse_date(start)) s.start = *d;
    else r.problem(root["start_date"] ? root["start_date"] : root, "start_date", "got `" + start + "`, expected a date YYYY-MM-DD");
    r.whole(root, "", "days", s.days, 1, 100000);
    if (!root["days"]) r.problem(root, "days", "missing: the length of the run in days");
    r.read(root, "", "seed", s.seed, "a whole number >= 0");
    read_places_block(r, root["places"], s.places);
    if (const YAML::Node c = root["camps"]; c && r.map_of(c, "camps", {"file"})) s.camps = r.path(c, "camps.", "file", true);
    if (const YAML::Node e = root["events"]) read_events_block(r, e, s.events);
    if (const YAML::Node n = root["routes"]; n && r.map_of(n, "routes", {"neighbours", "circuity", "osm", "max_snap_km"})) {
        r.whole(n, "routes.", "neighbours", s.neighbours, 1, 50);
        r.number(n, "routes.", "circuity", s.circuity, 1, 10);
        s.osm = r.path(n, "routes.", "osm", false);
        r.number(n, "routes.", "max_snap_km", s.max_snap_km, 0, 1000);
    }
    if (const YAML::Node o = root["observed"]) read_observed_block(r, o, s.observed);
    const std::vector<std::pair<std::string, ConflictForm>> forms = {{"intensity", ConflictForm::intensity}, {"onset", ConflictForm::onset}};
    if (const YAML::Node n = root["native"];
        n && r.map_of(n, "native", {"people_per_agent", "spawn_conflict", "speed_km_per_day", "conflict"})) {
        r.number(n, "native.", "people_per_agent", s.people_per_agent, 0, 1e9);
        r.number(n, "native.", "spawn_conflict", s.spawn_conflict, 0, 1);
        r.number(n, "native.", "speed_km_per_day", s.speed_km_per_day, 1, 5000);
        r.choice(n, "native.", "conflict", s.native_conflict, forms);
    }
    if (const YAML::Node n = root["flee"]; n && r.map_of(n, "flee", {"conflict"})) r.choice(n, "flee.", "conflict", s.flee_conflict, forms);
    r.d_.throw_if_any();
    return s;
}

}  // namespace migflow::casebuild
