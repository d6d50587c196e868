#pragma once
// The public data build-case reads (docs/DATA.md), each as plain rows: places (CSV or a
// GeoNames dump), camps, ACLED events, observed counts (`date,count` or HXL-tagged).
// Readers keep what they can use, record every other row in the Ledger, and throw
// InputError naming the file and column when nothing is usable.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migflow/casebuild/case_spec.hpp"
#include "migflow/casebuild/ledger.hpp"
#include "migflow/core/date.hpp"

namespace migflow::casebuild {

struct Place {
    std::string name;
    double lat = 0.0, lon = 0.0;
    double population = 0.0;
    std::string country, admin1, admin2;
};

struct Camp {
    std::string name;
    double lat = 0.0, lon = 0.0;
    double capacity = 0.0;  // 0: unknown (unlimited)
    std::optional<DayNumber> opening;
    std::string country;
    int line = 0;
};

struct Event {
    DayNumber date = 0;
    std::string type;
    double fatalities = 0.0;
    double lat = 0.0, lon = 0.0;
    std::string admin1, admin2;
    int line = 0;
};

// One observed series: counts of a place or camp over dates (ascending).
struct ObservedSeries {
    std::string place;
    std::vector<DayNumber> date;
    std::vector<double> count;
    std::vector<int> lines;  // the rows it was read from
};

// The count on date d as migflow and Flee read observed data: the first count before the
// first date, linear between dates, the last count after the last.
double observed_on(const ObservedSeries& s, DayNumber d);

// Dates as public data write them: 2016-01-07, 07-Jan-16, 07-Jan-2016, 07 January 2016,
// 7 Jan 2016, 07/01/2016 is refused (day and month order unknown).
std::optional<DayNumber> parse_public_date(std::string_view text);

std::vector<Place> read_places(const PlacesSpec& spec, Ledger& ledger);
std::vector<Camp> read_camps(const std::string& file, Ledger& ledger);
std::vector<Event> read_acled(const EventsSpec& spec, Ledger& ledger);
// A `date,count` table (UNHCR style) for spec.place, migflow's own `date,region,count`,
// or an HXL table (a tag row) with a place column (#loc/#adm3/#adm2/#adm1 +name) and a
// count column: series per named place.
std::vector<ObservedSeries> read_observed(const ObservedSpec& spec, Ledger& ledger);

// Great-circle distance in km (haversine, mean Earth radius 6371.0088 km).
double great_circle_km(double lat1, double lon1, double lat2, double lon2);

}  // namespace migflow::casebuild
