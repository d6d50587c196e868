// An imported Flee case written as a native YAML scenario (`ruleset: flee`) with side
// CSV files, in the format of scenarios/tiny.yaml and docs/SCENARIO.md.
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "migflow/core/output_claim.hpp"
#include "migflow/core/text.hpp"
#include "migflow/core/files.hpp"

#include "formats/flee/settings_yaml.hpp"
#include "migflow/formats/flee/import.hpp"
#include "migflow/scenario/params.hpp"

namespace migflow {

namespace fs = std::filesystem;

namespace {

// Shortest text that reads back as the same double.
std::string num(double x) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, r.ptr);
}

// A CSV cell, quoted when it holds a separator or a quote.
std::string csv_cell(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos && (s.empty() || (s.front() != ' ' && s.back() != ' ')))
        return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// A YAML scalar in double quotes (region and country names may hold anything).
std::string yq(const std::string& s) { return double_quoted(s); }


}  // namespace

void write_flee_scenario_yaml(const Scenario& s, const std::string& out_yaml) {
    const fs::path yaml(out_yaml);
    const fs::path dir = yaml.has_parent_path() ? yaml.parent_path() : fs::path(".");
    const std::string stem = yaml.stem().string();
    std::error_code ec;
    fs::create_directories(dir, ec);  // a new folder for the scenario is the usual case; a failure shows below
    const std::string f_regions = stem + "_regions.csv", f_routes = stem + "_routes.csv",
                      f_conflict = stem + "_conflict.csv", f_observed = stem + "_observed.csv",
                      f_flood = stem + "_flood_level.csv";
    // Never over one of the case's own files (`-o case/input_csv/locations.csv`).
    for (const fs::path& p : {yaml, dir / f_regions, dir / f_routes, dir / f_conflict, dir / f_observed, dir / f_flood})
        for (const std::string& in : s.input_files)
            if (same_file(p.string(), in))
                throw InputError({Problem{p.string(), 0, 0, "", "is a file of the Flee case being imported; write elsewhere"}});
    // Every file is claimed, written whole, then published with the others (one way out).
    std::vector<std::string> inputs = s.input_files;
    if (s.source_kind == "flee_dir") inputs.push_back(s.source_file);  // nothing is written inside the case
    ClaimedFiles files(inputs, "of this import");
    {
        auto& out = files.open((dir / f_regions).string());
        out << "name,type,lat,lon,population,capacity,country\n";
        for (const Region& r : s.regions)
            out << csv_cell(r.name) << ',' << to_string(r.type) << ',' << num(r.lat) << ',' << num(r.lon) << ','
                << num(r.population) << ',' << num(r.capacity) << ',' << csv_cell(r.country) << '\n';
    }
    {
        auto& out = files.open((dir / f_routes).string());
        out << "from,to,km\n";
        for (const Route& r : s.routes)
            out << csv_cell(s.regions[r.from].name) << ',' << csv_cell(s.regions[r.to].name) << ',' << num(r.km) << '\n';
    }
    const DriverSpec& conflict = s.driver(DriverKind::conflict);
    {
        auto& out = files.open((dir / f_conflict).string());
        out << "date,region,value\n";
        for (std::size_t i = 0; i < conflict.series.size() && i < s.regions.size(); ++i) {
            const TimeSeries& ts = conflict.series[i];
            for (std::size_t k = 0; k < ts.day.size(); ++k)
                out << format_date(s.start_date + ts.day[k]) << ',' << csv_cell(s.regions[i].name) << ','
                    << num(ts.value[k]) << '\n';
        }
    }
    // DFlee's flood levels (the climate driver under flee), linear as Flee reads them.
    const DriverSpec& flood = s.driver(DriverKind::climate);
    bool floods = false;
    for (const TimeSeries& ts : flood.series) floods = floods || !ts.day.empty();
    if (floods) {
        auto& out = files.open((dir / f_flood).string());
        out << "date,region,value\n";
        for (std::size_t i = 0; i < flood.series.size() && i < s.regions.size(); ++i) {
            const TimeSeries& ts = flood.series[i];
            for (std::size_t k = 0; k < ts.day.size(); ++k)
                out << format_date(s.start_date + ts.day[k]) << ',' << csv_cell(s.regions[i].name) << ','
                    << num(ts.value[k]) << '\n';
        }
    }
    {
        // Every day of every camp, so that the loader's interpolation reproduces the
        // counts exactly (they are already Flee's interpolated, corrected values).
        auto& out = files.open((dir / f_observed).string());
        out << "date,region,count\n";
        for (std::size_t k = 0; k < s.observed.region.size(); ++k)
            for (std::size_t t = 0; t < s.observed.count[k].size(); ++t)
                out << format_date(s.start_date + static_cast<Day>(t)) << ','
                    << csv_cell(s.regions[s.observed.region[k]].name) << ',' << num(s.observed.count[k][t]) << '\n';
    }
    auto& out = files.open((yaml).string());
    const bool native = s.ruleset == "native";  // flee_case_as_native (import-flee --native)
    out << "# Written by `migflow import-flee" << (native ? " --native" : "") << "` from the Flee case " << s.source_file << ".\n"
        << "# Runs to the same result as `migflow run` on that directory (same seed).\n"
        << "name: " << yq(s.name) << "\n"
        << "description: " << yq(s.description) << "\n"
        << "start_date: " << format_date(s.start_date) << "\n"
        << "days: " << s.days << "\n"
        << "seed: " << s.seed << "\n"
        << "ruleset: " << (native ? "native" : "flee") << "\n\n"
        << "# Flee camps keep their capacity; populations are Flee's (after hasten).\n"
        << "regions: " << f_regions << "\n"
        << "routes: " << f_routes << "\n";
    if (!s.closures.empty()) {
        out << "\n# From closures.csv: [from, to) in dates; no `to` = never reopens.\nclosures:\n";
        for (const Closure& c : s.closures) {
            out << "  - {";
            switch (c.kind) {
                case Closure::Kind::route: out << "route: [" << yq(s.regions[c.a].name) << ", " << yq(s.regions[c.b].name) << "]"; break;
                case Closure::Kind::region: out << "region: " << yq(s.regions[c.a].name); break;
                case Closure::Kind::camp: out << "camp: " << yq(s.regions[c.a].name); break;
                case Closure::Kind::border:
                    out << "border: [" << yq(c.country_a) << ", " << yq(c.country_b) << "]";
                    if (c.direction != Closure::Direction::both)
                        out << ", direction: " << (c.direction == Closure::Direction::entry ? "entry" : "exit");
                    break;
            }
            out << ", from: " << format_date(s.start_date + c.start);
            if (c.end != never && c.end <= s.days) out << ", to: " << format_date(s.start_date + c.end);
            out << "}\n";
        }
    }
    out << "\n# Flee's conflicts (conflict_date and conflicts.csv) as a step driver.\n"
        << "drivers:\n  conflict:\n    interpolation: step\n    default: 0\n    file: " << f_conflict << "\n";
    if (floods)
        out << "  # DFlee's flood_level.csv: the flood level of each location, linear in time.\n"
            << "  climate:\n    interpolation: linear\n    default: 0\n    file: " << f_flood << "\n";
    out
        << "\nobserved:\n  file: " << f_observed << "\n";
    if (native) {
        // The native model's coefficients as run (docs/CALIBRATION.md "Flee cases under the
        // native model"); camps hold their day-0 counts in the regions file.
        out << "\n# Native rules: every coefficient written out (`migflow params` lists them).\nbehaviour:\n";
        for (const auto& d : behaviour_params()) out << "  " << d.key << ": " << num(s.behaviour.*d.member) << "\n";
        out << "agents:\n";
        for (const auto& d : agent_params()) out << "  " << d.key << ": " << num(s.agents.*d.member) << "\n";
        if (!out) throw InputError({Problem{yaml.string(), 0, 0, "", "cannot write this file"}});
        files.publish();
        return;
    }
    FleeSettings f = s.flee.value_or(FleeSettings{});
    if (f.hasten != 1)
        out << "\n# The case had hasten " << f.hasten << ": populations, capacities and counts above are\n"
            << "# already divided by it, so the scenario says hasten 1.\n";
    f.hasten = 1;
    out << "\nflee:\n" << flee_settings_to_yaml(f, 2);
    if (!out) throw InputError({Problem{yaml.string(), 0, 0, "", "cannot write this file"}});
    files.publish();
}

}  // namespace migflow
