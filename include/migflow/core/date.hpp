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

// Every date a run reads or writes lies in years 1 to 9999: four digits, as ISO 8601
// without a sign, which the result file, the report and the analysis scripts read.
inline constexpr DayNumber first_supported_date = -719162;  // 0001-01-01
inline constexpr DayNumber last_supported_date = 2932896;   // 9999-12-31

// Why a run of `days` days from `start` leaves years 1..9999 (its last day, start +
// days - 1, included), or empty when it does not.
std::string run_dates_problem(DayNumber start, long long days);

}  // namespace migflow
