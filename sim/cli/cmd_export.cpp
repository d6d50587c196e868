// `migflow export OUT.h5|SWEEP_DIR --format csv -o DIR`: a result file, or every finished
// run of a sweep joined with its parameters, as tidy long CSV tables (docs/OUTPUT.md;
// the work: output/tidy_export.hpp).
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "cli/commands.hpp"
#include "output/tidy_export.hpp"

namespace migflow::cli {

namespace {

namespace fs = std::filesystem;

struct ExportArgs {
    std::string input;
    std::string format = "csv";
    std::string output;
    bool overwrite = false;
    detail::TidySelection keep;
};

int export_tables(const ExportArgs& a) {
    if (a.input.empty()) throw UsageError("no result file or sweep directory given");
    if (a.output.empty()) throw UsageError("-o DIR is required");
    if (!fs::exists(a.input)) throw std::runtime_error(a.input + ": no such file or directory");
    if (fs::is_directory(a.input)) {
        if (!fs::exists(fs::path(a.input) / "index.csv"))
            throw std::runtime_error(a.input + ": a directory, but not a sweep's output (no index.csv)");
        const detail::ExportedTables t = detail::export_sweep_tables(a.input, a.output, a.overwrite, a.keep);
        std::printf("%d finished run(s) of %s\n%s\n%s\n", t.runs, t.index.c_str(), t.paths[0].c_str(),
                    t.paths[1].c_str());
        return 0;
    }
    const detail::ExportedTables t = detail::export_result_tables(a.input, a.output, a.overwrite, a.keep);
    std::printf("%s\n%s\n", t.paths[0].c_str(), t.paths[1].c_str());
    return 0;
}

}  // namespace

Command add_export_command(CLI::App& app) {
    auto* sub =
        app.add_subcommand("export", "write a result file or a sweep's runs as tidy CSV tables");
    auto a = std::make_shared<ExportArgs>();
    sub->add_option("INPUT", a->input,
                    "result file (OUT.h5) or sweep output directory (with index.csv)")
        ->type_name("");
    sub->add_option("--format", a->format,
                    "table format (csv: date,region,variable,value,unit rows)")
        ->check(CLI::IsMember({"csv"}))
        ->type_name("csv");
    sub->add_option("-o,--output", a->output, "directory for regions.csv and routes.csv")
        ->type_name("DIR");
    sub->add_flag("--overwrite", a->overwrite, "replace tables written before");
    sub->add_option("--variables", a->keep.variables,
                    "only these variables (comma-separated names of /series, /drivers, /validation)")
        ->delimiter(',')
        ->type_name("V1,V2");
    sub->add_option("--regions", a->keep.regions,
                    "only these regions' rows (and routes with an end among them); whole-run series are kept")
        ->delimiter(',')
        ->type_name("R1,R2");
    return {sub, [a] { return export_tables(*a); }};
}

}  // namespace migflow::cli
