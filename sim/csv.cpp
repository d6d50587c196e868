// CSV as users bring it (Flee inputs, spreadsheets): one pass, a small state machine.
#include "migflow/csv.hpp"

#include <fstream>
#include <sstream>

#include "migflow/errors.hpp"

namespace migflow {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string trim(std::string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && is_blank(s[b])) ++b;
    while (e > b && is_blank(s[e - 1])) --e;
    return std::string(s.substr(b, e - b));
}

// Parses the row that starts at text[pos]; returns the position after its line end.
// Quoted cells may hold commas, "" escapes and even line breaks.
std::size_t parse_row(std::string_view text, std::size_t pos, std::vector<std::string>& cells,
                      int& line) {
    std::string cell;
    bool quoted = false;       // the current cell had a quoted part
    bool in_quotes = false;
    std::size_t i = pos;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (in_quotes) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    cell += '"';
                    ++i;
                } else {
                    in_quotes = false;
                }
            } else {
                if (c == '\n') ++line;
                cell += c;
            }
            continue;
        }
        if (c == '"') {
            // Blanks before an opening quote are layout, not content.
            if (trim(cell).empty()) cell.clear();
            in_quotes = quoted = true;
        } else if (c == ',') {
            cells.push_back(quoted ? cell : trim(cell));
            cell.clear();
            quoted = false;
        } else if (c == '\n') {
            break;
        } else if (quoted) {
            if (!is_blank(c)) cell += c;  // text after a closing quote: keep, drop blanks
        } else {
            cell += c;
        }
    }
    cells.push_back(quoted ? cell : trim(cell));
    return i + 1;
}

}  // namespace

CsvTable parse_csv(const std::string& input, const std::string& file_for_errors) {
    CsvTable table;
    table.file = file_for_errors;
    std::string_view text(input);
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    std::size_t pos = 0;
    int line = 1;
    while (pos < text.size()) {
        CsvRow row;
        row.line = line;
        const std::size_t next = parse_row(text, pos, row.cells, line);
        ++line;
        pos = next;
        if (row.cells.size() == 1 && row.cells[0].empty()) continue;  // blank line
        row.comment = !row.cells.empty() && !row.cells[0].empty() && row.cells[0][0] == '#';
        table.rows.push_back(std::move(row));
    }
    return table;
}

CsvTable read_csv(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError({Problem{path, 0, 0, "", "cannot read file"}});
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw InputError({Problem{path, 0, 0, "", "cannot read file"}});
    return parse_csv(ss.str(), path);
}

}  // namespace migflow
