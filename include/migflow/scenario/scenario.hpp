#pragma once
// Validated scenario: plain structs, no YAML or CSV types. Loaders build it; the
// engine only reads it.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "migflow/core/date.hpp"
#include "migflow/core/errors.hpp"
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
    // Border closures may close one way only (docs/SCENARIO.md): the second country of
    // `border: [A, B]` closes `entry` (no travel A -> B) or `exit` (no travel B -> A).
    enum class Direction { both, entry, exit };
    Kind kind = Kind::route;
    Direction direction = Direction::both;
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
    bool keep_inputs = true;   // copy the input files into /inputs (what `migflow rerun` needs)
};

// A file a scenario read (a CSV table, a Flee input file), kept in the output so that
// the run can be repeated from the result file alone (`migflow rerun`).
struct InputFile {
    std::string path;  // as the scenario names it: relative to its directory (a Flee case's, for Flee)
    std::string text;
};

struct Scenario {
    std::string name;
    std::string description;
    std::string source_file;  // where it was loaded from
    // The scenario as run (stored in the output): the YAML as read, or with --set
    // overrides the YAML tree with them applied; for a Flee directory its simsetting.yml.
    std::string source_text;
    std::string source_kind = "yaml";  // "yaml" or "flee_dir": how source_text and inputs load again
    std::string base_text;             // with overrides: the text before them (comments kept)
    std::vector<std::pair<std::string, std::string>> overrides;  // --set / sweep values, in order
    std::vector<InputFile> inputs;     // every file the scenario read, in reading order
    // Notes for the user that are not errors (e.g. an event clipped to the run), as
    // `file:line:col: key: note`; the library never prints, the command line does.
    std::vector<std::string> notes;
    // The same files by the path they were opened at: a run never writes over one of
    // them, and `sweep --resume` hashes them (empty for a scenario rebuilt from `inputs`).
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
    // Inputs that load and run as the source model runs them, but whose effect may
    // surprise (an imported Flee case's quirks); the CLI prints them.
    std::vector<Problem> warnings;

    const DriverSpec& driver(DriverKind k) const { return drivers[static_cast<int>(k)]; }
    DriverSpec& driver(DriverKind k) { return drivers[static_cast<int>(k)]; }
};

// Largest valid value of a driver under a ruleset, from the ruleset registry
// (RulesetEntry::conflict_max, climate_max; economy is unbounded).
double driver_max(const std::string& ruleset, DriverKind k);

std::string_view to_string(RegionType t);
std::string_view to_string(DriverKind k);

}  // namespace migflow
