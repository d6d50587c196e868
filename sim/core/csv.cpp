// CSV as users bring it (Flee inputs, spreadsheets): one pass, a small state machine.
#include "migflow/core/text.hpp"
#include "migflow/core/csv.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>

#include "migflow/core/errors.hpp"
#include "migflow/core/files.hpp"

namespace migflow {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }


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
            if (trim_blanks(cell).empty()) cell.clear();
            in_quotes = quoted = true;
        } else if (c == ',') {
            cells.push_back(quoted ? cell : trim_blanks(cell));
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
    cells.push_back(quoted ? cell : trim_blanks(cell));
    return i + 1;
}

}  // namespace

CsvReader::CsvReader(std::string_view text) : text_(text) {
    if (text_.size() >= 3 && text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);
}

bool CsvReader::next(CsvRowView& row) {
    while (pos_ < text_.size()) {
        row.line = line_;
        row.cells.clear();
        unquoted_used_ = 0;
        // Fast path, nearly every row of a big file: one scan to the line end, cells
        // viewed in place between commas and trimmed. A quote sends the row to the full
        // state machine (quoted cells may even span lines), into owned strings.
        const char* p = text_.data();
        std::size_t i = pos_, b = pos_;
        bool quote = false;
        auto push_trimmed = [&](std::size_t from, std::size_t to) {
            while (from < to && is_blank(p[from])) ++from;
            while (to > from && is_blank(p[to - 1])) --to;
            row.cells.push_back(text_.substr(from, to - from));
        };
        for (; i < text_.size(); ++i) {
            const char c = p[i];
            if (c == ',') {
                push_trimmed(b, i);
                b = i + 1;
            } else if (c == '\n') {
                break;
            } else if (c == '"') {
                quote = true;
                break;
            }
        }
        if (!quote) {
            push_trimmed(b, i);
            pos_ = i + 1;
        } else {
            row.cells.clear();
            std::vector<std::string> cells;
            pos_ = parse_row(text_, pos_, cells, line_);
            for (std::string& c : cells) {
                if (unquoted_used_ == unquoted_.size()) unquoted_.emplace_back();
                std::string& slot = unquoted_[unquoted_used_++];
                slot = std::move(c);
                row.cells.push_back(slot);
            }
        }
        ++line_;
        if (row.cells.size() == 1 && row.cells[0].empty()) continue;  // blank line
        row.comment = !row.cells[0].empty() && row.cells[0][0] == '#';
        return true;
    }
    return false;
}

CsvTable parse_csv(const std::string& input, const std::string& file_for_errors) {
    CsvTable table;
    table.file = file_for_errors;
    CsvReader reader(input);
    CsvRowView view;
    while (reader.next(view)) {
        CsvRow row;
        row.line = view.line;
        row.comment = view.comment;
        row.cells.assign(view.cells.begin(), view.cells.end());
        table.rows.push_back(std::move(row));
    }
    return table;
}

std::string read_text_file(const std::string& path) {
    auto fail = [&](const std::string& why) { return InputError({Problem{path, 0, 0, "", why}}); };
    // Judged before opening: a FIFO or a device could block or never end, so only a
    // regular file (or a link to one) is read.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw fail(std::string("cannot read file: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw fail("cannot read file: " + not_regular_text(st.st_mode));
    // O_NONBLOCK: should it have become a FIFO since, opening it must not wait for a writer.
    FileHandle fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd) throw fail(std::string("cannot read file: ") + std::strerror(errno));
    if (::fstat(fd.get(), &st) != 0) throw fail("cannot read file");
    if (!S_ISREG(st.st_mode)) throw fail("cannot read file: " + not_regular_text(st.st_mode));
    const std::size_t limit = max_input_bytes();
    if (static_cast<std::uint64_t>(st.st_size) > limit)
        throw fail("cannot read file: it is " + std::to_string(st.st_size) + " bytes, more than the " +
                   std::to_string(limit) + " an input file may have (MIGFLOW_MAX_INPUT_BYTES raises the limit)");
    std::string text;
    text.reserve(static_cast<std::size_t>(st.st_size));
    char buf[1 << 16];
    while (true) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw fail(std::string("cannot read file: ") + std::strerror(errno));
        if (n == 0) break;
        // A file that grows while it is read is bounded too.
        if (text.size() + static_cast<std::size_t>(n) > limit)
            throw fail("cannot read file: it grew past the " + std::to_string(limit) +
                       " bytes an input file may have while being read");
        text.append(buf, static_cast<std::size_t>(n));
    }
    return text;
}

std::string read_yaml_file(const std::string& path, const std::string& what) {
    std::string text;
    try {
        text = read_text_file(path);
    } catch (const InputError& e) {
        std::string why = e.problems().front().message;
        if (why == "cannot read file") why = "cannot read the " + what;
        throw InputError({Problem{path, 0, 0, "", why}});
    }
    const std::size_t limit = max_yaml_bytes();
    if (text.size() > limit)
        throw InputError({Problem{path, 0, 0, "",
                                  "the " + what + " is " + std::to_string(text.size()) + " bytes, more than the " +
                                      std::to_string(limit) +
                                      " a YAML file may have (put bulk data in CSV files; "
                                      "MIGFLOW_MAX_YAML_BYTES raises the limit)"}});
    return text;
}

CsvTable read_csv(const std::string& path) { return parse_csv(read_text_file(path), path); }

}  // namespace migflow
