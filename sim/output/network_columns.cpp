// Regions and routes of a World as columns, in region and route order.
#include "migflow/output/network_columns.hpp"

#include "migflow/scenario/scenario.hpp"

namespace migflow {

NetworkColumns network_columns(const World& w) {
    NetworkColumns c;
    for (const Region& r : w.regions) {
        c.region_name.push_back(r.name);
        c.region_type.emplace_back(to_string(r.type));
        c.region_country.push_back(r.country);
        c.lat.push_back(r.lat);
        c.lon.push_back(r.lon);
        c.capacity.push_back(r.capacity);
        c.initial_population.push_back(r.population);
    }
    for (const Route& r : w.routes) {
        c.route_from.push_back(r.from);
        c.route_to.push_back(r.to);
        c.route_km.push_back(r.km);
    }
    return c;
}

}  // namespace migflow
