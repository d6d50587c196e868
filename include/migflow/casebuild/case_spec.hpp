#pragma once
// The small YAML file that `migflow build-case` reads (docs/DATA.md): which public data
// files make the case, and every choice made in turning them into a scenario.
#include <map>
#include <string>
#include <vector>

#include "migflow/core/date.hpp"

namespace migflow::casebuild {

enum class PlaceFormat { csv, geonames };
enum class EventAssign { nearest, admin1, admin2 };
enum class EventMeasure { events, fatalities };
enum class ConflictForm { intensity, onset };

struct PlacesSpec {
    std::string file;  // absolute, resolved against the case file
    PlaceFormat format = PlaceFormat::csv;
    double min_population = 0.0;
    int admin_level = 0;                 // 0: every place; 1, 2: the most populous place per admin unit
    std::vector<std::string> countries;  // kept countries (names in CSV, ISO codes in GeoNames); empty: all
    std::string admin1_names;            // GeoNames admin1CodesASCII.txt, for admin-1 names instead of codes
};

struct EventsSpec {
    std::string file;
    EventAssign assign = EventAssign::nearest;
    double max_km = 50.0;
    EventMeasure measure = EventMeasure::events;
    int window_days = 30;
    double saturation = 10.0;              // measure in the window at which intensity reaches 1
    double onset_min = 1.0;                // measure in the window that starts a Flee conflict
    std::vector<std::string> event_types;  // kept ACLED event types; empty: all
    std::map<std::string, std::string> admin_aliases;  // ACLED admin name -> places' admin name
};

struct ObservedSpec {
    std::string file;
    std::string place;  // for a `date,count` table: the place it counts
    std::string tag;    // for an HXL table: the count column's tag; empty: the first #affected
};

struct CaseSpec {
    std::string file;  // the case YAML itself
    std::string name;
    DayNumber start = 0;
    int days = 0;
    unsigned long long seed = 1;
    PlacesSpec places;
    std::string camps;  // camp table; empty: none
    EventsSpec events;  // file empty: no conflict driver
    int neighbours = 3;
    double circuity = 1.3;
    std::string osm;            // OpenStreetMap extract for road distances; empty: great circle × circuity
    double max_snap_km = 10.0;  // farthest a place may lie from the road it is snapped to
    std::vector<ObservedSpec> observed;
    double people_per_agent = 0.0;  // 0: chosen from the population
    double spawn_conflict = 0.001;
    double speed_km_per_day = 200.0;
    ConflictForm native_conflict = ConflictForm::intensity;
    ConflictForm flee_conflict = ConflictForm::onset;
};

// Reads and checks the case file; every problem at once as InputError (file:line:col: key).
CaseSpec load_case_spec(const std::string& path);

}  // namespace migflow::casebuild
