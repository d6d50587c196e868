// The posterior predictive check: the model run at coefficient sets drawn from the
// posterior, each with a fresh seed, so the bands hold both the coefficients' uncertainty
// and the seeds' noise; then how often the observed counts fall inside them, and the CRPS.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "migflow/calibrate/posterior.hpp"
#include "migflow/engine/rng.hpp"

namespace migflow {

namespace {

// numpy's default quantile of sorted values: linear between order statistics.
double ppc_quantile(const std::vector<double>& sorted, double q) {
    if (sorted.empty()) return std::nan("");
    const double h = q * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

// Sample CRPS of sorted draws x against y: mean|x - y| - Σ_ij |x_i - x_j| / (2 M²), the
// double sum as 2 Σ_i (2i - M + 1) x_(i) over the sorted draws.
double ppc_crps(const std::vector<double>& sorted, double y) {
    const double M = static_cast<double>(sorted.size());
    double a = 0.0, b = 0.0;
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        a += std::abs(sorted[i] - y);
        b += (2.0 * static_cast<double>(i) - M + 1.0) * sorted[i];
    }
    return a / M - b / (M * M);
}

// Camp and case names as SVG text.
std::string ppc_escaped(const std::string& s) {
    std::string out;
    for (char ch : s) {
        if (ch == '&') out += "&amp;";
        else if (ch == '<') out += "&lt;";
        else if (ch == '>') out += "&gt;";
        else out += ch;
    }
    return out;
}

}  // namespace

PredictiveCase predictive_summary(const std::string& name, const std::vector<std::string>& camps,
                                  const std::vector<std::vector<double>>& observed,
                                  const std::vector<std::vector<std::vector<double>>>& runs) {
    if (runs.empty()) throw std::invalid_argument("predictive_summary: no runs");
    const std::size_t K = observed.size();
    std::size_t T = SIZE_MAX;
    for (const auto& o : observed) T = std::min(T, o.size());
    for (const auto& r : runs) {
        if (r.size() != K) throw std::invalid_argument("predictive_summary: a run has another number of camps");
        for (const auto& c : r) T = std::min(T, c.size());
    }
    if (K == 0) T = 0;
    PredictiveCase p;
    p.name = name;
    p.camps = camps;
    p.draws = static_cast<int>(runs.size());
    auto shape = [&](std::vector<std::vector<double>>& m) { m.assign(K, std::vector<double>(T, 0.0)); };
    shape(p.observed), shape(p.q05), shape(p.q25), shape(p.q50), shape(p.q75), shape(p.q95);
    p.coverage50.assign(K, 0.0), p.coverage90.assign(K, 0.0), p.crps.assign(K, 0.0);
    double in50 = 0, in90 = 0, crps = 0, obs_sum = 0;
    std::vector<double> x(runs.size());
    for (std::size_t k = 0; k < K; ++k) {
        for (std::size_t t = 0; t < T; ++t) {
            for (std::size_t d = 0; d < runs.size(); ++d) x[d] = runs[d][k][t];
            std::sort(x.begin(), x.end());
            const double y = observed[k][t];
            p.observed[k][t] = y;
            p.q05[k][t] = ppc_quantile(x, 0.05), p.q25[k][t] = ppc_quantile(x, 0.25), p.q50[k][t] = ppc_quantile(x, 0.5);
            p.q75[k][t] = ppc_quantile(x, 0.75), p.q95[k][t] = ppc_quantile(x, 0.95);
            if (y >= p.q25[k][t] && y <= p.q75[k][t]) p.coverage50[k] += 1;
            if (y >= p.q05[k][t] && y <= p.q95[k][t]) p.coverage90[k] += 1;
            p.crps[k] += ppc_crps(x, y);
            obs_sum += y;
        }
        in50 += p.coverage50[k], in90 += p.coverage90[k], crps += p.crps[k];
        if (T > 0) p.coverage50[k] /= static_cast<double>(T), p.coverage90[k] /= static_cast<double>(T), p.crps[k] /= static_cast<double>(T);
    }
    const double n = static_cast<double>(K * T);
    if (n > 0) {
        p.coverage50_all = in50 / n, p.coverage90_all = in90 / n, p.crps_all = crps / n;
        p.crps_relative = obs_sum > 0 ? p.crps_all / (obs_sum / n) : std::nan("");
    }
    return p;
}

std::vector<PredictiveCase> posterior_predictive(const CalibrationSpec& spec, CalibrationEvaluator& evaluator,
                                                 const std::vector<std::vector<double>>& values,
                                                 const std::vector<double>& weights, int draws, std::uint64_t seed) {
    if (draws <= 0 || values.empty()) return {};
    std::vector<double> cumulative(weights.size());
    std::partial_sum(weights.begin(), weights.end(), cumulative.begin());
    const std::uint64_t pick_key = stream_key(seed, Purpose::abc_predictive, 0);
    const std::uint64_t seed_key = stream_key(seed, Purpose::abc_predictive, 1);
    std::vector<EvaluationRequest> requests;
    for (int d = 0; d < draws; ++d) {
        const double u = uniform01(random_bits(pick_key, static_cast<std::uint64_t>(d))) * cumulative.back();
        const std::size_t i = std::min<std::size_t>(
            static_cast<std::size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin()),
            values.size() - 1);
        requests.push_back({values[i], {random_bits(seed_key, static_cast<std::uint64_t>(d))}});
    }
    const auto series = evaluator.observed_series(requests);  // [draw][case][camp][day]
    std::vector<PredictiveCase> out;
    for (std::size_t c = 0; c < evaluator.cases().size(); ++c) {
        const Scenario& s = evaluator.scenario(c);
        std::vector<std::string> camps;
        for (auto r : s.observed.region) camps.push_back(s.regions[static_cast<std::size_t>(r)].name);
        std::vector<std::vector<std::vector<double>>> runs;
        for (const auto& d : series) runs.push_back(d[c]);
        out.push_back(predictive_summary(spec.cases[evaluator.cases()[c]].name, camps, s.observed.count, runs));
    }
    return out;
}

