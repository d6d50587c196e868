// Camp totals from a result file, a chunk of days at a time (bounded memory for big runs).
#include "output/camp_totals.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "output/hdf5_util.hpp"

namespace migflow::detail {

CampTotals read_camp_totals(const H5::H5File& file) {
    const H5::Group root = file.openGroup("/");
    const double ppa = read_double_attr(root, "people_per_agent");
    const auto types = read_strings(file.openDataSet("/regions/type"));
    std::vector<std::size_t> camps;
    for (std::size_t r = 0; r < types.size(); ++r)
        if (types[r] == "camp") camps.push_back(r);
    CampTotals out;
    if (camps.empty()) return out;
    const H5::DataSet arrivals = file.openDataSet("/series/arrivals");
    const H5::DataSet population = file.openDataSet("/series/population");
    const auto dims = dims_of(population);
    const std::size_t R = dims.at(1);
    const hsize_t step = std::max<hsize_t>(1, chunk_rows(population));
    std::int64_t arrived = 0;
    for (hsize_t t0 = 0; t0 < dims[0]; t0 += step) {
        const hsize_t n = std::min<hsize_t>(step, dims[0] - t0);
        const auto a = read_rows<std::int64_t>(arrivals, t0, n);
        const auto p = read_rows<double>(population, t0, n);
        for (hsize_t i = 0; i < n; ++i) {
            double in_camps = 0.0;
            for (std::size_t r : camps) {
                arrived += a[i * R + r];
                in_camps += p[i * R + r];
            }
            out.peak_population = std::max(out.peak_population, in_camps);
        }
    }
    out.arrivals = static_cast<double>(arrived) * ppa;
    return out;
}

}  // namespace migflow::detail
