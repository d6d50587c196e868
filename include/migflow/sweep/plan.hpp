#pragma once
// Sweeps (docs/SWEEP.md): one YAML file names a scenario, seeds and the parameter
// values to try; the plan is the list of runs it stands for. Loading and planning are
// pure (no runs, no output), so a plan can be printed, tested and validated before
// the first run starts.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "migflow/core/errors.hpp"
#include "migflow/scenario/loader.hpp"

namespace migflow {

// Where a value came from in the sweep file, so that a problem the scenario loader
// finds in an override can be reported at the line that wrote it.
struct SweepOrigin {
    std::string file;
    int line = 0;
    int column = 0;
    std::string key;  // e.g. grid.behaviour.lambda_conflict[2]
    int key_line = 0;  // where the override's key is written (for problems with the path)
    int key_column = 0;
};

// One `grid:` entry: the values (YAML text, as `--set` takes them) of one key.
struct SweepAxis {
    std::string key;
    std::vector<std::string> values;
    std::vector<SweepOrigin> origins;  // one per value
};

// One `samples.ranges:` entry: a number drawn from [lo, hi], uniformly or (log) with a
// uniform logarithm. A whole-number parameter's value is rounded (plan.cpp, `place`).
struct SweepRange {
    std::string key;
    double lo = 0.0;
    double hi = 0.0;
    SweepOrigin origin;
    bool log = false;
    bool whole = false;  // the parameter takes whole numbers (RulesetParam::integer)
};

// latin_hypercube and uniform draw `count` points; sobol is Saltelli's design of
// count*(k+2) points, morris count trajectories of k+1 points (design.hpp), for k ranges.
enum class SweepSampling { latin_hypercube, uniform, sobol, morris };

struct SweepSpec {
    std::string file;        // the sweep file as named
    std::string scenario;    // scenario file or Flee case directory, resolved
    std::string output_dir;  // resolved
    std::vector<std::uint64_t> seeds;
    Overrides fixed;                     // `set:`: applied to every run
    std::vector<SweepOrigin> fixed_origins;
    std::vector<SweepAxis> grid;         // in file order
    int sample_count = 0;                // 0: no `samples:` block; sobol: base rows N; morris: trajectories
    int morris_levels = 4;
    SweepSampling sampling = SweepSampling::latin_hypercube;
    std::uint64_t sample_seed = 1;
    std::vector<SweepRange> ranges;      // in file order
};

struct SweepEntry {
    int index = 0;   // 0-based position in the plan
    int point = 0;   // parameter point (grid cell × sample); runs of one point differ by seed only
    std::uint64_t seed = 1;
    Overrides overrides;               // `set:` first, then grid, then samples
    std::vector<SweepOrigin> origins;  // one per override
    std::string output;                // <output_dir>/run_<index>.h5
    std::vector<std::string> design;   // sobol and morris: the design_columns() cells
};

// The index columns that place a run in a Sobol or Morris design, so that the indices
// can be computed from index.csv alone: design (A, B, ABi; start, stepi), design_group
// (base row; trajectory), design_step (morris: the move of factor i in [0, 1] units of
// its range, from the values written); none for grids and other samples.
std::vector<std::string> design_columns(const SweepSpec& spec);

// A sweep of more runs is refused when its file is read, with the count: each run is a
// result file and a row of index.csv, and every run is planned in memory before the first starts.
inline constexpr double max_sweep_runs = 1e6;

// Reads and validates a sweep file; every problem is collected and thrown at once as
// InputError (`file:line:col: key: message`). Paths resolve against the file's directory.
SweepSpec load_sweep(const std::string& path);
SweepSpec load_sweep_text(const std::string& text, const std::string& name_for_errors,
                          const std::string& base_dir);

// The runs, point by point (grid in file order, first key slowest; samples inside each
// grid cell), and the seeds of one point one after another.
std::vector<SweepEntry> plan_sweep(const SweepSpec& spec);

// The keys that vary between runs (grid, then sampled), the index.csv columns.
std::vector<std::string> swept_keys(const SweepSpec& spec);

// Loads the scenario of every distinct parameter point with `load` (which throws
// InputError on a bad scenario) before anything runs. Problems in an override are
// moved to the sweep-file line that set it and named after the run's point; the
// union of all problems, without repeats, is thrown once.
void validate_sweep(const SweepSpec& spec, const std::vector<SweepEntry>& runs,
                    const std::function<void(const Overrides&)>& load);

}  // namespace migflow
