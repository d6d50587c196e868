// A built case on disk (docs/DATA.md "What build-case writes"): the native scenario
// and its CSV files, the same case in Flee's format under flee/, and ASSUMPTIONS.md.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "migflow/core/output_claim.hpp"
#include "migflow/casebuild/build_case.hpp"
#include "migflow/core/errors.hpp"
#include "migflow/core/text.hpp"

namespace migflow::casebuild {

std::string assumptions_markdown(const BuiltCase& c);  // assumptions.cpp

namespace {

namespace fs = std::filesystem;

std::string exact_number(double x) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, r.ptr);
}

std::string case_csv_cell(const std::string& s) {
    if (s.find_first_of(",\"\n#") == std::string::npos) return s;
    std::string out = "\"";
    for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return out + "\"";
}

// Every file of the case is claimed, written whole, then published with the others.
class Writer {
public:
    Writer(fs::path dir, std::vector<std::string> inputs) : dir_(std::move(dir)), files_(std::move(inputs), "of this case build") {}
    std::ostream& open(const std::string& name) {
        const fs::path p = dir_ / name;
        std::error_code ec;
        fs::create_directories(p.parent_path(), ec);
        return files_.open(p.string());
    }
    std::vector<std::string> publish() {
        files_.publish();
        return files_.paths();
    }

private:
    fs::path dir_;
    ClaimedFiles files_;
};

// The conflict value of node i on day t in the chosen form.
double conflict_value(const BuiltCase& c, std::size_t i, int t, ConflictForm form) {
    if (c.intensity.empty() || c.intensity[i].empty()) return 0.0;
    if (form == ConflictForm::intensity) return c.intensity[i][static_cast<std::size_t>(t)];
    return c.onset[i] && t >= *c.onset[i] ? 1.0 : 0.0;
}

double day0_count(const BuiltCase& c, const std::string& name) {
    for (const ObservedSeries& s : c.observed)
        if (s.place == name) return observed_on(s, c.spec.start);
    return 0.0;
}

