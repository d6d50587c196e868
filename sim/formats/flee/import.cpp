// A Flee case directory -> Scenario with `ruleset: flee` (docs/FLEE-SPEC.md,
// docs/FLEE.md). Every problem in any file is collected; InputError is thrown once.
#include "migflow/core/text.hpp"
#include "migflow/formats/flee/import.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include <yaml-cpp/yaml.h>

#include "formats/flee/import_internal.hpp"
#include "formats/flee/settings_yaml.hpp"
#include "migflow/core/csv.hpp"

namespace migflow {

namespace fs = std::filesystem;
using detail::to_number;

namespace {

// Bounds of the numbers of a Flee case (docs/FLEE.md "Bounds"): every number is checked
// against them before it is converted or used, so no value can overflow a conversion.
constexpr double max_days = 1000000;           // as `days:` of a native scenario
constexpr double max_people = 1e12;            // populations, capacities, observed counts
constexpr double max_km = 1e9;                 // route lengths
constexpr double max_conflict_date = 1e9;      // |conflict_date|
constexpr double max_conflict_intensity = 1e6; // conflicts.csv values

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

const std::string& cell(const CsvRow& r, std::size_t i) {
    static const std::string empty;
    return i < r.cells.size() ? r.cells[i] : empty;
}

// Reads a CSV; an unreadable file becomes a problem instead of an exception, so the
// importer can go on and report the other files too.
std::optional<CsvTable> read_table(const fs::path& p, Diagnostics& d, bool required,
                                   std::vector<std::string>& files_read) {
    std::error_code ec;
    if (!fs::exists(p, ec)) {
        if (required) d.add(p.string(), 0, 0, "", "file not found");
        return std::nullopt;
    }
    files_read.push_back(p.string());
    try {
        return read_csv(p.string());
    } catch (const InputError& e) {
        for (const Problem& pr : e.problems()) d.add(pr);
    }
    return std::nullopt;
}

enum class FleeType { conflict_zone, town, camp, idpcamp, forwarding_hub, marker, flood_zone };

// Flee's own parsing is by substring (`camp`, `conflict`, `forward`, `town`/`default`).
std::optional<FleeType> flee_type(const std::string& raw) {
    const std::string t = lower(raw);
    if (t.find("idpcamp") != std::string::npos) return FleeType::idpcamp;
    if (t.find("camp") != std::string::npos) return FleeType::camp;
    if (t.find("conflict") != std::string::npos) return FleeType::conflict_zone;
    if (t.find("forward") != std::string::npos) return FleeType::forwarding_hub;
    if (t.find("marker") != std::string::npos) return FleeType::marker;
    if (t.find("flood_zone") != std::string::npos) return FleeType::flood_zone;
    if (t.find("town") != std::string::npos || t.find("default") != std::string::npos) return FleeType::town;
    return std::nullopt;
}

struct Importer {
    fs::path dir;
    Diagnostics d;
    Scenario s;
    // A name's last copy: routes, closures and data attach to it, as in Flee (whose
    // name lookups keep the last match); conflicts go to the first copy (Flee's
    // add_conflict_zone stops at the first match); flood levels to every copy.
    std::unordered_map<std::string, RegionIndex> index;
    std::unordered_map<std::string, RegionIndex> first_copy;
    detail::FleeNameIndex copies;
    std::vector<FleeType> type;
    std::vector<Day> conflict_date;  // -1: none

    void settings() {
        const fs::path p = dir / "simsetting.yml";
        if (!fs::exists(p)) {
            s.flee = FleeSettings{};  // Flee's defaults
            return;
        }
        s.input_files.push_back(p.string());
        try {
            s.source_text = read_yaml_file(p.string(), "settings file");
        } catch (const InputError& e) {
            for (const Problem& pr : e.problems()) d.add(pr);
            s.flee = FleeSettings{};
            return;
        }
        try {
            const YAML::Node root = YAML::Load(s.source_text);
            s.flee = parse_flee_settings(root, p.string(), d);
        } catch (const YAML::Exception& e) {
            d.add(p.string(), e.mark.line + 1, e.mark.column + 1, "", e.msg);
            s.flee = FleeSettings{};
        }
    }

