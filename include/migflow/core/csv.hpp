#pragma once
// A small CSV reader for the formats users bring (Flee inputs, driver tables):
// quoted cells, `#` comment lines, trailing commas, blank cells, CRLF.
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace migflow {

struct CsvRow {
    int line = 0;                    // 1-based line in the file
    bool comment = false;            // first cell starts with '#' (Flee puts headers there)
    std::vector<std::string> cells;  // unquoted, surrounding blanks trimmed
};

struct CsvTable {
    std::string file;
    std::vector<CsvRow> rows;  // blank lines dropped; comment lines kept, flagged
};

// Throws InputError naming the file when it cannot be read.
CsvTable read_csv(const std::string& path);
CsvTable parse_csv(const std::string& text, const std::string& file_for_errors);

// The same rows as views, for big files (driver tables, 500,000-route networks) that
// should not pay for a std::string per cell.
struct CsvRowView {
    int line = 0;
    bool comment = false;
    std::vector<std::string_view> cells;  // valid until the reader's next call to next()
};

// Reads rows one at a time from text it does not own, by the rules of parse_csv.
class CsvReader {
public:
    explicit CsvReader(std::string_view text);
    // The next non-blank row; false at the end of the text.
    bool next(CsvRowView& row);

private:
    std::string_view text_;
    std::size_t pos_ = 0;
    int line_ = 1;
    // Cells rebuilt from quotes; a deque, so that earlier cells of the row stay put.
    std::deque<std::string> unquoted_;
    std::size_t unquoted_used_ = 0;
};

// The one way in for every input file (docs/RELIABILITY.md "One way in"): the whole file
// as text. Throws InputError naming the file when it cannot be read, is not a regular file
// (a FIFO, /dev/zero, a directory: refused before opening) or is larger than
// max_input_bytes() (core/files.hpp).
std::string read_text_file(const std::string& path);

// A YAML file (scenario, sweep, simsetting.yml) as text, refused beyond max_yaml_bytes():
// a YAML parser keeps hundreds of bytes per byte read. `what` names it in the message.
std::string read_yaml_file(const std::string& path, const std::string& what);

}  // namespace migflow
