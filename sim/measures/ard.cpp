// Flee's averaged relative difference (docs/FLEE-SPEC.md, "The validation metric").
#include "migflow/measures/ard.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace migflow {

Validation compute_ard(const std::vector<std::vector<double>>& sim,
                       const std::vector<std::vector<double>>& obs) {
    if (sim.size() != obs.size()) throw std::invalid_argument("compute_ard: sim and obs differ in regions");
    Validation v;
    if (sim.empty()) return v;
    const std::size_t days = obs.front().size();
    for (std::size_t k = 0; k < sim.size(); ++k)
        if (sim[k].size() != days || obs[k].size() != days)
            throw std::invalid_argument("compute_ard: every series needs the same number of days");
    v.error_rescaled.assign(days, 0.0);
    v.error_unrescaled.assign(days, 0.0);
    for (std::size_t t = 0; t < days; ++t) {
        double U = 0.0, S = 0.0;
        for (std::size_t k = 0; k < sim.size(); ++k) U += obs[k][t], S += sim[k][t];
        // Rescaling compares the distribution over camps, not the total (SPEC: 0 if S = 0).
        const double scale = S > 0.0 ? U / S : 0.0;
        double er = 0.0, eu = 0.0;
        for (std::size_t k = 0; k < sim.size(); ++k) {
            er += std::abs(sim[k][t] * scale - obs[k][t]);
            eu += std::abs(sim[k][t] - obs[k][t]);
        }
        const double den = std::max(U, 1.0);
        v.error_rescaled[t] = er / den;
        v.error_unrescaled[t] = eu / den;
    }
    if (days > 0) {
        double a = 0.0, b = 0.0;
        for (std::size_t t = 0; t < days; ++t) a += v.error_rescaled[t], b += v.error_unrescaled[t];
        v.ard_rescaled = a / static_cast<double>(days);
        v.ard_unrescaled = b / static_cast<double>(days);
    }
    return v;
}

}  // namespace migflow
