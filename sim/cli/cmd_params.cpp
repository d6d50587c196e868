// `migflow params [--ruleset NAME] [--markdown]`: every ruleset's coefficients from the
// registry (sim/engine/ruleset_registry.cpp), each declared once in its own table, so
// that this listing, `--set`, calibration and docs/SCENARIO.md cannot drift.
#include <iomanip>
#include <iostream>

#include "cli/commands.hpp"
#include "migflow/core/errors.hpp"
#include "migflow/engine/ruleset.hpp"

namespace migflow::cli {

namespace {

struct ParamsArgs {
    std::string ruleset;  // empty: all
    bool markdown = false;
};

std::string range(const RulesetParam& d) {
    return d.integer ? "whole number in [" + short_number(d.lo) + ", " + short_number(d.hi) + "]"
                     : "[" + short_number(d.lo) + ", " + short_number(d.hi) + "]";
}

std::string unit(const RulesetParam& d) { return d.unit.empty() ? "-" : std::string(d.unit); }

// One Markdown table per block (behaviour:, agents:, flee.move_rules:), as docs/SCENARIO.md holds them.
void print_markdown(std::ostream& out, const std::vector<RulesetParam>& params, bool& first) {
    std::string block;
    for (const RulesetParam& d : params) {
        if (d.block != block) {
            out << (first ? "" : "\n") << "| `" << d.block << ":` key | default | range | unit | meaning |\n"
                << "|---|---|---|---|---|\n";
            block = d.block;
            first = false;
        }
        out << "| `" << d.key << "` | " << short_number(d.default_value) << " | " << range(d) << " | " << unit(d)
            << " | " << d.meaning << " |\n";
    }
}

void print_text(std::ostream& out, const RulesetEntry& r) {
    out << "ruleset " << r.name << ": " << r.summary << '\n';
    std::string block;
    for (const RulesetParam& d : r.params()) {
        if (d.block != block) out << "  " << (block = d.block) << ":\n";
        out << "    " << std::left << std::setw(28) << d.key << std::setw(10) << short_number(d.default_value)
            << std::setw(30) << range(d) << std::setw(9) << unit(d) << d.meaning << "\n";
    }
}

int params(const ParamsArgs& a) {
    if (!a.ruleset.empty() && !find_ruleset(a.ruleset)) {
        std::string names;
        for (const RulesetEntry& r : rulesets()) names += (names.empty() ? "" : ", ") + std::string(r.name);
        throw UsageError("--ruleset " + a.ruleset + ": no such ruleset (" + names + ")");
    }
    bool first = true;
    if (!a.markdown)
        std::cout << "    key                         default   range                         unit     meaning\n";
    for (const RulesetEntry& r : rulesets()) {
        if (!a.ruleset.empty() && r.name != a.ruleset) continue;
        if (a.markdown) print_markdown(std::cout, r.params(), first);
        else print_text(std::cout, r);
    }
    return 0;
}

}  // namespace

Command add_params_command(CLI::App& app) {
    auto* sub = app.add_subcommand("params", "list each ruleset's coefficients: default, range, unit, meaning");
    auto a = std::make_shared<ParamsArgs>();
    sub->add_option("--ruleset", a->ruleset, "only this ruleset's (native, flee)")->type_name("NAME");
    sub->add_flag("--markdown", a->markdown, "as the Markdown tables of docs/SCENARIO.md");
    return {sub, [a] { return params(*a); }};
}

}  // namespace migflow::cli
