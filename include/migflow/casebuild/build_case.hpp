#pragma once
// `migflow build-case`: public data -> a native YAML scenario, its CSV drivers and
// observed counts, a Flee case directory, and ASSUMPTIONS.md (docs/DATA.md).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "migflow/casebuild/case_spec.hpp"
#include "migflow/casebuild/inputs.hpp"
#include "migflow/casebuild/ledger.hpp"

namespace migflow::casebuild {

struct CaseRoute {
    int a = 0, b = 0;  // indices into BuiltCase::nodes
    double km = 0.0;
    bool joins_components = false;  // added to make the graph connected
};

// A node of the built network: a place or a camp.
struct Node {
    std::string name;
    bool camp = false;
    double lat = 0.0, lon = 0.0;
    double population = 0.0, capacity = 0.0;
    std::string country, admin1, admin2;
    std::optional<int> opening_day;  // camps opening after day 0
};

struct BuiltCase {
    CaseSpec spec;
    std::vector<Node> nodes;  // places, then camps
    std::vector<CaseRoute> routes;
    // Per node, day 0..days-1: conflict intensity in [0, 1]; empty without events.
    std::vector<std::vector<double>> intensity;
    std::vector<std::optional<int>> onset;  // day of the Flee-style onset, per node
    std::vector<ObservedSeries> observed;   // matched to node names
    double people_per_agent = 1.0;
    Ledger ledger;
};

// Conflict intensity of one place per day: the measure summed over the trailing window
// (day - window, day], divided by the saturation, capped at 1. `measure_on_day` holds
// (day of the run, measure) pairs; days before 0 count towards the first windows.
std::vector<double> intensity_series(const std::vector<std::pair<int, double>>& measure_on_day, int days,
                                     int window_days, double saturation);
// First day on which the windowed measure reaches onset_min; nullopt if never.
std::optional<int> onset_day(const std::vector<std::pair<int, double>>& measure_on_day, int days, int window_days,
                             double onset_min);

// Routes to each node's k nearest neighbours (km = great circle × circuity), then the
// shortest links that join the graph's components until it is connected.
std::vector<CaseRoute> nearest_neighbour_routes(const std::vector<Node>& nodes, int k, double circuity);

// The node (place, not camp) each event belongs to, -1 for none (recorded in the ledger):
// the nearest place within spec.max_km, or the most populous place of the event's admin unit.
std::vector<int> assign_events(const std::vector<Event>& events, const std::vector<Node>& nodes,
                               const EventsSpec& spec, Ledger& ledger);

BuiltCase build_case(const CaseSpec& spec);

// Writes scenario.yaml, regions.csv, routes.csv, conflict.csv, observed.csv,
// ASSUMPTIONS.md and flee/ into `dir` (created; existing files of these names are
// replaced). Returns the files written.
std::vector<std::string> write_case(const BuiltCase& c, const std::string& dir);

}  // namespace migflow::casebuild
