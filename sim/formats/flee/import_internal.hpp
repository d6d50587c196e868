#pragma once
// Internal pieces of the Flee importer, exposed for the tests (tests/test_flee_import.cpp).
#include <optional>
#include <string>
#include <vector>

#include "migflow/core/csv.hpp"
#include "migflow/core/date.hpp"
#include "migflow/core/errors.hpp"
#include "migflow/core/ids.hpp"

namespace migflow::detail {

// A date as Flee's strptime("%Y-%m-%d") reads it: month and day may have one digit.
std::optional<DayNumber> parse_flee_date(const std::string& text);

// A whole cell as a finite number; blank or anything else gives nothing.
std::optional<double> to_number(const std::string& s);

// One dated count of a Flee source_data file, the date as a day of the run.
struct FleeDataPoint {
    Day day = 0;
    double value = 0.0;
};

// A source_data file: `date,count` rows; `#` rows, rows with an empty count and a
// header row (a first cell that is not a date, e.g. `Date` or empty) are skipped.
// Counts are divided by `hasten` (float division, as Flee does for data).
std::vector<FleeDataPoint> read_flee_data(const CsvTable& t, DayNumber start_date, int hasten,
                                          Diagnostics& d);

// Flee's registration correction for one (camp, date) row: when `day` matches data row
// i > 0, rows 0..i-1 are multiplied by v_i / v_{i-1}. Returns false when no row i > 0
// matches (nothing changed). A zero v_{i-1} is left alone (returns false).
bool apply_registration_correction(std::vector<FleeDataPoint>& data, Day day);

// Flee's interpolated count on `day`: the first value before the first date, linear
// between dates truncated toward zero, the last value after the last date.
double flee_count_on(const std::vector<FleeDataPoint>& data, Day day);

}  // namespace migflow::detail
