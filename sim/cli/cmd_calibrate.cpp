// `migflow calibrate CALIBRATION.yaml`: fit coefficients to observed counts over one or
// more cases jointly (docs/CALIBRATION.md); writes best.yaml, history.csv and
// convergence.svg, and continues a stopped calibration with --resume.
#include <cstdio>

#include "cli/commands.hpp"
#include "cli/stop_signals.hpp"
#include "migflow/calibrate/calibrate.hpp"
#include "migflow/calibrate/posterior.hpp"

namespace migflow::cli {

namespace {

struct CalibrateArgs {
    std::string file, output_dir, method;
    int threads = 0;
    bool ignore_memory = false;
    int budget = 0;  // 0: the file's
    bool resume = false, overwrite = false, quiet = false;
};

void print_result(const CalibrationSpec& spec, const CalibrationEvaluator& ev, const CalibrationResult& r,
                  const std::string& dir) {
    const CalibrationRow& best = r.history[r.best];
    const int computed = static_cast<int>(r.history.size()) - r.replayed;
    if (r.abc) {
        const AbcGeneration& g = r.abc->generations.back();
        std::printf("calibration %s (ABC-SMC): %zu generation(s), %lld model runs, %s\n", spec.file.c_str(),
                    r.abc->generations.size(), r.abc_runs, r.stop_reason.c_str());
        std::printf("posterior: %zu particles, ESS %.0f, tolerance %.6g, acceptance rate %.3f\n",
                    r.abc->population.u.size(), g.ess, g.tolerance, g.acceptance_rate);
        std::printf("best particle (seeds of the file):\n");
    } else {
        std::printf("calibration %s: %zu evaluation(s) (%d replayed from history.csv), %s\n", spec.file.c_str(),
                    r.history.size(), r.replayed, r.stop_reason.c_str());
    }
    std::printf("best: evaluation %d, %s %.6g\n", best.evaluation, to_string(spec.objective).c_str(), best.total);
    for (std::size_t c = 0; c < ev.cases().size(); ++c)
        std::printf("  %-24s %.6g\n", spec.cases[ev.cases()[c]].name.c_str(), best.case_scores[c]);
    for (std::size_t i = 0; i < spec.parameters.size(); ++i)
        std::printf("  %s = %s\n", spec.parameters[i].key.c_str(), exact_number(best.values[i]).c_str());
    for (const PredictiveCase& c : r.predictive)
        std::printf("posterior predictive %s (%d draws): 50 %% band holds %.1f %% of camp-days, 90 %% band %.1f %%; "
                    "CRPS %.4g people (%.3f of the mean count)\n",
                    c.name.c_str(), c.draws, 100 * c.coverage50_all, 100 * c.coverage90_all, c.crps_all, c.crps_relative);
    for (const std::string& w : r.warnings) std::printf("warning: %s\n", w.c_str());
    if (r.abc) {
        std::printf("wall %.1f s\n", r.wall_seconds);
        if (!dir.empty())
            std::printf("wrote %s/posterior.h5, best.yaml%s\n", dir.c_str(),
                        r.predictive.empty() ? "" : ", predictive.csv, predictive_<case>.svg");
        return;
    }
    double eval_s = 0.0;
    for (std::size_t i = static_cast<std::size_t>(r.replayed); i < r.history.size(); ++i) eval_s += r.history[i].wall_seconds;
    const double runs = static_cast<double>(ev.cases().size() * spec.seeds.size());
    if (computed > 0)
        std::printf("wall %.1f s; %.3f s per evaluation (%zu case(s) x %zu seed(s): %.3f s per run)\n", r.wall_seconds,
                    eval_s / computed, ev.cases().size(), spec.seeds.size(), eval_s / computed / runs);
    if (!dir.empty()) std::printf("wrote %s/best.yaml, history.csv, convergence.svg\n", dir.c_str());
}

int calibrate(const CalibrateArgs& a, Team& team) {
    if (a.file.empty()) throw UsageError("no calibration file given");
    if (a.resume && a.overwrite) throw UsageError("--resume and --overwrite exclude each other");
    CalibrationSpec spec = load_calibration(a.file);
    if (!a.output_dir.empty()) spec.output_dir = a.output_dir;
    if (a.budget > 0) spec.budget = a.budget;
    if (a.method == "abc-smc") spec.method = CalibrationMethod::abc_smc;
    else if (a.method == "optimiser") spec.method = CalibrationMethod::optimiser;
    else if (!a.method.empty()) throw UsageError("--method: got `" + a.method + "`, expected optimiser or abc-smc");
    if (!a.ignore_memory) check_calibration_memory(spec, a.threads);
    CalibrationEvaluator ev(spec, {}, a.threads, &team);
    CalibrationOptions o;
    o.output_dir = spec.output_dir;
    o.resume = a.resume;
    o.overwrite = a.overwrite;
    o.write = team.rank() == 0;
    o.stop = &install_stop_signals();
    if (!a.quiet && team.rank() == 0)
        o.progress = [&](const CalibrationRow& row, const CalibrationRow& best) {
            if (row.evaluation == best.evaluation || row.evaluation % 25 == 0)
                std::fprintf(stderr, "evaluation %d/%d: %.6g (best %.6g at %d), %.2f s\n", row.evaluation, spec.budget,
                             row.total, best.total, best.evaluation, row.wall_seconds);
        };
    if (!a.quiet && team.rank() == 0)
        o.note = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
    const CalibrationResult r = run_calibration(spec, ev, o);
    if (team.rank() == 0) print_result(spec, ev, r, spec.output_dir);
    if (r.stopped) {
        const int signal = stop_signal_of(*o.stop);
        if (r.abc)
            std::fprintf(stderr, "migflow: stopped by %s; posterior.h5 holds the last complete generation\n",
                         signal_name(signal).c_str());
        else
            std::fprintf(stderr, "migflow: stopped by %s after evaluation %zu; `--resume` continues\n",
                         signal_name(signal).c_str(), r.history.size());
        return stopped_exit_code(signal);
    }
    return 0;
}

}  // namespace

Command add_calibrate_command(CLI::App& app, Team& team) {
    auto* sub = app.add_subcommand("calibrate", "fit model coefficients to observed counts over one or more cases");
    auto a = std::make_shared<CalibrateArgs>();
    sub->add_option("CALIBRATION.yaml", a->file, "calibration file (docs/CALIBRATION.md)")->type_name("");
    sub->add_option("-o,--output-dir", a->output_dir, "folder for best.yaml, history.csv, convergence.svg "
                                                      "(default: the file's output_dir)")->type_name("DIR");
    sub->add_option("--method", a->method, "optimiser (NLopt, a best point) or abc-smc (a posterior); "
                                           "default: the file's `method:`")->type_name("METHOD");
    add_budget_option(*sub, a->budget);
    add_threads_option(*sub, a->threads);
    add_ignore_memory_option(*sub, a->ignore_memory);
    sub->add_flag("--resume", a->resume, "continue the calibration in the output folder (replays history.csv)");
    sub->add_flag("--overwrite", a->overwrite, "replace a calibration already in the output folder");
    sub->add_flag("-q,--quiet", a->quiet, "no progress lines on stderr");
    return {sub, [a, &team] { return calibrate(*a, team); }};
}

}  // namespace migflow::cli
