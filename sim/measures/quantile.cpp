// Quantiles with linear interpolation between order statistics (numpy's default).
#include "migflow/measures/quantile.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace migflow {

double quantile_sorted(const double* x, std::size_t n, double p) {
    if (n == 0) return std::numeric_limits<double>::quiet_NaN();
    const double h = double(n - 1) * std::clamp(p, 0.0, 1.0);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    if (lo + 1 >= n) return x[n - 1];
    // Equal neighbours give exactly that value (no rounding from the interpolation).
    if (x[lo + 1] == x[lo]) return x[lo];
    return x[lo] + (h - double(lo)) * (x[lo + 1] - x[lo]);
}

double quantile(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    return quantile_sorted(values.data(), values.size(), p);
}

}  // namespace migflow