    void period() {
        const fs::path p = dir / "input_csv" / "sim_period.csv";
        const auto t = read_table(p, d, true, s.input_files);
        if (!t) return;
        bool have_start = false, have_length = false, seen_start = false, seen_length = false;
        int start_line = 0;
        for (const CsvRow& r : t->rows) {
            if (r.comment) continue;
            const std::string k = lower(cell(r, 0));
            if (k == "startdate") {
                seen_start = true;
                if (const auto v = detail::parse_flee_date(cell(r, 1))) s.start_date = *v, have_start = true, start_line = r.line;
                else d.add(t->file, r.line, 2, "StartDate", "got `" + cell(r, 1) + "`, expected a date YYYY-MM-DD");
            } else if (k == "length") {
                seen_length = true;
                const auto v = to_number(cell(r, 1));
                if (v && *v >= 1 && *v <= max_days && *v == std::floor(*v)) s.days = static_cast<Day>(*v), have_length = true;
                else d.add(t->file, r.line, 2, "Length", "got `" + cell(r, 1) + "`, expected a whole number of days in [1, 1000000]");
            }
        }
        // Located after the last row: where the missing row would go.
        const int end = t->rows.empty() ? 1 : t->rows.back().line + 1;
        if (!seen_start) d.add(t->file, end, 1, "StartDate", "missing row `StartDate,YYYY-MM-DD`");
        if (!seen_length) d.add(t->file, end, 1, "Length", "missing row `Length,<days>`");
        if (have_start && have_length)
            if (const std::string why = run_dates_problem(s.start_date, s.days); !why.empty()) {
                d.add(t->file, start_line, 2, "StartDate", why);
                have_start = false;
            }
        if (!have_start || !have_length) s.days = 0;  // the other files are read, not the days
    }

    void locations() {
        const auto t = read_table(dir / "input_csv" / "locations.csv", d, true, s.input_files);
        if (!t) return;
        const int hasten = s.flee ? s.flee->hasten : 1;
        for (const CsvRow& r : t->rows) {
            if (r.comment) continue;
            if (lower(cell(r, 0)) == "name") continue;  // an uncommented header
            Region reg;
            reg.name = cell(r, 0);
            reg.country = cell(r, 2);
            bool ok = !reg.name.empty();
            if (!ok) d.add(t->file, r.line, 1, "name", "empty location name");
            auto num = [&](std::size_t c, const char* key, double lo, double hi, double& out) {
                if (cell(r, c).empty()) return;
                const auto v = to_number(cell(r, c));
                if (v && *v >= lo && *v <= hi) out = *v;
                else d.add(t->file, r.line, static_cast<int>(c) + 1, key,
                           "got `" + cell(r, c) + "`, expected a number in [" + short_number(lo) + ", " + short_number(hi) + "]"),
                    ok = false;
            };
            num(3, "latitude", -90, 90, reg.lat);
            num(4, "longitude", -360, 360, reg.lon);
            double pop = 0.0, cdate = -1.0;
            num(7, "population", 0, max_people, pop);
            const auto ft = flee_type(cell(r, 5));
            if (!ft) {
                d.add(t->file, r.line, 6, "location_type",
                      "got `" + cell(r, 5) + "`, expected conflict_zone, town, camp, idpcamp, forwarding_hub, marker or "
                      "flood_zone (Flee prints an error and makes such a location a camp with move chance 0.001)");
                ok = false;
            }
            if (ft == FleeType::conflict_zone) {
                num(6, "conflict_date", -max_conflict_date, max_conflict_date, cdate);
                if (cell(r, 6).empty()) cdate = 0;
            }
            if (!ok) continue;
            // hasten: integer division of populations (and of camp capacities, which
            // Flee reads from the same column).
            const double scaled = std::floor(std::floor(pop) / hasten);
            switch (*ft) {
                case FleeType::camp:
                case FleeType::idpcamp: reg.type = RegionType::camp, reg.capacity = scaled; break;
                case FleeType::forwarding_hub:
                case FleeType::marker: reg.type = RegionType::transit, reg.population = scaled; break;
                default: reg.type = RegionType::settlement, reg.population = scaled; break;
            }
            const auto at = static_cast<RegionIndex>(s.regions.size());
            if (const auto it = index.find(reg.name); it != index.end()) {
                s.warnings.push_back({t->file, r.line, 1, "name",
                                      "location `" + reg.name + "` given again: Flee keeps both; routes, closures and data "
                                      "attach to the last copy, conflicts to the first (the earlier copies are renamed `" +
                                      reg.name + "#1`, ...)"});
                it->second = at;
            } else {
                index.emplace(reg.name, at);
                first_copy.emplace(reg.name, at);
            }
            copies[reg.name].push_back(at);
            type.push_back(*ft);
            // A conflict starting after the run is no conflict in it (and never converted).
            const double cday = std::trunc(std::min<double>(cdate, s.days));
            conflict_date.push_back(*ft == FleeType::conflict_zone ? static_cast<Day>(cday) : -1);
            s.regions.push_back(std::move(reg));
        }
        if (s.regions.empty()) d.add(t->file, 0, 0, "", "no locations");
        // Earlier copies of a repeated name get a unique name (`A#1`, `A#2`, ...); the
        // last copy keeps the name the other files use.
        for (auto& [name, at] : copies)
            for (std::size_t k = 0; k + 1 < at.size(); ++k)
                s.regions[static_cast<std::size_t>(at[k])].name = name + "#" + std::to_string(k + 1);
        for (std::size_t i = 0; i < s.regions.size(); ++i) {
            if (type[i] == FleeType::idpcamp) s.flee->idp_camps.push_back(s.regions[i].name);
            if (type[i] == FleeType::marker) s.flee->markers.push_back(s.regions[i].name);
            if (type[i] == FleeType::flood_zone) s.flee->flood_zones.push_back(s.regions[i].name);
        }
    }

