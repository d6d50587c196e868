#pragma once
// What `migflow run --replicates` and `migflow compare` print: per camp, medians with
// their p05-p95 band.
#include <vector>

#include "migflow/sweep/ensemble.hpp"

namespace migflow::cli {

void print_camp_bands(const Scenario& s, const std::vector<CampReplicates>& camps);

// Per camp: the per-seed difference (scenario - baseline) of the peak and of the
// arrivals over the whole run, each with its band.
void print_camp_differences(const Scenario& s, const std::vector<CampReplicates>& baseline,
                            const std::vector<CampReplicates>& scenario);

}  // namespace migflow::cli
