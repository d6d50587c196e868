// ABC-SMC on the unit cube. A generation fills its N particle slots in rounds: each round
// proposes, for every slot still empty, a fixed number of attempts (the number depends only
// on how many slots are empty, never on threads), scores them in one batch, and gives each
// slot its first attempt within the tolerance. So the batch keeps the cores busy and the
// result is a function of the seed alone.
#include "migflow/calibrate/abc_smc.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "migflow/engine/rng.hpp"

namespace migflow {

namespace {

constexpr double abc_two_pi = 6.283185307179586476925286766559;
// Draws per particle slot and round before the sampler gives up on a kernel that puts
// (almost) nothing inside the prior's box.
constexpr int abc_max_draws = 1000000;
// Scored proposals a round aims at when few particles are still empty (a constant, so the
// rounds, and the result, never depend on the core count).
constexpr int abc_round_target = 256;

// The draw of (generation, particle, attempt) for `purpose`: 64 bits, then as many
// further words as a step needs (`word`), each a full mix of the first.
std::uint64_t abc_bits(std::uint64_t seed, Purpose purpose, int generation, int particle, int attempt, int word) {
    const std::uint64_t key = stream_key(seed, purpose, generation);
    const std::uint64_t index = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(particle)) << 32) |
                                static_cast<std::uint32_t>(attempt);
    return detail::mix64(random_bits(key, index) ^ (static_cast<std::uint64_t>(word) + 1) * 0x9e3779b97f4a7c15ULL);
}

// A uniform in (0, 1): never 0, so that Box-Muller's log is finite.
double abc_open01(std::uint64_t bits) { return (static_cast<double>(bits >> 11) + 0.5) * 0x1.0p-53; }

// Lower Cholesky factor of a symmetric positive-definite P×P matrix (row-major).
std::vector<double> abc_cholesky(const std::vector<double>& a, int P) {
    std::vector<double> l(a.size(), 0.0);
    for (int i = 0; i < P; ++i)
        for (int j = 0; j <= i; ++j) {
            double s = a[i * P + j];
            for (int k = 0; k < j; ++k) s -= l[i * P + k] * l[j * P + k];
            if (i == j) {
                if (!(s > 0.0)) throw std::runtime_error("ABC-SMC: the kernel covariance is not positive definite");
                l[i * P + i] = std::sqrt(s);
            } else {
                l[i * P + j] = s / l[j * P + j];
            }
        }
    return l;
}

bool abc_inside(const std::vector<double>& u) {
    return std::all_of(u.begin(), u.end(), [](double x) { return x >= 0.0 && x <= 1.0; });
}

}  // namespace

double effective_sample_size(const std::vector<double>& w) {
    double s = 0.0, s2 = 0.0;
    for (double x : w) s += x, s2 += x * x;
    return s2 > 0.0 ? s * s / s2 : 0.0;
}

double weighted_quantile(const std::vector<double>& values, const std::vector<double>& weights, double q) {
    std::vector<std::size_t> order(values.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return values[a] < values[b] || (values[a] == values[b] && a < b);
    });
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    double cum = 0.0;
    for (std::size_t i : order) {
        cum += weights[i];
        if (cum >= q * total) return values[i];
    }
    return values.empty() ? std::numeric_limits<double>::quiet_NaN() : values[order.back()];
}

std::vector<double> abc_kernel_covariance(const AbcPopulation& p) {
    const std::size_t N = p.u.size(), P = N ? p.u.front().size() : 0;
    std::vector<double> mean(P, 0.0), cov(P * P, 0.0);
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t d = 0; d < P; ++d) mean[d] += p.weights[i] * p.u[i][d];
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t a = 0; a < P; ++a)
            for (std::size_t b = 0; b < P; ++b)
                cov[a * P + b] += p.weights[i] * (p.u[i][a] - mean[a]) * (p.u[i][b] - mean[b]);
    // Twice the weighted covariance: Beaumont et al. (2009)'s kernel, which minimises the
    // Kullback-Leibler divergence between proposal and target for a normal posterior.
    for (double& c : cov) c *= 2.0;
    // A floor of (1e-4 of the cube)² keeps the matrix invertible when particles coincide
    // (a whole-number coefficient, or a posterior piled on a bound).
    for (std::size_t d = 0; d < P; ++d) cov[d * P + d] += 1e-8;
    return cov;
}

