// DFlee's inputs: flood_level.csv (the flood level of each location over time, read
// into the climate driver) and demographics_floodawareness.csv (flood-awareness
// groups of spawned agents). See docs/FLEE.md, "DFlee".
#include <algorithm>
#include <cmath>

#include "migflow/core/text.hpp"
#include "formats/flee/import_internal.hpp"

namespace migflow::detail {

void read_flood_levels(const CsvTable& t, const FleeNameIndex& names, Day days, DriverSpec& climate,
                       Diagnostics& d) {
    if (t.rows.empty()) {
        d.add(t.file, 0, 0, "", "empty file (expected `#Day,<location>,...` and one row per day)");
        return;
    }
    // The header is the first row (Flee's ReadAttributeInputCSV), names stripped.
    const CsvRow& head = t.rows.front();
    std::vector<const std::vector<RegionIndex>*> col;
    for (std::size_t c = 1; c < head.cells.size(); ++c) {
        const auto it = names.find(trim_blanks(head.cells[c]));
        col.push_back(it != names.end() ? &it->second : nullptr);
    }
    std::vector<std::pair<Day, std::vector<double>>> rows;
    for (std::size_t ri = 1; ri < t.rows.size(); ++ri) {
        const CsvRow& r = t.rows[ri];
        if (r.cells.empty() || (r.cells.size() == 1 && trim_blanks(r.cells[0]).empty())) continue;
        const auto day = to_number(trim_blanks(r.cells[0]));
        if (!day || *day != std::floor(*day)) {
            d.add(t.file, r.line, 1, "Day", "got `" + r.cells[0] + "`, expected a day number");
            continue;
        }
        std::vector<double> v(col.size(), 0.0);
        bool ok = true;
        for (std::size_t c = 1; c < r.cells.size() && c - 1 < col.size(); ++c) {
            const auto x = to_number(trim_blanks(r.cells[c]));
            if (!x || *x < 0) {
                d.add(t.file, r.line, static_cast<int>(c) + 1, trim_blanks(head.cells[c]),
                      "got `" + r.cells[c] + "`, expected a flood level >= 0");
                ok = false;
                continue;
            }
            v[c - 1] = *x;
        }
        if (ok && r.cells.size() - 1 < col.size())
            d.add(t.file, r.line, static_cast<int>(r.cells.size()) + 1, "",
                  "row has " + std::to_string(r.cells.size()) + " cells, the header names " +
                      std::to_string(col.size() + 1) + " columns");
        rows.emplace_back(static_cast<Day>(*day), std::move(v));
    }
    if (rows.empty()) {
        d.add(t.file, 0, 0, "", "no day rows");
        return;
    }
    for (std::size_t k = 1; k < rows.size(); ++k)
        if (rows[k].first <= rows[k - 1].first) {
            d.add(t.file, 0, 0, "Day", "days must increase from row to row");
            return;
        }
    if (rows.front().first > 0 || rows.back().first < days - 1)
        d.add(t.file, 0, 0, "Day",
              "covers days " + std::to_string(rows.front().first) + ".." + std::to_string(rows.back().first) +
                  ", the run needs 0.." + std::to_string(days - 1) +
                  " (Flee stops at the first day outside the file: dict_interp out of range)");
    climate.interpolation = Interpolation::linear;
    climate.default_value = 0.0;
    for (std::size_t c = 0; c < col.size(); ++c) {
        if (!col[c]) continue;  // a column naming no location: read, never used (as Flee)
        for (const RegionIndex r : *col[c]) {
            TimeSeries& ts = climate.series[static_cast<std::size_t>(r)];
            ts.day.clear(), ts.value.clear();
            for (const auto& [day, v] : rows) ts.day.push_back(day), ts.value.push_back(v[c]);
        }
    }
}

void read_flood_awareness(const CsvTable& t, FleeFloodAwareness& out, Diagnostics& d) {
    const CsvRow* head = nullptr;
    for (const CsvRow& r : t.rows) {
        if (r.comment && !head) continue;
        if (!head) {
            head = &r;
            continue;
        }
        if (r.cells.empty() || (r.cells.size() == 1 && trim_blanks(r.cells[0]).empty())) continue;
        const auto g = to_number(trim_blanks(r.cells[0]));
        if (!g || *g < 0 || *g != std::floor(*g) || *g > 255) {
            d.add(t.file, r.line, 1, "floodawareness", "got `" + r.cells[0] + "`, expected a group number 0, 1, 2, ...");
            continue;
        }
        out.group_value.push_back(static_cast<int>(*g));
        for (std::size_t c = 1; c < head->cells.size(); ++c) {
            const std::string name = trim_blanks(head->cells[c]);
            if (name.empty()) continue;
            const auto x = c < r.cells.size() ? to_number(trim_blanks(r.cells[c])) : std::nullopt;
            if (!x || *x < 0) {
                d.add(t.file, r.line, static_cast<int>(c) + 1, name, "expected a share >= 0");
                continue;
            }
            if (name == "Default") {
                out.default_share.push_back(*x);
                continue;
            }
            auto it = std::find(out.locations.begin(), out.locations.end(), name);
            if (it == out.locations.end()) {
                out.locations.push_back(name);
                out.location_share.emplace_back();
                it = out.locations.end() - 1;
            }
            out.location_share[static_cast<std::size_t>(it - out.locations.begin())].push_back(*x);
        }
    }
    if (!head) d.add(t.file, 0, 0, "", "no header row (expected `floodawareness,Default,...`)");
}

}  // namespace migflow::detail