    std::optional<RegionIndex> region(const CsvTable& t, const CsvRow& r, std::size_t c, const char* key) {
        const auto it = index.find(cell(r, c));
        if (it != index.end()) return it->second;
        std::vector<std::string> names;
        for (const Region& x : s.regions) names.push_back(x.name);
        std::string msg = "unknown location `" + cell(r, c) + "`";
        if (const auto h = did_you_mean(cell(r, c), names); !h.empty()) msg += "; " + h;
        d.add(t.file, r.line, static_cast<int>(c) + 1, key, msg);
        return std::nullopt;
    }

    void routes() {
        const auto t = read_table(dir / "input_csv" / "routes.csv", d, true, s.input_files);
        if (!t) return;
        for (const CsvRow& r : t->rows) {
            if (r.comment || lower(cell(r, 0)) == "name1") continue;
            const auto a = region(*t, r, 0, "name1");
            const auto b = region(*t, r, 1, "name2");
            const auto km = to_number(cell(r, 2));
            if (!km || *km <= 0 || *km > max_km)
                d.add(t->file, r.line, 3, "distance", "got `" + cell(r, 2) + "`, expected a number in (0, 1e+09]");
            // Column 4 (forced_redirection) is read by Flee 3 but not used by its move
            // rules; migflow accepts 0/1/2 or blank and ignores it likewise (docs/FLEE.md).
            const std::string& fr = cell(r, 3);
            if (!fr.empty() && fr != "0" && fr != "1" && fr != "2")
                d.add(t->file, r.line, 4, "forced_redirection", "got `" + fr + "`, expected blank, 0, 1 or 2");
            if (!a || !b || !km || *km <= 0 || *km > max_km) continue;
            if (*a == *b) {
                d.add(t->file, r.line, 2, "name2", "a route must join two different locations");
                continue;
            }
            s.routes.push_back(Route{*a, *b, *km});
        }
    }

