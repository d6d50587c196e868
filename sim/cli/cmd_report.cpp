// `migflow report OUT.h5 [--baseline BASE.h5] -o report.html`: runs analysis/report.py,
// which makes the HTML page. This command checks what the script reads (ResultFile) and
// is the page's one writer: the script's standard output is the claimed `.partial`.
#include <sys/stat.h>

#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "migflow/core/output_claim.hpp"
#include "output/hdf5_util.hpp"
#include "output/result_file.hpp"
#include "output/result_summary.hpp"
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
    // The page is made by Python: the command opens what it hands over through the one
    // guarded way in (ResultFile), so a damaged, foreign or incomplete file is refused as
    // every other command refuses it, and writes the page through the one way out.
    std::vector<std::string> inputs;
    for (const std::string* in : {&a.result, &a.baseline}) {
        if (in->empty()) continue;
        try {
            // Read as `info` reads it (every attribute and summary dataset), so that what
            // HDF5 cannot read is refused here, in C++'s words, not in Python's.
            detail::ResultFile file(*in);
            std::ostringstream ignored;
            detail::describe_result(file, ignored);
            file.close();
        } catch (const H5::Exception& e) {
            std::cerr << "migflow report: " << *in << ": not a readable migflow result file (" << detail::hdf5_action(e)
                      << ": damaged, or not written by migflow)\n";
            return 1;
        } catch (const detail::ResultFileError& e) {
            std::cerr << "migflow report: " << e.what() << '\n';
            return 1;
        }
        inputs.push_back(*in);
    }
    const std::string script = find_analysis_script("report.py");
    inputs.push_back(script);
    OutputClaim page(a.output, inputs, "the report reads");
    std::vector<std::string> args = {script, a.result, "-o", "-", "--prog", "migflow report"};
    if (!a.baseline.empty()) {
        args.push_back("--baseline");
        args.push_back(a.baseline);
    }
    const int status = run_analysis_python(args, "migflow report", page.fd());
    if (status != 0) return status;  // the claim removes the unfinished page
    struct stat st {};
    if (::fstat(page.fd(), &st) != 0 || st.st_size == 0)
        throw std::runtime_error("cannot write " + a.output + ": the report script wrote nothing");
    page.publish();
    std::cout << a.output << '\n';
    return 0;
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
