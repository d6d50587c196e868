#pragma once
// Internal pieces of the Flee importer, exposed for the tests (tests/test_flee_import.cpp).
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "migflow/core/csv.hpp"
#include "migflow/core/date.hpp"
#include "migflow/core/errors.hpp"
#include "migflow/core/ids.hpp"
#include "migflow/scenario/scenario.hpp"

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

// Flee's registration correction for one (camp, date) row: at every data row i > 0
// dated `day`, rows 0..i-1 are multiplied by v_i / v_{i-1} (a date given twice is
// corrected at both rows). Returns how many rows applied; a zero v_{i-1} is skipped
// (Flee would divide by zero).
int apply_registration_correction(std::vector<FleeDataPoint>& data, Day day);

// Two data files of one camp as Flee's DataTable.AddCSVTables combines them (the
// first file of the layout row, then each further file in turn).
std::vector<FleeDataPoint> merge_flee_tables(const std::vector<FleeDataPoint>& t1,
                                             const std::vector<FleeDataPoint>& t2);

// Every location of each name (Flee keeps duplicate names).
using FleeNameIndex = std::unordered_map<std::string, std::vector<RegionIndex>>;

// input_csv/flood_level.csv (`#Day,<location>,...`) -> the climate driver of the
// named locations (every copy), linear in the day as Flee's dict_interp. Every
// simulated day must lie within the file's days (Flee stops otherwise).
void read_flood_levels(const CsvTable& t, const FleeNameIndex& names, Day days, DriverSpec& climate,
                       Diagnostics& d);

// input_csv/demographics_floodawareness.csv: `floodawareness,Default,<location>,...`
// then one row per group: its value and its share in each column.
void read_flood_awareness(const CsvTable& t, FleeFloodAwareness& out, Diagnostics& d);

// Flee's interpolated count on `day`: the first value before the first date, linear
// between dates truncated toward zero, the last value after the last date.
double flee_count_on(const std::vector<FleeDataPoint>& data, Day day);

}  // namespace migflow::detail