    void closures() {
        const auto t = read_table(dir / "input_csv" / "closures.csv", d, false, s.input_files);
        if (!t) return;
        for (const CsvRow& r : t->rows) {
            if (r.comment || lower(cell(r, 0)) == "closure_type") continue;
            const std::string kind = lower(cell(r, 0));
            const auto start = to_number(cell(r, 3));
            const auto end = to_number(cell(r, 4));
            // Whole days: Flee compares them with the day number for equality.
            const auto whole = [](const std::optional<double>& v) { return v && *v == std::floor(*v); };
            if (!whole(start) || *start < 0)
                d.add(t->file, r.line, 4, "closure_start", "got `" + cell(r, 3) + "`, expected a day number >= 0");
            if (!whole(end))
                d.add(t->file, r.line, 5, "closure_end", "got `" + cell(r, 4) + "`, expected a day number");
            Closure c;
            if (kind == "remove_forced_redirection") continue;  // forced redirection is unused (see routes)
            if (kind == "location") {
                c.kind = Closure::Kind::region;
                const auto a = region(*t, r, 1, "name1");
                if (!a) continue;
                c.a = *a;
            } else if (kind == "camp" || kind == "idpcamp") {
                c.kind = Closure::Kind::camp;
                const auto a = region(*t, r, 1, "name1");
                if (!a) continue;
                if (s.regions[*a].type != RegionType::camp) {
                    d.add(t->file, r.line, 2, "name1", "`" + cell(r, 1) + "` is not a camp");
                    continue;
                }
                c.a = *a;
            } else if (kind == "country") {
                c.kind = Closure::Kind::border;
                c.country_a = cell(r, 1);
                c.country_b = cell(r, 2);
                for (int k = 0; k < 2; ++k) {
                    const std::string& name = k == 0 ? c.country_a : c.country_b;
                    bool known = false;
                    for (const Region& x : s.regions) known = known || x.country == name;
                    if (!known) d.add(t->file, r.line, k + 2, k == 0 ? "name1" : "name2", "no location has country `" + name + "`");
                }
            } else if (kind == "link") {
                c.kind = Closure::Kind::route;
                const auto a = region(*t, r, 1, "name1");
                const auto b = region(*t, r, 2, "name2");
                if (!a || !b) continue;
                bool found = false;
                for (const Route& x : s.routes) found = found || (x.from == *a && x.to == *b) || (x.from == *b && x.to == *a);
                if (!found) {
                    d.add(t->file, r.line, 2, "name1", "no route joins `" + cell(r, 1) + "` and `" + cell(r, 2) + "`");
                    continue;
                }
                c.a = *a;
                c.b = *b;
            } else {
                d.add(t->file, r.line, 1, "closure_type",
                      "got `" + cell(r, 0) + "`, expected location, country, link, camp, idpcamp or remove_forced_redirection");
                continue;
            }
            if (!whole(start) || *start < 0 || !whole(end)) continue;
            // Flee closes on day == start and reopens on day == end: an end before the
            // start never reopens; an end equal to the start closes for no day. Compared
            // as read, before any conversion: days past the run may be any size.
            if (*end == *start || *start >= s.days) continue;
            c.start = static_cast<Day>(*start);
            c.end = *end < *start || *end > s.days ? never : static_cast<Day>(*end);
            s.closures.push_back(c);
        }
    }

