#pragma once
// Global sensitivity indices from a sweep's runs (docs/SWEEP.md "Sensitivity"):
// first-order and total Sobol indices from Saltelli's design, Morris's elementary-effect
// statistics from trajectories, each with bootstrap confidence intervals. The
// estimators are pure functions of the outputs; analyse_sweep_index reads them from a
// sweep's index.csv alone. The library never prints: notes come back as text.
#include <cstdint>
#include <string>
#include <vector>

namespace migflow {

struct Interval {
    double low = 0.0, high = 0.0;
};

// Outputs of Saltelli's design, by base row j: f(A_j), f(B_j) and ab[i][j] = f(AB^i_j).
struct SaltelliOutputs {
    std::vector<double> a, b;
    std::vector<std::vector<double>> ab;
};

struct SobolIndex {
    double s1 = 0.0, st = 0.0;
    Interval s1_ci, st_ci;
};

struct BootstrapSettings {
    int resamples = 1000;  // 0: no intervals (they are then [estimate, estimate])
    double level = 0.95;   // two-sided percentile interval
    std::uint64_t seed = 1;
};

// Saltelli et al. (2010) first-order estimator, S1_i = mean((f(B) - m)(f(AB^i) - f(A))) / V
// (m the mean over A and B rows: centred, sensitivity.cpp),
// and Jansen's total effect, ST_i = mean((f(A) - f(AB^i))^2) / (2V), with V the variance
// of f over the A and B rows together. Intervals: percentiles of the estimates over
// bootstrap resamples of the base rows (counter-based draws, the same for the same seed).
// Throws std::invalid_argument when the vectors do not match; a zero variance gives NaN.
std::vector<SobolIndex> sobol_indices(const SaltelliOutputs& y, const BootstrapSettings& boot);

// Elementary effects by factor: effects[i] holds (f(x + Δe_i) - f(x)) / Δ, one per trajectory.
struct MorrisIndex {
    double mu = 0.0, mu_star = 0.0, sigma = 0.0;  // mean, mean of |EE| (Campolongo 2007), standard deviation
    Interval mu_star_ci;
    int effects = 0;
};
std::vector<MorrisIndex> morris_indices(const std::vector<std::vector<double>>& effects, const BootstrapSettings& boot);

// One row of the result table: an outcome column of the index and a swept key.
struct SensitivityRow {
    std::string outcome, parameter;
    SobolIndex sobol;    // method sobol
    MorrisIndex morris;  // method morris
    int groups = 0;      // base rows or trajectories used
};

struct SensitivityTable {
    std::string method;  // sobol or morris
    std::vector<std::string> parameters, outcomes;
    std::vector<SensitivityRow> rows;  // outcome by outcome, parameters in index order
    int groups = 0;                    // base rows or trajectories in the design
    int seeds_per_point = 0;           // the most done runs of one point (outcomes are their mean)
    std::vector<std::string> notes;    // what was left out and why, and warnings about precision
};

// Reads `index_path` (a sweep index with design columns, docs/SWEEP.md) and computes the
// indices of every numeric outcome column over the runs that are done. Outcomes are
// averaged over the seeds of each point first. Throws std::runtime_error naming the file
// when it is not the index of a sobol or morris sweep, or has too few complete groups.
SensitivityTable analyse_sweep_index(const std::string& index_path, const BootstrapSettings& boot);

// The table as CSV text (sensitivity.csv: docs/SWEEP.md).
std::string sensitivity_csv(const SensitivityTable& t);

}  // namespace migflow
