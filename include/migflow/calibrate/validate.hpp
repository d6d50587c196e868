#pragma once
// Leave-one-case-out cross-validation (docs/VALIDATION.md): for each case, calibrate on
// the others and score the result on it; beside it the joint fit on every case (in
// sample) and the starting values.
#include <optional>
#include <string>
#include <vector>

#include "migflow/calibrate/calibrate.hpp"

namespace migflow {

struct ValidationFold {
    std::string case_name;
    std::optional<double> reference;  // the case's reference_ard (e.g. Flee's)
    double at_start = 0.0;            // score with the starting values
    double in_sample = 0.0;           // score at the joint fit on every case
    double out_of_sample = 0.0;       // score at the fit on the other cases
    std::vector<double> fitted;       // the values fitted without this case
    int evaluations = 0;              // of that fit
    double fit_seconds = 0.0;
    std::vector<std::string> warnings;  // the fit without this case's convergence warnings
    // method abc-smc with predictive_draws > 0: the held-out case's posterior predictive
    // check from the posterior fitted without it.
    std::optional<PredictiveCase> predictive;
};

struct CrossValidation {
    std::vector<ValidationFold> folds;  // in case order
    CalibrationResult joint;            // the fit on every case
    double wall_seconds = 0.0;
    // Stopped by `stop` (folds then holds the folds finished before): in which fit,
    // "all" or "without_<case>", the name of its folder.
    std::optional<std::string> stopped_in;
};

// Runs 1 + N calibrations (N = cases, at least 2), each with spec's settings, into
// output_dir/all and output_dir/without_<case> (empty: nothing written); resume/overwrite
// as CalibrationOptions. `progress` gets a line per finished calibration. `stop`
// (non-zero) stops the fit under way after its current evaluation, and the rest.
CrossValidation cross_validate(const CalibrationSpec& spec, int threads, Team* team, const std::string& output_dir,
                               bool resume, bool overwrite, bool write,
                               const std::function<void(const std::string&)>& progress = {},
                               const std::atomic<int>* stop = nullptr);

// The table: case, reference, at start, in sample, out of sample (Markdown), and as CSV.
std::string validation_markdown(const CalibrationSpec& spec, const CrossValidation& cv);
std::string validation_csv(const CalibrationSpec& spec, const CrossValidation& cv);

}  // namespace migflow
