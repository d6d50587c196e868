// Convergence warnings (docs/CALIBRATION.md "Convergence warnings"): a fit that ran out of
// budget while improving, or whose answer sits on the edge of the box it searched, has not
// found what it reports; saying so beats a table that looks final.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "migflow/calibrate/posterior.hpp"

namespace migflow {

namespace {

std::string warn_percent(double share) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %%", 100.0 * share);
    return buf;
}

std::string warn_range(const CalibrationParameter& p) {
    return "[" + exact_number(p.lo) + ", " + exact_number(p.hi) + "]";
}

}  // namespace

std::vector<std::string> optimiser_warnings(const CalibrationSpec& spec, const CalibrationResult& r) {
    std::vector<std::string> w;
    const std::size_t n = r.history.size();
    if (n == 0) return w;
    const bool budget_out = static_cast<int>(n) >= spec.budget || r.stop_reason == "budget reached";
    if (budget_out && n >= 2) {
        // The best of the evaluations before the budget's last fifth against the final best.
        const std::size_t tail = std::max<std::size_t>(1, n / 5);
        double before = HUGE_VAL;
        for (std::size_t i = 0; i + tail < n; ++i) before = std::min(before, r.history[i].total);
        const double best = r.history[r.best].total;
        const double fall = std::isfinite(before) && before > 0 ? (before - best) / before : 0.0;
        if (fall > warn_still_improving)
            w.push_back("not converged: the budget (" + std::to_string(n) + " evaluations) ran out while the objective "
                        "was still improving (the best fell by " + warn_percent(fall) + " in the last " +
                        std::to_string(tail) + " evaluations); raise the budget or --resume --budget N");
    }
    const CalibrationRow& best = r.history[r.best];
    for (std::size_t i = 0; i < spec.parameters.size() && i < best.values.size(); ++i) {
        const CalibrationParameter& p = spec.parameters[i];
        const double u = value_to_unit(p, best.values[i]);
        if (u <= warn_bound_share || u >= 1 - warn_bound_share)
            w.push_back("at a bound: " + p.key + " = " + exact_number(best.values[i]) + " is at the " +
                        (u <= warn_bound_share ? "low" : "high") + " end of its range " + warn_range(p) +
                        "; the best value may lie outside it");
    }
    return w;
}

std::vector<std::string> abc_warnings(const CalibrationSpec& spec, const AbcResult& r) {
    std::vector<std::string> w;
    const auto& g = r.generations;
    if (g.empty()) return w;
    if (!r.acceptance_stop) {
        if (g.size() < 3) {
            w.push_back("not converged: only " + std::to_string(g.size()) +
                        " generation(s), too few for the tolerance to settle; raise abc.generations");
        } else {
            const double drop = 1.0 - g.back().tolerance / g[g.size() - 2].tolerance;
            if (drop > warn_tolerance_drop)
                w.push_back("not converged: the tolerance was still falling when the generations ran out (by " +
                            warn_percent(drop) + " in the last one); raise abc.generations");
        }
    }
    const double N = static_cast<double>(r.population.weights.size());
    if (g.back().ess < warn_min_ess_share * N)
        w.push_back("low effective sample size: ESS " + std::to_string(static_cast<long long>(std::lround(g.back().ess))) +
                    " of " + std::to_string(static_cast<long long>(N)) + " particles (below " +
                    warn_percent(warn_min_ess_share) + "); the posterior rests on few particles");
    for (std::size_t d = 0; d < spec.parameters.size(); ++d) {
        double low = 0, high = 0;
        for (std::size_t i = 0; i < r.population.u.size(); ++i) {
            if (r.population.u[i][d] <= warn_edge) low += r.population.weights[i];
            if (r.population.u[i][d] >= 1 - warn_edge) high += r.population.weights[i];
        }
        for (const auto& [mass, end] : {std::pair{low, "low"}, std::pair{high, "high"}})
            if (mass > warn_edge_mass)
                w.push_back("at a bound: " + warn_percent(mass) + " of " + spec.parameters[d].key +
                            "'s posterior lies in the " + end + " " + warn_percent(warn_edge) + " of its range " +
                            warn_range(spec.parameters[d]) + "; the prior's range may cut the posterior off");
    }
    return w;
}

}  // namespace migflow