std::vector<double> abc_weights(const std::vector<std::vector<double>>& u, const AbcPopulation& prev,
                                const std::vector<double>& cov) {
    const int P = u.empty() ? 0 : static_cast<int>(u.front().size());
    const std::vector<double> L = abc_cholesky(cov, P);
    std::vector<double> w(u.size(), 0.0), z(static_cast<std::size_t>(P));
    for (std::size_t i = 0; i < u.size(); ++i) {
        double denominator = 0.0;
        for (std::size_t j = 0; j < prev.u.size(); ++j) {
            // Solve L z = u_i - u_j; the kernel's constant factor cancels on normalising.
            double q = 0.0;
            for (int a = 0; a < P; ++a) {
                double s = u[i][a] - prev.u[j][a];
                for (int b = 0; b < a; ++b) s -= L[a * P + b] * z[b];
                z[a] = s / L[a * P + a];
                q += z[a] * z[a];
            }
            denominator += prev.weights[j] * std::exp(-0.5 * q);
        }
        // The prior is uniform on the cube, so its density is the same for every particle.
        w[i] = denominator > 0.0 ? 1.0 / denominator : 0.0;
    }
    const double s = std::accumulate(w.begin(), w.end(), 0.0);
    if (!(s > 0.0)) throw std::runtime_error("ABC-SMC: every importance weight is zero");
    for (double& x : w) x /= s;
    return w;
}

