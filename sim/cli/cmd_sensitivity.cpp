// `migflow sensitivity SWEEP_DIR`: Sobol or Morris indices of every outcome of a sobol
// or morris sweep (docs/SWEEP.md "Sensitivity"), from its index.csv alone. The numbers
// are library code (migflow/sweep/sensitivity.hpp); this prints the table, writes the
// CSV and hands the plot to analysis/plot_sensitivity.py.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/python_script.hpp"
#include "migflow/core/files.hpp"
#include "migflow/sweep/sensitivity.hpp"

namespace migflow::cli {

namespace {

struct SensitivityArgs {
    std::string sweep;  // the output directory or its index file
    std::string table, plot;
    BootstrapSettings boot;
};

std::string interval_text(double v, const Interval& ci, bool with_ci) {
    char buf[80];
    if (!std::isfinite(v)) return "-";
    if (with_ci) std::snprintf(buf, sizeof buf, "%7.3f [%6.3f, %6.3f]", v, ci.low, ci.high);
    else std::snprintf(buf, sizeof buf, "%7.3f", v);
    return buf;
}

void print_table(const SensitivityTable& t, const SensitivityArgs& a) {
    const bool ci = a.boot.resamples > 0;
    std::size_t wide_o = 7, wide_p = 9;
    for (const auto& r : t.rows) wide_o = std::max(wide_o, r.outcome.size()), wide_p = std::max(wide_p, r.parameter.size());
    const int wo = int(wide_o), wp = int(wide_p);
    if (t.method == "sobol") std::printf("%-*s  %-*s  %-24s  %-24s\n", wo, "outcome", wp, "parameter", "S1 [interval]", "ST [interval]");
    else std::printf("%-*s  %-*s  %8s  %-24s  %8s\n", wo, "outcome", wp, "parameter", "mu", "mu* [interval]", "sigma");
    for (const auto& r : t.rows) {
        if (t.method == "sobol")
            std::printf("%-*s  %-*s  %-24s  %-24s\n", wo, r.outcome.c_str(), wp, r.parameter.c_str(),
                        interval_text(r.sobol.s1, r.sobol.s1_ci, ci).c_str(), interval_text(r.sobol.st, r.sobol.st_ci, ci).c_str());
        else
            std::printf("%-*s  %-*s  %8.4g  %-24s  %8.4g\n", wo, r.outcome.c_str(), wp, r.parameter.c_str(), r.morris.mu,
                        interval_text(r.morris.mu_star, r.morris.mu_star_ci, ci).c_str(), r.morris.sigma);
    }
}

int sensitivity(const SensitivityArgs& a) {
    if (a.sweep.empty()) throw UsageError("which sweep? give its output directory (or its index.csv)");
    namespace fs = std::filesystem;
    std::error_code ec;
    const bool dir = fs::is_directory(a.sweep, ec);
    const std::string index = dir ? (fs::path(a.sweep) / "index.csv").string() : a.sweep;
    if (!fs::is_regular_file(index, ec)) throw std::runtime_error(index + ": no such sweep index");
    const std::string table = !a.table.empty() ? a.table : (fs::path(index).parent_path() / "sensitivity.csv").string();
    if (same_file(table, index)) throw std::runtime_error("the table " + table + " is the sweep index; choose another -o");
    SensitivityTable t;
    try {
        t = analyse_sweep_index(index, a.boot);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    std::printf("%s indices of %zu outcome(s) x %zu parameter(s) from %s: %d %s, outcomes averaged over up to %d seed(s) per point",
                t.method.c_str(), t.outcomes.size(), t.parameters.size(), index.c_str(), t.groups,
                t.method == "sobol" ? "base rows" : "trajectories", t.seeds_per_point);
    if (a.boot.resamples > 0)
        std::printf("; %g %% bootstrap percentile intervals (%d resamples of the %s, seed %llu)", 100.0 * a.boot.level,
                    a.boot.resamples, t.method == "sobol" ? "base rows" : "trajectories",
                    static_cast<unsigned long long>(a.boot.seed));
    std::printf("\n");
    print_table(t, a);
    for (const std::string& n : t.notes) std::fprintf(stderr, "migflow: note: %s\n", n.c_str());
    write_file_atomically(table, sensitivity_csv(t));
    std::printf("table: %s\n", table.c_str());
    if (a.plot.empty()) return 0;
    return run_analysis_python({find_analysis_script("plot_sensitivity.py"), table, "-o", a.plot}, "migflow sensitivity");
}

}  // namespace

Command add_sensitivity_command(CLI::App& app) {
    auto* sub = app.add_subcommand("sensitivity", "Sobol or Morris sensitivity indices of every outcome of a "
                                                  "sobol or morris sweep, from its index.csv");
    auto a = std::make_shared<SensitivityArgs>();
    sub->add_option("SWEEP_DIR", a->sweep, "the sweep's output directory, or its index CSV")->type_name("");
    sub->add_option("-o,--output", a->table, "the CSV table to write (default: SWEEP_DIR/sensitivity.csv)")
        ->type_name("table.csv");
    sub->add_option("--plot", a->plot, "also draw the indices (analysis/plot_sensitivity.py; .png, .svg or .pdf)")
        ->type_name("fig.png");
    sub->add_option("--bootstrap", a->boot.resamples, "bootstrap resamples for the intervals (0: none)")
        ->check(CLI::Range(0, 100000))
        ->capture_default_str();
    sub->add_option("--level", a->boot.level, "confidence level of the intervals")
        ->check(CLI::Range(0.5, 0.999))
        ->capture_default_str();
    sub->add_option("--seed", a->boot.seed, "seed of the bootstrap resamples")->capture_default_str();
    sub->footer("Docs: docs/SWEEP.md (Sensitivity). Environment: MIGFLOW_PYTHON, MIGFLOW_ANALYSIS_DIR (for --plot).");
    return {sub, [a] { return sensitivity(*a); }};
}

}  // namespace migflow::cli
