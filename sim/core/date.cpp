// ISO dates <-> day numbers (civil-from-days after H. Hinnant's public-domain algorithms).
#include "migflow/core/date.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace migflow {

namespace {

constexpr bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr int days_in_month(int y, int m) {
    constexpr int table[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : table[m - 1];
}

constexpr DayNumber days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(days_from_civil(1, 1, 1) == first_supported_date);
static_assert(days_from_civil(9999, 12, 31) == last_supported_date);

}  // namespace

std::optional<DayNumber> parse_date(std::string_view iso) {
    if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return std::nullopt;
    auto digits = [&](std::size_t from, std::size_t n) -> int {
        int v = 0;
        for (std::size_t i = from; i < from + n; ++i) {
            if (iso[i] < '0' || iso[i] > '9') return -1;
            v = v * 10 + (iso[i] - '0');
        }
        return v;
    };
    const int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
    if (y < 0 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::nullopt;
    return days_from_civil(y, m, d);
}

std::string run_dates_problem(DayNumber start, long long days) {
    if (start < first_supported_date)
        return "the run starts in year 0, before 0001-01-01; dates go from 0001-01-01 to 9999-12-31";
    const long long last = static_cast<long long>(start) + std::max(days, 1LL) - 1;
    if (last <= last_supported_date) return {};
    return "the run's last day would be " + format_date(static_cast<DayNumber>(std::min<long long>(last, INT32_MAX))) +
           " (" + format_date(start) + " + " + std::to_string(days) +
           " days); dates end at 9999-12-31, so start by " +
           format_date(static_cast<DayNumber>(std::max<long long>(last_supported_date - std::max(days, 1LL) + 1, first_supported_date))) +
           " or run at most " + std::to_string(static_cast<long long>(last_supported_date) - start + 1) + " days";
}

std::string format_date(DayNumber z) {
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    const int d = doy - (153 * mp + 2) / 5 + 1;
    const int m = mp < 10 ? mp + 3 : mp - 9;
    const int y = yoe + era * 400 + (m <= 2);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
}

}  // namespace migflow
