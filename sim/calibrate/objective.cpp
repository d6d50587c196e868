// The calibration objectives (docs/CALIBRATION.md "Objectives").
#include "migflow/calibrate/objective.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "migflow/measures/ard.hpp"

namespace migflow {

double arrivals_deviance(const std::vector<std::vector<double>>& sim, const std::vector<std::vector<double>>& obs) {
    if (sim.size() != obs.size()) throw std::invalid_argument("arrivals_deviance: sim and obs differ in regions");
    double sum = 0.0;
    std::size_t n = 0;
    for (std::size_t k = 0; k < sim.size(); ++k) {
        if (sim[k].size() != obs[k].size())
            throw std::invalid_argument("arrivals_deviance: every series needs the same number of days");
        for (std::size_t t = 1; t < obs[k].size(); ++t) {
            // Half a person added to both: a day the model sends nobody where people
            // arrived costs a finite (large) amount, and a perfect fit still scores 0.
            const double y = std::max(0.0, obs[k][t] - obs[k][t - 1]) + 0.5;
            const double mu = std::max(0.0, sim[k][t] - sim[k][t - 1]) + 0.5;
            sum += y * std::log(y / mu) - (y - mu);
            ++n;
        }
    }
    return n > 0 ? 2.0 * sum / static_cast<double>(n) : 0.0;
}

double score_run(CalibrationObjective o, const std::vector<std::vector<double>>& sim,
                 const std::vector<std::vector<double>>& obs) {
    switch (o) {
    case CalibrationObjective::ard_rescaled: return compute_ard(sim, obs).ard_rescaled;
    case CalibrationObjective::ard_unrescaled: return compute_ard(sim, obs).ard_unrescaled;
    case CalibrationObjective::arrivals_deviance: return arrivals_deviance(sim, obs);
    }
    throw std::logic_error("score_run: unknown objective");
}

}  // namespace migflow
