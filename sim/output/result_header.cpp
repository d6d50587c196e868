// What every migflow result file opens with: root attributes, /time, /regions, /routes.
#include "output/result_header.hpp"

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "migflow/core/date.hpp"
#include "migflow/output/catalogue.hpp"
#include "migflow/output/network_columns.hpp"
#include "migflow/output/run_attributes.hpp"
#include "output/hdf5_util.hpp"

namespace migflow::detail {

namespace {
constexpr std::size_t max_chunk_rows = 32;
constexpr std::size_t max_chunk_cols = 8192;
}  // namespace

std::vector<BuildItem> read_build_attributes(const H5::H5Object& root) {
    std::vector<BuildItem> out;
    for (const BuildItem& b : build_info())
        if (has_attr(root, "build_" + b.name)) out.push_back({b.name, read_string_attr(root, "build_" + b.name)});
    return out;
}

void write_run_attributes(H5::H5File& file, const Scenario& s, std::uint64_t seed, int threads,
                          const std::string& version) {
    H5::Group root = file.openGroup("/");
    for (const RunAttribute& a : run_attributes(s, seed, threads, version))
        std::visit([&](const auto& v) { set_attr(root, a.name, v); }, a.value);
    // Every file the scenario read, byte for byte: with scenario_text, what `migflow
    // rerun` needs to repeat the run from this file alone.
    H5::Group inputs = file.createGroup("/inputs");
    set_attr(inputs, "complete", s.output.keep_inputs ? 1 : 0);
    for (std::size_t k = 0; k < (s.output.keep_inputs ? s.inputs.size() : 0); ++k) {
        const std::string& text = s.inputs[k].text;
        hsize_t dims[1] = {text.size()};
        H5::DSetCreatPropList plist;
        if (!text.empty()) {
            hsize_t chunk[1] = {std::min<hsize_t>(text.size(), 1 << 20)};
            plist.setChunk(1, chunk);
            if (s.output.compression > 0) plist.setDeflate(static_cast<unsigned>(std::clamp(s.output.compression, 0, 9)));
        }
        char name[32];
        std::snprintf(name, sizeof name, "file_%03zu", k);
        H5::DataSet ds = inputs.createDataSet(name, H5::PredType::NATIVE_UINT8, H5::DataSpace(1, dims), plist);
        if (!text.empty()) ds.write(text.data(), H5::PredType::NATIVE_UINT8);
        set_attr(ds, "path", s.inputs[k].path);
        describe(ds, "1", "bytes of an input file of the scenario, path relative to the scenario's directory");
    }
}

namespace {

// A static dataset with the units and description the catalogue gives it.
template <class T>
void write_described(H5::Group& g, std::string_view group, const std::string& name, const std::vector<T>& v) {
    const DatasetSpec& d = static_dataset(group, name);
    if constexpr (std::is_same_v<T, std::string>) write_strings(g, name, v, d.units, d.description);
    else write_vector(g, name, v, d.units, d.description);
}

}  // namespace

void write_time_and_network(H5::H5File& file, const Scenario& s, const World& w) {
    const auto days = static_cast<std::size_t>(std::max<Day>(s.days, 0));
    H5::Group time = file.createGroup("/time");
    std::vector<std::int32_t> day(days);
    std::vector<std::string> date(days);
    for (std::size_t t = 0; t < days; ++t) {
        day[t] = static_cast<std::int32_t>(t);
        date[t] = format_date(s.start_date + static_cast<DayNumber>(t));
    }
    write_described(time, "time", "day", day);
    write_described(time, "time", "date", date);

    const NetworkColumns c = network_columns(w);
    H5::Group regions = file.createGroup("/regions");
    write_described(regions, "regions", "name", c.region_name);
    write_described(regions, "regions", "type", c.region_type);
    write_described(regions, "regions", "country", c.region_country);
    write_described(regions, "regions", "lat", c.lat);
    write_described(regions, "regions", "lon", c.lon);
    write_described(regions, "regions", "capacity", c.capacity);
    write_described(regions, "regions", "initial_population", c.initial_population);

    H5::Group routes = file.createGroup("/routes");
    write_described(routes, "routes", "from", c.route_from);
    write_described(routes, "routes", "to", c.route_to);
    write_described(routes, "routes", "km", c.route_km);
}

void write_matrix(H5::Group& g, const std::string& name, const double* data, std::size_t rows,
                  std::size_t cols, int compression, const std::string& units,
                  const std::string& description) {
    hsize_t dims[2] = {rows, cols};
    H5::DataSpace space(2, dims);
    H5::DSetCreatPropList plist;
    if (rows > 0 && cols > 0) {
        hsize_t chunk[2] = {std::min(rows, max_chunk_rows), std::min(cols, max_chunk_cols)};
        plist.setChunk(2, chunk);
        if (compression > 0) {
            plist.setShuffle();
            plist.setDeflate(static_cast<unsigned>(std::clamp(compression, 0, 9)));
        }
    }
    H5::DataSet ds = g.createDataSet(name, H5::PredType::NATIVE_DOUBLE, space, plist);
    if (rows > 0 && cols > 0) ds.write(data, H5::PredType::NATIVE_DOUBLE);
    describe(ds, units, description);
}

}  // namespace migflow::detail
