#pragma once
// Ensembles (docs/ENSEMBLES.md): one scenario run with N seeds side by side in one
// process, reduced to per-day quantiles across the replicates; a comparison of two
// scenarios pairs their replicates by seed (common random numbers).
#include <atomic>
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "migflow/measures/quantile.hpp"
#include "migflow/output/recorder.hpp"

namespace migflow {

// Seeds of replicates 0 .. n-1: base, base + 1, ... (wrapping at 2^64).
std::vector<std::uint64_t> replicate_seeds(std::uint64_t base, std::size_t n);

// Bytes the replicates' series take in memory while an ensemble runs:
// replicates x days x (values per day: MemoryRecorder::values_per_day) x 8 B.
double ensemble_memory_bytes(const Scenario& s, std::size_t replicates);

// Throws std::runtime_error, with the formula and its figures, when an ensemble of
// `replicates` (`runs_side_by_side` scenarios at once: 2 for a comparison) would need
// more than `limit_bytes`; limit 0 = half of the machine's memory.
void check_ensemble_memory(const Scenario& s, std::size_t replicates, int runs_side_by_side,
                           double limit_bytes = 0);

// check_ensemble_memory, then the whole ensemble (series of every side, plus the
// replicates that run at once on `threads` workers, 0 = all, each estimated by
// estimate_run) against machine_memory(): std::runtime_error naming both figures and
// --ignore-memory-estimate when it does not fit.
void check_ensemble_fits(const Scenario& s, std::size_t replicates, int runs_side_by_side, int threads);

struct Replicates {
    std::vector<std::uint64_t> seeds;
    std::vector<MemoryRecorder> runs;  // runs[k] used seeds[k]
    int threads = 1;                   // worker threads used
    double wall_seconds = 0;
    std::int64_t agent_steps = 0;
};

// Runs `s` once per seed, replicates in parallel over `threads` TBB workers (0: all),
// each keeping its series in memory. Results do not depend on `threads`.
// `done(k, n)` is called after each finished replicate (from worker threads, serialised).
// A non-zero `*stop` (a stop signal, cli/stop_signals.hpp) ends every replicate before
// its next day and throws RunStopped.
Replicates run_replicates(const Scenario& s, const std::vector<std::uint64_t>& seeds, int threads,
                          const std::function<void(std::size_t done, std::size_t total)>& done = {},
                          const std::atomic<int>* stop = nullptr);

// Quantiles (band_levels) and mean, per day and column, of one series across replicates.
struct Band {
    std::string name;  // as in /series
    std::string units;
    std::string description;
    SeriesWidth shape = SeriesWidth::regions;  // `one`: stored as [days], like /series/in_transit
    std::size_t days = 0;
    std::size_t width = 0;
    std::array<std::vector<double>, band_levels.size()> q;  // each [days x width], row-major
    std::vector<double> mean;                                // [days x width]
};

// One Band per outcome series (group "series" of MemoryRecorder::series()): new series
// are covered without naming them here. Drivers do not depend on the seed: not banded.
std::vector<Band> ensemble_bands(const std::vector<MemoryRecorder>& runs);

// Bands of the per-seed difference `scenario[k] - baseline[k]` (same seeds, same
// regions and routes), so the spread is that of the effect, not of either run.
std::vector<Band> difference_bands(const std::vector<MemoryRecorder>& baseline,
                                   const std::vector<MemoryRecorder>& scenario);

// Flee's averaged relative difference (measures/ard.hpp) of each replicate's population
// against the scenario's observed counts, in replicate order; both empty when the
// scenario has no observed data.
struct ReplicateArds {
    std::vector<double> rescaled, unrescaled;
};
ReplicateArds replicate_ards(const Scenario& s, const std::vector<MemoryRecorder>& runs);

// Per replicate, what a camp went through (people = agents x people_per_agent + residents).
struct CampReplicates {
    RegionIndex region = no_region;
    std::vector<double> peak_population;   // [replicate] highest population of any day
    std::vector<double> peak_day;          // [replicate] first day of that peak
    std::vector<double> arrivals_people;   // [replicate] arrivals over the whole run, people
    // [replicate] first day the camp is full by the ruleset's rule, the single run's
    // /measures/camps first_full_day (admission never lets a camp exceed its capacity:
    // "full" is "no room for the next mover"); -1: never, or no capacity.
    std::vector<double> first_day_full;
    std::vector<double> days_full;         // [replicate] days it is full
    std::vector<double> turned_away;       // [replicate] movers it refused, being full, summed over days (people)
};

std::vector<CampReplicates> camp_outcomes(const Scenario& s, const std::vector<MemoryRecorder>& runs);

// Per seed, scenario - baseline of peak_population, arrivals_people, days_full and
// turned_away (first_day_full is left empty: a difference of "never" days has no meaning).
std::vector<CampReplicates> camp_differences(const std::vector<CampReplicates>& baseline,
                                          const std::vector<CampReplicates>& scenario);

}  // namespace migflow
