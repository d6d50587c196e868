// Road distances over an OpenStreetMap extract (docs/DATA.md "Routes"): roads kept by
// their highway tag, one graph of their segments, case nodes snapped to the nearest road
// node, Dijkstra from each node to its route partners.
#include "migflow/casebuild/roads.hpp"

#include "migflow/core/errors.hpp"

#ifdef MIGFLOW_OSM
#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/visitor.hpp>

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <queue>
#include <unordered_map>

#include "casebuild/nearest.hpp"
#include "migflow/casebuild/build_case.hpp"
#endif

namespace migflow::casebuild {

#ifndef MIGFLOW_OSM

bool osm_roads_available() { return false; }

std::vector<std::optional<double>> road_distances(const std::string& osm_file, const std::vector<Node>&,
                                                  const std::vector<std::pair<int, int>>&, double, RoadNetwork&) {
    throw InputError({Problem{osm_file, 0, 0, "routes.osm",
                              "this migflow was built without libosmium (install libosmium2-dev and rebuild), "
                              "so it cannot read OpenStreetMap roads; leave `routes.osm` out for great-circle routes"}});
}

#else

bool osm_roads_available() { return true; }

namespace {

// Roads people travel between towns; residential streets and paths add size, not routes.
bool is_travel_road(const char* highway) {
    static constexpr const char* kinds[] = {"motorway", "trunk", "primary", "secondary", "tertiary", "unclassified",
                                            "motorway_link", "trunk_link", "primary_link", "secondary_link",
                                            "tertiary_link", "track", "road"};
    for (const char* k : kinds)
        if (std::strcmp(highway, k) == 0) return true;
    return false;
}

struct RoadGraph {
    std::vector<double> lat, lon;
    std::unordered_map<osmium::object_id_type, int> index_of;  // OSM node id -> graph node
    std::vector<std::pair<int, int>> segment;
    std::vector<double> segment_km;
    long ways = 0;