std::vector<std::vector<double>> posterior_values(const CalibrationSpec& spec, const AbcPopulation& p) {
    std::vector<std::vector<double>> v;
    for (const auto& u : p.u) {
        std::vector<double> x;
        for (std::size_t d = 0; d < spec.parameters.size(); ++d) x.push_back(unit_to_value(spec.parameters[d], u[d]));
        v.push_back(std::move(x));
    }
    return v;
}

std::string predictive_csv(const std::vector<PredictiveCase>& cases) {
    std::ostringstream o;
    o << "case,camp,days,draws,coverage50,coverage90,crps,crps_relative\n";
    for (const PredictiveCase& c : cases) {
        const std::size_t T = c.observed.empty() ? 0 : c.observed.front().size();
        for (std::size_t k = 0; k < c.camps.size(); ++k) {
            double mean = 0;
            for (double y : c.observed[k]) mean += y;
            mean = T ? mean / static_cast<double>(T) : 0;
            o << c.name << "," << c.camps[k] << "," << T << "," << c.draws << "," << exact_number(c.coverage50[k]) << ","
              << exact_number(c.coverage90[k]) << "," << exact_number(c.crps[k]) << ","
              << (mean > 0 ? exact_number(c.crps[k] / mean) : "") << "\n";
        }
        o << c.name << ",(all camps)," << T << "," << c.draws << "," << exact_number(c.coverage50_all) << ","
          << exact_number(c.coverage90_all) << "," << exact_number(c.crps_all) << ","
          << (std::isfinite(c.crps_relative) ? exact_number(c.crps_relative) : "") << "\n";
    }
    return o.str();
}

std::string predictive_svg(const PredictiveCase& c) {
    const std::size_t K = c.camps.size(), cols = std::min<std::size_t>(K, 4), rows = (K + cols - 1) / std::max<std::size_t>(cols, 1);
    const double pw = 260, ph = 150, gap = 40, top = 50;
    const double W = static_cast<double>(cols) * (pw + gap) + gap, H = top + static_cast<double>(rows) * (ph + gap) + 20;
    std::ostringstream o;
    char buf[512];
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
      << "\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    std::snprintf(buf, sizeof buf,
                  "<text x=\"%g\" y=\"20\" font-size=\"14\">Posterior predictive check: %s (%d draws): 50 %% band "
                  "holds %.0f %%, 90 %% band %.0f %% of camp-days; CRPS %.4g</text>\n"
                  "<text x=\"%g\" y=\"36\">bands: 90 %% (light) and 50 %% (dark) of the runs, line their median, "
                  "dots the observed counts</text>\n",
                  gap, ppc_escaped(c.name).c_str(), c.draws, 100 * c.coverage50_all, 100 * c.coverage90_all, c.crps_all, gap);
    o << buf;
    for (std::size_t k = 0; k < K; ++k) {
        const double x0 = gap + static_cast<double>(k % cols) * (pw + gap), y0 = top + static_cast<double>(k / cols) * (ph + gap);
        const std::size_t T = c.observed[k].size();
        double hi = 1;
        for (std::size_t t = 0; t < T; ++t) hi = std::max({hi, c.q95[k][t], c.observed[k][t]});
        auto X = [&](std::size_t t) { return x0 + pw * (T > 1 ? static_cast<double>(t) / static_cast<double>(T - 1) : 0.5); };
        auto Y = [&](double v) { return y0 + ph * (1 - v / hi); };
        std::snprintf(buf, sizeof buf,
                      "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"#888\"/>"
                      "<text x=\"%g\" y=\"%g\">%s: 50 %% %.0f %%, 90 %% %.0f %%</text>"
                      "<text x=\"%g\" y=\"%g\" text-anchor=\"end\">%.4g</text>\n",
                      x0, y0, pw, ph, x0, y0 - 5, ppc_escaped(c.camps[k]).c_str(), 100 * c.coverage50[k], 100 * c.coverage90[k],
                      x0 - 3, y0 + 8, hi);
        o << buf;
        auto band = [&](const std::vector<double>& lo, const std::vector<double>& up, const char* fill) {
            o << "<polygon fill=\"" << fill << "\" points=\"";
            for (std::size_t t = 0; t < T; ++t) o << X(t) << "," << Y(up[t]) << " ";
            for (std::size_t t = T; t-- > 0;) o << X(t) << "," << Y(lo[t]) << " ";
            o << "\"/>\n";
        };
        band(c.q05[k], c.q95[k], "#c6dbef");
        band(c.q25[k], c.q75[k], "#6baed6");
        o << "<polyline fill=\"none\" stroke=\"#08519c\" stroke-width=\"1.2\" points=\"";
        for (std::size_t t = 0; t < T; ++t) o << X(t) << "," << Y(c.q50[k][t]) << " ";
        o << "\"/>\n";
        const std::size_t step = std::max<std::size_t>(1, T / 80);  // at most ~80 dots a panel
        for (std::size_t t = 0; t < T; t += step) {
            std::snprintf(buf, sizeof buf, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.6\" fill=\"#d62728\"/>", X(t),
                          Y(c.observed[k][t]));
            o << buf;
        }
        o << "\n";
    }
    o << "</svg>\n";
    return o.str();
}

}  // namespace migflow
