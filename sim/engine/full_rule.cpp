// The default test of when a region with a capacity is full: no room for one more agent.
#include "migflow/engine/ruleset.hpp"

namespace migflow {

// MODEL.md §3.2: admission stops when capacity - occupancy < people_per_agent, where
// occupancy counts the people on their way.
FullRule Ruleset::full_rule(const World& w, double people_per_agent) const {
    FullRule rule;
    rule.counts_inbound = true;
    rule.full_above.resize(w.region_count());
    for (std::size_t r = 0; r < w.region_count(); ++r)
        rule.full_above[r] = w.regions[r].capacity - people_per_agent;
    return rule;
}

}  // namespace migflow
