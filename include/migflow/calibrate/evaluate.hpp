#pragma once
// One evaluation of a calibration: every case run with every seed at the given values of
// the fitted coefficients, in process (no result file), scored against its observed data.
// The cases are loaded once; an evaluation only changes the parameter blocks.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "migflow/calibrate/spec.hpp"
#include "migflow/engine/team.hpp"
#include "migflow/scenario/scenario.hpp"

namespace migflow {

// The overrides that set `values` (one per parameter, in spec order); numbers written so
// that they read back as the same double.
Overrides parameter_overrides(const std::vector<CalibrationParameter>& parameters, const std::vector<double>& values);

// A number as text that reads back as the same double (%.17g, shortened when exact).
std::string exact_number(double v);

// A case as calibration runs it: the scenario as loaded (Flee case converted under
// `ruleset: native`, the case's `set:` applied). Throws InputError for a case that cannot
// be scored (no observed data) or a `set:` the scenario refuses.
Scenario load_calibration_case(const CalibrationCase& c);

// Refuses (std::runtime_error, with both figures) a calibration whose runs, as many at
// once as it runs them on `threads` (0 = all cores), would not fit in this machine's memory.
void check_calibration_memory(const CalibrationSpec& spec, int threads);
// One point to score and the seeds it runs with (every evaluated case with each seed).
struct EvaluationRequest {
    std::vector<double> values;
    std::vector<std::uint64_t> seeds;
};

class CalibrationEvaluator {
public:
    // Loads `cases` (every one of spec.cases when empty: indices into spec.cases) once.
    // threads: 0 = all cores. team: the evaluation's runs are shared out over its
    // processes (null: this one alone); every process must then call evaluate together.
    CalibrationEvaluator(const CalibrationSpec& spec, std::vector<std::size_t> cases, int threads, Team* team);
    ~CalibrationEvaluator();

    // Score of each evaluated case (mean over the seeds), in the order of `cases`.
    // Identical for any thread or process count.
    std::vector<double> evaluate(const std::vector<double>& values);
    // The same for many points at once, each with its own seeds: every run of the batch
    // side by side on the cores (and the processes), so that a batch of short runs keeps
    // them busy. [request][case], each the mean over the request's seeds.
    std::vector<std::vector<double>> evaluate_batch(const std::vector<EvaluationRequest>& requests);
    // The observed regions' daily counts of each run, [request][case][observed region][day],
    // for each request's first seed (one process only; the posterior predictive check).
    std::vector<std::vector<std::vector<std::vector<double>>>> observed_series(
        const std::vector<EvaluationRequest>& requests);
    // The scenario of an evaluated case as loaded (its observed data, its camps' names).
    const Scenario& scenario(std::size_t k) const;

    const std::vector<std::size_t>& cases() const { return cases_; }
    // The processes sharing the evaluations (null: this one alone).
    Team* team() const { return team_; }
    // The parameter values of the first case as loaded (the default start).
    std::vector<double> loaded_values() const;

private:
    void run_batch(const std::vector<EvaluationRequest>& requests, std::vector<std::vector<double>>* scores,
                   std::vector<std::vector<std::vector<std::vector<double>>>>* series);
    const CalibrationSpec& spec_;
    std::vector<std::size_t> cases_;
    int threads_;
    Team* team_;
    struct Loaded;
    std::vector<std::unique_ptr<Loaded>> loaded_;
};

// The objective of an evaluation: the mean of its cases' scores.
double total_objective(const std::vector<double>& case_scores);

}  // namespace migflow
