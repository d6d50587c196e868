#pragma once
// Flee's numeric move rules (docs/FLEE-SPEC.md "move_rules"), declared once: the
// settings parser, the writer of a case's effective settings, `migflow params`, `--set`
// and calibration all read this table.
#include <span>
#include <string_view>

#include "migflow/rules/flee/settings.hpp"

namespace migflow {

struct FleeMoveParam {
    std::string_view key;            // under flee.move_rules
    double FleeMoveRules::*number;   // one of these two is set
    int FleeMoveRules::*whole;
    double lo, hi;
    std::string_view unit;
    std::string_view meaning;

    double get(const FleeMoveRules& r) const { return number ? r.*number : static_cast<double>(r.*whole); }
    void set(FleeMoveRules& r, double v) const {
        if (number) r.*number = v;
        else r.*whole = static_cast<int>(v);
    }
};

// In the order the effective settings are written.
std::span<const FleeMoveParam> flee_move_params();

}  // namespace migflow
