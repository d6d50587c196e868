// `migflow report OUT.h5 [--baseline BASE.h5] -o report.html`: runs analysis/report.py,
// which writes the HTML report; this command only finds the script and the interpreter.
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "migflow/core/files.hpp"
#include "output/result_file.hpp"
#include "cli/commands.hpp"
#include "cli/python_script.hpp"

namespace migflow::cli {
namespace {

struct ReportArgs {
    std::string result, baseline, output;
};

int report(const ReportArgs& a) {
    if (a.result.empty()) throw UsageError("which result file?");
    if (a.output.empty()) throw UsageError("no output given (-o report.html)");
    // The report is written by Python: the command opens what it hands over through the
    // one guarded way in (ResultFile), so a damaged, foreign or incomplete file is refused
    // as every other command refuses it, and the page never replaces a file it reads.
    for (const std::string* in : {&a.result, &a.baseline}) {
        if (in->empty()) continue;
        try {
            detail::ResultFile(*in).close();
        } catch (const detail::ResultFileError& e) {
            std::cerr << "migflow report: " << e.what() << '\n';
            return 1;
        }
        if (same_file(*in, a.output))
            throw std::runtime_error("the output file " + a.output + " is " + *in +
                                     ", a result file the report reads; choose another output file");
    }
    if (a.output.ends_with(".partial"))
        throw std::runtime_error("the output file " + a.output +
                                 " ends in .partial, the name the report gives its page while writing it; choose another name");
    std::vector<std::string> args = {find_analysis_script("report.py"), a.result, "-o", a.output, "--prog", "migflow report"};
    if (!a.baseline.empty()) {
        args.push_back("--baseline");
        args.push_back(a.baseline);
    }
    return run_analysis_python(args, "migflow report");
}

}  // namespace

Command add_report_command(CLI::App& app) {
    auto* sub = app.add_subcommand("report", "a self-contained HTML report of a result file, for readers of "
                                             "pictures and tables (runs analysis/report.py)");
    auto a = std::make_shared<ReportArgs>();
    sub->add_option("OUT.h5", a->result, "a result file: a run, an ensemble or a comparison")->type_name("");
    sub->add_option("--baseline", a->baseline, "a result file of the same regions and days to compare against")
        ->type_name("BASE.h5");
    sub->add_option("-o,--output", a->output, "the HTML file to write")->type_name("report.html");
    sub->footer("Environment: MIGFLOW_ANALYSIS_DIR (folder of report.py; default: PREFIX/share/migflow/analysis\n"
                "when installed, else the source tree's analysis/), MIGFLOW_PYTHON (default /usr/bin/python3).\n"
                "Docs: analysis/README.md.");
    return {sub, [a] { return report(*a); }};
}

}  // namespace migflow::cli