void write_native(const BuiltCase& c, Writer& w) {
    const CaseSpec& s = c.spec;
    {
        auto& out = w.open("regions.csv");
        out << "name,type,lat,lon,population,capacity,country\n";
        for (const Node& n : c.nodes)
            out << case_csv_cell(n.name) << ',' << (n.camp ? "camp" : "settlement") << ',' << exact_number(n.lat) << ',' << exact_number(n.lon)
                << ',' << exact_number(n.camp ? std::trunc(day0_count(c, n.name)) : n.population) << ',' << exact_number(n.capacity) << ','
                << case_csv_cell(n.country) << '\n';
    }
    {
        auto& out = w.open("routes.csv");
        out << "from,to,km\n";
        for (const CaseRoute& r : c.routes) out << case_csv_cell(c.nodes[r.a].name) << ',' << case_csv_cell(c.nodes[r.b].name) << ',' << exact_number(r.km) << '\n';
    }
    {
        // Step series: a point on day 0 and on every day the value changes.
        auto& out = w.open("conflict.csv");
        out << "date,region,value\n";
        for (std::size_t i = 0; i < c.nodes.size(); ++i) {
            if (c.intensity.empty() || c.intensity[i].empty()) continue;
            double last = -1.0;
            for (int t = 0; t < s.days; ++t) {
                const double v = conflict_value(c, i, t, s.native_conflict);
                if (v != last) out << format_date(s.start + t) << ',' << case_csv_cell(c.nodes[i].name) << ',' << exact_number(v) << '\n';
                last = v;
            }
        }
    }
    if (!c.observed.empty()) {
        auto& out = w.open("observed.csv");
        out << "date,region,count\n";
        for (const ObservedSeries& o : c.observed)
            for (std::size_t k = 0; k < o.date.size(); ++k)
                out << format_date(o.date[k]) << ',' << case_csv_cell(o.place) << ',' << exact_number(o.count[k]) << '\n';
    }
    auto& out = w.open("scenario.yaml");
    out << "# Written by `migflow build-case " << fs::path(s.file).filename().string() << "`; ASSUMPTIONS.md lists every choice\n"
        << "# and every input row left out. The same case in Flee's format is in flee/.\n"
        << "name: " << double_quoted(s.name) << "\n"
        << "start_date: " << format_date(s.start) << "\n"
        << "days: " << s.days << "\nseed: " << s.seed << "\nruleset: native\n\n"
        << "regions: regions.csv\nroutes: routes.csv\n";
    bool closures = false;
    for (const Node& n : c.nodes) {
        if (!n.opening_day || *n.opening_day >= s.days) continue;
        if (!closures) out << "\n# Camps that open after the start: closed (no one enters) until they open.\nclosures:\n";
        closures = true;
        out << "  - {region: " << double_quoted(n.name) << ", from: " << format_date(s.start)
            << ", to: " << format_date(s.start + *n.opening_day) << "}\n";
    }
    out << "\ndrivers:\n  conflict:\n    interpolation: step\n    default: 0\n";
    if (!c.intensity.empty()) out << "    file: conflict.csv  # " << (s.native_conflict == ConflictForm::intensity ? "intensity in [0, 1]" : "0/1 from each onset") << "\n";
    if (!c.observed.empty()) out << "\nobserved:\n  file: observed.csv\n";
    out << "\n# Only the displaced move: nobody is an agent before the run; conflict displaces\n"
        << "# spawn_conflict of a place's people a day at intensity 1 (docs/MODEL.md §5).\n"
        << "agents:\n  people_per_agent: " << exact_number(c.people_per_agent) << "\n  mobile_fraction: 0\n  spawn_conflict: "
        << exact_number(s.spawn_conflict) << "\nbehaviour:\n  speed_km_per_day: " << exact_number(s.speed_km_per_day) << "\n"
        << "output:\n  file: " << double_quoted(s.name + ".h5") << "\n";
}

