#pragma once
// The static geography of a run: regions and the route graph in CSR form.
#include <string>
#include <vector>

#include "migflow/scenario/scenario.hpp"

namespace migflow {

struct World {
    std::vector<Region> regions;
    std::vector<Route> routes;
    std::vector<std::string> countries;     // distinct, in order of first appearance
    std::vector<std::int32_t> country_of;   // per region, index into countries
    std::vector<std::uint8_t> is_foreign;   // per region: country differs from the first region's

    // Links out of region r are link_begin[r] .. link_begin[r+1]-1, in route file order
    // (each route gives one link from each end).
    std::vector<std::int32_t> link_begin;
    std::vector<RegionIndex> link_to;
    std::vector<RouteIndex> link_route;
    std::vector<float> link_km;
    std::vector<std::int32_t> link_reverse;  // per link: the same route's link the other way
    std::vector<std::int32_t> route_link;    // per route: its link from `from` to `to`

    std::size_t region_count() const { return regions.size(); }
    std::size_t route_count() const { return routes.size(); }
};

World build_world(const Scenario& s);

// Which links and regions are open on day t, from the scenario's closures.
struct Openness {
    // Per link (World CSR order): travel from the link's region to link_to[l] allowed.
    // Directed, so a border can close one way only.
    std::vector<std::uint8_t> link_open;
    std::vector<std::uint8_t> region_open;  // per region (a closed region takes nobody in or out)
    std::vector<std::uint8_t> camp_open;    // per region (a closed camp counts as a settlement)
};

void compute_openness(const Scenario& s, const World& w, Day t, Openness& out);

}  // namespace migflow
