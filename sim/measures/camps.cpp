// Camp outcomes, day by day: first day full, peak and its day, days full, movers refused.
#include "migflow/measures/camps.hpp"

namespace migflow {

void CampTracker::begin(const World& w, double people_per_agent, const FullRule& rule) {
    people_per_agent_ = people_per_agent;
    counts_inbound_ = rule.full_above.empty() || rule.counts_inbound;
    camps_.clear();
    full_above_.clear();
    for (std::size_t r = 0; r < w.region_count(); ++r)
        if (w.regions[r].capacity > 0.0) {
            CampOutcome c;
            c.region = static_cast<RegionIndex>(r);
            c.capacity = w.regions[r].capacity;
            camps_.push_back(c);
            full_above_.push_back(rule.full_above.empty() ? c.capacity - people_per_agent
                                                          : rule.full_above[r]);
        }
}

void CampTracker::observe(Day t, const std::vector<double>& population,
                          const std::vector<std::int64_t>& inbound,
                          const std::vector<std::int64_t>& refused_full) {
    for (std::size_t k = 0; k < camps_.size(); ++k) {
        CampOutcome& c = camps_[k];
        const double people = population[c.region];
        if (c.peak_day < 0 || people > c.peak) {
            c.peak = people;
            c.peak_day = t;
        }
        c.refused += refused_full[c.region];
        const double coming = counts_inbound_ ? double(inbound[c.region]) * people_per_agent_ : 0.0;
        if (!(people + coming > full_above_[k])) continue;
        if (c.first_full < 0) c.first_full = t;
        ++c.days_full;
    }
}

}  // namespace migflow
