// Leave-one-case-out cross-validation: a case's out-of-sample score comes from
// coefficients fitted without it, so the table cannot flatter the model.
#include "migflow/calibrate/validate.hpp"

#include "migflow/calibrate/posterior.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace migflow {

namespace {

std::string fixed(double v, int digits = 3) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

}  // namespace

CrossValidation cross_validate(const CalibrationSpec& spec, int threads, Team* team, const std::string& output_dir,
                               bool resume, bool overwrite, bool write,
                               const std::function<void(const std::string&)>& progress,
                               const std::atomic<int>* stop) {
    if (spec.cases.size() < 2)
        throw std::runtime_error(spec.file + ": cross-validation needs at least two cases (each is left out once)");
    const auto start = std::chrono::steady_clock::now();
    auto options = [&](const std::string& sub) {
        CalibrationOptions o;
        if (!output_dir.empty()) o.output_dir = output_dir + "/" + sub;
        o.resume = resume;
        o.overwrite = overwrite;
        o.write = write;
        o.stop = stop;
        return o;
    };
    CrossValidation cv;
    auto stamp = [&] {
        cv.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    CalibrationEvaluator all(spec, {}, threads, team);
    cv.joint = run_calibration(spec, all, options("all"));
    if (cv.joint.stopped) {
        cv.stopped_in = "all";
        stamp();
        return cv;
    }
    const CalibrationRow& joint_best = cv.joint.history[cv.joint.best];
    std::vector<double> start_values = all.loaded_values();
    for (std::size_t i = 0; i < spec.parameters.size(); ++i)
        if (spec.parameters[i].start) start_values[i] = *spec.parameters[i].start;
    const std::vector<double> at_start = all.evaluate(start_values);
    if (progress)
        progress("all cases: " + fixed(joint_best.total) + " after " + std::to_string(cv.joint.history.size()) +
                 " evaluations (" + cv.joint.stop_reason + ")");
    for (std::size_t left = 0; left < spec.cases.size(); ++left) {
        const auto t0 = std::chrono::steady_clock::now();
        std::vector<std::size_t> others;
        for (std::size_t i = 0; i < spec.cases.size(); ++i)
            if (i != left) others.push_back(i);
        CalibrationEvaluator fit_on(spec, others, threads, team);
        const CalibrationResult r = run_calibration(spec, fit_on, options("without_" + spec.cases[left].name));
        if (r.stopped) {
            cv.stopped_in = "without_" + spec.cases[left].name;
            stamp();
            return cv;
        }
        const CalibrationRow& best = r.history[r.best];
        CalibrationEvaluator held_out(spec, {left}, threads, team);
        ValidationFold f;
        f.case_name = spec.cases[left].name;
        f.reference = spec.cases[left].reference_ard;
        f.at_start = at_start[left];
        f.in_sample = joint_best.case_scores[left];
        f.out_of_sample = held_out.evaluate(best.values).front();
        f.fitted = best.values;
        f.evaluations = static_cast<int>(r.history.size());
        f.warnings = r.warnings;
        if (r.abc && spec.abc.predictive_draws > 0 && !(team && team->size() > 1)) {
            auto p = posterior_predictive(spec, held_out, posterior_values(spec, r.abc->population),
                                          r.abc->population.weights, spec.abc.predictive_draws, spec.abc.sampler.seed);
            if (!p.empty()) f.predictive = std::move(p.front());
        }
        f.fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (progress)
            progress("without " + f.case_name + ": fitted " + fixed(best.total) + " on the others, " +
                     fixed(f.out_of_sample) + " on " + f.case_name + " (" + std::to_string(f.evaluations) +
                     " evaluations, " + fixed(f.fit_seconds, 1) + " s)");
        cv.folds.push_back(std::move(f));
    }
    stamp();
    return cv;
}

std::string validation_markdown(const CalibrationSpec& spec, const CrossValidation& cv) {
    const std::string o = to_string(spec.objective);
    std::ostringstream s;
    bool predictive = false;
    for (const ValidationFold& f : cv.folds) predictive = predictive || f.predictive.has_value();
    s << "| case | reference | " << o << " at start | in sample (fit on all) | out of sample (fit on the others) |"
      << (predictive ? " 50 % band coverage | 90 % band coverage | CRPS (share of mean count) |" : "")
      << " fit converged? |\n|---|---:|---:|---:|---:|" << (predictive ? "---:|---:|---:|" : "") << "---|\n";
    for (const ValidationFold& f : cv.folds) {
        s << "| " << f.case_name << " | " << (f.reference ? fixed(*f.reference) : "") << " | " << fixed(f.at_start)
          << " | " << fixed(f.in_sample) << " | " << fixed(f.out_of_sample) << " |";
        if (predictive) {
            if (f.predictive)
                s << " " << fixed(f.predictive->coverage50_all, 2) << " | " << fixed(f.predictive->coverage90_all, 2)
                  << " | " << fixed(f.predictive->crps_all, 1) << " (" << fixed(f.predictive->crps_relative) << ") |";
            else
                s << " | | |";
        }
        s << " " << (f.warnings.empty() ? "yes" : "**no**: " + std::to_string(f.warnings.size()) + " warning(s)") << " |\n";
    }
    s << "\nThe joint fit on all cases " << (cv.joint.warnings.empty() ? "shows no sign of non-convergence." : "warns:") << "\n";
    for (const std::string& w : cv.joint.warnings) s << "- " << w << "\n";
    for (const ValidationFold& f : cv.folds)
        if (!f.warnings.empty()) {
            s << "\nThe fit without " << f.case_name << " warns:\n";
            for (const std::string& w : f.warnings) s << "- " << w << "\n";
        }
    if (predictive)
        s << "\nCoverage: the share of the held-out case's camp-days whose observed count lies inside the "
             "posterior predictive band of the fit without it (a calibrated model gives about 0.50 and 0.90); "
             "CRPS in people per camp-day.\n";
    s << "\nmigflow " << MIGFLOW_VERSION << ", " << build_summary() << "\n";
    return s.str();
}

std::string validation_csv(const CalibrationSpec& spec, const CrossValidation& cv) {
    std::ostringstream s;
    s << "case,objective,reference,at_start,in_sample,out_of_sample,evaluations,fit_seconds,converged,warnings,"
         "coverage50,coverage90,crps,crps_relative";
    for (const CalibrationParameter& p : spec.parameters) s << ",fitted:" << p.key;
    s << "\n";
    for (const ValidationFold& f : cv.folds) {
        s << f.case_name << "," << to_string(spec.objective) << "," << (f.reference ? exact_number(*f.reference) : "")
          << "," << exact_number(f.at_start) << "," << exact_number(f.in_sample) << "," << exact_number(f.out_of_sample)
          << "," << f.evaluations << "," << fixed(f.fit_seconds, 2) << "," << (f.warnings.empty() ? 1 : 0) << ",\"";
        for (std::size_t i = 0; i < f.warnings.size(); ++i) {
            std::string w = f.warnings[i];
            for (std::size_t at = 0; (at = w.find('"', at)) != std::string::npos; at += 2) w.insert(at, "\"");
            s << (i ? "; " : "") << w;
        }
        s << "\"";
        if (f.predictive)
            s << "," << exact_number(f.predictive->coverage50_all) << "," << exact_number(f.predictive->coverage90_all)
              << "," << exact_number(f.predictive->crps_all) << "," << exact_number(f.predictive->crps_relative);
        else
            s << ",,,,";
        for (double v : f.fitted) s << "," << exact_number(v);
        s << "\n";
    }
    return s.str();
}

}  // namespace migflow