AbcResult run_abc_smc(int P, const AbcSettings& set, const AbcDistances& distances, const std::atomic<int>* stop,
                      const std::function<void(int, const AbcGeneration&)>& progress) {
    if (P < 1) throw std::invalid_argument("ABC-SMC needs at least one coefficient");
    if (set.particles < 2) throw std::invalid_argument("ABC-SMC needs at least two particles");
    if (set.generations < 1) throw std::invalid_argument("ABC-SMC needs at least one generation");
    if (!(set.quantile > 0.0 && set.quantile < 1.0)) throw std::invalid_argument("ABC-SMC: quantile must lie in (0, 1)");
    if (!(set.min_acceptance_rate > 0.0 && set.min_acceptance_rate <= 1.0))
        throw std::invalid_argument("ABC-SMC: min_acceptance_rate must lie in (0, 1]");
    const int N = set.particles;
    // A generation that needs more than this many proposals scored ends the run.
    const auto cap = static_cast<long long>(std::ceil(N / set.min_acceptance_rate));
    AbcResult result;
    AbcPopulation prev;
    for (int g = 0; g < set.generations; ++g) {
        const double eps = g == 0 ? std::numeric_limits<double>::infinity()
                                  : weighted_quantile(prev.distances, prev.weights, set.quantile);
        std::vector<double> cov, L;
        std::vector<double> cumulative;
        if (g > 0) {
            cov = abc_kernel_covariance(prev);
            L = abc_cholesky(cov, P);
            cumulative.resize(prev.weights.size());
            std::partial_sum(prev.weights.begin(), prev.weights.end(), cumulative.begin());
        }
        // The proposal of (g, particle, attempt): a prior draw in generation 0, else a
        // parent picked by weight and moved by the kernel.
        auto propose = [&](int particle, int attempt) {
            std::vector<double> u(static_cast<std::size_t>(P));
            if (g == 0) {
                for (int d = 0; d < P; ++d)
                    u[d] = uniform01(abc_bits(set.seed, Purpose::abc_prior, g, particle, attempt, d));
                return u;
            }
            const double pick = uniform01(abc_bits(set.seed, Purpose::abc_parent, g, particle, attempt, 0)) *
                                cumulative.back();
            const std::size_t parent = std::min<std::size_t>(
                static_cast<std::size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), pick) - cumulative.begin()),
                cumulative.size() - 1);
            std::vector<double> z(static_cast<std::size_t>(P));
            for (int d = 0; d < P; ++d) {
                const double r1 = abc_open01(abc_bits(set.seed, Purpose::abc_kernel, g, particle, attempt, 2 * d));
                const double r2 = uniform01(abc_bits(set.seed, Purpose::abc_kernel, g, particle, attempt, 2 * d + 1));
                z[d] = std::sqrt(-2.0 * std::log(r1)) * std::cos(abc_two_pi * r2);
            }
            for (int a = 0; a < P; ++a) {
                double s = prev.u[parent][a];
                for (int b = 0; b <= a; ++b) s += L[a * P + b] * z[b];
                u[a] = s;
            }
            return u;
        };
        AbcGeneration gen;
        gen.tolerance = eps;
        AbcPopulation pop;
        pop.u.assign(static_cast<std::size_t>(N), {});
        pop.distances.assign(static_cast<std::size_t>(N), 0.0);
        std::vector<int> next_attempt(static_cast<std::size_t>(N), 0);
        std::vector<int> pending(static_cast<std::size_t>(N));
        std::iota(pending.begin(), pending.end(), 0);
        bool gave_up = false;
        while (!pending.empty()) {
            if (gen.simulations >= cap) {
                gave_up = true;
                break;
            }
            // One scored proposal per empty slot, or more when few are empty, so that a
            // round holds at least abc_round_target of them (enough runs for many cores)
            // without scoring many past a slot's first acceptance. Proposals outside the
            // prior cost nothing (prior density 0): they are drawn past, up to a bound
            // that ends a kernel that no longer fits in the cube.
            const int p = static_cast<int>(pending.size());
            const int k = std::clamp((std::min(N, abc_round_target) + p - 1) / p, 1, 64);
            std::vector<AbcProposal> batch;
            std::vector<std::vector<int>> tries(pending.size());  // each slot's batch indices, in attempt order
            for (std::size_t s = 0; s < pending.size(); ++s) {
                int& attempt = next_attempt[static_cast<std::size_t>(pending[s])];
                for (int drawn = 0; static_cast<int>(tries[s].size()) < k && drawn < abc_max_draws; ++drawn) {
                    std::vector<double> u = propose(pending[s], attempt);
                    ++gen.attempts;
                    if (abc_inside(u)) {
                        tries[s].push_back(static_cast<int>(batch.size()));
                        batch.push_back({std::move(u), g, pending[s], attempt});
                    }
                    ++attempt;
                }
            }
            if (batch.empty())
                throw std::runtime_error("ABC-SMC: no proposal of generation " + std::to_string(g) +
                                         " fell inside the prior's box in " + std::to_string(abc_max_draws) + " draws");
            const std::vector<double> d = distances(batch);
            if (d.size() != batch.size()) throw std::logic_error("ABC-SMC: the distance callback returned a wrong count");
            std::vector<int> still;
            for (std::size_t s = 0; s < pending.size(); ++s) {
                const int i = pending[s];
                bool done = false;
                // The slot's first proposal within the tolerance; the ones after it in this
                // round were scored but are not counted as tried (the rate counts the
                // proposals the sampler needed).
                for (int at : tries[s]) {
                    ++gen.simulations;
                    const double x = d[static_cast<std::size_t>(at)];
                    if (std::isfinite(x) && x <= eps) {
                        pop.u[static_cast<std::size_t>(i)] = batch[static_cast<std::size_t>(at)].u;
                        pop.distances[static_cast<std::size_t>(i)] = x;
                        done = true;
                        break;
                    }
                }
                if (!done) still.push_back(i);
            }
            gen.scored += static_cast<long long>(batch.size());
            pending = std::move(still);
            if (stop && stop->load() != 0) {
                result.stopped = true;
                result.stop_reason = "stopped in generation " + std::to_string(g) + "; the last complete generation is kept";
                if (result.generations.empty()) throw std::runtime_error("ABC-SMC stopped before its first generation was complete");
                return result;
            }
        }
        if (gave_up) {
            result.acceptance_stop = true;
            result.stop_reason = "acceptance rate fell below " + std::to_string(set.min_acceptance_rate) +
                                 " in generation " + std::to_string(g) + " (tolerance " + std::to_string(eps) +
                                 "); the last complete generation is kept";
            if (result.generations.empty())
                throw std::runtime_error("ABC-SMC: fewer than min_acceptance_rate of the prior draws could be scored");
            return result;
        }
        pop.weights = g == 0 ? std::vector<double>(static_cast<std::size_t>(N), 1.0 / N) : abc_weights(pop.u, prev, cov);
        gen.acceptance_rate = static_cast<double>(N) / static_cast<double>(gen.simulations);
        gen.ess = effective_sample_size(pop.weights);
        result.generations.push_back(gen);
        result.population = pop;
        prev = std::move(pop);
        if (progress) progress(g, gen);
    }
    result.stop_reason = "generations reached (" + std::to_string(set.generations) + ")";
    return result;
}

}  // namespace migflow
