#pragma once
// A CSV table read by its header, for build-case's readers: columns found by any of
// their usual names, a missing required column or a table with no usable row is an
// InputError naming the file and column.
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "migflow/core/csv.hpp"

namespace migflow::casebuild::detail {

class HeaderedTable {
public:
    // `header_row`: index in the table's rows of the row naming the columns.
    HeaderedTable(CsvTable table, std::size_t header_row = 0);
    explicit HeaderedTable(const std::string& path) : HeaderedTable(read_csv(path)) {}

    // The column named by any of `names` (case-insensitive, leading '#' ignored).
    std::optional<std::size_t> column(std::initializer_list<const char*> names) const;
    // The same, or InputError "file: column `names[0]` missing (header: ...)".
    std::size_t required(std::initializer_list<const char*> names) const;

    const std::string& file() const { return table_.file; }
    // Rows after the header.
    std::vector<CsvRow>::const_iterator begin() const { return table_.rows.begin() + static_cast<long>(first_); }
    std::vector<CsvRow>::const_iterator end() const { return table_.rows.end(); }
    const std::vector<std::string>& header() const { return header_; }

private:
    CsvTable table_;
    std::vector<std::string> header_;  // lower case, without a leading '#'
    std::size_t first_ = 1;
};

std::string cell(const CsvRow& row, std::size_t column);
std::optional<double> number(const std::string& text);
std::string lower(std::string s);

// Throws InputError: "`file`: column `column`: no usable row (reason)".
[[noreturn]] void no_usable_rows(const std::string& file, const std::string& column, const std::string& why);

}  // namespace migflow::casebuild::detail