    // The conflict driver: step series per location (SPEC "One day t", step 1), as
    // Flee's current run script applies conflicts.csv: from day 0, and a location's
    // intensity is set only when its column goes from 0 to positive (the new value)
    // or back to 0; later changes of a positive value do not alter it.
    void conflicts() {
        const std::size_t n = s.regions.size();
        DriverSpec& spec = s.driver(DriverKind::conflict);
        spec.interpolation = Interpolation::step;
        spec.default_value = 0.0;
        spec.series.assign(n, TimeSeries{});
        const Day days = std::max<Day>(s.days, 1);
        std::vector<std::vector<double>> value(n, std::vector<double>(days, 0.0));
        // Day 0 from the types: a conflict_zone with conflict_date 0 is in conflict.
        for (std::size_t i = 0; i < n; ++i)
            for (Day t = 0; t < days; ++t)
                value[i][t] = conflict_date[i] >= 0 && conflict_date[i] <= t ? 1.0 : 0.0;
        const auto t = read_table(dir / "input_csv" / "conflicts.csv", d, false, s.input_files);
        if (t && !t->rows.empty()) {
            // With a conflicts file Flee ignores conflict_date after day 0: locations
            // without a column keep their day-0 state.
            for (auto& v : value) std::fill(v.begin(), v.end(), v[0]);
            // As in Flee, each `#` row before the first day row replaces the header: the
            // last one names the columns (a comment above the header must not hide it).
            std::size_t head_at = 0;
            for (std::size_t ri = 0; ri < t->rows.size() && t->rows[ri].comment; ++ri) head_at = ri;
            const CsvRow& head = t->rows[head_at];
            std::vector<RegionIndex> col;
            std::vector<std::string> col_name;
            for (std::size_t c = 1; c < head.cells.size(); ++c) {
                col_name.push_back(trim_blanks(head.cells[c]));  // Flee strips the names
                // Flee skips columns naming no location (the real cases have some).
                const auto it = first_copy.find(col_name.back());
                col.push_back(col_name.back().empty() || it == first_copy.end() ? no_region : it->second);
            }
            std::size_t named = 0, header_cells = head.cells.size();
            for (const auto c : col) named += c != no_region;
            while (header_cells > 1 && head.cells[header_cells - 1].empty()) --header_cells;
            if (named == 0 && head_at + 1 < t->rows.size())
                d.add(t->file, head.line, 1, "header",
                      "no column names a location of locations.csv (is the `#Day,...` header missing?)");
            // The file's value per column and day (held from its last row).
            std::vector<std::vector<double>> file(col.size(), std::vector<double>(days, 0.0));
            for (std::size_t ri = head_at + 1; ri < t->rows.size(); ++ri) {
                const CsvRow& r = t->rows[ri];
                if (r.comment) continue;
                std::size_t cells = r.cells.size();
                while (cells > 1 && r.cells[cells - 1].empty()) --cells;
                if (cells > header_cells) {
                    d.add(t->file, r.line, static_cast<int>(header_cells) + 1, "Day",
                          "row has " + std::to_string(cells) + " cells, the header names " +
                              std::to_string(header_cells) + " columns");
                    continue;
                }
                const auto day = to_number(trim_blanks(cell(r, 0)));
                if (!day || *day < 0 || *day != std::floor(*day)) {
                    d.add(t->file, r.line, 1, "Day", "got `" + cell(r, 0) + "`, expected a day number");
                    continue;
                }
                if (*day >= days) continue;  // compared before the conversion
                const Day dd = static_cast<Day>(*day);
                for (std::size_t c = 1; c < r.cells.size() && c - 1 < col.size(); ++c) {
                    if (col[c - 1] == no_region || trim_blanks(r.cells[c]).empty()) continue;
                    const auto v = to_number(trim_blanks(r.cells[c]));
                    if (!v || *v < 0 || *v > max_conflict_intensity) {
                        d.add(t->file, r.line, static_cast<int>(c) + 1, col_name[c - 1],
                              "got `" + r.cells[c] + "`, expected a number in [0, 1e+06]");
                        continue;
                    }
                    // Taken as given: under `ruleset: flee` conflict may exceed 1.
                    for (Day k = dd; k < days; ++k) file[c - 1][k] = *v;
                }
            }
            // Flee's AddNewConflictZones, day by day, on the location's state.
            constexpr double eps = 0.000001;
            for (std::size_t c = 0; c < col.size(); ++c) {
                if (col[c] == no_region) continue;
                std::vector<double>& v = value[static_cast<std::size_t>(col[c])];
                double state = v[0];
                for (Day day = 0; day < days; ++day) {
                    const double now = file[c][day], before = day > 0 ? file[c][day - 1] : 0.0;
                    if (now > eps && (day == 0 || before < eps)) state = now;
                    else if (day > 0 && now < eps && before >= eps) state = 0.0;
                    v[day] = state;
                }
            }
        }
        for (std::size_t i = 0; i < n; ++i) {
            TimeSeries& ts = spec.series[i];
            for (Day day = 0; day < s.days; ++day) {
                if (day > 0 && value[i][day] == value[i][day - 1]) continue;
                if (day == 0 && value[i][0] == 0.0 && std::all_of(value[i].begin(), value[i].end(), [](double x) { return x == 0.0; })) break;
                ts.day.push_back(day);
                ts.value.push_back(value[i][day]);
            }
        }
    }

