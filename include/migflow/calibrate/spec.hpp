#pragma once
// Calibration files (docs/CALIBRATION.md): the cases with observed data, the coefficients
// to fit and their ranges, the objective, the seeds of each evaluation, the optimiser and
// its budget. Loading is pure: nothing runs, nothing is written.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "migflow/calibrate/abc_smc.hpp"
#include "migflow/scenario/loader.hpp"

namespace migflow {

// One scenario or Flee case with observed counts; its score is one term of the objective.
struct CalibrationCase {
    std::string name;       // `name:`, else the file's stem or the directory's name
    std::string path;       // scenario YAML or Flee case directory, resolved
    bool native = false;    // `ruleset: native` on a Flee case (flee_case_as_native)
    Overrides set;          // `set:`: fixed overrides of this case, before the fitted values
    std::optional<double> reference_ard;  // `reference_ard:`: e.g. Flee's published ARD
    int line = 0, column = 0;             // where the case is written
};

// One fitted coefficient: any key `--set` accepts on a loaded scenario.
struct CalibrationParameter {
    std::string key;
    double lo = 0.0, hi = 0.0;
    bool log = false;               // searched on a log scale (needs lo > 0)
    std::optional<double> start;    // default: the first case's value, clamped to [lo, hi]
    bool integer = false;           // from the parameter table (e.g. behaviour.awareness)
};

enum class CalibrationObjective { ard_rescaled, ard_unrescaled, arrivals_deviance };

// `method:`: NLopt's point optimiser (the default) or ABC-SMC, which returns a posterior.
enum class CalibrationMethod { optimiser, abc_smc };

// `abc:` settings (method abc-smc): the sampler's, and how a particle is scored.
struct AbcSpec {
    AbcSettings sampler;            // particles, generations, quantile, min_acceptance_rate, seed
    int seeds_per_particle = 3;     // model seeds each proposal runs with (fresh ones for each)
    int predictive_draws = 100;     // posterior predictive check: runs per case (0: none)
};

struct CalibrationSpec {
    std::string file;          // as named
    std::string output_dir;    // resolved; default <file stem>_out beside the file
    std::vector<CalibrationCase> cases;
    std::vector<CalibrationParameter> parameters;
    CalibrationObjective objective = CalibrationObjective::ard_rescaled;
    std::vector<std::uint64_t> seeds{1};  // each evaluation runs every case with each seed
    int budget = 200;                     // evaluations at most
    std::string algorithm = "LN_SBPLX";   // an NLopt derivative-free algorithm
    std::uint64_t optimiser_seed = 1;     // nlopt::srand, for the stochastic algorithms
    double tolerance = 1e-4;              // stop when a step moves every parameter less (share of range)
    CalibrationMethod method = CalibrationMethod::optimiser;
    AbcSpec abc;                          // method abc-smc
};

// Reads and validates a calibration file: every problem collected and thrown at once as
// InputError (`file:line:col: key: message`). Paths resolve against the file's folder.
// Cases are not loaded here (CalibrationRunner does it once).
CalibrationSpec load_calibration(const std::string& path);
CalibrationSpec load_calibration_text(const std::string& text, const std::string& name_for_errors,
                                      const std::string& base_dir);

std::string to_string(CalibrationObjective o);
std::string to_string(CalibrationMethod m);

// The spec as canonical text (every setting that changes the optimiser's path, not the
// budget nor the output folder): a resumed calibration must match it exactly.
std::string calibration_fingerprint(const CalibrationSpec& spec);

}  // namespace migflow
