// Header lookup and the "no usable row" error for build-case's readers.
#include "casebuild/table.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "migflow/core/errors.hpp"
#include "migflow/core/text.hpp"

namespace migflow::casebuild::detail {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

HeaderedTable::HeaderedTable(CsvTable table, std::size_t header_row) : table_(std::move(table)), first_(header_row + 1) {
    if (table_.rows.size() <= header_row)
        throw InputError({Problem{table_.file, 0, 0, "", "the file has no header row"}});
    for (std::string c : table_.rows[header_row].cells) {
        c = lower(trim_blanks(c));
        if (!c.empty() && c.front() == '#' && header_row == 0) c.erase(0, 1);
        header_.push_back(trim_blanks(c));
    }
}

std::optional<std::size_t> HeaderedTable::column(std::initializer_list<const char*> names) const {
    for (const char* n : names) {
        const auto it = std::find(header_.begin(), header_.end(), lower(n));
        if (it != header_.end()) return static_cast<std::size_t>(it - header_.begin());
    }
    return std::nullopt;
}

std::size_t HeaderedTable::required(std::initializer_list<const char*> names) const {
    if (const auto c = column(names)) return *c;
    std::string have;
    for (const std::string& h : header_) have += (have.empty() ? "" : ",") + h;
    const std::string suggestion = did_you_mean(*names.begin(), header_);
    throw InputError({Problem{table_.file, 1, 0, *names.begin(),
                              "column missing (the header is `" + have + "`)" + (suggestion.empty() ? "" : "; " + suggestion)}});
}

std::string cell(const CsvRow& row, std::size_t column) {
    return column < row.cells.size() ? row.cells[column] : std::string();
}

std::optional<double> number(const std::string& text) {
    const std::string t = trim_blanks(text);
    double v = 0.0;
    const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
    if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

void no_usable_rows(const std::string& file, const std::string& column, const std::string& why) {
    throw InputError({Problem{file, 0, 0, column, "no usable row (" + why + ")"}});
}

}  // namespace migflow::casebuild::detail
