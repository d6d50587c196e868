// The calibration loop: NLopt over the coefficients scaled to [0, 1] (log-scaled where
// asked), each point one evaluation; history.csv replayed on --resume so that the
// optimiser walks the same path without running the cached points again.
#include "migflow/core/csv.hpp"
#include "migflow/calibrate/calibrate.hpp"
#include "migflow/core/files.hpp"
#include "migflow/calibrate/posterior.hpp"

#include <nlopt.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace migflow {

namespace {

namespace fs = std::filesystem;

nlopt::algorithm algorithm_of(const std::string& name) {
    if (name == "LN_SBPLX") return nlopt::LN_SBPLX;
    if (name == "LN_BOBYQA") return nlopt::LN_BOBYQA;
    if (name == "LN_NELDERMEAD") return nlopt::LN_NELDERMEAD;
    if (name == "LN_COBYLA") return nlopt::LN_COBYLA;
    if (name == "GN_CRS2_LM") return nlopt::GN_CRS2_LM;
    if (name == "GN_ESCH") return nlopt::GN_ESCH;
    if (name == "GN_ISRES") return nlopt::GN_ISRES;
    if (name == "GN_DIRECT_L") return nlopt::GN_DIRECT_L;
    throw std::invalid_argument("unknown NLopt algorithm " + name);
}

}  // namespace

// Unit coordinate u in [0, 1] <-> the coefficient's value.
double unit_to_value(const CalibrationParameter& p, double u) {
    u = std::clamp(u, 0.0, 1.0);
    double x = p.log ? std::exp(std::log(p.lo) + u * (std::log(p.hi) - std::log(p.lo))) : p.lo + u * (p.hi - p.lo);
    if (p.integer) x = std::round(x);
    return std::clamp(x, p.lo, p.hi);
}
double value_to_unit(const CalibrationParameter& p, double x) {
    return p.log ? (std::log(x) - std::log(p.lo)) / (std::log(p.hi) - std::log(p.lo)) : (x - p.lo) / (p.hi - p.lo);
}

namespace {

std::string stop_reason(nlopt::result r) {
    switch (r) {
    case nlopt::MAXEVAL_REACHED: return "budget reached";
    case nlopt::XTOL_REACHED: return "converged (steps below the tolerance)";
    case nlopt::FTOL_REACHED: return "converged (objective changes below the tolerance)";
    case nlopt::STOPVAL_REACHED: return "objective reached its stop value";
    case nlopt::SUCCESS: return "converged";
    case nlopt::FORCED_STOP: return "stopped";
    default: return "NLopt result " + std::to_string(static_cast<int>(r));
    }
}

// Every file calibration writes is replaced whole (the core writer: never through a link,
// fsynced, renamed): a killed calibration leaves the previous history, never half of one.
void write_file_atomically(const fs::path& path, const std::string& text) {
    migflow::write_file_atomically(path.string(), text);
}

std::string row_text(const CalibrationRow& r) {
    std::string s = std::to_string(r.evaluation);
    for (double v : r.values) s += "," + exact_number(v);
    for (double v : r.case_scores) s += "," + exact_number(v);
    char wall[32];
    std::snprintf(wall, sizeof wall, "%.3f", r.wall_seconds);
    return s + "," + exact_number(r.total) + "," + wall + "\n";
}

std::string read_text(const fs::path& p) {
    return read_text_file(p.string());
}

// Prepares output_dir and returns the rows to replay (resume) or none.
std::vector<CalibrationRow> prepare_output(const CalibrationSpec& spec, const CalibrationOptions& opt,
                                           const std::vector<std::string>& names) {
    const fs::path dir = opt.output_dir, fp = dir / "calibration.txt", hist = dir / "history.csv";
    const std::string fingerprint = calibration_fingerprint(spec);
    const bool present = fs::exists(fp) || fs::exists(hist);
    if (opt.resume && present) {
        if (!fs::exists(fp) || read_text(fp) != fingerprint)
            throw std::runtime_error(fp.string() + ": made by other calibration settings (cases, parameters, "
                                     "objective, seeds, algorithm or seed differ); only the budget may change "
                                     "on --resume");
        return fs::exists(hist) ? read_history(hist.string(), spec, names) : std::vector<CalibrationRow>{};
    }
    if (present && !opt.overwrite && !opt.resume)
        throw std::runtime_error(dir.string() + " holds a calibration already: --resume continues it, "
                                 "--overwrite replaces it");
    if (!opt.write) return {};
    fs::create_directories(dir);
    // An earlier ABC-SMC calibration's files too: the folder then describes this one alone.
    for (const char* f : {"history.csv", "best.yaml", "convergence.svg", "posterior.h5", "predictive.csv"})
        fs::remove(dir / f);
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().starts_with("predictive_") && e.path().extension() == ".svg") fs::remove(e.path());
    write_file_atomically(fp, fingerprint);
    return {};
}

}  // namespace

