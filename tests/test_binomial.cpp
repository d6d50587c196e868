// Counter-based binomial and multinomial draws (include/migflow/engine/binomial.hpp, issue
// #25): pure functions of their key, exact edge cases, and their distribution checked by
// Pearson's chi-square test against the exact binomial pmf at level 1e-4 per case (so the
// whole file fails by chance with probability below 1e-3), on both of the sampler's
// methods and both sides of p = 0.5; the same test rejects a sampler off by 5 % in p.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

#include "migflow/engine/binomial.hpp"

using namespace migflow;

namespace {

double log_pmf(std::int64_t n, double p, std::int64_t k) {
    return std::lgamma(double(n) + 1) - std::lgamma(double(k) + 1) - std::lgamma(double(n - k) + 1) +
           double(k) * std::log(p) + double(n - k) * std::log1p(-p);
}

// Upper 1e-4 point of chi-square with df degrees of freedom (Wilson-Hilferty; z = 3.719).
double chi2_critical_1e4(double df) {
    const double h = 2.0 / (9.0 * df);
    return df * std::pow(1.0 - h + 3.719 * std::sqrt(h), 3.0);
}

struct Fit {
    double statistic, critical;
    bool rejected() const { return statistic > critical; }
};

// Pearson's test of `samples` against Binomial(n, p), over cells of expected count >= 20
// (the tails pooled into the neighbouring cells).
Fit chi_square(const std::vector<std::int64_t>& samples, std::int64_t n, double p) {
    const double N = double(samples.size());
    std::map<std::int64_t, double> seen;
    for (const auto k : samples) seen[k] += 1.0;
    // Cells: consecutive k merged until each expects >= 20; the first cell holds all k
    // below it and the last all k above it.
    std::vector<std::int64_t> upper;  // last k of each cell
    std::vector<double> expected;
    double acc = 0.0;
    // Beyond 12 standard deviations the pmf is below 1e-30: outside the window.
    const double mean = double(n) * p, sd = std::sqrt(double(n) * p * (1 - p));
    const auto lo = std::max<std::int64_t>(0, std::int64_t(mean - 12 * sd - 1));
    const auto hi = std::min<std::int64_t>(n, std::int64_t(mean + 12 * sd + 1));
    for (std::int64_t k = lo; k <= hi; ++k) {
        acc += N * std::exp(log_pmf(n, p, k));
        if (acc >= 20.0) {
            upper.push_back(k);
            expected.push_back(acc);
            acc = 0.0;
        }
    }
    if (acc > 0.0) {
        if (expected.empty()) return {0.0, 1.0};
        expected.back() += acc;
    }
    upper.back() = n;
    std::vector<double> observed(expected.size(), 0.0);
    for (const auto& [k, c] : seen) {
        std::size_t cell = 0;
        while (upper[cell] < k) ++cell;
        observed[cell] += c;
    }
    double x2 = 0.0;
    for (std::size_t i = 0; i < expected.size(); ++i)
        x2 += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
    return {x2, chi2_critical_1e4(double(expected.size() - 1))};
}

std::vector<std::int64_t> draws(std::int64_t n, double p, std::size_t count, std::uint64_t salt) {
    std::vector<std::int64_t> out;
    const auto key = stream_key(salt, Purpose::move, 0);
    for (std::size_t i = 0; i < count; ++i) out.push_back(binomial(random_bits(key, i), n, p));
    return out;
}

}  // namespace

TEST_CASE("binomial draws are pure functions of their key with exact edge cases", "[binomial]") {
    const auto key = stream_key(1, Purpose::move, 3);
    CHECK(binomial(key, 1000, 0.3) == binomial(key, 1000, 0.3));
    CHECK(binomial(key, 0, 0.3) == 0);
    CHECK(binomial(key, -5, 0.3) == 0);
    CHECK(binomial(key, 1000, 0.0) == 0);
    CHECK(binomial(key, 1000, 1.0) == 1000);
    for (std::uint64_t i = 0; i < 2000; ++i) {
        const auto k = binomial(random_bits(key, i), 37 + std::int64_t(i), 0.7);
        REQUIRE(k >= 0);
        REQUIRE(k <= 37 + std::int64_t(i));
    }
}

TEST_CASE("binomial draws follow the binomial law on both methods at level 1e-4", "[binomial]") {
    // (n, p): inversion (n p < 10), BTRS (n p >= 10), p above 0.5 (drawn as n - k), huge n.
    const std::vector<std::pair<std::int64_t, double>> cases{
        {20, 0.3}, {5000, 0.001}, {40, 0.45}, {1000, 0.4}, {60, 0.2}, {300, 0.93}, {1000000, 0.3}, {2000000000, 0.6}};
    for (const auto& [n, p] : cases) {
        const auto fit = chi_square(draws(n, p, 40000, 11), n, p);
        INFO("n = " << n << " p = " << p << ": X2 = " << fit.statistic << " critical " << fit.critical);
        CHECK_FALSE(fit.rejected());
    }
}

TEST_CASE("the binomial law test catches a sampler off by five percent in p", "[binomial]") {
    for (const auto& [n, p] : std::vector<std::pair<std::int64_t, double>>{{20, 0.3}, {1000, 0.4}, {300, 0.93}}) {
        const double off = p < 0.5 ? p * 1.05 : 1.0 - (1.0 - p) * 1.05;
        const auto fit = chi_square(draws(n, off, 40000, 11), n, p);
        INFO("n = " << n << " p = " << p << ": X2 = " << fit.statistic << " critical " << fit.critical);
        CHECK(fit.rejected());
    }
}

TEST_CASE("multinomial counts sum to n and each follows its binomial marginal", "[binomial]") {
    const std::vector<double> weight{0.5, 0.0, 2.0, 1.25, 0.25, 0.0};
    double total = 0.0;
    for (const double w : weight) total += w;
    const std::int64_t n = 777;
    std::vector<std::vector<std::int64_t>> per_outcome(weight.size());
    std::vector<std::int64_t> out(weight.size());
    const auto key = stream_key(5, Purpose::move, 1);
    for (std::uint64_t i = 0; i < 40000; ++i) {
        multinomial(random_bits(key, i), n, weight, out);
        std::int64_t sum = 0;
        for (std::size_t j = 0; j < out.size(); ++j) {
            REQUIRE(out[j] >= 0);
            if (weight[j] == 0.0) REQUIRE(out[j] == 0);
            sum += out[j];
            per_outcome[j].push_back(out[j]);
        }
        REQUIRE(sum == n);
    }
    for (std::size_t j = 0; j < weight.size(); ++j) {
        if (weight[j] == 0.0) continue;
        const auto fit = chi_square(per_outcome[j], n, weight[j] / total);
        INFO("outcome " << j << ": X2 = " << fit.statistic << " critical " << fit.critical);
        CHECK_FALSE(fit.rejected());
    }
    // Nothing to draw: all zero.
    multinomial(key, 0, weight, out);
    for (const auto c : out) CHECK(c == 0);
}
