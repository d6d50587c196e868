// `migflow params [--markdown]`: the model's coefficients from the one table they are
// declared in (sim/scenario/params.cpp), so that this listing and docs/SCENARIO.md cannot drift.
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/args.hpp"
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

}  // namespace

int cmd_params(const Args& args) {
    constexpr const char* usage = "usage: migflow params [--markdown]";
    bool markdown = false;
    ArgReader in(args, usage);
    while (in.more()) {
        const std::string a = in.next();
        if (a == "--markdown") markdown = true;
        else if (a == "-h" || a == "--help") {
            std::cout << usage << "\n";
            return 0;
        } else {
            throw UsageError("unknown argument " + a, usage);
        }
    }
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

}  // namespace migflow::cli
