#pragma once
// The scores a calibration minimises (docs/CALIBRATION.md "Objectives"), from a run's
// daily counts at the observed regions and the observed counts.
#include <vector>

#include "migflow/calibrate/spec.hpp"

namespace migflow {

// Mean Poisson deviance of the daily net arrivals per observed region: with
// y = max(0, obs(t) - obs(t-1)) + 1/2 and mu = max(0, sim(t) - sim(t-1)) + 1/2 for t >= 1,
// D = 2/N · Σ [y·ln(y/mu) - (y - mu)] over the N region-days.
// −2 × the Poisson log-likelihood of the observed arrivals, relative to a perfect fit;
// 0 is a perfect fit. sim and obs are [k][day], of the same shape.
double arrivals_deviance(const std::vector<std::vector<double>>& sim, const std::vector<std::vector<double>>& obs);

// The chosen objective of one run: compute_ard's rescaled or unrescaled ARD, or
// arrivals_deviance. sim and obs are [k][day], of the same shape.
double score_run(CalibrationObjective o, const std::vector<std::vector<double>>& sim,
                 const std::vector<std::vector<double>>& obs);

}  // namespace migflow
