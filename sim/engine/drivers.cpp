// Driver values of each day: conflict, economy, climate per region, shocks applied.
#include "migflow/engine/drivers.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>

namespace migflow {

Eigen::VectorXd& DriverValues::of(DriverKind k) {
    switch (k) {
    case DriverKind::conflict: return conflict;
    case DriverKind::economy: return economy;
    case DriverKind::climate: break;
    }
    return climate;
}

const Eigen::VectorXd& DriverValues::of(DriverKind k) const {
    return const_cast<DriverValues*>(this)->of(k);
}

double series_value(const TimeSeries& s, Interpolation how, double default_value, Day t) {
    if (s.day.empty()) return default_value;
    // First point strictly after t: the point at or before t precedes it.
    const auto hi = std::upper_bound(s.day.begin(), s.day.end(), t) - s.day.begin();
    if (hi == 0) return s.value.front();
    if (hi == static_cast<std::ptrdiff_t>(s.day.size())) return s.value.back();
    const auto lo = hi - 1;
    if (how == Interpolation::step) return s.value[lo];
    const double f = double(t - s.day[lo]) / double(s.day[hi] - s.day[lo]);
    return s.value[lo] + f * (s.value[hi] - s.value[lo]);
}

namespace {

double apply_shock(double v, const Shock& k) {
    switch (k.mode) {
    case Shock::Mode::max: return std::max(v, k.severity);
    case Shock::Mode::add: return v + k.severity;
    case Shock::Mode::scale: return v * (1.0 - k.severity);
    case Shock::Mode::set: break;
    }
    return k.severity;
}

}  // namespace

void evaluate_drivers(const Scenario& s, Day t, DriverValues& out) {
    const auto R = static_cast<Eigen::Index>(s.regions.size());
    for (int d = 0; d < driver_count; ++d) {
        const auto kind = static_cast<DriverKind>(d);
        const auto& spec = s.driver(kind);
        auto& v = out.of(kind);
        v.resize(R);
        // Region by region, independent: parallel for scenarios with 10^5 regions.
        tbb::parallel_for(Eigen::Index(0), R, [&](Eigen::Index r) {
            const bool has = static_cast<std::size_t>(r) < spec.series.size();
            v[r] = has ? series_value(spec.series[r], spec.interpolation, spec.default_value, t)
                       : spec.default_value;
        });
    }
    for (const auto& k : s.shocks) {
        if (t < k.start || t >= k.end) continue;
        auto& v = out.of(k.driver);
        v[k.region] = apply_shock(v[k.region], k);
    }
    // Shocks must not push a driver outside its domain (MODEL.md §1).
    out.conflict = out.conflict.cwiseMax(0.0).cwiseMin(driver_max(s.ruleset, DriverKind::conflict));
    out.climate = out.climate.cwiseMax(0.0).cwiseMin(driver_max(s.ruleset, DriverKind::climate));
    out.economy = out.economy.cwiseMax(1e-9);
}

}  // namespace migflow
