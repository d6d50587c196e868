#pragma once
// Small text helpers every reader and writer shares: one trim, one quoting.
#include <string>
#include <string_view>

namespace migflow {

// `s` without leading and trailing blanks (space, tab, carriage return).
std::string trim_blanks(std::string_view s);

// `s` in double quotes, `"` and `\` escaped: a YAML or JSON string of any name.
std::string double_quoted(const std::string& s);

}  // namespace migflow
