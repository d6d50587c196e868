// The `migflow` command: CLI11 parses the subcommand and its options; this file maps
// every outcome to one exit code (0 done, 1 bad input or failure, 2 command-line mistake).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string_view>

#include "cli/commands.hpp"
#include "cli/quiet_hdf5_destructors.hpp"
#include "migflow/core/build_info.hpp"
#include "migflow/core/errors.hpp"
#include "migflow/core/text.hpp"
#include "migflow/engine/team.hpp"
#include "migflow/output/recorder.hpp"

namespace {

using migflow::cli::Command;

constexpr const char* docs_footer =
    "Docs: docs/SCENARIO.md (input), docs/MODEL.md (equations), docs/OUTPUT.md (HDF5 layout),\n"
    "docs/ENSEMBLES.md (replicates and paired comparisons).\n";

// The subcommand the user named, when CLI11 got that far.
const CLI::App* chosen(const CLI::App& app) {
    const auto subs = app.get_subcommands();
    return subs.empty() ? nullptr : subs.front();
}

std::string usage_line(const CLI::App& sub) {
    return CLI::Formatter().make_usage(&sub, "migflow " + sub.get_name()) + "(migflow " + sub.get_name() +
           " --help lists every option)\n";
}

// CLI11's wording for the two commonest slips, said the way the rest of migflow says it.
std::string plain_message(const CLI::ParseError& e) {
    const std::string what = e.what();
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr && what.ends_with(" missing"))
        return what.substr(0, what.find(':')) + " needs a value";
    const std::string extra = "The following argument was not expected: ";
    if (what.starts_with(extra) && what.size() > extra.size() && what[extra.size()] == '-')
        return "unknown option '" + what.substr(extra.size()) + "'";
    return what;
}

int usage_error(const CLI::App& app, const CLI::App* sub, const std::string& message) {
    if (sub == nullptr) {
        std::cerr << "migflow: " << message << "\n\n" << app.help();
    } else {
        std::cerr << "migflow " << sub->get_name() << ": " << message << '\n' << usage_line(*sub);
    }
    return 2;
}

}  // namespace

namespace {

// The exit code, after HDF5 failed to close a file without running HDF5's exit handler,
// which would crash on that file (docs/RELIABILITY.md, "Disk full").
int finish(int code) {
    if (migflow::hdf5_close_failed()) {
        std::cout.flush();
        std::cerr.flush();
        std::fflush(nullptr);
        std::_Exit(code);
    }
    return code;
}

int run_command(const migflow::cli::Command& c, const CLI::App& app, const migflow::Team& team);

}  // namespace

int main(int argc, char** argv) {
    using namespace migflow::cli;
    // A file-size limit (ulimit -f, often set by batch systems) must end a write with
    // an error migflow reports and cleans up after, as a full disk does, instead of
    // killing the process mid-write with no message (SIGXFSZ's default).
    std::signal(SIGXFSZ, SIG_IGN);
    quiet_hdf5_destructor_messages();
    // Under mpirun/srun (MIGFLOW_MPI builds) every rank runs this; `run` shares one
    // simulation among them, the other commands run alike on each.
    const auto team = migflow::join_team(argc, argv);
    static migflow::Team* team_for_terminate = team.get();
    std::set_terminate([] {
        // An error no rank agreed on (e.g. in a writer thread) must not leave the other
        // ranks waiting in a collective: end them all.
        std::fputs("migflow: fatal error, ending every process of the run\n", stderr);
        team_for_terminate->abort_all(1);
        std::abort();
    });
    CLI::App app{"migflow " MIGFLOW_VERSION " - agent-based migration-flow simulator", "migflow"};
    // The version, then the build every result file records (build_info.hpp).
    std::string version = "migflow " MIGFLOW_VERSION;
    for (const migflow::BuildItem& b : migflow::build_info()) version += "\n  " + b.name + ": " + b.value;
    app.set_version_flag("--version", version);
    app.require_subcommand(1);
    app.footer(docs_footer);
    const Command commands[] = {add_run_command(app, *team),      add_compare_command(app),
                                add_rerun_command(app, *team),    add_check_command(app),
                                add_info_command(app),            add_import_flee_command(app),
                                add_params_command(app),          add_schema_command(app),
                                add_sweep_command(app, *team),    add_export_command(app),
                                add_report_command(app),          add_calibrate_command(app, *team),
                                add_validate_command(app, *team), add_build_case_command(app),
                                add_compare_files_command(app),   add_sensitivity_command(app)};

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        const CLI::App* sub = chosen(app);
        std::cout << (sub ? sub->help("migflow") : app.help());
        return 0;
    } catch (const CLI::CallForVersion& v) {
        std::cout << v.what() << '\n';
        return 0;
    } catch (const CLI::ParseError& e) {
        const CLI::App* sub = chosen(app);
        if (argc < 2) {
            std::cerr << app.help();
            return 2;
        }
        if (sub == nullptr && argv[1][0] != '-')
            return usage_error(app, nullptr, "unknown command '" + std::string(argv[1]) + "'");
        return usage_error(app, sub, plain_message(e));
    }

    for (const Command& c : commands)
        if (c.app->parsed()) return finish(run_command(c, app, *team));
    return 2;  // unreachable: require_subcommand(1) guarantees one was parsed
}

namespace {

// Commands that share their work among MPI ranks; the others belong to one process, and
// started on several every rank would do the same work and write the same files.
bool runs_across_ranks(const std::string& name) {
    return name == "run" || name == "rerun" || name == "sweep" || name == "calibrate" || name == "validate";
}

int run_command(const migflow::cli::Command& c, const CLI::App& app, const migflow::Team& team) {
    using migflow::cli::UsageError;
    if (team.size() > 1 && !runs_across_ranks(c.app->get_name())) {
        if (team.rank() == 0)
            std::cerr << "migflow " << c.app->get_name() << ": runs in one process, not on " << team.size()
                      << " MPI ranks: start it without mpirun or srun (run, rerun, sweep, calibrate and validate "
                         "share their work among ranks)\n";
        return 2;
    }
    try {
        return c.run();
    } catch (const migflow::PeerFailure&) {
        return 1;  // the rank that failed has reported it
    } catch (const UsageError& e) {
        return usage_error(app, c.app, e.what());
    } catch (const migflow::InputError& e) {
        std::cerr << e.what();
        if (!std::string_view(e.what()).ends_with('\n')) std::cerr << '\n';
        std::cerr << "migflow: " << e.problems().size() << " problem(s) in the input\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "migflow: error";
        if (team.size() > 1) std::cerr << " (MPI rank " << team.rank() << ")";  // which one failed
        std::cerr << ": " << migflow::cut_long_values(e.what()) << '\n';
        return 1;
    }
}

}  // namespace
