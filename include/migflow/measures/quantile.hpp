#pragma once
// Quantiles across replicates (docs/ENSEMBLES.md): linear interpolation between order
// statistics, numpy's default (Hyndman & Fan type 7).
#include <array>
#include <cstddef>
#include <vector>

namespace migflow {

// The levels an ensemble reports, and their dataset names.
inline constexpr std::array<double, 5> band_levels = {0.05, 0.25, 0.50, 0.75, 0.95};
inline constexpr std::array<const char*, 5> band_names = {"p05", "p25", "p50", "p75", "p95"};

// Quantile p in [0, 1] of n sorted values: with h = (n - 1) p,
// x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]). NaN for n = 0.
double quantile_sorted(const double* sorted, std::size_t n, double p);

// The same of unsorted values (sorts them).
double quantile(std::vector<double> values, double p);

}  // namespace migflow
