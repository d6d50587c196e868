// LoadContext: typed, located reads of YAML scalars, so that every block parser reports
// problems the same way (`file:line:col: key.path: message`) and never lets a yaml-cpp
// exception escape.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <unordered_set>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario/loader_internal.hpp"

namespace migflow::detail {

namespace {

// What the user wrote, for "got ..." in messages.
std::string describe(const YAML::Node& n) {
    if (!n.IsDefined() || n.IsNull()) return "nothing";
    if (n.IsSequence()) return "a list";
    if (n.IsMap()) return "a map";
    return "`" + n.Scalar() + "`";
}

}  // namespace

namespace {

// Plain decimals with at most 15 digits ("12.5", "-0.25"), nearly every cell of a big
// driver table: the digits are an exact integer m < 2^53 and 10^k (k <= 15) is exact,
// so m / 10^k is the correctly rounded value, the one std::from_chars returns too.
std::optional<double> short_decimal(std::string_view s) {
    static constexpr double pow10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                         1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    std::size_t i = 0;
    const bool negative = !s.empty() && s[0] == '-';
    i += negative;
    std::uint64_t m = 0;
    int digits = 0, decimals = 0;
    bool dot = false;
    const std::size_t first = i;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if (c >= '0' && c <= '9') {
            m = m * 10 + static_cast<unsigned>(c - '0');
            ++digits;
            decimals += dot;
        } else if (c == '.' && !dot && i > first) {
            dot = true;
        } else {
            return std::nullopt;
        }
    }
    if (digits == 0 || digits > 15 || (dot && decimals == 0)) return std::nullopt;
    const double v = static_cast<double>(m) / pow10[decimals];
    return negative ? -v : v;
}

}  // namespace

std::optional<double> parse_double(std::string_view s) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    if (const auto v = short_decimal(s)) return v;
    double v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

std::string join_path(const std::string& parent, std::string_view child) {
    return parent.empty() ? std::string(child) : parent + "." + std::string(child);
}

std::string index_path(const std::string& parent, std::size_t i) {
    return parent + "[" + std::to_string(i) + "]";
}

void LoadContext::problem(const YAML::Node& at, const std::string& key, std::string message) {
    if (at.IsDefined()) {
        for (const YAML::Node& o : override_nodes) {
            if (at.is(o)) {
                diag.add("--set", 0, 0, key, std::move(message));
                return;
            }
        }
    }
    int line = 0, col = 0;
    if (at.IsDefined()) {
        const YAML::Mark m = at.Mark();
        if (m.line >= 0) {
            line = m.line + 1;
            col = m.column + 1;
        }
    }
    diag.add(file, line, col, key, std::move(message));
}

void LoadContext::note(const YAML::Node& at, const std::string& key, const std::string& message) {
    remark(at, key, "note: " + message);
}

void LoadContext::warning(const YAML::Node& at, const std::string& key, const std::string& message) {
    remark(at, key, "warning: " + message);
}

void LoadContext::remark(const YAML::Node& at, const std::string& key, std::string message) {
    Problem p{file, 0, 0, key, std::move(message)};
    for (const YAML::Node& o : override_nodes)
        if (at.IsDefined() && at.is(o)) p.file = "--set";
    if (p.file != "--set" && at.IsDefined() && at.Mark().line >= 0) {
        p.line = at.Mark().line + 1;
        p.column = at.Mark().column + 1;
    }
    notes.push_back(p.str());
}

void LoadContext::csv_problem(const std::string& csv, int line, const std::string& column,
                              std::string message) {
    // Diagnostics keeps the first problems of a file and counts the rest.
    diag.add(csv, line, 0, column, std::move(message));
}

std::optional<std::string> LoadContext::string(const YAML::Node& n, const std::string& key) {
    if (!n.IsDefined()) return std::nullopt;
    if (!n.IsScalar()) {
        problem(n, key, "got " + describe(n) + ", expected a string");
        return std::nullopt;
    }
    return n.Scalar();
}

std::optional<double> LoadContext::number(const YAML::Node& n, const std::string& key) {
    if (!n.IsScalar()) {
        problem(n, key, "got " + describe(n) + ", expected a number");
        return std::nullopt;
    }
    const auto v = parse_double(n.Scalar());
    if (!v) problem(n, key, "got " + describe(n) + ", expected a number");
    return v;
}

