// Dimension scales (HDF5 high-level library, H5DS) on the series groups: the netCDF-4
// convention xarray and h5netcdf read to name dimensions and find their coordinates.
#include "output/dimension_scales.hpp"

#include <hdf5_hl.h>

#include <stdexcept>

#include "output/hdf5_util.hpp"

namespace migflow::detail {

namespace {

void make_scale(H5::DataSet& ds, const char* name) {
    if (H5DSset_scale(ds.getId(), name) < 0)
        throw std::runtime_error(std::string("cannot make ") + name + " a dimension scale");
}

void attach(H5::DataSet& ds, H5::DataSet& scale, unsigned dim) {
    if (H5DSattach_scale(ds.getId(), scale.getId(), dim) < 0)
        throw std::runtime_error("cannot attach a dimension scale");
}

// Variable-length strings: xarray gives them as `str` coordinates (fixed-length ones
// would come back as bytes).
void write_vlen_strings(H5::Group& g, const std::string& name, const std::vector<std::string>& v) {
    std::vector<const char*> ptrs;
    for (const auto& s : v) ptrs.push_back(s.c_str());
    hsize_t dims[1] = {v.size()};
    const H5::StrType type = utf8_vlen_type();
    // Contiguous: HDF5 refuses filters (Fletcher-32 too) on variable-length strings; the
    // same names are in /regions/name, which carries one.
    H5::DataSet ds = g.createDataSet(name, type, H5::DataSpace(1, dims));
    if (!v.empty()) ds.write(ptrs.data(), type);
    describe(ds, "1", "region names: the region dimension's coordinate (same as /regions/name)");
}

}  // namespace

void attach_dimension_scales(H5::Group& g, const DimensionLabels& labels) {
    std::vector<std::string> names;
    for (hsize_t i = 0; i < g.getNumObjs(); ++i)
        if (g.getObjTypeByIdx(i) == H5G_DATASET) names.push_back(g.getObjnameByIdx(i));

    std::vector<std::int32_t> day(labels.days), route(labels.routes);
    for (std::size_t t = 0; t < day.size(); ++t) day[t] = static_cast<std::int32_t>(t);
    for (std::size_t e = 0; e < route.size(); ++e) route[e] = static_cast<std::int32_t>(e);
    write_vector(g, "time", day, "days since " + labels.start_date,
                 "day of the run: the time dimension's coordinate (dates in /time/date)");
    write_vlen_strings(g, "region", labels.region);
    write_vector(g, "route", route, "1",
                 "route index in /routes: the route dimension's coordinate");
    H5::DataSet time = g.openDataSet("time"), region = g.openDataSet("region"),
                routes = g.openDataSet("route");
    set_attr(time, "calendar", "proleptic_gregorian");
    make_scale(time, "time");
    make_scale(region, "region");
    make_scale(routes, "route");

    for (const std::string& name : names) {
        H5::DataSet ds = g.openDataSet(name);
        const auto dims = dims_of(ds);
        const bool over_routes = name.starts_with("route_");
        const std::size_t width = over_routes ? labels.routes : labels.region.size();
        const bool fits = (dims.size() == 1 || dims.size() == 2) && dims[0] == labels.days &&
                          (dims.size() == 1 || dims[1] == width);
        if (!fits)
            throw std::logic_error("dimension scales: " + name +
                                   " is neither [T], [T x R] nor route_* [T x E]");
        attach(ds, time, 0);
        if (dims.size() == 2) attach(ds, over_routes ? routes : region, 1);
    }
}

}  // namespace migflow::detail