CalibrationResult run_calibration(const CalibrationSpec& spec, CalibrationEvaluator& evaluator,
                                  const CalibrationOptions& opt) {
    if (spec.method == CalibrationMethod::abc_smc) return run_abc_calibration(spec, evaluator, opt);
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::string> names;
    for (std::size_t i : evaluator.cases()) names.push_back(spec.cases[i].name);
    CalibrationResult result;
    std::vector<CalibrationRow> cached;
    std::ofstream history;
    const fs::path hist = fs::path(opt.output_dir) / "history.csv";
    Team* team = evaluator.team();
    // The writer (rank 0) checks and prepares the folder; every process learns whether
    // that failed before any evaluation starts (team.hpp: agree, then leave together).
    auto prepare = [&] {
        if (opt.output_dir.empty() || !opt.write) return;
        cached = prepare_output(spec, opt, names);
        // Rewritten from the rows kept: an unfinished last line is dropped for good.
        std::string text = history_header(spec, names) + "\n";
        for (const CalibrationRow& r : cached) text += row_text(r);
        write_file_atomically(hist, text);
        history.open(hist, std::ios::binary | std::ios::app);
    };
    if (team && team->size() > 1) together(*team, prepare);
    else prepare();
    if (!opt.output_dir.empty() && !opt.write && opt.resume && fs::exists(hist))
        cached = read_history(hist.string(), spec, names);  // as rank 0 rewrote it

    const std::size_t P = spec.parameters.size();
    std::vector<double> x0(P);
    const std::vector<double> loaded = evaluator.loaded_values();
    for (std::size_t i = 0; i < P; ++i) x0[i] = value_to_unit(spec.parameters[i], spec.parameters[i].start.value_or(loaded[i]));

    nlopt::opt o(algorithm_of(spec.algorithm), static_cast<unsigned>(P));
    o.set_lower_bounds(std::vector<double>(P, 0.0));
    o.set_upper_bounds(std::vector<double>(P, 1.0));
    o.set_maxeval(spec.budget);
    o.set_xtol_abs(spec.tolerance);
    if (spec.algorithm.starts_with("LN_")) o.set_initial_step(std::vector<double>(P, 0.25));
    if (spec.algorithm == "GN_ISRES" || spec.algorithm == "GN_ESCH" || spec.algorithm == "GN_CRS2_LM")
        o.set_population(0);  // NLopt's default size for the dimension

    std::exception_ptr error;
    bool budget_spent = false;
    auto objective = [&](const std::vector<double>& u) -> double {
        // Some algorithms (GN_CRS2_LM) look at maxeval only now and then: the budget is ours.
        if (result.history.size() >= static_cast<std::size_t>(spec.budget)) {
            budget_spent = true;
            o.force_stop();
            return HUGE_VAL;
        }
        try {
            CalibrationRow row;
            row.evaluation = static_cast<int>(result.history.size()) + 1;
            for (std::size_t i = 0; i < P; ++i) row.values.push_back(unit_to_value(spec.parameters[i], u[i]));
            if (result.history.size() < cached.size()) {
                const CalibrationRow& c = cached[result.history.size()];
                if (c.values != row.values)
                    throw std::runtime_error(opt.output_dir + "/history.csv: evaluation " + std::to_string(c.evaluation) +
                                             " was made at other values than this calibration asks for: the history "
                                             "does not follow this calibration's path");
                row = c;
                ++result.replayed;
            } else {
                const auto t0 = std::chrono::steady_clock::now();
                row.case_scores = evaluator.evaluate(row.values);
                row.total = total_objective(row.case_scores);
                row.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                // Only the writer (rank 0) writes, but every process learns whether that
                // failed, so that none goes on to an evaluation the others never start.
                auto write_row = [&] {
                    if (!history.is_open()) return;
                    history << row_text(row);
                    history.flush();
                    if (!history) throw std::runtime_error(opt.output_dir + "/history.csv: cannot write");
                };
                if (team && team->size() > 1) together(*team, write_row);
                else write_row();
            }
            result.history.push_back(row);
            if (row.total < result.history[result.best].total) result.best = result.history.size() - 1;
            if (opt.progress) opt.progress(row, result.history[result.best]);
            // Every process stops after the same evaluation: a signal may reach them apart.
            std::int64_t stop = opt.stop && opt.stop->load() != 0 ? 1 : 0;
            if (team && team->size() > 1) team->sum({&stop, 1});
            if (stop != 0) {
                result.stopped = true;
                o.force_stop();
            }
            return std::isfinite(row.total) ? row.total : HUGE_VAL;
        } catch (...) {
            error = std::current_exception();
            o.force_stop();
            return HUGE_VAL;
        }
    };
    using Objective = decltype(objective);
    o.set_min_objective(
        [](const std::vector<double>& u, std::vector<double>&, void* data) -> double {
            return (*static_cast<Objective*>(data))(u);
        },
        &objective);
    nlopt::srand(spec.optimiser_seed);
    double fmin = 0.0;
    nlopt::result r = nlopt::FAILURE;
    try {
        r = o.optimize(x0, fmin);
    } catch (const nlopt::forced_stop&) {
        r = nlopt::FORCED_STOP;
    } catch (const nlopt::roundoff_limited&) {
        r = nlopt::ROUNDOFF_LIMITED;
    }
    if (error) std::rethrow_exception(error);
    if (result.history.empty()) throw std::runtime_error("the optimiser ended before its first evaluation");
    result.stop_reason = budget_spent ? stop_reason(nlopt::MAXEVAL_REACHED) : stop_reason(r);
    result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.warnings = optimiser_warnings(spec, result);
    if (!opt.output_dir.empty() && opt.write) {
        history.close();
        const fs::path dir = opt.output_dir;
        write_file_atomically(dir / "best.yaml", best_yaml(spec, result.history[result.best], names, result.warnings));
        write_file_atomically(dir / "convergence.svg", convergence_svg(spec, result.history));
    }
    return result;
}

}  // namespace migflow
