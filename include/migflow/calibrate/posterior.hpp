#pragma once
// What a Bayesian calibration leaves (docs/CALIBRATION.md "Bayesian calibration"): the
// convergence warnings of a fit, the posterior predictive check of a weighted sample of
// coefficient sets against the observed series, and posterior.h5.
#include <cstdint>
#include <string>
#include <vector>

#include "migflow/calibrate/calibrate.hpp"

namespace migflow {

// Thresholds of the warnings (documented in CALIBRATION.md "Convergence warnings").
inline constexpr double warn_still_improving = 0.01;  // best fell by > 1 % in the budget's last fifth
inline constexpr double warn_bound_share = 0.01;      // a best value within 1 % of its range from a bound
inline constexpr double warn_tolerance_drop = 0.05;   // ε fell by > 5 % in the last generation
inline constexpr double warn_min_ess_share = 0.2;     // ESS below 20 % of the particles
inline constexpr double warn_edge = 0.02;             // a posterior's outer 2 % of the range ...
inline constexpr double warn_edge_mass = 0.1;         // ... holding more than 10 % of its weight

// A point optimiser's fit: the budget ran out while the best was still improving; a best
// coefficient at a bound of its range.
std::vector<std::string> optimiser_warnings(const CalibrationSpec& spec, const CalibrationResult& r);
// An ABC-SMC posterior: the tolerance still falling when the generations ran out (or too
// few generations to tell); ESS too low; posterior mass piled against a bound.
std::vector<std::string> abc_warnings(const CalibrationSpec& spec, const AbcResult& r);

// Bands, coverage and CRPS from runs [draw][camp][day] and the observed [camp][day]
// (each cut to the days all cover). Quantiles interpolate linearly between order
// statistics; CRPS is the sample formula mean|X - y| - mean|X - X'| / 2.
PredictiveCase predictive_summary(const std::string& name, const std::vector<std::string>& camps,
                                  const std::vector<std::vector<double>>& observed,
                                  const std::vector<std::vector<std::vector<double>>>& runs);

// Runs `draws` coefficient sets drawn from (values, weights) by weight, each with a seed
// of its own (keyed by `seed` and the draw), for every case of `evaluator`.
std::vector<PredictiveCase> posterior_predictive(const CalibrationSpec& spec, CalibrationEvaluator& evaluator,
                                                 const std::vector<std::vector<double>>& values,
                                                 const std::vector<double>& weights, int draws, std::uint64_t seed);

// predictive.csv (a row per case and camp, and one per case for all its camps) and the plot.
std::string predictive_csv(const std::vector<PredictiveCase>& cases);
std::string predictive_svg(const PredictiveCase& c);

// The sampled coefficient sets as values (unit cube -> each parameter's range).
std::vector<std::vector<double>> posterior_values(const CalibrationSpec& spec, const AbcPopulation& p);

// posterior.h5 (docs/OUTPUT.md "Posterior files"), written to a `.partial`, sealed and
// renamed into place.
void write_posterior_file(const std::string& path, const CalibrationSpec& spec, const CalibrationResult& r,
                          const std::vector<std::string>& case_names);

}  // namespace migflow
