#pragma once
// The run's static network as the columns /regions and /routes store: one builder for
// the HDF5 recorder and the Python module's in-process results.
#include <cstdint>
#include <string>
#include <vector>

#include "migflow/engine/world.hpp"

namespace migflow {

struct NetworkColumns {
    std::vector<std::string> region_name, region_type, region_country;
    std::vector<double> lat, lon, capacity, initial_population;
    std::vector<std::int32_t> route_from, route_to;
    std::vector<double> route_km;
};

NetworkColumns network_columns(const World& w);

}  // namespace migflow
