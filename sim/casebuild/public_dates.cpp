// Dates as ACLED, UNHCR and HDX exports write them (docs/DATA.md "Dates").
#include <array>
#include <cctype>
#include <charconv>
#include <string>

#include "migflow/casebuild/inputs.hpp"
#include "migflow/core/text.hpp"

namespace migflow::casebuild {

namespace {

std::optional<int> month_number(std::string_view name) {
    static constexpr std::array<std::string_view, 12> months = {"january", "february", "march",     "april",
                                                                "may",     "june",     "july",      "august",
                                                                "september", "october", "november", "december"};
    std::string lower;
    for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.size() < 3) return std::nullopt;
    for (std::size_t m = 0; m < months.size(); ++m) {
        // "Jan" or "January"; "Sept" as some exports write it.
        if (lower == months[m] || lower == months[m].substr(0, 3) || (m == 8 && lower == "sept"))
            return static_cast<int>(m + 1);
    }
    return std::nullopt;
}

std::optional<int> whole(std::string_view s) {
    int v = 0;
    if (s.empty() || s.size() > 4) return std::nullopt;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

}  // namespace

std::optional<DayNumber> parse_public_date(std::string_view text) {
    const std::string t = trim_blanks(text);
    // ISO, with a time part some exports add ("2016-01-07T00:00:00", "2016-01-07 00:00").
    if (t.size() >= 10 && t[4] == '-' && t[7] == '-') {
        if (t.size() > 10 && t[10] != 'T' && t[10] != ' ') return std::nullopt;
        return parse_date(std::string_view(t).substr(0, 10));
    }
    // D-Mon-YY, D-Mon-YYYY, D Month YYYY.
    const char sep = t.find('-') != std::string::npos ? '-' : ' ';
    const auto a = t.find(sep);
    const auto b = a == std::string::npos ? a : t.find(sep, a + 1);
    if (b == std::string::npos || t.find(sep, b + 1) != std::string::npos) return std::nullopt;
    const auto day = whole(std::string_view(t).substr(0, a));
    const auto month = month_number(std::string_view(t).substr(a + 1, b - a - 1));
    const std::string_view year_text = std::string_view(t).substr(b + 1);
    auto year = whole(year_text);
    if (!day || !month || !year || (year_text.size() != 2 && year_text.size() != 4)) return std::nullopt;
    // Two-digit years as ACLED writes them: ACLED starts in 1997, so 97-99 are the 1900s.
    if (year_text.size() == 2) *year += *year >= 97 ? 1900 : 2000;
    char iso[16];
    std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", *year, *month, *day);
    return parse_date(iso);
}

}  // namespace migflow::casebuild
