#pragma once
// Commands whose pictures are drawn by a script of analysis/ (report, sensitivity):
// finding the script and running it with the user's Python.
#include <string>
#include <vector>

namespace migflow::cli {

// The script `name` of analysis/, looked for in order in MIGFLOW_ANALYSIS_DIR, the
// installed copy beside the binary (PREFIX/bin/migflow -> PREFIX/share/migflow/analysis),
// the source tree the binary was built from. Throws std::runtime_error when none has it.
std::string find_analysis_script(const std::string& name);

// Runs MIGFLOW_PYTHON (default /usr/bin/python3) with `args` and returns its exit status;
// its messages go straight to the terminal. `command` names the caller in messages.
// `out_fd` >= 0 becomes the script's standard output (a claimed `.partial` it writes into).
int run_analysis_python(const std::vector<std::string>& args, const std::string& command, int out_fd = -1);

}  // namespace migflow::cli
