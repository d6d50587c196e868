// The options several subcommands share, declared once so their help and messages agree.
#include "cli/options.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include "migflow/core/csv.hpp"
#include "migflow/calibrate/calibrate.hpp"

namespace migflow::cli {

std::uint64_t whole_number(const std::string& option, const std::string& text) {
    std::uint64_t out = 0;
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec != std::errc() || p != text.data() + text.size() || text.empty())
        throw CLI::ValidationError(option + " needs a whole number >= 0, got '" + text + "'");
    return out;
}

CLI::Option* add_threads_option(CLI::App& app, int& threads) {
    return app
        .add_option_function<std::string>(
            "--threads",
            [&threads](const std::string& v) {
                const auto n = whole_number("--threads", v);
                if (n > 1024) throw CLI::ValidationError("--threads takes 0 (all cores) to 1024");
                threads = static_cast<int>(n);
            },
            "worker threads; 0 (the default) uses every core")
        ->type_name("N");
}

CLI::Option* add_seed_option(CLI::App& app, std::optional<std::uint64_t>& seed) {
    return app
        .add_option_function<std::string>(
            "--seed", [&seed](const std::string& v) { seed = whole_number("--seed", v); },
            "random seed (default: the scenario's `seed:`)")
        ->type_name("N");
}

CLI::Option* add_ignore_memory_option(CLI::App& app, bool& ignore) {
    return app.add_flag("--ignore-memory-estimate", ignore,
                        "start even when the memory estimate (see `migflow check`) exceeds this machine's memory");
}

CLI::Option* add_replicates_option(CLI::App& app, std::size_t& replicates) {
    return app
        .add_option_function<std::string>(
            "--replicates",
            [&replicates](const std::string& v) {
                const auto n = whole_number("--replicates", v);
                if (n < 1 || n > 100000) throw CLI::ValidationError("--replicates takes 1 to 100000");
                replicates = static_cast<std::size_t>(n);
            },
            "run seeds SEED .. SEED+N-1 side by side and write their quantile bands (p05 p25 p50 p75 p95 "
            "mean) per series (docs/ENSEMBLES.md)")
        ->type_name("N");
}

CLI::Option* add_budget_option(CLI::App& app, int& budget) {
    return app
        .add_option_function<std::string>(
            "--budget",
            [&budget](const std::string& v) {
                const auto n = whole_number("--budget", v);
                if (n < 1 || n > 1000000) throw CLI::ValidationError("--budget takes 1 to 1000000 evaluations");
                budget = static_cast<int>(n);
            },
            "evaluations at most (default: the calibration file's budget)")
        ->type_name("N");
}

CLI::Option* add_set_option(CLI::App& app, Overrides& overrides) {
    return app
        .add_option_function<std::vector<std::string>>(
            "--set",
            [&overrides](const std::vector<std::string>& all) {
                for (const std::string& kv : all) {
                    const auto eq = kv.find('=');
                    if (eq == std::string::npos || eq == 0)
                        throw CLI::ValidationError("--set needs key=value, got '" + kv + "'");
                    overrides.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
                }
            },
            "override one scenario key (behaviour.lambda_conflict=0.2); repeatable")
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false);
}

CLI::Option* add_set_file_option(CLI::App& app, std::string& file) {
    return app.add_option("--set-file", file, "YAML fragment of overrides, e.g. a calibration's best.yaml; "
                                              "--set values come after it")
        ->type_name("FILE");
}

Overrides with_set_file(const std::string& file, const Overrides& overrides) {
    if (file.empty()) return overrides;
    // Through the scenario's own bounded reader: a FIFO, /dev/zero or a folder is refused
    // before it is opened, a huge file at the YAML size limit.
    Overrides all = flatten_set_fragment(read_yaml_file(file, "--set-file"), file);
    all.insert(all.end(), overrides.begin(), overrides.end());
    return all;
}

}  // namespace migflow::cli
