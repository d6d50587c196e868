#pragma once
// Comparison of simulated and observed counts: Flee's averaged relative difference
// (docs/FLEE-SPEC.md, docs/FLEE.md).
#include <vector>

namespace migflow {

struct Validation {
    std::vector<double> error_rescaled;    // E(t) per day, simulated rescaled to the observed total
    std::vector<double> error_unrescaled;  // E(t) per day, simulated as is
    double ard_rescaled = 0.0;             // mean of error_rescaled over all days
    double ard_unrescaled = 0.0;
};

// sim and obs are [k][day] for the same k observed regions and the same days.
Validation compute_ard(const std::vector<std::vector<double>>& sim,
                       const std::vector<std::vector<double>>& obs);

}  // namespace migflow
