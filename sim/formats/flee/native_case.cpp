// A Flee case under the native model (docs/CALIBRATION.md "Flee cases under the native
// model"): same network, conflicts and observed camps; the native rules decide who
// leaves, where to and how many are displaced.
#include <algorithm>
#include <cmath>

#include "migflow/formats/flee/import.hpp"

namespace migflow {

Scenario flee_case_as_native(Scenario s) {
    if (s.ruleset != "flee" || !s.flee) return s;
    const FleeSettings flee = *s.flee;
    s.ruleset = "native";
    s.flee.reset();
    // Flee's intensities and flood levels may exceed 1; the native drivers are shares.
    for (DriverKind k : {DriverKind::conflict, DriverKind::climate}) {
        DriverSpec& d = s.driver(k);
        d.default_value = std::clamp(d.default_value, 0.0, 1.0);
        for (TimeSeries& ts : d.series)
            for (double& v : ts.value) v = std::clamp(v, 0.0, 1.0);
    }
    // Flee's insert_day0: the camps hold their observed day-0 count before the run. Here
    // they are residents of the camp (they count towards its population and occupancy).
    if (flee.spawn.insert_day0 && !flee.spawn.empty_camps_on_day0)
        for (std::size_t k = 0; k < s.observed.region.size(); ++k) {
            if (s.observed.count[k].empty()) continue;
            Region& r = s.regions.at(static_cast<std::size_t>(s.observed.region[k]));
            r.population += std::trunc(s.observed.count[k][0]);
        }
    // Only the displaced move (as in Flee): nobody is an agent before the run, and a
    // conflict displaces a share of the population each day (σc, fitted by calibration).
    s.agents.mobile_fraction = 0.0;
    s.agents.spawn_conflict = native_flee_spawn_conflict;
    s.behaviour.speed_km_per_day = flee.move.max_move_speed;
    return s;
}

}  // namespace migflow
