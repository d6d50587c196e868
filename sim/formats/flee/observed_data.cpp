// Flee's validation data (source_data/): dated counts per camp, registration
// corrections and the interpolation Flee's DataTable applies (docs/FLEE-SPEC.md).
#include <cmath>

#include "formats/flee/import_internal.hpp"

namespace migflow::detail {

std::optional<double> to_number(const std::string& s) {
    if (s.empty()) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::optional<DayNumber> parse_flee_date(const std::string& text) {
    const auto a = text.find('-');
    const auto b = a == std::string::npos ? a : text.find('-', a + 1);
    if (a != 4 || b == std::string::npos) return std::nullopt;
    const std::string m = text.substr(a + 1, b - a - 1), d = text.substr(b + 1);
    if (m.empty() || m.size() > 2 || d.empty() || d.size() > 2) return std::nullopt;
    return parse_date(text.substr(0, 4) + "-" + (m.size() == 1 ? "0" : "") + m + "-" + (d.size() == 1 ? "0" : "") + d);
}

std::vector<FleeDataPoint> read_flee_data(const CsvTable& t, DayNumber start_date, int hasten,
                                          Diagnostics& d) {
    std::vector<FleeDataPoint> out;
    bool first = true;
    for (const CsvRow& row : t.rows) {
        if (row.comment) continue;
        const std::string date = row.cells.empty() ? std::string() : row.cells[0];
        const std::string count = row.cells.size() > 1 ? row.cells[1] : std::string();
        const auto day = parse_flee_date(date);
        const bool was_first = first;
        first = false;
        if (!day) {
            // Flee skips a header (`Date,...`) or an empty first row; anything later that
            // is not a date is an error rather than a silently dropped observation.
            if (was_first || date.empty()) continue;
            d.add(t.file, row.line, 1, "date", "got `" + date + "`, expected a date YYYY-MM-DD");
            continue;
        }
        if (count.empty()) continue;  // Flee skips rows without a count
        const auto v = to_number(count);
        // Bounded (docs/FLEE.md "Bounds"): counts become agent numbers by conversion.
        if (!v || *v < 0 || *v > 1e12) {
            d.add(t.file, row.line, 2, "count", "got `" + count + "`, expected a number in [0, 1e+12]");
            continue;
        }
        out.push_back(FleeDataPoint{*day - start_date, *v / static_cast<double>(hasten)});
    }
    return out;
}

int apply_registration_correction(std::vector<FleeDataPoint>& data, Day day) {
    // Every row with the date counts, in order, each with the values as the earlier
    // matches left them (Flee's correctLevel1Registrations loops without a break).
    int applied = 0;
    for (std::size_t i = 1; i < data.size(); ++i) {
        if (data[i].day != day || data[i - 1].value == 0.0) continue;
        const double factor = data[i].value / data[i - 1].value;
        for (std::size_t j = 0; j < i; ++j) data[j].value *= factor;
        ++applied;
    }
    return applied;
}

std::vector<FleeDataPoint> merge_flee_tables(const std::vector<FleeDataPoint>& t1,
                                             const std::vector<FleeDataPoint>& t2) {
    // Flee's AddCSVTables, step for step: walk t2; t1 entries dated before a t2
    // entry get the previous t2 value added; a t2 entry gets t1's current value
    // (equal date) or t1's next value (earlier date). t1 entries after t2's last
    // date are dropped, and t2 entries after t1's last date repeat t1's last date.
    std::vector<FleeDataPoint> out;
    if (t1.empty()) return out;  // Flee fails on an empty first file (IndexError)
    std::size_t offset = 0;
    double last_c2 = 0.0;
    for (const FleeDataPoint& c2 : t2) {
        while (c2.day > t1[offset].day) {
            out.push_back({t1[offset].day, last_c2 + t1[offset].value});
            if (offset + 1 < t1.size()) ++offset;
            else break;
        }
        if (c2.day == t1[offset].day) {
            out.push_back({c2.day, c2.value + t1[offset].value});
            if (offset + 1 < t1.size()) ++offset;
            last_c2 = c2.value;
            continue;
        }
        if (c2.day < t1[offset].day) {
            out.push_back({c2.day, c2.value + t1[offset].value});
            last_c2 = c2.value;
        }
    }
    return out;
}

double flee_count_on(const std::vector<FleeDataPoint>& data, Day day) {
    if (data.empty()) return 0.0;
    if (day <= data.front().day) return std::trunc(data.front().value);
    for (std::size_t i = 1; i < data.size(); ++i) {
        if (day < data[i].day) {
            const FleeDataPoint& a = data[i - 1];
            const double span = static_cast<double>(data[i].day - a.day);
            if (span <= 0.0) return std::trunc(a.value);
            const double f = static_cast<double>(day - a.day) / span;
            return std::trunc(a.value + f * (data[i].value - a.value));
        }
    }
    return std::trunc(data.back().value);
}

}  // namespace migflow::detail
