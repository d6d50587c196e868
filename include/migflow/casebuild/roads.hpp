#pragma once
// Road distances from an OpenStreetMap extract (`.osm.pbf` or `.osm`), read with
// libosmium when the build found it (CMake option MIGFLOW_OSM, on when libosmium2-dev is
// installed; docs/DATA.md "Routes").
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace migflow::casebuild {

struct Node;

// True when this build reads OpenStreetMap files.
bool osm_roads_available();

struct RoadNetwork {
    long ways = 0, road_nodes = 0, segments = 0;  // what was kept of the extract
    double read_seconds = 0.0, route_seconds = 0.0;
    std::vector<double> snap_km;  // per case node: distance to its nearest road node
};

// For each pair of case nodes, the shortest distance over the extract's roads
// (highway=motorway .. unclassified, their links, and tracks), km, between the road
// nodes nearest to either end, plus both snap distances; nullopt where no road joins
// them or an end lies farther than max_snap_km from every road. Throws InputError naming
// the file when it cannot be read, or when this build has no libosmium.
std::vector<std::optional<double>> road_distances(const std::string& osm_file, const std::vector<Node>& nodes,
                                                  const std::vector<std::pair<int, int>>& pairs, double max_snap_km,
                                                  RoadNetwork& network);

}  // namespace migflow::casebuild
