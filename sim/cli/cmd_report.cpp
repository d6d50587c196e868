// `migflow report OUT.h5 [--baseline BASE.h5] -o report.html`: runs analysis/report.py,
// which makes the HTML page. This command checks what the script reads (ResultFile) and
// is the page's one writer: the script's standard output is the claimed `.partial`.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
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

#ifndef MIGFLOW_ANALYSIS_DIR
#define MIGFLOW_ANALYSIS_DIR ""
#endif

namespace migflow::cli {
namespace {

struct ReportArgs {
    std::string result, baseline, output;
};

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

// Where report.py is looked for, in order: MIGFLOW_ANALYSIS_DIR, the installed copy
// beside the binary (PREFIX/bin/migflow -> PREFIX/share/migflow/analysis), the source
// tree the binary was built from.
std::string find_script() {
    if (const char* env = std::getenv("MIGFLOW_ANALYSIS_DIR"); env != nullptr && *env != '\0') {
        const auto script = std::filesystem::path(env) / "report.py";
        std::error_code ec;
        if (!std::filesystem::is_regular_file(script, ec))
            throw std::runtime_error("cannot find report.py in '" + std::string(env) +
                                     "'; set MIGFLOW_ANALYSIS_DIR to migflow's analysis/ folder");
        return script.string();
    }
    std::vector<std::filesystem::path> dirs;
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) dirs.push_back(exe.parent_path().parent_path() / "share" / "migflow" / "analysis");
    if (*MIGFLOW_ANALYSIS_DIR != '\0') dirs.emplace_back(MIGFLOW_ANALYSIS_DIR);
    std::string tried;
    for (const auto& d : dirs) {
        if (std::filesystem::is_regular_file(d / "report.py", ec)) return (d / "report.py").string();
        tried += (tried.empty() ? "" : ", ") + d.string();
    }
    throw std::runtime_error("cannot find report.py (looked in " + tried +
                             "); set MIGFLOW_ANALYSIS_DIR to migflow's analysis/ folder");
}

// Runs the script with its standard output sent to `out_fd` and passes its exit status
// on; its messages (standard error) go straight to the terminal.
int run_python(const std::string& python, const std::vector<std::string>& args, int out_fd) {
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(python.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::cout.flush();
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("cannot start ") + python + ": " + std::strerror(errno));
    if (pid == 0) {
        if (::dup2(out_fd, STDOUT_FILENO) < 0) _exit(127);
        execv(python.c_str(), argv.data());
        std::cerr << "migflow report: cannot run " << python << ": " << std::strerror(errno)
                  << " (set MIGFLOW_PYTHON to a Python 3 with h5py, numpy, matplotlib and yaml)\n";
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) throw std::runtime_error(std::string("waiting for ") + python + ": " + std::strerror(errno));
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    std::cerr << "migflow report: the report script (" << python << ") ended by signal " << WTERMSIG(status)
              << " while reading its input: a result file damaged in a way its seal does not show, or a fault "
                 "in Python's HDF5 library\n";
    return 1;
}

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
    const std::string script = find_script();
    inputs.push_back(script);
    OutputClaim page(a.output, inputs, "the report reads");
    std::vector<std::string> args = {script, a.result, "-o", "-", "--prog", "migflow report"};
    if (!a.baseline.empty()) {
        args.push_back("--baseline");
        args.push_back(a.baseline);
    }
    const int status = run_python(env_or("MIGFLOW_PYTHON", "/usr/bin/python3"), args, page.fd());
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
