#pragma once
// A result file as tidy long tables (`migflow export --format csv`, docs/OUTPUT.md):
// one row per (day, region or route, variable), for spreadsheets, R and pandas.
#include <ostream>
#include <string>
#include <vector>

namespace migflow::detail {

// Leading columns added to every row (a sweep's run, seed and parameters); empty for one run.
struct TidyLead {
    std::vector<std::string> names;
    std::vector<std::string> values;
};

// Writes the header lines of the two tables:
//   regions: <lead...>[,section,statistic],date,region,variable,value,unit
//   routes:  <lead...>[,section,statistic],date,route,from,to,variable,value,unit
void write_tidy_headers(const TidyLead& lead, std::ostream& regions, std::ostream& routes, bool banded = false);

// Appends the rows of one complete result file: every dataset of /series and /drivers
// (whole-run series such as in_transit with an empty region), and /validation's observed
// and simulated counts and per-day errors when present. An ensemble or comparison file
// gives every band of every series instead (section `ensemble`, or `baseline`,
// `scenario` and `difference`; statistic p05, p25, p50, p75, p95 or mean), and its
// drivers as section `drivers`, statistic `value`. NaN is written as an empty cell.
// Throws std::runtime_error when the file is not a complete migflow result.
// What to keep (`migflow export --variables, --regions`): empty lists keep everything.
// A region list keeps those regions' rows, the routes with an end among them and the
// observed regions among them; whole-run series (no region) are kept. A name the file
// does not have is an error.
struct TidySelection {
    std::vector<std::string> variables, regions;
};
void write_tidy_rows(const std::string& h5_path, const TidyLead& lead, std::ostream& regions,
                     std::ostream& routes, const TidySelection& keep = {});

// A CSV cell, quoted when it holds a comma, a quote or a line break.
std::string csv_cell(const std::string& s);

}  // namespace migflow::detail
