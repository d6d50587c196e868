#pragma once
// Camp outcomes (docs/OUTPUT.md /measures/camps): for every region with a capacity,
// when it is first full, its peak, how many days it is full and how many movers it
// turns away. Fed one day at a time, so it works while the run goes.
#include <cstdint>
#include <vector>

#include "migflow/core/ids.hpp"
#include "migflow/engine/ruleset.hpp"

namespace migflow {

struct CampOutcome {
    RegionIndex region = no_region;
    double capacity = 0.0;            // people
    Day first_full = -1;              // first day it is full; -1: never
    double peak = 0.0;                // most people in it at the end of a day
    Day peak_day = -1;                // first day of that peak
    std::int64_t days_full = 0;
    std::int64_t refused = 0;         // movers it turned away, being full (agents)
};


class CampTracker {
public:
    // `rule`: when a region is full (Ruleset::full_rule); empty full_above: the native
    // rule, no room for one more agent counting those on their way.
    void begin(const World& w, double people_per_agent, const FullRule& rule);
    // One day's end-of-day population (people), agents on their way (per region) and
    // movers each region refused that day.
    void observe(Day t, const std::vector<double>& population, const std::vector<std::int64_t>& inbound,
                 const std::vector<std::int64_t>& refused_full);
    const std::vector<CampOutcome>& camps() const { return camps_; }
    const std::vector<double>& full_above() const { return full_above_; }  // per camp, people
    bool counts_inbound() const { return counts_inbound_; }

private:
    double people_per_agent_ = 1.0;
    bool counts_inbound_ = true;
    std::vector<double> full_above_;  // per camp
    std::vector<CampOutcome> camps_;
};

}  // namespace migflow
