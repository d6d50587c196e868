// `migflow validate CALIBRATION.yaml`: leave-one-case-out cross-validation of a
// calibration (docs/VALIDATION.md): each case scored with coefficients fitted without it.
#include <cstdio>
#include <filesystem>

#include "cli/commands.hpp"
#include "cli/stop_signals.hpp"
#include "migflow/calibrate/validate.hpp"
#include "migflow/core/files.hpp"

namespace migflow::cli {

namespace {

namespace fs = std::filesystem;

struct ValidateArgs {
    std::string file, output_dir;
    int threads = 0;
    bool ignore_memory = false;
    int budget = 0;
    bool resume = false, overwrite = false, quiet = false;
};

int validate(const ValidateArgs& a, Team& team) {
    if (a.file.empty()) throw UsageError("no calibration file given");
    if (a.resume && a.overwrite) throw UsageError("--resume and --overwrite exclude each other");
    CalibrationSpec spec = load_calibration(a.file);
    const std::string dir = a.output_dir.empty() ? spec.output_dir + "/validation" : a.output_dir;
    if (a.budget > 0) spec.budget = a.budget;
    if (!a.ignore_memory) check_calibration_memory(spec, a.threads);
    auto progress = [&](const std::string& line) {
        if (!a.quiet && team.rank() == 0) std::fprintf(stderr, "%s\n", line.c_str());
    };
    const fs::path md = fs::path(dir) / "validation.md", csv = fs::path(dir) / "validation.csv";
    // A table from an earlier validation must not sit beside fits it does not describe.
    if ((a.overwrite || a.resume) && team.rank() == 0) fs::remove(md), fs::remove(csv);
    const std::atomic<int>& stop = install_stop_signals();
    const CrossValidation cv =
        cross_validate(spec, a.threads, &team, dir, a.resume, a.overwrite, team.rank() == 0, progress, &stop);
    if (cv.stopped_in) {
        const int signal = stop_signal_of(stop);
        if (team.rank() == 0)
            std::fprintf(stderr, "migflow: stopped by %s in the fit %s/%s; no table written; `--resume` continues\n",
                         signal_name(signal).c_str(), dir.c_str(), cv.stopped_in->c_str());
        return stopped_exit_code(signal);
    }
    if (team.rank() != 0) return 0;
    const std::string table = validation_markdown(spec, cv);
    write_file_atomically(md.string(), table);
    write_file_atomically(csv.string(), validation_csv(spec, cv));
    std::printf("leave-one-case-out validation of %s (%s, budget %d per fit, %zu seed(s)), %.1f s:\n\n%s\n",
                spec.file.c_str(), to_string(spec.objective).c_str(), spec.budget, spec.seeds.size(), cv.wall_seconds,
                table.c_str());
    std::printf("wrote %s/validation.md, validation.csv (fits in %s/all, %s/without_<case>)\n", dir.c_str(),
                dir.c_str(), dir.c_str());
    return 0;
}

}  // namespace

Command add_validate_command(CLI::App& app, Team& team) {
    auto* sub = app.add_subcommand("validate", "leave-one-case-out cross-validation of a calibration");
    auto a = std::make_shared<ValidateArgs>();
    sub->add_option("CALIBRATION.yaml", a->file, "calibration file with two or more cases")->type_name("");
    sub->add_option("-o,--output-dir", a->output_dir, "folder for the fits and the table "
                                                      "(default: the file's output_dir/validation)")->type_name("DIR");
    add_budget_option(*sub, a->budget);
    add_threads_option(*sub, a->threads);
    add_ignore_memory_option(*sub, a->ignore_memory);
    sub->add_flag("--resume", a->resume, "continue the fits in the output folder");
    sub->add_flag("--overwrite", a->overwrite, "replace fits already in the output folder");
    sub->add_flag("-q,--quiet", a->quiet, "no progress lines on stderr");
    return {sub, [a, &team] { return validate(*a, team); }};
}

}  // namespace migflow::cli
