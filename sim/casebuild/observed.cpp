// Observed displacement counts (docs/DATA.md "Observed counts"): UNHCR-style `date,count`
// tables (Flee's source_data files are of this kind) and HXL-tagged tables as HDX
// publishes DTM and UNHCR data (hxlstandard.org: a row of #tags under the header).
#include <algorithm>
#include <map>
#include <set>

#include "casebuild/table.hpp"
#include "migflow/casebuild/inputs.hpp"
#include "migflow/core/errors.hpp"
#include "migflow/core/text.hpp"

namespace migflow::casebuild {

namespace {

using namespace detail;

// `#affected+idps+ind` -> base `#affected`, attributes {idps, ind}.
struct HxlTag {
    std::string base;
    std::set<std::string> attributes;
};

HxlTag parse_tag(const std::string& text) {
    HxlTag tag;
    const std::string t = lower(trim_blanks(text));
    std::size_t start = 0;
    for (std::size_t i = 0; i <= t.size(); ++i) {
        if (i < t.size() && t[i] != '+') continue;
        const std::string part = trim_blanks(t.substr(start, i - start));
        if (start == 0) tag.base = part;
        else if (!part.empty()) tag.attributes.insert(part);
        start = i + 1;
    }
    return tag;
}

bool is_tag_row(const CsvRow& r) {
    int tags = 0;
    for (const std::string& c : r.cells) {
        if (c.empty()) continue;
        if (c.front() != '#') return false;
        ++tags;
    }
    return tags > 0;
}

// Points summed per (place, date): a DTM table lists each admin-2 unit under its admin-1.
using Lines = std::map<std::string, std::vector<int>>;

std::vector<ObservedSeries> to_series(const std::map<std::string, std::map<DayNumber, double>>& points, Lines& lines) {
    std::vector<ObservedSeries> out;
    for (const auto& [place, by_date] : points) {
        ObservedSeries s;
        s.place = place;
        s.lines = std::move(lines[place]);
        for (const auto& [d, v] : by_date) s.date.push_back(d), s.count.push_back(v);
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<ObservedSeries> read_hxl(const CsvTable& table, std::size_t tag_row, const ObservedSpec& spec,
                                     Ledger& ledger) {
    const std::string& file = table.file;
    std::vector<HxlTag> tags;
    for (const std::string& c : table.rows[tag_row].cells) tags.push_back(parse_tag(c));
    auto find = [&](const std::string& base, const std::set<std::string>& attributes) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < tags.size(); ++i)
            if (tags[i].base == base &&
                std::includes(tags[i].attributes.begin(), tags[i].attributes.end(), attributes.begin(), attributes.end()))
                return i;
        return std::nullopt;
    };
    const auto c_date = find("#date", {});
    if (!c_date) throw InputError({Problem{file, table.rows[tag_row].line, 0, "#date", "HXL tag row has no #date column"}});
    std::optional<std::size_t> c_place;
    for (const char* base : {"#loc", "#adm3", "#adm2", "#adm1", "#country"})
        if (!c_place) c_place = find(base, {"name"});
    if (!c_place)
        throw InputError({Problem{file, table.rows[tag_row].line, 0, "#adm1+name",
                                  "HXL tag row has no place column (#loc+name, #adm3+name, #adm2+name, #adm1+name or #country+name)"}});
    const HxlTag wanted = parse_tag(spec.tag.empty() ? "#affected" : spec.tag);
    const auto c_count = find(wanted.base, wanted.attributes);
    if (!c_count)
        throw InputError({Problem{file, table.rows[tag_row].line, 0, spec.tag.empty() ? "#affected" : spec.tag,
                                  "HXL tag row has no such count column"}});
    const std::string count_tag = table.rows[tag_row].cells[*c_count];
    std::map<std::string, std::map<DayNumber, double>> points;
    Lines lines;
    for (std::size_t i = tag_row + 1; i < table.rows.size(); ++i) {
        const CsvRow& r = table.rows[i];
        const auto date = parse_public_date(cell(r, *c_date));
        const std::string place = cell(r, *c_place);
        const auto count = number(cell(r, *c_count));
        if (!date) ledger.drop(file, "#date unreadable", r.line, "`" + cell(r, *c_date) + "`");
        else if (place.empty()) ledger.drop(file, "place name blank", r.line);
        else if (!count || *count < 0) ledger.drop(file, count_tag + " not a number >= 0", r.line, "`" + cell(r, *c_count) + "`");
        else points[place][*date] += *count, lines[place].push_back(r.line);
    }
    if (points.empty()) no_usable_rows(file, count_tag, "no row has a date, a place and a count");
    return to_series(points, lines);
}

// `date,count` rows, with or without a header (Flee's files start with a `,` row).
std::vector<ObservedSeries> read_date_count(const CsvTable& table, const ObservedSpec& spec, Ledger& ledger) {
    std::map<std::string, std::map<DayNumber, double>> points;
    Lines lines;
    for (std::size_t i = 0; i < table.rows.size(); ++i) {
        const CsvRow& r = table.rows[i];
        const auto date = parse_public_date(cell(r, 0));
        const auto count = number(cell(r, 1));
        if (!date && i == 0) continue;  // the header
        if (!date) ledger.drop(table.file, "date unreadable", r.line, "`" + cell(r, 0) + "`");
        else if (cell(r, 1).empty()) ledger.drop(table.file, "count blank", r.line);
        else if (!count || *count < 0) ledger.drop(table.file, "count not a number >= 0", r.line, "`" + cell(r, 1) + "`");
        else {
            // A date given twice (UNHCR tables have them): the later row is kept.
            if (points[spec.place].count(*date)) ledger.drop(table.file, "date given again: this row replaces the earlier one", r.line, "`" + cell(r, 0) + "`");
            points[spec.place][*date] = *count, lines[spec.place].push_back(r.line);
        }
    }
    if (points.empty()) no_usable_rows(table.file, "count", "no row has a date and a count");
    return to_series(points, lines);
}

std::vector<ObservedSeries> read_long_form(const HeaderedTable& t, Ledger& ledger) {
    const std::size_t c_date = t.required({"date"}), c_place = t.required({"region", "place"}), c_count = t.required({"count"});
    std::map<std::string, std::map<DayNumber, double>> points;
    Lines lines;
    for (const CsvRow& r : t) {
        const auto date = parse_public_date(cell(r, c_date));
        const auto count = number(cell(r, c_count));
        const std::string place = cell(r, c_place);
        if (!date) ledger.drop(t.file(), "date unreadable", r.line, "`" + cell(r, c_date) + "`");
        else if (place.empty()) ledger.drop(t.file(), "place name blank", r.line);
        else if (!count || *count < 0) ledger.drop(t.file(), "count not a number >= 0", r.line, "`" + cell(r, c_count) + "`");
        else points[place][*date] = *count, lines[place].push_back(r.line);
    }
    if (points.empty()) no_usable_rows(t.file(), "count", "no row has a date, a region and a count");
    return to_series(points, lines);
}

}  // namespace

double observed_on(const ObservedSeries& s, DayNumber d) {
    if (d <= s.date.front()) return s.count.front();
    if (d >= s.date.back()) return s.count.back();
    const auto hi = static_cast<std::size_t>(std::upper_bound(s.date.begin(), s.date.end(), d) - s.date.begin());
    const double f = double(d - s.date[hi - 1]) / double(s.date[hi] - s.date[hi - 1]);
    return s.count[hi - 1] + f * (s.count[hi] - s.count[hi - 1]);
}

std::vector<ObservedSeries> read_observed(const ObservedSpec& spec, Ledger& ledger) {
    const CsvTable table = read_csv(spec.file);
    // HXL puts its tag row among the first rows (usually the second).
    constexpr std::size_t hxl_search_rows = 25;
    for (std::size_t i = 0; i < table.rows.size() && i < hxl_search_rows; ++i)
        if (is_tag_row(table.rows[i])) return read_hxl(table, i, spec, ledger);
    if (!table.rows.empty()) {
        // migflow's own `date,region,count` (docs/SCENARIO.md "observed"): one series per region.
        const HeaderedTable long_form(table);
        if (long_form.column({"date"}) && long_form.column({"region", "place"}) && long_form.column({"count"}))
            return read_long_form(long_form, ledger);
    }
    if (spec.place.empty())
        throw InputError({Problem{spec.file, 0, 0, "place",
                                  "a `date,count` table (no HXL tag row) needs `place:` in the case file"}});
    return read_date_count(table, spec, ledger);
}

}  // namespace migflow::casebuild
