#pragma once
// One declaration per `migflow` subcommand: each adds its options to the app and says
// what to run when it is chosen (the function returns the process exit code).
#include "cli/options.hpp"

namespace migflow {
class Team;
}

namespace migflow::cli {

Command add_run_command(CLI::App& app, Team& team);  // team: the processes sharing a run
Command add_check_command(CLI::App& app);
Command add_info_command(CLI::App& app);
Command add_import_flee_command(CLI::App& app);
Command add_params_command(CLI::App& app);
Command add_schema_command(CLI::App& app);
Command add_sweep_command(CLI::App& app, Team& team);  // team: the ranks sharing the runs
Command add_export_command(CLI::App& app);
Command add_report_command(CLI::App& app);
Command add_compare_command(CLI::App& app);
Command add_compare_files_command(CLI::App& app);  // two result files, bit for bit
Command add_rerun_command(CLI::App& app, Team& team);
Command add_calibrate_command(CLI::App& app, Team& team);  // team: the ranks sharing each evaluation
Command add_validate_command(CLI::App& app, Team& team);
Command add_build_case_command(CLI::App& app);
Command add_sensitivity_command(CLI::App& app);

}  // namespace migflow::cli
