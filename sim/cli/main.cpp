// The `migflow` command: dispatches to one function per subcommand.
#include <cstdio>
#include <exception>
#include <iostream>
#include <string_view>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "migflow/core/errors.hpp"

namespace {

constexpr const char* usage = R"(migflow )" MIGFLOW_VERSION R"( - agent-based migration-flow simulator

usage:
  migflow run SCENARIO.yaml|FLEE_DIR [-o OUT.h5] [--seed N] [--threads N]
              [--set key=value]... [--progress|--quiet]
  migflow check SCENARIO.yaml [--set key=value]...   validate only, list every problem
  migflow info OUT.h5                                what a result file holds
  migflow import-flee FLEE_DIR -o SCENARIO.yaml      Flee input directory -> scenario
  migflow params [--markdown]                        the model's parameters and defaults
  migflow sweep SWEEP.yaml [--dry-run] [--threads N] [--resume|--overwrite]
                                                     grids / samples x seeds, many runs

Docs: docs/SCENARIO.md (input), docs/MODEL.md (equations), docs/OUTPUT.md (HDF5 layout).
)";

}  // namespace

int main(int argc, char** argv) {
    using namespace migflow::cli;
    if (argc < 2) {
        std::fputs(usage, stderr);
        return 2;
    }
    const std::string_view cmd = argv[1];
    const Args args(argv + 2, argv + argc);
    try {
        if (cmd == "run") return cmd_run(args);
        if (cmd == "check") return cmd_check(args);
        if (cmd == "info") return cmd_info(args);
        if (cmd == "import-flee") return cmd_import_flee(args);
        if (cmd == "params") return cmd_params(args);
        if (cmd == "sweep") return cmd_sweep(args);
        if (cmd == "--help" || cmd == "-h" || cmd == "help") {
            std::fputs(usage, stdout);
            return 0;
        }
        if (cmd == "--version") {
            std::puts("migflow " MIGFLOW_VERSION);
            return 0;
        }
        std::cerr << "migflow: unknown command '" << cmd << "'\n\n" << usage;
        return 2;
    } catch (const HelpRequested& h) {
        std::cout << h.usage() << '\n';
        return 0;
    } catch (const UsageError& e) {
        std::cerr << "migflow " << cmd << ": " << e.what() << '\n';
        return 2;
    } catch (const migflow::InputError& e) {
        std::cerr << e.what();
        if (!std::string_view(e.what()).ends_with('\n')) std::cerr << '\n';
        std::cerr << "migflow: " << e.problems().size() << " problem(s) in the input\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "migflow: error: " << e.what() << '\n';
        return 1;
    }
}
