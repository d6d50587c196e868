#pragma once
// Small text helpers every reader and writer shares: one trim, one quoting.
#include <string>
#include <string_view>

namespace migflow {

// `s` without leading and trailing blanks (space, tab, carriage return).
std::string trim_blanks(std::string_view s);

// `s` in double quotes, `"` and `\` escaped: a YAML or JSON string of any name.
std::string double_quoted(const std::string& s);

// `s`, or its first `limit` characters and "… (N characters)" when longer: a value
// echoed in a message (a 3 MB CSV cell) must not bury the message.
std::string cut_text(std::string_view s, std::size_t limit = 80);

// `message` with every `quoted` value (between backticks) and every line cut to a
// readable length (cut_text): applied to every message migflow prints.
std::string cut_long_values(std::string_view message);

}  // namespace migflow
