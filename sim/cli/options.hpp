#pragma once
// The command line's shared vocabulary: how a subcommand is declared (CLI11), the
// options several subcommands take, and the usage mistake that main turns into exit 2.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include "migflow/scenario/loader.hpp"

namespace migflow::cli {

// A mistake on the command line found after parsing (a missing scenario, say): main
// prints "migflow SUB: message" and the subcommand's usage, and exits 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A declared subcommand: its CLI11 node and what to do when it was chosen.
struct Command {
    CLI::App* app = nullptr;
    std::function<int()> run;
};

// "N" as a whole number >= 0; `option` names the option in the message.
std::uint64_t whole_number(const std::string& option, const std::string& text);

// --threads N: 0 (all cores) to 1024.
CLI::Option* add_threads_option(CLI::App& app, int& threads);

// --seed N: overrides the scenario's seed.
CLI::Option* add_seed_option(CLI::App& app, std::optional<std::uint64_t>& seed);

// --replicates N: 1 to 100000 seeds side by side (docs/ENSEMBLES.md).
CLI::Option* add_replicates_option(CLI::App& app, std::size_t& replicates);

// --ignore-memory-estimate: start a run whose memory estimate exceeds the machine's
// memory (engine/resource_estimate.hpp); without it such a run is refused before it allocates.
CLI::Option* add_ignore_memory_option(CLI::App& app, bool& ignore);

// --budget N: 1 to 1000000 evaluations of a calibration (docs/CALIBRATION.md).
CLI::Option* add_budget_option(CLI::App& app, int& budget);

// --set key.path=value, repeatable: scenario overrides in the order given.
CLI::Option* add_set_option(CLI::App& app, Overrides& overrides);

// --set-file FILE: a YAML fragment of parameter blocks (a calibration's best.yaml) read
// as --set overrides; `with_set_file` puts them before the --set ones (a --set wins).
CLI::Option* add_set_file_option(CLI::App& app, std::string& file);
Overrides with_set_file(const std::string& file, const Overrides& overrides);

}  // namespace migflow::cli
