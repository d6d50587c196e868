#pragma once
// ABC-SMC (docs/CALIBRATION.md "Bayesian calibration"): a population of particles moved
// through generations of falling tolerance (Del Moral et al. 2012's adaptive quantile
// schedule, Beaumont et al. 2009's weights and kernel). The sampler knows nothing of
// migflow's model: it works on the unit cube, where the prior is uniform, and asks a
// callback for the distances of a batch of proposals, so that a test can give it an
// analytic simulator and the calibration the model. Every random number is counter-based,
// keyed by (seed, generation, particle, attempt, purpose): the result does not depend on
// how the callback spreads the batch over threads or processes.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace migflow {

struct AbcSettings {
    int particles = 200;                // population size N
    int generations = 10;               // at most, the prior sample (generation 0) included
    double quantile = 0.5;              // ε_t = this weighted quantile of generation t-1's distances
    double min_acceptance_rate = 0.02;  // a generation needing more than N / rate proposals scored ends the run
    std::uint64_t seed = 1;
};

// One proposal to score: `u` in [0, 1]^P; (generation, particle, attempt) identify it, so
// the callback can key its own random numbers (the model's seeds) on them.
struct AbcProposal {
    std::vector<double> u;
    int generation = 0, particle = 0, attempt = 0;
};

// Distances of a batch of proposals, in order. Called from one thread; it may run the
// batch in parallel. A non-finite distance is never accepted.
using AbcDistances = std::function<std::vector<double>(const std::vector<AbcProposal>&)>;

struct AbcGeneration {
    double tolerance = 0.0;       // ε_t (infinite for generation 0: every prior draw accepted)
    long long attempts = 0;       // proposals drawn, those outside the prior (never scored) included
    long long simulations = 0;    // proposals inside the prior the sampler needed: each slot's up to its accepted one
    long long scored = 0;         // proposals scored (simulations, and those a slot scored past its accepted one)
    double acceptance_rate = 0.0; // particles / simulations
    double ess = 0.0;             // 1 / Σ w² of the normalised weights
};

struct AbcPopulation {
    std::vector<std::vector<double>> u;  // [particle][coefficient], unit cube
    std::vector<double> weights;         // normalised (sum 1)
    std::vector<double> distances;
};

struct AbcResult {
    AbcPopulation population;               // the last complete generation
    std::vector<AbcGeneration> generations; // complete generations, in order
    std::string stop_reason;
    bool stopped = false;                   // by the stop flag
    bool acceptance_stop = false;           // ended by min_acceptance_rate
};

// Runs ABC-SMC over `dimensions` coefficients. `progress` (optional) hears of each
// completed generation. `stop` (non-zero) ends the run after the current batch, keeping
// the last complete generation. Throws std::invalid_argument for bad settings.
AbcResult run_abc_smc(int dimensions, const AbcSettings& settings, const AbcDistances& distances,
                      const std::atomic<int>* stop = nullptr,
                      const std::function<void(int generation, const AbcGeneration&)>& progress = {});

// The importance weights of generation t's particles `u` (Beaumont 2009): with a uniform
// prior, w_i ∝ 1 / Σ_j w_j^{t-1} K(u_i | u_j^{t-1}), K the normal kernel of covariance
// `cov` (P×P row-major). Normalised. Exposed for tests.
std::vector<double> abc_weights(const std::vector<std::vector<double>>& u, const AbcPopulation& previous,
                                const std::vector<double>& cov);

// Weighted covariance of the population times two (the kernel of Beaumont et al. 2009),
// with a small floor on the diagonal so that a collapsed coefficient still moves.
std::vector<double> abc_kernel_covariance(const AbcPopulation& p);

// The weighted q-quantile of `values` (the smallest value whose cumulative weight reaches q).
double weighted_quantile(const std::vector<double>& values, const std::vector<double>& weights, double q);

// 1 / Σ w² of normalised weights.
double effective_sample_size(const std::vector<double>& weights);

}  // namespace migflow
