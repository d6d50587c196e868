// Sobol and Morris estimators with bootstrap intervals (sensitivity.hpp).
#include "migflow/sweep/sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "migflow/engine/rng.hpp"

namespace migflow {

namespace {

constexpr double sens_nan = std::numeric_limits<double>::quiet_NaN();

// Rows of one resample: row r of resample b (b = 0 is the sample itself). `stream`
// keeps the resamples of different factors apart.
struct Resampler {
    std::size_t n;
    std::uint64_t seed;
    std::uint64_t stream = 0;
    std::vector<std::size_t> rows(int b) const {
        std::vector<std::size_t> out(n);
        const auto key = detail::mix64(stream_key(seed, Purpose::sensitivity_bootstrap, b) ^
                                       (stream + 1) * 0x9e3779b97f4a7c15ULL);
        for (std::size_t r = 0; r < n; ++r) out[r] = b == 0 ? r : random_bits(key, r) % n;
        return out;
    }
};

// The two-sided percentile interval at `level` (linear interpolation between order statistics).
Interval percentile_interval(std::vector<double> v, double level, double estimate) {
    std::erase_if(v, [](double x) { return !std::isfinite(x); });
    if (v.empty()) return {estimate, estimate};
    std::sort(v.begin(), v.end());
    auto at = [&](double q) {
        const double pos = q * double(v.size() - 1);
        const auto lo = static_cast<std::size_t>(std::floor(pos));
        const std::size_t hi = std::min(lo + 1, v.size() - 1);
        return v[lo] + (pos - double(lo)) * (v[hi] - v[lo]);
    };
    return {at((1.0 - level) / 2.0), at(1.0 - (1.0 - level) / 2.0)};
}

// S1 and ST of every factor over the base rows `rows`. f(B) is centred on the mean of
// f(A) and f(B): the same expectation (E f(AB^i) = E f(A)), far less noise when the mean
// is large against the spread (camp totals of thousands that vary by tens).
void saltelli_estimates(const SaltelliOutputs& y, const std::vector<std::size_t>& rows, std::vector<double>& s1,
                        std::vector<double>& st) {
    const double n = double(rows.size());
    double mean = 0.0;
    for (const std::size_t j : rows) mean += y.a[j] + y.b[j];
    mean /= 2.0 * n;
    double var = 0.0;
    for (const std::size_t j : rows) var += (y.a[j] - mean) * (y.a[j] - mean) + (y.b[j] - mean) * (y.b[j] - mean);
    var /= 2.0 * n;
    for (std::size_t i = 0; i < y.ab.size(); ++i) {
        double first = 0.0, total = 0.0;
        for (const std::size_t j : rows) {
            first += (y.b[j] - mean) * (y.ab[i][j] - y.a[j]);
            total += (y.a[j] - y.ab[i][j]) * (y.a[j] - y.ab[i][j]);
        }
        s1[i] = var > 0.0 ? first / n / var : sens_nan;
        st[i] = var > 0.0 ? total / (2.0 * n) / var : sens_nan;
    }
}

void check_bootstrap(const BootstrapSettings& boot) {
    if (boot.resamples < 0) throw std::invalid_argument("the number of bootstrap resamples must be >= 0");
    if (!(boot.level > 0.0 && boot.level < 1.0))
        throw std::invalid_argument("the confidence level must be strictly between 0 and 1");
}

}  // namespace

std::vector<SobolIndex> sobol_indices(const SaltelliOutputs& y, const BootstrapSettings& boot) {
    check_bootstrap(boot);
    const std::size_t n = y.a.size(), k = y.ab.size();
    if (n < 2 || y.b.size() != n) throw std::invalid_argument("Sobol indices need f(A) and f(B) on the same >= 2 base rows");
    for (const auto& col : y.ab)
        if (col.size() != n) throw std::invalid_argument("every f(AB^i) needs one value per base row");
    const Resampler resample{n, boot.seed};
    std::vector<double> s1(k), st(k);
    saltelli_estimates(y, resample.rows(0), s1, st);
    std::vector<SobolIndex> out(k);
    std::vector<std::vector<double>> s1_boot(k), st_boot(k);
    std::vector<double> bs1(k), bst(k);
    for (int b = 1; b <= boot.resamples; ++b) {
        saltelli_estimates(y, resample.rows(b), bs1, bst);
        for (std::size_t i = 0; i < k; ++i) s1_boot[i].push_back(bs1[i]), st_boot[i].push_back(bst[i]);
    }
    for (std::size_t i = 0; i < k; ++i) {
        out[i].s1 = s1[i], out[i].st = st[i];
        out[i].s1_ci = percentile_interval(s1_boot[i], boot.level, s1[i]);
        out[i].st_ci = percentile_interval(st_boot[i], boot.level, st[i]);
    }
    return out;
}

std::vector<MorrisIndex> morris_indices(const std::vector<std::vector<double>>& effects, const BootstrapSettings& boot) {
    check_bootstrap(boot);
    std::vector<MorrisIndex> out(effects.size());
    for (std::size_t i = 0; i < effects.size(); ++i) {
        const auto& e = effects[i];
        MorrisIndex& m = out[i];
        m.effects = static_cast<int>(e.size());
        if (e.empty()) {
            m.mu = m.mu_star = m.sigma = sens_nan;
            m.mu_star_ci = {sens_nan, sens_nan};
            continue;
        }
        const double n = double(e.size());
        for (const double x : e) m.mu += x / n, m.mu_star += std::abs(x) / n;
        double ss = 0.0;
        for (const double x : e) ss += (x - m.mu) * (x - m.mu);
        m.sigma = e.size() > 1 ? std::sqrt(ss / (n - 1.0)) : sens_nan;
        const Resampler resample{e.size(), boot.seed, i};
        std::vector<double> stars;
        for (int b = 1; b <= boot.resamples; ++b) {
            double s = 0.0;
            for (const std::size_t r : resample.rows(b)) s += std::abs(e[r]) / n;
            stars.push_back(s);
        }
        m.mu_star_ci = percentile_interval(stars, boot.level, m.mu_star);
    }
    return out;
}

}  // namespace migflow