std::optional<double> LoadContext::number_in(const YAML::Node& n, const std::string& key, double lo,
                                             double hi) {
    if (!n.IsScalar()) {
        problem(n, key, "got " + describe(n) + ", expected a number in [" + short_number(lo) + ", " +
                            short_number(hi) + "]");
        return std::nullopt;
    }
    const auto v = parse_double(n.Scalar());
    if (!v || *v < lo || *v > hi) {
        problem(n, key, "got " + (v ? short_number(*v) : describe(n)) + ", expected a number in [" +
                            short_number(lo) + ", " + short_number(hi) + "]");
        return std::nullopt;
    }
    return v;
}

std::optional<long long> LoadContext::integer(const YAML::Node& n, const std::string& key,
                                              long long lo, long long hi) {
    const std::string range = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    if (!n.IsScalar()) {
        problem(n, key, "got " + describe(n) + ", expected a whole number in " + range);
        return std::nullopt;
    }
    std::string_view s = n.Scalar();
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    long long v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    bool ok = ec == std::errc() && p == s.data() + s.size() && !s.empty();
    if (!ok) {  // accept 10.0 or 1e3: whole numbers written as decimals
        const auto d = parse_double(s);
        ok = d && std::floor(*d) == *d && std::abs(*d) < 9e15;
        if (ok) v = static_cast<long long>(*d);
    }
    if (!ok || v < lo || v > hi) {
        problem(n, key, "got " + describe(n) + ", expected a whole number in " + range);
        return std::nullopt;
    }
    return v;
}

std::optional<DayNumber> LoadContext::date(const YAML::Node& n, const std::string& key) {
    if (!n.IsScalar()) {
        problem(n, key, "got " + describe(n) + ", expected a date YYYY-MM-DD");
        return std::nullopt;
    }
    const auto d = parse_date(n.Scalar());
    if (!d) {
        const std::string& t = n.Scalar();
        const bool shaped = t.size() == 10 && t[4] == '-' && t[7] == '-';
        problem(n, key, "got " + describe(n) + (shaped ? ", which is not a calendar date" : ", expected a date YYYY-MM-DD"));
    }
    return d;
}

// One list of policy events serves several horizons: what falls outside the run is
// clipped or dropped, with a note, never an error; a malformed date still is one.
std::optional<LoadContext::EventRange> LoadContext::event_range(const YAML::Node& m, const std::string& key) {
    const YAML::Node f = need(m, "from", key), t = m["to"];
    const auto from = f.IsDefined() ? date(f, join_path(key, "from")) : std::nullopt;
    const auto to = t.IsDefined() ? date(t, join_path(key, "to")) : std::nullopt;
    if (!from || (t.IsDefined() && !to) || !dates_ok) return std::nullopt;
    if (to && *to <= *from) {
        problem(t, join_path(key, "to"), "must be after `from`");
        return std::nullopt;
    }
    EventRange r;
    r.start = *from - start_date;
    r.end = to ? *to - start_date : never;
    const std::string first = format_date(start_date), after = format_date(start_date + days);
    const std::string span = "the run is " + first + " to " + format_date(start_date + days - 1);
    if (r.end <= 0 || r.start >= days) {
        note(m, key, "from " + f.Scalar() + (to ? " to " + t.Scalar() : std::string()) +
                         " lies wholly outside the run (" + span + "): ignored");
        r.dropped = true;
        return r;
    }
    if (r.start < 0) {
        note(f, join_path(key, "from"), "date " + f.Scalar() + " is before the run starts: clipped to " + first);
        r.start = 0;
    }
    if (to && r.end > days) {
        note(t, join_path(key, "to"), "date " + t.Scalar() + " is after the run ends: clipped to " + after +
                                          " (the day after the last day)");
        r.end = days;
    }
    return r;
}

std::optional<RegionIndex> LoadContext::region(const YAML::Node& n, const std::string& key) {
    const auto name = string(n, key);
    if (!name) {
        if (!n.IsDefined()) problem(n, key, "missing region name");
        return std::nullopt;
    }
    const auto it = region_index.find(*name);
    if (it != region_index.end()) return it->second;
    std::string msg = "unknown region `" + *name + "`";
    const std::string hint = did_you_mean(*name, region_names);
    if (!hint.empty()) msg += "; " + hint;
    problem(n, key, msg);
    return std::nullopt;
}