    int node(const osmium::NodeRef& r) {
        const auto [it, fresh] = index_of.emplace(r.ref(), static_cast<int>(lat.size()));
        if (fresh) lat.push_back(r.location().lat()), lon.push_back(r.location().lon());
        return it->second;
    }
};

class RoadCollector : public osmium::handler::Handler {
public:
    explicit RoadCollector(RoadGraph& g) : g_(g) {}
    void way(const osmium::Way& w) {
        const char* highway = w.tags()["highway"];
        if (highway == nullptr || !is_travel_road(highway)) return;
        ++g_.ways;
        const osmium::NodeRef* previous = nullptr;
        for (const osmium::NodeRef& r : w.nodes()) {
            if (!r.location().valid()) continue;  // a node outside the extract
            if (previous != nullptr) {
                const int a = g_.node(*previous), b = g_.node(r);
                g_.segment.push_back({a, b});
                g_.segment_km.push_back(great_circle_km(g_.lat[a], g_.lon[a], g_.lat[b], g_.lon[b]));
            }
            previous = &r;
        }
    }

private:
    RoadGraph& g_;
};

RoadGraph read_roads(const std::string& file) {
    RoadGraph g;
    try {
        using Index = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
        Index index;
        osmium::handler::NodeLocationsForWays<Index> locations{index};
        locations.ignore_errors();  // ways that cross the extract's edge keep their inside part
        RoadCollector roads{g};
        osmium::io::Reader reader{file, osmium::osm_entity_bits::node | osmium::osm_entity_bits::way};
        osmium::apply(reader, locations, roads);
        reader.close();
    } catch (const std::exception& e) {
        throw InputError({Problem{file, 0, 0, "routes.osm", std::string("cannot read this OpenStreetMap file: ") + e.what()}});
    }
    if (g.segment.empty())
        throw InputError({Problem{file, 0, 0, "routes.osm", "no road (highway=motorway .. unclassified, track) in this file"}});
    return g;
}

// Segments as adjacency lists in CSR form, both ways.
struct Adjacency {
    std::vector<int> begin, to;
    std::vector<double> km;
};

Adjacency adjacency(const RoadGraph& g) {
    const std::size_t n = g.lat.size();
    Adjacency a{std::vector<int>(n + 1, 0), std::vector<int>(2 * g.segment.size()), std::vector<double>(2 * g.segment.size())};
    for (const auto& [u, v] : g.segment) ++a.begin[static_cast<std::size_t>(u) + 1], ++a.begin[static_cast<std::size_t>(v) + 1];
    for (std::size_t i = 0; i < n; ++i) a.begin[i + 1] += a.begin[i];
    std::vector<int> fill(a.begin.begin(), a.begin.end() - 1);
    for (std::size_t s = 0; s < g.segment.size(); ++s) {
        const auto [u, v] = g.segment[s];
        a.to[static_cast<std::size_t>(fill[u])] = v, a.km[static_cast<std::size_t>(fill[u]++)] = g.segment_km[s];
        a.to[static_cast<std::size_t>(fill[v])] = u, a.km[static_cast<std::size_t>(fill[v]++)] = g.segment_km[s];
    }
    return a;
}

// Shortest road km from road node `source` to each of `targets` (nullopt: unreachable),
// stopping once all are settled. `dist` is all infinity on entry and on return.
std::vector<std::optional<double>> shortest_km(const Adjacency& a, int source, const std::vector<int>& targets,
                                               std::vector<double>& dist) {
    std::vector<std::optional<double>> out(targets.size());
    std::vector<int> touched{source};
    std::size_t left = targets.size();
    using Entry = std::pair<double, int>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue;
    dist[static_cast<std::size_t>(source)] = 0.0;
    queue.push({0.0, source});
    while (!queue.empty() && left > 0) {
        const auto [d, u] = queue.top();
        queue.pop();
        if (d > dist[static_cast<std::size_t>(u)]) continue;
        for (std::size_t k = 0; k < targets.size(); ++k)
            if (targets[k] == u && !out[k]) out[k] = d, --left;
        for (int e = a.begin[static_cast<std::size_t>(u)]; e < a.begin[static_cast<std::size_t>(u) + 1]; ++e) {
            const auto v = static_cast<std::size_t>(a.to[static_cast<std::size_t>(e)]);
            const double nd = d + a.km[static_cast<std::size_t>(e)];
            if (nd < dist[v]) {
                if (std::isinf(dist[v])) touched.push_back(static_cast<int>(v));
                dist[v] = nd;
                queue.push({nd, static_cast<int>(v)});
            }
        }
    }
    for (int v : touched) dist[static_cast<std::size_t>(v)] = std::numeric_limits<double>::infinity();
    return out;
}

}  // namespace

std::vector<std::optional<double>> road_distances(const std::string& osm_file, const std::vector<Node>& nodes,
                                                  const std::vector<std::pair<int, int>>& pairs, double max_snap_km,
                                                  RoadNetwork& network) {
    const auto t0 = std::chrono::steady_clock::now();
    const RoadGraph g = read_roads(osm_file);
    const auto t1 = std::chrono::steady_clock::now();
    const std::size_t n = g.lat.size();
    const Adjacency adj = adjacency(g);
    detail::NearestPoint road_nodes;
    for (std::size_t i = 0; i < n; ++i) road_nodes.add(g.lat[i], g.lon[i], static_cast<int>(i));
    road_nodes.build();
    std::vector<int> snapped(nodes.size(), -1);
    network.snap_km.assign(nodes.size(), 0.0);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const auto [r, d] = road_nodes.find(nodes[i].lat, nodes[i].lon);
        network.snap_km[i] = d;
        if (d <= max_snap_km) snapped[i] = r;
    }
    // One search per case node that starts a pair, over the pairs whose other end is on a road.
    std::vector<std::optional<double>> out(pairs.size());
    std::vector<std::vector<std::size_t>> pairs_from(nodes.size());
    for (std::size_t p = 0; p < pairs.size(); ++p)
        if (snapped[static_cast<std::size_t>(pairs[p].second)] >= 0) pairs_from[static_cast<std::size_t>(pairs[p].first)].push_back(p);
    std::vector<double> dist(n, std::numeric_limits<double>::infinity());
    for (std::size_t a = 0; a < nodes.size(); ++a) {
        if (pairs_from[a].empty() || snapped[a] < 0) continue;
        std::vector<int> targets;
        for (std::size_t p : pairs_from[a]) targets.push_back(snapped[static_cast<std::size_t>(pairs[p].second)]);
        const auto km = shortest_km(adj, snapped[a], targets, dist);
        for (std::size_t k = 0; k < targets.size(); ++k) {
            const std::size_t p = pairs_from[a][k];
            if (km[k]) out[p] = *km[k] + network.snap_km[a] + network.snap_km[static_cast<std::size_t>(pairs[p].second)];
        }
    }
    network.ways = g.ways, network.road_nodes = static_cast<long>(n), network.segments = static_cast<long>(g.segment.size());
    network.read_seconds = std::chrono::duration<double>(t1 - t0).count();
    network.route_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    return out;
}

#endif

}  // namespace migflow::casebuild
