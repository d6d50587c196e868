#pragma once
// A calibration run (docs/CALIBRATION.md): NLopt searches the coefficients' box for the
// lowest objective, one CalibrationEvaluator call per point; every evaluation is appended
// to history.csv as it finishes, so a stopped calibration resumes by replaying it.
#include <atomic>
#include <functional>
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

struct CalibrationResult {
    std::vector<CalibrationRow> history;
    std::size_t best = 0;   // index into history
    int replayed = 0;       // rows taken from an earlier history.csv
    std::string stop_reason;
    bool stopped = false;   // by CalibrationOptions::stop
    double wall_seconds = 0.0;
};

struct CalibrationOptions {
    std::string output_dir;   // empty: nothing is written (tests, validation folds in memory)
    bool resume = false;      // replay output_dir/history.csv
    bool overwrite = false;   // replace an earlier calibration in output_dir
    bool write = true;        // false on MPI ranks other than 0: same path, no files
    const std::atomic<int>* stop = nullptr;  // non-zero: stop after the current evaluation
    std::function<void(const CalibrationRow& row, const CalibrationRow& best)> progress;
};

// Runs the optimiser over `evaluator`'s cases. With output_dir: writes calibration.txt
// (the fingerprint), history.csv as it goes, then best.yaml and convergence.svg.
// Refuses (std::runtime_error) an output_dir that holds a calibration unless resume or
// overwrite; resume refuses a history made by other settings.
CalibrationResult run_calibration(const CalibrationSpec& spec, CalibrationEvaluator& evaluator,
                                  const CalibrationOptions& options);

// history.csv's header for these parameters and case names.
std::string history_header(const CalibrationSpec& spec, const std::vector<std::string>& case_names);
// The rows of a history.csv (an unfinished last line, from a killed process, is dropped).
std::vector<CalibrationRow> read_history(const std::string& path, const CalibrationSpec& spec,
                                         const std::vector<std::string>& case_names);

// best.yaml: the best values as a YAML fragment a scenario (or flatten_set_fragment, for
// --set) takes, headed by comments giving the objective and the `--set` arguments.
std::string best_yaml(const CalibrationSpec& spec, const CalibrationRow& best, const std::vector<std::string>& case_names);
// A YAML fragment of nested maps (best.yaml) as `--set` overrides: key.path=value.
Overrides flatten_set_fragment(const std::string& yaml_text, const std::string& name_for_errors);

// The convergence plot: every evaluation's objective and the best so far, as SVG.
std::string convergence_svg(const CalibrationSpec& spec, const std::vector<CalibrationRow>& history);

}  // namespace migflow
