// convergence.svg: each evaluation's objective (dots) and the best so far (line), drawn
// by hand so that a calibration needs no plotting library to show its progress.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "migflow/calibrate/calibrate.hpp"

namespace migflow {

std::string convergence_svg(const CalibrationSpec& spec, const std::vector<CalibrationRow>& history) {
    const double W = 720, H = 420, left = 70, right = 20, top = 40, bottom = 50;
    const double pw = W - left - right, ph = H - top - bottom;
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (const CalibrationRow& r : history)
        if (std::isfinite(r.total)) lo = std::min(lo, r.total), hi = std::max(hi, r.total);
    if (!(lo <= hi)) lo = 0, hi = 1;
    if (hi - lo < 1e-12) lo -= 0.5, hi += 0.5;
    const double pad = 0.05 * (hi - lo);
    lo -= pad, hi += pad;
    const double n = std::max<double>(1.0, static_cast<double>(history.size()));
    auto X = [&](double e) { return left + pw * (n > 1 ? (e - 1) / (n - 1) : 0.5); };
    auto Y = [&](double v) { return top + ph * (1 - (std::clamp(v, lo, hi) - lo) / (hi - lo)); };
    char buf[256];
    std::ostringstream o;
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    std::snprintf(buf, sizeof buf, "<text x=\"%g\" y=\"22\" font-size=\"14\">Calibration: %s by evaluation (%zu)</text>\n",
                  left, to_string(spec.objective).c_str(), history.size());
    o << buf;
    std::snprintf(buf, sizeof buf, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"#888\"/>\n",
                  left, top, pw, ph);
    o << buf;
    for (int k = 0; k <= 4; ++k) {  // y ticks
        const double v = lo + (hi - lo) * k / 4.0;
        std::snprintf(buf, sizeof buf,
                      "<line x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                      "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\">%.4g</text>\n",
                      left, left + pw, Y(v), Y(v), left - 6, Y(v) + 4, v);
        o << buf;
    }
    for (int k = 0; k <= 4; ++k) {  // x ticks
        const double e = 1 + (n - 1) * k / 4.0;
        std::snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%.0f</text>\n", X(e),
                      top + ph + 18, std::round(e));
        o << buf;
    }
    std::snprintf(buf, sizeof buf, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">evaluation</text>\n", left + pw / 2,
                  H - 10);
    o << buf;
    for (const CalibrationRow& r : history) {
        std::snprintf(buf, sizeof buf, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"#9ab\"/>\n",
                      X(r.evaluation), Y(r.total));
        o << buf;
    }
    o << "<polyline fill=\"none\" stroke=\"#c33\" stroke-width=\"2\" points=\"";
    double best = HUGE_VAL;
    for (const CalibrationRow& r : history) {
        best = std::min(best, r.total);
        std::snprintf(buf, sizeof buf, "%.1f,%.1f ", X(r.evaluation), Y(best));
        o << buf;
    }
    o << "\"/>\n";
    std::snprintf(buf, sizeof buf,
                  "<text x=\"%g\" y=\"%g\" fill=\"#c33\" text-anchor=\"end\">best so far: %.4g</text>"
                  "<text x=\"%g\" y=\"%g\" fill=\"#679\" text-anchor=\"end\">each evaluation</text>\n",
                  left + pw - 6, top + 16, best, left + pw - 6, top + 32);
    o << buf << "</svg>\n";
    return o.str();
}

}  // namespace migflow
