// The camp list (docs/DATA.md "Camps"): name, coordinates, capacity, opening date.
#include <cmath>

#include "casebuild/table.hpp"
#include "migflow/casebuild/inputs.hpp"

namespace migflow::casebuild {

using namespace detail;

std::vector<Camp> read_camps(const std::string& file, Ledger& ledger) {
    const HeaderedTable t(file);
    const std::size_t c_name = t.required({"name", "camp"});
    const std::size_t c_lat = t.required({"lat", "latitude"});
    const std::size_t c_lon = t.required({"lon", "longitude", "lng"});
    const auto c_cap = t.column({"capacity"});
    const auto c_open = t.column({"opening_date", "opening", "opened"});
    const auto c_country = t.column({"country"});
    std::vector<Camp> out;
    for (auto it = t.begin(); it != t.end(); ++it) {
        const CsvRow& r = *it;
        if (r.comment) continue;
        Camp c;
        c.name = cell(r, c_name), c.line = r.line;
        const auto lat = number(cell(r, c_lat)), lon = number(cell(r, c_lon));
        if (c.name.empty() || !lat || !lon || std::abs(*lat) > 90 || std::abs(*lon) > 180) {
            ledger.drop(t.file(), "name, latitude or longitude missing or out of range", r.line, c.name);
            continue;
        }
        c.lat = *lat, c.lon = *lon;
        if (c_cap && !cell(r, *c_cap).empty()) {
            const auto cap = number(cell(r, *c_cap));
            if (!cap || *cap < 0) {
                ledger.drop(t.file(), "capacity not a number >= 0", r.line, c.name + ": `" + cell(r, *c_cap) + "`");
                continue;
            }
            c.capacity = *cap;
        }
        if (c_open && !cell(r, *c_open).empty()) {
            c.opening = parse_public_date(cell(r, *c_open));
            if (!c.opening) {
                ledger.drop(t.file(), "opening_date unreadable", r.line, c.name + ": `" + cell(r, *c_open) + "`");
                continue;
            }
        }
        if (c_country) c.country = cell(r, *c_country);
        out.push_back(std::move(c));
    }
    if (out.empty()) no_usable_rows(t.file(), "lat", "no row has a name and coordinates");
    return out;
}

}  // namespace migflow::casebuild
