#pragma once
// Validated scenario: plain structs, no YAML or CSV types. Loaders build it; the
// engine only reads it.
#include <optional>
#include <string>
#include <vector>

#include "migflow/core/date.hpp"
#include "migflow/rules/flee/settings.hpp"
#include "migflow/core/ids.hpp"
#include "migflow/scenario/params.hpp"

namespace migflow {

enum class RegionType : std::uint8_t { settlement, camp, transit };

struct Region {
    std::string name;
    RegionType type = RegionType::settlement;
    double lat = 0.0;
    double lon = 0.0;
    double population = 0.0;  // people
    double capacity = 0.0;    // people; 0 = unlimited
    std::string country;
};

struct Route {
    RegionIndex from = no_region;
    RegionIndex to = no_region;
    double km = 0.0;
};

// A closure holds on days start <= t < end.
struct Closure {
    enum class Kind { route, region, border, camp };
    Kind kind = Kind::route;
    RegionIndex a = no_region;  // route: one end; region/camp: the region
    RegionIndex b = no_region;  // route: other end
    RouteIndex route = -1;      // route: only this route (a route's own `closed:`); -1: all a-b routes
    std::string country_a;      // border
    std::string country_b;
    Day start = 0;
    Day end = never;
};

enum class DriverKind { conflict = 0, economy = 1, climate = 2 };
inline constexpr int driver_count = 3;
enum class Interpolation { step, linear };

// Points (day, value) sorted by day. Before the first point the first value holds,
// after the last the last value holds.
struct TimeSeries {
    std::vector<Day> day;
    std::vector<double> value;
};

struct DriverSpec {
    Interpolation interpolation = Interpolation::step;
    double default_value = 0.0;      // for regions without a series
    std::vector<TimeSeries> series;  // one per region (empty = default_value)
};

// A scheduled event on one driver of one region over [start, end).
struct Shock {
    enum class Mode { max, add, scale, set };
    DriverKind driver = DriverKind::climate;
    RegionIndex region = no_region;
    Day start = 0;
    Day end = never;
    double severity = 0.0;
    Mode mode = Mode::max;
};

struct AgentGroup {
    std::string name;
    double share = 1.0;
    double hazard_scale = 1.0;
};

// Observed counts (e.g. UNHCR arrivals) per region and day, for validation.
struct Observations {
    std::vector<RegionIndex> region;
    std::vector<std::vector<double>> count;  // [k][day], days() entries each
};

struct OutputSpec {
    std::string path;          // empty: <scenario name>.h5 beside the working directory
    int snapshot_every = 0;    // agent snapshots every k days; 0 = none
    int compression = 1;       // gzip level 0..9; 1: fast, and with shuffle nearly as small as 4
};

struct Scenario {
    std::string name;
    std::string description;
    std::string source_file;  // where it was loaded from
    std::string source_text;  // the scenario text as read (stored in the output)
    // Every file the scenario was read from (its YAML, CSV tables, a Flee case's files):
    // a run never writes over one of them, and `sweep --resume` hashes them.
    std::vector<std::string> input_files;
    DayNumber start_date = 0;
    Day days = 0;
    std::uint64_t seed = 1;
    std::string ruleset = "native";

    std::vector<Region> regions;
    std::vector<Route> routes;
    std::vector<Closure> closures;
    DriverSpec drivers[driver_count];
    std::vector<Shock> shocks;

    Behaviour behaviour;
    AgentRules agents;
    std::vector<AgentGroup> groups;  // empty: one group
    OutputSpec output;

    Observations observed;
    std::optional<FleeSettings> flee;  // set when ruleset == "flee"

    const DriverSpec& driver(DriverKind k) const { return drivers[static_cast<int>(k)]; }
    DriverSpec& driver(DriverKind k) { return drivers[static_cast<int>(k)]; }
};

// Largest valid value of a driver under a ruleset: the native model's conflict and
// climate are in [0, 1]; Flee's conflict intensities may exceed 1.
double driver_max(const std::string& ruleset, DriverKind k);

std::string_view to_string(RegionType t);
std::string_view to_string(DriverKind k);

}  // namespace migflow
