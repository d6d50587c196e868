#pragma once
// Calendar dates as day numbers, so that the engine counts days and only I/O sees dates.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace migflow {

// Days since 1970-01-01 (proleptic Gregorian).
using DayNumber = std::int32_t;

std::optional<DayNumber> parse_date(std::string_view iso);  // "YYYY-MM-DD" only
std::string format_date(DayNumber d);                        // "YYYY-MM-DD"

}  // namespace migflow
