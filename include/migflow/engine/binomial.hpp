#pragma once
// Counter-based binomial and multinomial draws (issue #25: a group of exchangeable agents
// resolved by drawing its outcome counts, O(outcomes) instead of O(agents)). A draw is
// a pure function of (key, n, p): its uniforms are random_bits(key, 0), (key, 1), ...,
// so a group's counts are the same on every thread and process that draws them.
//
// binomial(): inversion by geometric gaps when min(p, 1 - p) x n < 10 (about n p + 1
// uniforms), else Hörmann's BTRS transformed rejection with squeeze (W. Hörmann, "The
// generation of binomial random variates", J. Stat. Comput. Simul. 46, 1993; about two
// uniforms per draw), as TensorFlow and PyTorch draw binomials. Both are exact up to
// floating-point rounding.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>

#include "migflow/engine/rng.hpp"

namespace migflow {

namespace detail {

// log(k!) - Stirling's approximation of it: exact values to 9, then the series.
inline double stirling_tail(double k) {
    static constexpr double small[] = {0.0810614667953272,  0.0413406959554092,  0.0276779256849983,
                                       0.02079067210376509, 0.0166446911898211,  0.0138761288230707,
                                       0.0118967099458917,  0.0104112652619720,  0.00925546218271273,
                                       0.00833056343336287};
    if (k <= 9) return small[static_cast<int>(k)];
    const double kp1sq = (k + 1) * (k + 1);
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1);
}

// Uniform in (0, 1]: never 0, so its logarithm is finite.
inline double uniform_open0(std::uint64_t key, std::uint64_t j) { return 1.0 - uniform01(random_bits(key, j)); }

// p <= 0.5, n p < 10: the number of geometric gaps that fit in n trials.
inline std::int64_t binomial_inversion(std::uint64_t key, std::int64_t n, double p) {
    const double log_q = std::log1p(-p);
    std::int64_t successes = 0;
    double trials = 0;
    for (std::uint64_t j = 0;; ++j) {
        trials += std::ceil(std::log(uniform_open0(key, j)) / log_q);
        if (trials > static_cast<double>(n)) return successes;
        ++successes;
    }
}

// p <= 0.5, n p >= 10: BTRS.
inline std::int64_t binomial_btrs(std::uint64_t key, std::int64_t n_, double p) {
    const double n = static_cast<double>(n_);
    const double spq = std::sqrt(n * p * (1 - p));
    const double b = 1.15 + 2.53 * spq;
    const double a = -0.0873 + 0.0248 * b + 0.01 * p;
    const double c = n * p + 0.5;
    const double v_r = 0.92 - 4.2 / b;
    const double r = p / (1 - p);
    const double alpha = (2.83 + 5.1 / b) * spq;
    const double m = std::floor((n + 1) * p);
    for (std::uint64_t j = 0;; j += 2) {
        const double u = uniform01(random_bits(key, j)) - 0.5;
        double v = uniform01(random_bits(key, j + 1));
        const double us = 0.5 - std::fabs(u);
        const double k = std::floor((2 * a / us + b) * u + c);
        if (us >= 0.07 && v <= v_r) return static_cast<std::int64_t>(k);
        if (k < 0 || k > n) continue;
        v = std::log(v * alpha / (a / (us * us) + b));
        const double bound = (m + 0.5) * std::log((m + 1) / (r * (n - m + 1))) +
                             (n + 1) * std::log((n - m + 1) / (n - k + 1)) +
                             (k + 0.5) * std::log(r * (n - k + 1) / (k + 1)) + stirling_tail(m) +
                             stirling_tail(n - m) - stirling_tail(k) - stirling_tail(n - k);
        if (v <= bound) return static_cast<std::int64_t>(k);
    }
}

}  // namespace detail

// Binomial(n, p) from the stream `key`.
inline std::int64_t binomial(std::uint64_t key, std::int64_t n, double p) {
    if (n <= 0 || !(p > 0.0)) return 0;
    if (p >= 1.0) return n;
    const bool flip = p > 0.5;
    const double q = flip ? 1.0 - p : p;
    const std::int64_t k = static_cast<double>(n) * q < 10.0 ? detail::binomial_inversion(key, n, q)
                                                             : detail::binomial_btrs(key, n, q);
    return flip ? n - k : k;
}

// Multinomial(n, weight / sum(weight)) by conditional binomials: outcome i gets
// Binomial(n left, weight_i / weight left), drawn from random_bits(key, i) as its key
// (weights >= 0, not all 0 when n > 0). Costs O(outcomes), not O(n); out.size() ==
// weight.size().
inline void multinomial(std::uint64_t key, std::int64_t n, std::span<const double> weight,
                        std::span<std::int64_t> out) {
    double left = 0.0;
    std::size_t last = 0;  // the last outcome of positive weight takes whatever is left
    for (std::size_t i = 0; i < weight.size(); ++i) {
        left += weight[i];
        if (weight[i] > 0.0) last = i;
    }
    for (std::size_t i = 0; i < weight.size(); ++i) {
        if (n <= 0 || !(left > 0.0) || !(weight[i] > 0.0)) {
            out[i] = 0;
            continue;
        }
        const double p = i == last ? 1.0 : std::min(1.0, weight[i] / left);
        out[i] = binomial(random_bits(key, i), n, p);
        n -= out[i];
        left -= weight[i];
    }
}

}  // namespace migflow
