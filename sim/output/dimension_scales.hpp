#pragma once
// netCDF-style dimension scales on a result group, so that xarray (engine h5netcdf) and
// other netCDF-4 readers open /series and /drivers with labelled coordinates.
#include <H5Cpp.h>

#include <string>
#include <vector>

namespace migflow::detail {

struct DimensionLabels {
    std::string start_date;           // YYYY-MM-DD, day 0
    std::size_t days = 0;             // T
    std::vector<std::string> region;  // R names
    std::size_t routes = 0;           // E
};

// Adds the scales `time` [T] (day numbers, units "days since <start_date>"), `region`
// [R] (names) and `route` [E] (indices) to `g`, and attaches them to every other
// dataset of `g` by its dimensions: the first is time; the second is route for
// datasets named route_*, region otherwise. A dataset whose shape does not fit is a
// logic error (a series was added with dimensions this rule does not know).
void attach_dimension_scales(H5::Group& g, const DimensionLabels& labels);

}  // namespace migflow::detail
