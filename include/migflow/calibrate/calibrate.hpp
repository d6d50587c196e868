#pragma once
// A calibration run (docs/CALIBRATION.md): NLopt searches the coefficients' box for the
// lowest objective, one CalibrationEvaluator call per point; every evaluation is appended
// to history.csv as it finishes, so a stopped calibration resumes by replaying it.
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "migflow/calibrate/evaluate.hpp"

namespace migflow {

struct CalibrationRow {
    int evaluation = 0;               // 1-based
    std::vector<double> values;       // one per parameter
    std::vector<double> case_scores;  // one per evaluated case
    double total = 0.0;               // total_objective(case_scores)
    double wall_seconds = 0.0;        // of this evaluation (as first computed, when replayed)
};

// The posterior predictive check of one case: bands of the model's runs (one seed each,
// at coefficient sets drawn from the posterior by weight) against the observed counts.
struct PredictiveCase {
    std::string name;
    std::vector<std::string> camps;            // the observed regions
    int draws = 0;
    std::vector<std::vector<double>> observed; // [camp][day], the days runs and data both cover
    std::vector<std::vector<double>> q05, q25, q50, q75, q95;  // [camp][day], over the draws
    std::vector<double> coverage50, coverage90;  // per camp: share of its days inside the band
    std::vector<double> crps;                    // per camp: mean CRPS over its days (people)
    double coverage50_all = 0, coverage90_all = 0, crps_all = 0;  // over every camp-day
    double crps_relative = 0;                    // crps_all / mean observed count
};

struct CalibrationResult {
    std::vector<CalibrationRow> history;
    std::size_t best = 0;   // index into history
    int replayed = 0;       // rows taken from an earlier history.csv
    std::string stop_reason;
    bool stopped = false;   // by CalibrationOptions::stop
    double wall_seconds = 0.0;
    // Why the fit may not have converged (posterior.hpp): printed, in best.yaml, posterior.h5
    // and validate's table. Empty: no sign of it.
    std::vector<std::string> warnings;
    // method abc-smc: the sampler's result, the simulations it ran (proposals x cases x
    // seeds), and the posterior predictive check (empty when predictive_draws is 0).
    std::optional<AbcResult> abc;
    long long abc_runs = 0;
    std::vector<PredictiveCase> predictive;
};

struct CalibrationOptions {
    std::string output_dir;   // empty: nothing is written (tests, validation folds in memory)
    bool resume = false;      // replay output_dir/history.csv
    bool overwrite = false;   // replace an earlier calibration in output_dir
    bool write = true;        // false on MPI ranks other than 0: same path, no files
    const std::atomic<int>* stop = nullptr;  // non-zero: stop after the current evaluation
    std::function<void(const CalibrationRow& row, const CalibrationRow& best)> progress;
    std::function<void(const std::string& line)> note;  // ABC-SMC: a line per generation
};

// Runs the optimiser over `evaluator`'s cases. With output_dir: writes calibration.txt
// (the fingerprint), history.csv as it goes, then best.yaml and convergence.svg.
// Refuses (std::runtime_error) an output_dir that holds a calibration unless resume or
// overwrite; resume refuses a history made by other settings.
CalibrationResult run_calibration(const CalibrationSpec& spec, CalibrationEvaluator& evaluator,
                                  const CalibrationOptions& options);

// The search's unit coordinate of a coefficient's value (log-scaled where asked) and back.
double unit_to_value(const CalibrationParameter& p, double u);
double value_to_unit(const CalibrationParameter& p, double x);

// method abc-smc (run_calibration calls it): the posterior, then best.yaml at its best
// particle, posterior.h5 and the posterior predictive check.
CalibrationResult run_abc_calibration(const CalibrationSpec& spec, CalibrationEvaluator& evaluator,
                                      const CalibrationOptions& options);

// history.csv's header for these parameters and case names.
std::string history_header(const CalibrationSpec& spec, const std::vector<std::string>& case_names);
// The rows of a history.csv (an unfinished last line, from a killed process, is dropped).
std::vector<CalibrationRow> read_history(const std::string& path, const CalibrationSpec& spec,
                                         const std::vector<std::string>& case_names);

// best.yaml: the best values as a YAML fragment a scenario (or flatten_set_fragment, for
// --set) takes, headed by comments giving the objective and the `--set` arguments.
// `warnings` (the fit's convergence warnings) are written as comments.
std::string best_yaml(const CalibrationSpec& spec, const CalibrationRow& best, const std::vector<std::string>& case_names,
                      const std::vector<std::string>& warnings = {});
// A YAML fragment of nested maps (best.yaml) as `--set` overrides: key.path=value.
Overrides flatten_set_fragment(const std::string& yaml_text, const std::string& name_for_errors);

// The convergence plot: every evaluation's objective and the best so far, as SVG.
std::string convergence_svg(const CalibrationSpec& spec, const std::vector<CalibrationRow>& history);

}  // namespace migflow
