#pragma once
// One function per `migflow` subcommand; each returns the process exit code.
#include <string>
#include <vector>

namespace migflow::cli {

using Args = std::vector<std::string>;  // arguments after the subcommand name

int cmd_run(const Args& args);
int cmd_check(const Args& args);
int cmd_info(const Args& args);
int cmd_import_flee(const Args& args);
int cmd_params(const Args& args);
int cmd_sweep(const Args& args);

}  // namespace migflow::cli