std::optional<RegionIndex> LoadContext::find_region(std::string_view name) {
    const StringHash hash;
    if (flat_regions.empty() || flat_regions_for != region_names.size()) {
        std::size_t size = 16;
        while (size < 2 * region_names.size()) size *= 2;
        flat_regions.assign(size, 0);
        for (std::size_t i = 0; i < region_names.size(); ++i) {
            std::size_t h = hash(region_names[i]) & (size - 1);
            while (flat_regions[h] != 0) h = (h + 1) & (size - 1);
            flat_regions[h] = static_cast<std::uint32_t>(i + 1);
        }
        flat_regions_for = region_names.size();
    }
    const std::size_t mask = flat_regions.size() - 1;
    for (std::size_t h = hash(name) & mask; flat_regions[h] != 0; h = (h + 1) & mask) {
        const std::uint32_t i = flat_regions[h] - 1;
        if (region_names[i] == name) return static_cast<RegionIndex>(i);
    }
    return std::nullopt;
}

bool LoadContext::check_map(const YAML::Node& n, const std::string& key,
                            const std::vector<std::string>& known) {
    if (!n.IsMap()) {
        problem(n, key, "got " + describe(n) + ", expected a map");
        return false;
    }
    // yaml-cpp keeps both entries of a repeated key and finds only the first: look at all.
    std::unordered_map<std::string, int> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
        const YAML::Node k = it->first;
        const std::string name = k.Scalar();
        const std::string path = join_path(key, name);
        const int line = k.Mark().line + 1;
        if (auto [pos, fresh] = seen.emplace(name, line); !fresh) {
            problem(k, path, "duplicate key (first given on line " + std::to_string(pos->second) +
                                 "); the first value would be used");
            continue;
        }
        if (!known.empty() && std::find(known.begin(), known.end(), name) == known.end()) {
            std::string msg = "unknown key";
            const std::string hint = did_you_mean(name, known);
            if (!hint.empty()) msg += "; " + hint;
            problem(k, path, msg);
        }
    }
    return true;
}

bool LoadContext::is_sequence(const YAML::Node& n, const std::string& key) {
    if (n.IsSequence()) return true;
    problem(n, key, "got " + describe(n) + ", expected a list");
    return false;
}

std::string LoadContext::read_input(const std::string& name, const std::string& path) const {
    if (!embedded) return read_text_file(path);
    for (const InputFile& f : *embedded)
        if (f.path == name) return f.text;
    throw InputError({Problem{path, 0, 0, "", "not among the files kept with the scenario"}});
}

void LoadContext::remember_input(const std::string& name, std::string text) {
    for (const InputFile& f : inputs)
        if (f.path == name) return;
    inputs.push_back(InputFile{name, std::move(text)});
}

std::string LoadContext::resolve(const std::string& path) const {
    if (path.empty() || path.front() == '/' || base_dir.empty()) return path;
    return base_dir + "/" + path;
}

namespace {

// A `#` row that names one of `columns` first is the header, not a comment to skip.
template <class Cell>
bool names_a_column(const Cell& first_cell, const std::vector<std::string>& columns) {
    std::string_view first = std::string_view(first_cell).substr(1);
    first.remove_prefix(std::min(first.find_first_not_of(" \t"), first.size()));
    return std::find(columns.begin(), columns.end(), first) != columns.end();
}

}  // namespace

std::optional<CsvTable> LoadContext::csv(const YAML::Node& n, const std::string& key,
                                         const std::vector<std::string>& columns) {
    const auto name = string(n, key);
    if (!name) return std::nullopt;
    const std::string path = resolve(*name);
    if (!embedded) files_read.push_back(path);
    CsvTable t;
    try {
        std::string text = read_input(*name, path);
        t = parse_csv(text, path);
        remember_input(*name, std::move(text));
    } catch (const InputError&) {
        problem(n, key, "cannot read CSV file `" + path + "`");
        return std::nullopt;
    }
    std::size_t skip = 0;
    for (; skip < t.rows.size() && t.rows[skip].comment; ++skip) {
        if (names_a_column(t.rows[skip].cells[0], columns)) break;
    }
    t.rows.erase(t.rows.begin(), t.rows.begin() + static_cast<std::ptrdiff_t>(skip));
    return t;
}