void write_flee(const BuiltCase& c, Writer& w) {
    const CaseSpec& s = c.spec;
    {
        auto& out = w.open("flee/input_csv/locations.csv");
        out << "#name,region,country,latitude,longitude,location_type,conflict_date,population\n";
        for (std::size_t i = 0; i < c.nodes.size(); ++i) {
            const Node& n = c.nodes[i];
            const bool conflict = !n.camp && i < c.onset.size() && c.onset[i];
            // Flee reads a camp's population column as its capacity.
            out << case_csv_cell(n.name) << ',' << case_csv_cell(n.admin1) << ',' << case_csv_cell(n.country) << ',' << exact_number(n.lat) << ','
                << exact_number(n.lon) << ',' << (n.camp ? "camp" : conflict ? "conflict_zone" : "town") << ','
                << (conflict ? std::to_string(*c.onset[i]) : "") << ',' << exact_number(n.camp ? n.capacity : n.population) << '\n';
        }
    }
    {
        auto& out = w.open("flee/input_csv/routes.csv");
        out << "#name1,name2,distance_km\n";
        for (const CaseRoute& r : c.routes) out << case_csv_cell(c.nodes[r.a].name) << ',' << case_csv_cell(c.nodes[r.b].name) << ',' << exact_number(r.km) << '\n';
    }
    {
        auto& out = w.open("flee/input_csv/closures.csv");
        out << "#closure_type,name1,name2,closure_start,closure_end\n";
        for (const Node& n : c.nodes)
            if (n.opening_day && *n.opening_day < s.days)
                out << "location," << case_csv_cell(n.name) << ',' << case_csv_cell(n.name) << ",0," << *n.opening_day << '\n';
    }
    {
        auto& out = w.open("flee/input_csv/sim_period.csv");
        out << "StartDate," << format_date(s.start) << "\nLength," << s.days << '\n';
    }
    std::vector<std::size_t> zones;
    for (std::size_t i = 0; i < c.nodes.size(); ++i)
        if (!c.nodes[i].camp && i < c.onset.size() && c.onset[i]) zones.push_back(i);
    if (!zones.empty()) {
        auto& out = w.open("flee/input_csv/conflicts.csv");
        out << "#Day";
        for (std::size_t i : zones) out << ',' << case_csv_cell(c.nodes[i].name);
        out << '\n';
        for (int t = 0; t < s.days; ++t) {
            out << t;
            for (std::size_t i : zones) out << ',' << exact_number(conflict_value(c, i, t, s.flee_conflict));
            out << '\n';
        }
    }
    std::vector<const ObservedSeries*> camps;
    for (const ObservedSeries& o : c.observed)
        for (const Node& n : c.nodes)
            if (n.camp && n.name == o.place) camps.push_back(&o);
    {
        auto& layout = w.open("flee/source_data/data_layout.csv");
        layout << "total,total.csv\n";
        // The total is never read by Flee (it sums the camps); written for readers.
        std::vector<DayNumber> dates;
        for (const ObservedSeries* o : camps) dates.insert(dates.end(), o->date.begin(), o->date.end());
        std::sort(dates.begin(), dates.end());
        dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
        for (std::size_t k = 0; k < camps.size(); ++k) {
            const std::string file = "camp" + std::to_string(k + 1) + ".csv";
            layout << case_csv_cell(camps[k]->place) << ',' << file << '\n';
            auto& out = w.open("flee/source_data/" + file);
            out << "Date,count\n";
            for (std::size_t j = 0; j < camps[k]->date.size(); ++j)
                out << format_date(camps[k]->date[j]) << ',' << exact_number(std::round(camps[k]->count[j])) << '\n';
        }
        auto& total = w.open("flee/source_data/total.csv");
        total << "Date,count\n";
        for (DayNumber d : dates) {
            double sum = 0.0;
            for (const ObservedSeries* o : camps) sum += observed_on(*o, d);
            total << format_date(d) << ',' << exact_number(std::round(sum)) << '\n';
        }
    }
    auto& out = w.open("flee/simsetting.yml");
    out << "# Flee 3 settings as in Flee's own cases (docs/FLEE.md); written by migflow build-case.\n"
           "log_levels:\n  agent: 0\n  link: 0\n  camp: 0\n  conflict: 0\n  init: 0\n  granularity: location\n"
           "spawn_rules:\n  take_from_population: False\n  insert_day0: True\n"
           "move_rules:\n  max_move_speed: " << exact_number(s.speed_km_per_day) << "\n  max_walk_speed: 42.0\n  max_crossing_speed: 20.0\n"
           "  foreign_weight: 1.0\n  camp_weight: 1.0\n  conflict_weight: 0.25\n  conflict_movechance: 1.0\n"
           "  camp_movechance: 0.001\n  default_movechance: 0.3\n  awareness_level: 1\n  capacity_scaling: 1.0\n"
           "  avoid_short_stints: False\n  start_on_foot: False\n  weight_power: 1.0\n"
           "optimisations:\n  hasten: 1\n";
}

}  // namespace

std::vector<std::string> write_case(const BuiltCase& c, const std::string& dir) {
    // The case file and every data file it names are inputs: never written over.
    std::vector<std::string> inputs = {c.spec.file, c.spec.places.file, c.spec.places.admin1_names, c.spec.camps,
                                       c.spec.events.file, c.spec.osm};
    for (const ObservedSpec& o : c.spec.observed) inputs.push_back(o.file);
    std::erase(inputs, std::string());
    Writer w(fs::path(dir), inputs);
    write_native(c, w);
    write_flee(c, w);
    auto& out = w.open("ASSUMPTIONS.md");
    out << assumptions_markdown(c);
    if (!out) throw InputError({Problem{(fs::path(dir) / "ASSUMPTIONS.md").string(), 0, 0, "", "cannot write this file"}});
    return w.publish();
}

}  // namespace migflow::casebuild
