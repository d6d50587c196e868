// Places from a plain CSV or a GeoNames dump (docs/DATA.md "Places"), thinned as
// Flee's extraction scripts do: a population threshold, then optionally the most
// populous place of each admin-1 or admin-2 unit.
#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "migflow/core/csv.hpp"
#include "casebuild/table.hpp"
#include "migflow/casebuild/inputs.hpp"
#include "migflow/core/errors.hpp"

namespace migflow::casebuild {

namespace {

using namespace detail;

struct PlaceRow {
    Place place;
    int line = 0;
};

std::vector<PlaceRow> read_plain_places(const PlacesSpec& spec, Ledger& ledger) {
    const HeaderedTable t(spec.file);
    const std::size_t c_name = t.required({"name", "location"});
    const std::size_t c_lat = t.required({"lat", "latitude"});
    const std::size_t c_lon = t.required({"lon", "longitude", "lng"});
    const auto c_pop = t.column({"population", "pop"});
    const auto c_country = t.column({"country"});
    const auto c_adm1 = t.column({"admin1", "adm1", "region", "admin1_name"});
    const auto c_adm2 = t.column({"admin2", "adm2", "admin2_name"});
    std::vector<PlaceRow> out;
    for (auto it = t.begin(); it != t.end(); ++it) {
        const CsvRow& r = *it;
        if (r.comment) continue;
        PlaceRow p;
        p.place.name = cell(r, c_name), p.line = r.line;
        const auto lat = number(cell(r, c_lat)), lon = number(cell(r, c_lon));
        const auto pop = c_pop ? number(cell(r, *c_pop)) : std::optional<double>(0.0);
        if (p.place.name.empty()) { ledger.drop(t.file(), "no name", r.line); continue; }
        if (!lat || !lon || std::abs(*lat) > 90 || std::abs(*lon) > 180) {
            ledger.drop(t.file(), "latitude or longitude missing or out of range", r.line, p.place.name);
            continue;
        }
        if (!pop || *pop < 0) {
            ledger.drop(t.file(), "population not a number >= 0", r.line, p.place.name + ": `" + cell(r, *c_pop) + "`");
            continue;
        }
        p.place.lat = *lat, p.place.lon = *lon, p.place.population = *pop;
        if (c_country) p.place.country = cell(r, *c_country);
        if (c_adm1) p.place.admin1 = cell(r, *c_adm1);
        if (c_adm2) p.place.admin2 = cell(r, *c_adm2);
        out.push_back(std::move(p));
    }
    if (out.empty()) no_usable_rows(t.file(), "lat", "every row lacks a name, coordinates or a population");
    return out;
}

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> cells;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= line.size(); ++i)
        if (i == line.size() || line[i] == '\t') cells.push_back(line.substr(start, i - start)), start = i + 1;
    return cells;
}

// admin1CodesASCII.txt: `NG.05<TAB>Borno<TAB>Borno<TAB>2337542`.
std::map<std::string, std::string> read_admin1_names(const std::string& file) {
    std::map<std::string, std::string> names;
    if (file.empty()) return names;
    std::istringstream in(read_text_file(file));
    std::string line;
    while (std::getline(in, line)) {
        const auto c = split_tabs(line);
        if (c.size() >= 2) names[c[0]] = c[1];
    }
    return names;
}

// GeoNames `cities*.txt` (download.geonames.org/export/dump/readme.txt): 19 tab-separated
// columns, no header; 1 name, 4 latitude, 5 longitude, 8 country code, 10/11 admin-1/2
// codes, 14 population.
std::vector<PlaceRow> read_geonames(const PlacesSpec& spec, Ledger& ledger) {
    std::istringstream in(read_text_file(spec.file));
    const auto admin1 = read_admin1_names(spec.admin1_names);
    std::vector<PlaceRow> out;
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        const auto c = split_tabs(line);
        if (c.size() < 15) {
            ledger.drop(spec.file, "fewer than 15 tab-separated columns", n);
            continue;
        }
        const auto lat = number(c[4]), lon = number(c[5]), pop = number(c[14]);
        if (c[1].empty() || !lat || !lon || !pop) {
            ledger.drop(spec.file, "name, latitude, longitude or population unreadable", n, c[1]);
            continue;
        }
        Place p;
        p.name = c[1], p.lat = *lat, p.lon = *lon, p.population = *pop, p.country = c[8];
        const std::string code = c[8] + "." + c[10];
        const auto named = admin1.find(code);
        p.admin1 = named != admin1.end() ? named->second : code;
        p.admin2 = c[11].empty() ? "" : code + "." + c[11];
        out.push_back({std::move(p), n});
    }
    if (out.empty()) no_usable_rows(spec.file, "population", "no line has the 15 columns of a GeoNames dump");
    return out;
}

}  // namespace

std::vector<Place> read_places(const PlacesSpec& spec, Ledger& ledger) {
    std::vector<PlaceRow> rows =
        spec.format == PlaceFormat::geonames ? read_geonames(spec, ledger) : read_plain_places(spec, ledger);
    const std::string& file = spec.file;
    std::vector<PlaceRow> kept;
    for (PlaceRow& p : rows) {
        if (!spec.countries.empty() &&
            std::find(spec.countries.begin(), spec.countries.end(), p.place.country) == spec.countries.end())
            ledger.leave_out(file, "country not among `places.countries`", p.line);
        else if (p.place.population < spec.min_population)
            ledger.leave_out(file, "population below `places.min_population`", p.line);
        else
            kept.push_back(std::move(p));
    }
    if (spec.admin_level > 0) {
        // Flee's cases at admin level N: one place per unit, its most populous.
        std::map<std::string, std::size_t> best;
        for (std::size_t i = 0; i < kept.size(); ++i) {
            const Place& p = kept[i].place;
            const std::string unit = p.country + "|" + p.admin1 + (spec.admin_level == 2 ? "|" + p.admin2 : "");
            const auto [it, fresh] = best.emplace(unit, i);
            if (!fresh && p.population > kept[it->second].place.population) it->second = i;
        }
        std::set<std::size_t> chosen;
        for (const auto& [unit, i] : best) chosen.insert(i);
        std::vector<PlaceRow> one_per_unit;
        for (std::size_t i = 0; i < kept.size(); ++i) {
            if (chosen.count(i)) one_per_unit.push_back(std::move(kept[i]));
            else ledger.leave_out(file, "not the most populous place of its admin-" + std::to_string(spec.admin_level) + " unit", kept[i].line);
        }
        kept = std::move(one_per_unit);
    }
    // Names identify places in every output: a repeated name keeps its most populous row.
    std::map<std::string, std::size_t> by_name;
    std::vector<Place> out;
    for (PlaceRow& p : kept) {
        const auto [it, fresh] = by_name.emplace(p.place.name, out.size());
        if (fresh) {
            out.push_back(std::move(p.place));
        } else {
            Place& other = out[it->second];
            ledger.drop(file, "name given again (the more populous row is kept)", p.line, p.place.name);
            if (p.place.population > other.population) other = std::move(p.place);
        }
    }
    if (out.empty()) no_usable_rows(file, "population", "every row was left out by `places.countries` or `places.min_population`");
    return out;
}

}  // namespace migflow::casebuild