    // source_data/ as Flee's DataTable reads it: one table per layout row (its files
    // merged by AddCSVTables), looked up by name (the first row of a name wins),
    // corrected, interpolated. Observed (scored) are the camps of the run; the
    // spawn total sums every row after the first, whatever it names.
    void observations() {
        const fs::path sd = dir / "source_data";
        // Data-driven spawning needs the camp data; conflict- and flood-driven
        // spawning do not (the data then only serve validation).
        const bool needed = !s.flee || (s.flee->spawn.mode == FleeSpawnMode::data_driven && !s.flee->spawn.flood_driven);
        const auto layout = read_table(sd / "data_layout.csv", d, needed, s.input_files);
        if (!layout) return;
        const int hasten = s.flee ? s.flee->hasten : 1;
        struct Row {
            std::string name;
            int line = 0;
            std::size_t table = 0;  // index of the name's first row
        };
        std::vector<Row> rows;
        std::vector<std::string> names;  // one per distinct name, in first-row order
        std::vector<std::vector<detail::FleeDataPoint>> tables;
        for (const CsvRow& r : layout->rows) {
            if (r.comment || cell(r, 0).empty() || r.cells.size() < 2) continue;  // Flee: len(row) > 1
            const std::string name = cell(r, 0);
            const bool total = lower(name) == "total";
            const auto seen = std::find(names.begin(), names.end(), name);
            std::vector<std::vector<detail::FleeDataPoint>> data;
            // The `total` file is never used (sum_from_camps); a repeated name's files
            // are read by Flee and then never looked up.
            for (std::size_t k = 1; !total && k < r.cells.size(); ++k) {
                if (r.cells[k].empty()) continue;
                if (std::find(r.cells.begin() + 1, r.cells.begin() + static_cast<std::ptrdiff_t>(k), r.cells[k]) !=
                    r.cells.begin() + static_cast<std::ptrdiff_t>(k))
                    s.warnings.push_back({layout->file, r.line, static_cast<int>(k) + 1, "file",
                                          "`" + r.cells[k] + "` is listed again on this row: Flee adds its counts "
                                          "once more, here too"});
                if (const auto t = read_table(sd / r.cells[k], d, true, s.input_files))
                    data.push_back(detail::read_flee_data(*t, s.start_date, hasten, d));
            }
            bool any_file = false;
            for (std::size_t k = 1; k < r.cells.size(); ++k) any_file = any_file || !r.cells[k].empty();
            if (!total && !any_file) {
                d.add(layout->file, r.line, 2, "file", "no data file for `" + name + "`");
                continue;
            }
            if (seen != names.end()) {
                if (!total)
                    s.warnings.push_back({layout->file, r.line, 1, "camp",
                                          "`" + name + "` is given again: Flee uses the data of its first row, "
                                          "here too, and counts them once more in the daily spawn total"});
                rows.push_back({name, r.line, static_cast<std::size_t>(seen - names.begin())});
                continue;
            }
            std::vector<detail::FleeDataPoint> merged = data.empty() ? std::vector<detail::FleeDataPoint>{} : data[0];
            for (std::size_t k = 1; k < data.size(); ++k) merged = detail::merge_flee_tables(merged, data[k]);
            rows.push_back({name, r.line, names.size()});
            names.push_back(name);
            tables.push_back(std::move(merged));
        }
        if (!rows.empty() && lower(rows.front().name) != "total" && rows.size() > 1)
            s.warnings.push_back({layout->file, rows.front().line, 1, "camp",
                                  "the first row is `" + rows.front().name + "`, not `total`: Flee leaves the first "
                                  "row out of the daily spawn total"});
        // Registration corrections, in file order, on the name's (merged) table.
        if (const auto t = read_table(dir / "input_csv" / "registration_corrections.csv", d, false, s.input_files)) {
            for (const CsvRow& r : t->rows) {
                if (r.comment || cell(r, 0).empty()) continue;
                const auto date = detail::parse_flee_date(cell(r, 1));
                if (!date) {
                    d.add(t->file, r.line, 2, "date", "got `" + cell(r, 1) + "`, expected a date YYYY-MM-DD");
                    continue;
                }
                const auto it = std::find(names.begin(), names.end(), cell(r, 0));
                if (it == names.end()) {
                    std::string msg = "`" + cell(r, 0) + "` is not in data_layout.csv (Flee stops here)";
                    if (const auto h = did_you_mean(cell(r, 0), names); !h.empty()) msg += "; " + h;
                    d.add(t->file, r.line, 1, "camp", msg);
                    continue;
                }
                detail::apply_registration_correction(tables[static_cast<std::size_t>(it - names.begin())],
                                                      *date - s.start_date);
            }
        }
        const std::size_t days = static_cast<std::size_t>(std::max<Day>(s.days, 0));
        std::vector<std::vector<double>> count(names.size(), std::vector<double>(days, 0.0));
        const bool empty_start = s.flee && s.flee->spawn.empty_camps_on_day0;
        for (std::size_t k = 0; k < names.size(); ++k) {
            for (Day day = 0; day < s.days; ++day) {
                count[k][day] = detail::flee_count_on(tables[k], day);
                // Merged files and registration corrections can take a count past the bound.
                if (!(std::abs(count[k][day]) <= max_people)) {
                    d.add(layout->file, 0, 0, "count",
                          "the observed count of `" + names[k] + "` on day " + std::to_string(day) + " is " +
                              short_number(count[k][day]) + " after its files are merged and corrected; expected at most 1e+12");
                    break;
                }
            }
            // empty_camps_on_day0: Flee subtracts the day-0 count from every value.
            if (empty_start && days > 0) {
                const double at0 = count[k][0];
                for (double& c : count[k]) c -= at0;
            }
        }
        std::vector<double> total(days, 0.0), scored(days, 0.0);
        for (std::size_t ri = 1; ri < rows.size(); ++ri)
            if (lower(rows[ri].name) != "total")
                for (std::size_t t = 0; t < days; ++t) total[t] += count[rows[ri].table][t];
        std::string unplaced, not_camps;
        for (std::size_t k = 0; k < names.size(); ++k) {
            if (lower(names[k]) == "total") continue;
            const auto it = index.find(names[k]);
            if (it == index.end()) {
                unplaced += (unplaced.empty() ? "`" : ", `") + names[k] + "`";
                continue;
            }
            if (s.regions[static_cast<std::size_t>(it->second)].type != RegionType::camp) {
                not_camps += (not_camps.empty() ? "`" : ", `") + names[k] + "`";
                continue;
            }
            s.observed.region.push_back(it->second);
            for (std::size_t t = 0; t < days; ++t) scored[t] += count[k][t];
            s.observed.count.push_back(std::move(count[k]));
        }
        if (!unplaced.empty())
            s.warnings.push_back({layout->file, 0, 0, "camp",
                                  "not in locations.csv: " + unplaced +
                                      "; Flee reads their data into the spawn total but never places or scores them"});
        if (!not_camps.empty())
            s.warnings.push_back({layout->file, 0, 0, "camp",
                                  "not camps: " + not_camps +
                                      "; Flee counts their data in the spawn total but does not score them"});
        if (!s.flee) return;
        std::vector<double> extra(days, 0.0);
        bool any = false;
        for (std::size_t t = 0; t < days; ++t) {
            extra[t] = total[t] - scored[t];
            any = any || extra[t] != 0.0;
        }
        if (any) s.flee->data_total_extra = std::move(extra);
    }

