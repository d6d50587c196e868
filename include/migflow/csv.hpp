#pragma once
// A small CSV reader for the formats users bring (Flee inputs, driver tables):
// quoted cells, `#` comment lines, trailing commas, blank cells, CRLF.
#include <string>
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

}  // namespace migflow
