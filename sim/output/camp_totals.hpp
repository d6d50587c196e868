#pragma once
// Whole-run camp outcomes read back from a result file, for a sweep's index.csv.
#include <H5Cpp.h>

namespace migflow::detail {

struct CampTotals {
    double arrivals =
        0.0;  // people: sum over days and camps of /series/arrivals x people_per_agent
    double peak_population = 0.0;  // people: the largest daily sum of /series/population over camps
};

// Camps are the regions of /regions/type `camp`; without camps both are 0.
CampTotals read_camp_totals(const H5::H5File& file);

}  // namespace migflow::detail