namespace {

template <class Cells>
CsvColumns header_columns(LoadContext& ctx, const std::string& file, bool has_header, int line,
                          const Cells& cells, const std::vector<std::string>& wanted,
                          const std::vector<bool>& required) {
    CsvColumns out;
    out.index.assign(wanted.size(), -1);
    if (!has_header) {
        ctx.csv_problem(file, 0, "", "empty file: expected a header line");
        out.ok = false;
        return out;
    }
    for (std::size_t c = 0; c < cells.size(); ++c) {
        std::string_view name = cells[c];
        if (c == 0 && !name.empty() && name.front() == '#')
            name.remove_prefix(std::min(name.find_first_not_of("# \t"), name.size()));
        const auto it = std::find(wanted.begin(), wanted.end(), name);
        if (it == wanted.end()) continue;
        int& at = out.index[it - wanted.begin()];
        if (at >= 0) {
            // Which of the two would be meant cannot be known: refuse, never guess.
            ctx.csv_problem(file, line, *it, "column given twice (columns " + std::to_string(at + 1) +
                                                 " and " + std::to_string(c + 1) + ")");
            out.ok = false;
        }
        at = static_cast<int>(c);
    }
    out.width = cell_count(cells);
    for (std::size_t w = 0; w < wanted.size(); ++w) {
        if (out.index[w] < 0 && required[w]) {
            ctx.csv_problem(file, line, wanted[w], "missing column in the header");
            out.ok = false;
        }
    }
    return out;
}

}  // namespace

namespace {

// Maps a regular, non-empty file: its pages come straight from the page cache, where
// reading would copy hundreds of MB into fresh memory. False: read it instead.
bool map_file(CsvStream& out) {
    const int fd = ::open(out.file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);  // a FIFO must not block
    if (fd < 0) return false;
    struct stat st {};
    void* p = MAP_FAILED;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) return false;
    out.mapped = p;
    out.mapped_size = static_cast<std::size_t>(st.st_size);
    out.text = std::string_view(static_cast<const char*>(p), out.mapped_size);
    return true;
}

}  // namespace

CsvStream::~CsvStream() {
    if (mapped) ::munmap(mapped, mapped_size);
}

bool LoadContext::open_csv(const YAML::Node& n, const std::string& key,
                           const std::vector<std::string>& columns, CsvStream& out) {
    const auto name = string(n, key);
    if (!name) return false;
    out.file = resolve(*name);
    if (!embedded) files_read.push_back(out.file);
    if (embedded || !map_file(out)) {
        try {
            out.owned_text = read_input(*name, out.file);
        } catch (const InputError&) {
            problem(n, key, "cannot read CSV file `" + out.file + "`");
            return false;
        }
        out.text = out.owned_text;
    }
    remember_input(*name, std::string(out.text));
    out.reader.emplace(out.text);
    CsvRowView row;
    while ((out.has_header = out.reader->next(row))) {
        if (!row.comment || names_a_column(row.cells[0], columns)) break;
    }
    if (out.has_header) {
        // Owned: the reader may reuse the storage of quoted cells for later rows.
        out.header_line = row.line;
        out.header.assign(row.cells.begin(), row.cells.end());
    }
    return true;
}

CsvColumns csv_columns(LoadContext& ctx, const CsvTable& t, const std::vector<std::string>& wanted,
                       const std::vector<bool>& required) {
    const bool has = !t.rows.empty();
    static const std::vector<std::string> none;
    return header_columns(ctx, t.file, has, has ? t.rows.front().line : 0, has ? t.rows.front().cells : none,
                          wanted, required);
}

CsvColumns csv_columns(LoadContext& ctx, const CsvStream& t, const std::vector<std::string>& wanted,
                       const std::vector<bool>& required) {
    return header_columns(ctx, t.file, t.has_header, t.header_line, t.header, wanted, required);
}

}  // namespace migflow::detail

namespace migflow::detail {

YAML::Node LoadContext::need(const YAML::Node& map, const std::string& name, const std::string& map_key) {
    const YAML::Node v = map[name];
    if (!v.IsDefined()) problem(map, join_path(map_key, name), "missing required key");
    return v;
}

YAML::Node parse_yaml_map(const std::string& text, const std::string& file, const std::string& what) {
    Diagnostics diag;
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        diag.add(file, e.mark.line + 1, e.mark.column + 1, "", "YAML syntax error: " + e.msg);
        diag.throw_if_any();
    }
    if (!root.IsMap()) {
        // Where the document starts (line 1 for an empty one): every message has a place.
        const YAML::Mark m = root.Mark();
        const char* got = root.IsNull() ? "an empty document" : root.IsSequence() ? "a list" : "a single value";
        diag.add(file, m.line >= 0 ? m.line + 1 : 1, m.column >= 0 ? m.column + 1 : 1, "",
                 std::string("got ") + got + ", expected a map of " + what);
    }
    diag.throw_if_any();
    return root;
}

}  // namespace migflow::detail
