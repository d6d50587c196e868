// `migflow params [--markdown]`: the model's coefficients from the one table they are
// declared in (sim/scenario/params.cpp), so that this listing and docs/SCENARIO.md cannot drift.
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "migflow/core/errors.hpp"
#include "migflow/scenario/params.hpp"

namespace migflow::cli {

namespace {

template <class Block>
std::string range(const ParamDef<Block>& d) {
    return d.integer ? "whole number in [" + short_number(d.lo) + ", " + short_number(d.hi) + "]"
                     : "[" + short_number(d.lo) + ", " + short_number(d.hi) + "]";
}

template <class Block>
void print_markdown(std::ostream& out, std::string_view block, std::span<const ParamDef<Block>> defs) {
    out << "| `" << block << ":` key | default | range | unit | meaning |\n";
    out << "|---|---|---|---|---|\n";
    const Block defaults{};
    for (const auto& d : defs) {
        out << "| `" << d.key << "` | " << short_number(defaults.*d.member) << " | " << range(d) << " | " << d.unit
            << " | " << d.meaning << " |\n";
    }
}

template <class Block>
void print_text(std::ostream& out, std::string_view block, std::span<const ParamDef<Block>> defs) {
    out << block << ":\n";
    const Block defaults{};
    for (const auto& d : defs) {
        out << "  " << std::left << std::setw(22) << d.key << std::setw(10) << short_number(defaults.*d.member)
            << std::setw(30) << range(d) << std::setw(15) << d.unit << d.meaning << "\n";
    }
}

int params(bool markdown) {
    if (markdown) {
        print_markdown(std::cout, "behaviour", behaviour_params());
        std::cout << "\n";
        print_markdown(std::cout, "agents", agent_params());
    } else {
        std::cout << "key                     default   range                         unit           meaning\n";
        print_text(std::cout, "behaviour", behaviour_params());
        print_text(std::cout, "agents", agent_params());
    }
    return 0;
}

}  // namespace

Command add_params_command(CLI::App& app) {
    auto* sub = app.add_subcommand("params", "list the model's coefficients: default, range, unit, meaning");
    auto markdown = std::make_shared<bool>(false);
    sub->add_flag("--markdown", *markdown, "as the Markdown tables of docs/SCENARIO.md");
    return {sub, [markdown] { return params(*markdown); }};
}

}  // namespace migflow::cli