    // DFlee: flood_level.csv into the climate driver (only with flood-driven
    // spawning, as Flee reads it only then), and the flood-awareness groups.
    void floods() {
        if (!s.flee || !s.flee->spawn.flood_driven) {
            if (fs::exists(dir / "input_csv" / "flood_level.csv"))
                s.warnings.push_back({(dir / "input_csv" / "flood_level.csv").string(), 0, 0, "",
                                      "not read: Flee reads flood levels only with flood-driven spawning"});
            return;
        }
        FleeSettings& f = *s.flee;
        const fs::path p = f.flood_level_input_file.empty() ? dir / "input_csv" / "flood_level.csv"
                                                            : dir / f.flood_level_input_file;
        DriverSpec& climate = s.driver(DriverKind::climate);
        climate.series.assign(s.regions.size(), TimeSeries{});
        const auto t = read_table(p, d, true, s.input_files);
        if (!t) return;
        detail::read_flood_levels(*t, copies, s.days, climate, d);
        // Flee interpolates these lists at the level (lib_math.interp): a level past
        // the last entry stops it; migflow takes the last entry at exactly that level.
        double top = 0.0;
        for (const TimeSeries& ts : climate.series)
            for (double v : ts.value) top = std::max(top, v);
        auto covers = [&](const std::vector<double>& v, const char* key) {
            if (!v.empty() && top > static_cast<double>(v.size() - 1))
                d.add(p.string(), 0, 0, key,
                      "flood level " + short_number(top) + " has no entry in " + key + " (" +
                          std::to_string(v.size()) + " entries, for levels 0.." + std::to_string(v.size() - 1) + ")");
        };
        covers(f.flood.movechances, "flood_movechances");
        covers(f.flood.loc_weights, "flood_loc_weights");
        covers(f.spawn.displaced_per_flood_day, "displaced_per_flood_day");
        if (!f.flood.forecaster) return;
        if (const auto a = read_table(dir / "input_csv" / "demographics_floodawareness.csv", d, false, s.input_files)) {
            detail::read_flood_awareness(*a, f.flood_awareness, d);
            for (int g : f.flood_awareness.group_value)
                if (g >= static_cast<int>(f.flood.awareness_weights.size()))
                    d.add(a->file, 0, 0, "floodawareness",
                          "group " + std::to_string(g) + " has no entry in flood_awareness_weights");
        } else {
            s.warnings.push_back({p.string(), 0, 0, "",
                                  "no demographics_floodawareness.csv: every agent is in awareness group 0"});
        }
    }
};

}  // namespace

namespace {

// The files of a case that the import reads (simsetting.yml, input_csv/, source_data/),
// sorted by path: kept in the result file so the run can be repeated from it alone.
std::vector<InputFile> case_files(const fs::path& dir) {
    std::vector<InputFile> out;
    auto add = [&](const fs::path& p) {
        out.push_back(InputFile{fs::relative(p, dir).generic_string(), read_text_file(p.string())});
    };
    std::error_code ec;
    if (fs::is_regular_file(dir / "simsetting.yml", ec)) add(dir / "simsetting.yml");
    for (const char* sub : {"input_csv", "source_data"}) {
        if (!fs::is_directory(dir / sub, ec)) continue;
        for (const auto& e : fs::recursive_directory_iterator(dir / sub, ec))
            if (e.is_regular_file()) add(e.path());
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return out;
}

}  // namespace

bool is_flee_case_dir(const std::string& dir) {
    std::error_code ec;
    return fs::is_directory(dir, ec) && fs::exists(fs::path(dir) / "input_csv" / "locations.csv", ec);
}

Scenario import_flee_case(const std::string& dir) {
    Importer im;
    im.dir = fs::path(dir);
    if (!is_flee_case_dir(dir))
        throw InputError({Problem{dir, 0, 0, "", "not a Flee case directory (expected input_csv/locations.csv)"}});
    Scenario& s = im.s;
    s.name = im.dir.filename().empty() ? im.dir.parent_path().filename().string() : im.dir.filename().string();
    s.description = "Flee case imported from " + dir;
    s.source_file = dir;
    s.ruleset = "flee";
    im.settings();
    im.period();
    im.locations();
    im.routes();
    im.closures();
    if (im.d.empty() || s.days > 0) im.conflicts();
    im.observations();
    im.floods();
    im.d.throw_if_any();
    s.source_kind = "flee_dir";
    s.inputs = case_files(im.dir);
    return std::move(im.s);
}

}  // namespace migflow
