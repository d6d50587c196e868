// ACLED's standard export (acleddata.com, "Data export tool" columns): the events
// build-case turns into the conflict driver (docs/DATA.md "Conflict events").
#include <algorithm>

#include "casebuild/table.hpp"
#include "migflow/casebuild/inputs.hpp"

namespace migflow::casebuild {

using namespace detail;

std::vector<Event> read_acled(const EventsSpec& spec, Ledger& ledger) {
    const HeaderedTable t(spec.file);
    const std::size_t c_date = t.required({"event_date"});
    const std::size_t c_type = t.required({"event_type"});
    const auto c_fat = t.column({"fatalities"});
    if (spec.measure == EventMeasure::fatalities && !c_fat) t.required({"fatalities"});
    const bool by_coordinates = spec.assign == EventAssign::nearest;
    const std::size_t c_lat = by_coordinates ? t.required({"latitude"}) : 0;
    const std::size_t c_lon = by_coordinates ? t.required({"longitude"}) : 0;
    const auto c_adm1 = spec.assign == EventAssign::admin1 ? t.required({"admin1"}) : t.column({"admin1"});
    const auto c_adm2 = spec.assign == EventAssign::admin2 ? t.required({"admin2"}) : t.column({"admin2"});
    std::vector<Event> out;
    int bad_dates = 0;
    for (auto it = t.begin(); it != t.end(); ++it) {
        const CsvRow& r = *it;
        Event e;
        e.line = r.line;
        e.type = cell(r, c_type);
        const auto date = parse_public_date(cell(r, c_date));
        if (!date) {
            ++bad_dates;
            ledger.drop(t.file(), "event_date unreadable", r.line, "`" + cell(r, c_date) + "`");
            continue;
        }
        e.date = *date;
        if (!spec.event_types.empty() &&
            std::find(spec.event_types.begin(), spec.event_types.end(), e.type) == spec.event_types.end()) {
            ledger.leave_out(t.file(), "event_type not among `events.event_types`", r.line);
            continue;
        }
        if (c_fat) {
            // ACLED writes 0 when no death is reported; a blank cell is read the same way.
            const std::string text = cell(r, *c_fat);
            const auto f = text.empty() ? std::optional<double>(0.0) : number(text);
            if (!f || *f < 0) {
                ledger.drop(t.file(), "fatalities not a number >= 0", r.line, "`" + text + "`");
                continue;
            }
            e.fatalities = *f;
        }
        if (by_coordinates) {
            const auto lat = number(cell(r, c_lat)), lon = number(cell(r, c_lon));
            if (!lat || !lon || std::abs(*lat) > 90 || std::abs(*lon) > 180) {
                ledger.drop(t.file(), "latitude or longitude missing or out of range", r.line);
                continue;
            }
            e.lat = *lat, e.lon = *lon;
        }
        if (c_adm1) e.admin1 = cell(r, *c_adm1);
        if (c_adm2) e.admin2 = cell(r, *c_adm2);
        out.push_back(std::move(e));
    }
    if (out.empty()) {
        if (bad_dates > 0) no_usable_rows(t.file(), "event_date", "no date in a known format: 2016-01-07, 07-Jan-16, 07 January 2016");
        no_usable_rows(t.file(), by_coordinates ? "latitude" : "event_type", "every row was unusable or left out");
    }
    return out;
}

}  // namespace migflow::casebuild
