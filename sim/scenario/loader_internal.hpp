#pragma once
// Internals of the YAML scenario loader, shared by its sim/scenario/*.cpp parts.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "migflow/core/csv.hpp"
#include "migflow/scenario/loader.hpp"
#include "migflow/core/errors.hpp"
#include "migflow/scenario/scenario.hpp"

// GCC 12 at -O2 reports reads of std::optional guarded by has_value() as possibly
// uninitialised (GCC bug 80635), a false positive in the loader's message building.
// (Its -Wrestrict false positive is off for the whole project, in CMakeLists.txt.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace migflow::detail {

// Lets the region map be searched with a std::string_view cell, without a std::string.
struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using RegionMap = std::unordered_map<std::string, RegionIndex, StringHash, std::equal_to<>>;

// A CSV file handed out row by row (see LoadContext::open_csv): big tables never become
// a CsvTable. The text is the file mapped into memory (read when it cannot be mapped).
// Not movable: the reader views `text`.
struct CsvStream {
    CsvStream() = default;
    CsvStream(const CsvStream&) = delete;
    CsvStream& operator=(const CsvStream&) = delete;
    ~CsvStream();

    std::string file;
    std::string_view text;
    std::string owned_text;    // when read
    void* mapped = nullptr;    // when mapped
    std::size_t mapped_size = 0;
    std::optional<CsvReader> reader;
    bool has_header = false;
    int header_line = 0;
    std::vector<std::string> header;  // the first row left after the skipped `#` lines
    // Like CsvReader::next, after the header.
    bool next(CsvRowView& row) { return reader->next(row); }
};

// Everything a block parser needs: where problems go, how to resolve files, the run's
// dates and the region names known so far.
struct LoadContext {
    LoadContext(std::string file_, std::string base_dir_, Diagnostics& diag_)
        : file(std::move(file_)), base_dir(std::move(base_dir_)), diag(diag_) {}

    std::string file;      // scenario file as named in messages
    std::string base_dir;  // relative CSV paths resolve here
    Diagnostics& diag;
    std::vector<YAML::Node> override_nodes;  // values set by --set: reported as `--set`
    const std::vector<InputFile>* embedded = nullptr;  // files to read instead of the disk's
    std::vector<InputFile> inputs;                      // every file read, in order (Scenario::inputs)
    std::vector<std::string> notes;                     // Scenario::notes
    std::vector<std::string> files_read;     // CSV files opened (Scenario::input_files)

    std::string ruleset = "native";  // as read so far: it sets the drivers' valid range
    bool dates_ok = false;  // start_date and days are valid
    DayNumber start_date = 0;
    Day days = 0;
    RegionMap region_index;
    std::vector<std::string> region_names;
    // region_index as a flat open-addressing table of region numbers + 1 (0 = empty),
    // for the million lookups of a big route file: a node-based map costs a cache miss
    // or two per lookup. Built on first use, rebuilt when regions were added since.
    std::vector<std::uint32_t> flat_regions;
    std::size_t flat_regions_for = 0;  // region_names.size() when built

    void problem(const YAML::Node& at, const std::string& key, std::string message);
    void csv_problem(const std::string& csv, int line, const std::string& column, std::string message);
    void note(const YAML::Node& at, const std::string& key, const std::string& message);
    // Like a note, for input that loads but is probably not what was meant (docs/SCENARIO.md
    // "Warnings"): printed as `warning:`, the run goes on.
    void warning(const YAML::Node& at, const std::string& key, const std::string& message);

    // Typed scalar readers: on a wrong type or range they add a problem and return nullopt.
    std::optional<std::string> string(const YAML::Node& n, const std::string& key);
    std::optional<double> number(const YAML::Node& n, const std::string& key);
    std::optional<long long> integer(const YAML::Node& n, const std::string& key, long long lo,
                                     long long hi);
    std::optional<double> number_in(const YAML::Node& n, const std::string& key, double lo, double hi);
    std::optional<DayNumber> date(const YAML::Node& n, const std::string& key);
    // The `from` (required) and `to` (optional: never ends) dates of an event in map `m`
    // as run days [start, end), clipped to the run with a note; `dropped` (with a note)
    // when the whole range lies outside the run. nullopt (problem added) for a missing
    // or malformed date or `to` not after `from`.
    struct EventRange {
        Day start = 0;
        Day end = never;
        bool dropped = false;
    };
    std::optional<EventRange> event_range(const YAML::Node& m, const std::string& key);
    std::optional<RegionIndex> region(const YAML::Node& n, const std::string& key);
    // The region of a name (same answer as region_index), through flat_regions.
    std::optional<RegionIndex> find_region(std::string_view name);

    // Reports keys not in `known` (with did-you-mean) and keys given twice.
    // Returns false when `n` is not a map (a problem has been added).
    bool check_map(const YAML::Node& n, const std::string& key, const std::vector<std::string>& known);
    // The value of a required key; when absent a problem is added at the map and the
    // returned node is undefined.
    YAML::Node need(const YAML::Node& map, const std::string& name, const std::string& map_key);
    bool is_sequence(const YAML::Node& n, const std::string& key);

    std::string resolve(const std::string& path) const;
    // The text of a file the scenario names (`name` as written, `path` resolved), from
    // `embedded` when set; throws InputError when it cannot be read.
    std::string read_input(const std::string& name, const std::string& path) const;
    void remember_input(const std::string& name, std::string text);
    // Reads a CSV file named in the scenario; nullopt (problem added) when unreadable.
    // Leading `#` lines are dropped unless they are the header, i.e. start with one of
    // `columns`, so that rows.front() is the header.
    std::optional<CsvTable> csv(const YAML::Node& n, const std::string& key,
                                const std::vector<std::string>& columns);
    // The same file for streaming: false (problem added) when unreadable.
    bool open_csv(const YAML::Node& n, const std::string& key, const std::vector<std::string>& columns,
                  CsvStream& out);

private:
    void remark(const YAML::Node& at, const std::string& key, std::string message);
};

// Finds region names as big files list them: usually in the scenario's order (a wide
// header, a long driver file date by date) or grouped (routes by `from`, a long file
// region by region). Tries the previous name's region and the one after it before
// hashing the name.
class RegionLookup {
public:
    explicit RegionLookup(LoadContext& ctx) : ctx_(ctx) {}
    std::optional<RegionIndex> find(std::string_view name) {
        const auto& names = ctx_.region_names;
        if (last_ != no_region) {
            const auto next = static_cast<std::size_t>(last_) + 1;
            if (next < names.size() && same(names[next], name)) return last_ = static_cast<RegionIndex>(next);
            if (same(names[last_], name)) return last_;
        }
        const auto r = ctx_.find_region(name);
        if (r) last_ = *r;
        return r;
    }

private:
    // Names in sequence (R1, R2, ...) mostly differ in their last character: test it first.
    static bool same(const std::string& a, std::string_view b) {
        return a.size() == b.size() && (b.empty() || (a.back() == b.back() && a.compare(0, a.size(), b) == 0));
    }
    LoadContext& ctx_;
    RegionIndex last_ = no_region;
};

// Locates the columns named in `wanted` in a CSV header row (a leading '#' is ignored).
// Missing required columns are problems; optional ones map to -1.
struct CsvColumns {
    std::vector<int> index;
    bool ok = true;
    std::size_t width = 0;  // header cells, a trailing empty one (trailing comma) not counted

    // False, with a problem at the row's line, when a row has cells beyond the header
    // (a shifted row: its values would land in the wrong columns or be dropped).
    template <class Cells>
    bool row_fits(LoadContext& ctx, const std::string& file, int line, const Cells& cells) const;
};
// Cells in a row, a trailing empty one (trailing comma) not counted.
template <class Cells>
std::size_t cell_count(const Cells& cells) {
    std::size_t n = cells.size();
    if (n > 1 && std::string_view(cells[n - 1]).empty()) --n;
    return n;
}

template <class Cells>
bool CsvColumns::row_fits(LoadContext& ctx, const std::string& file, int line, const Cells& cells) const {
    const std::size_t n = cell_count(cells);
    if (n <= width) return true;
    ctx.csv_problem(file, line, "row", "row has " + std::to_string(n) + " cells, the header names " +
                                           std::to_string(width) + " columns");
    return false;
}

CsvColumns csv_columns(LoadContext& ctx, const CsvTable& t, const std::vector<std::string>& wanted,
                       const std::vector<bool>& required);
// The same from a streamed file's header (`has_header` false: an empty file).
CsvColumns csv_columns(LoadContext& ctx, const CsvStream& t, const std::vector<std::string>& wanted,
                       const std::vector<bool>& required);
std::optional<double> parse_double(std::string_view s);

std::string join_path(const std::string& parent, std::string_view child);
std::string index_path(const std::string& parent, std::size_t i);

// Sorted by file (first appearance), then line and column.
std::vector<Problem> in_reading_order(std::vector<Problem> problems);

// Parses YAML text whose top level must be a map (`what` names its keys for the
// message); a syntax error or another shape is thrown as InputError at once.
YAML::Node parse_yaml_map(const std::string& text, const std::string& file, const std::string& what);

// Applies one `--set path=value` to a YAML tree (the scenario's, or a tree holding only
// the overridden blocks); problems are reported with file `--set`.
void apply_override(LoadContext& ctx, YAML::Node& root, const std::string& path, const std::string& text);

// The YAML text of a scenario as run: `root` with `overrides` applied, headed by them.
std::string effective_text(const YAML::Node& root, const std::string& file, const Overrides& overrides);

// Block parsers, one per top-level key family.
void load_regions(LoadContext& ctx, const YAML::Node& n, Scenario& s);
void load_routes(LoadContext& ctx, const YAML::Node& n, Scenario& s);
void load_closures(LoadContext& ctx, const YAML::Node& n, Scenario& s);
void load_drivers(LoadContext& ctx, const YAML::Node& n, Scenario& s);
void load_shocks(LoadContext& ctx, const YAML::Node& n, Scenario& s);
void load_params(LoadContext& ctx, const YAML::Node& n, Scenario& s);  // behaviour + agents
void load_groups(LoadContext& ctx, const YAML::Node& n, Scenario& s);
void load_output(LoadContext& ctx, const YAML::Node& n, Scenario& s);
void load_observed(LoadContext& ctx, const YAML::Node& n, Scenario& s);
void load_flee(LoadContext& ctx, const YAML::Node& n, Scenario& s);
// "A, B, C, D, E and 4 more": names in a message, at most five of them.
std::string some_names(const std::vector<std::string>& names);

// The keys a scenario block may hold (scenario_keys.cpp): "" for the top level, then
// "output", "drivers.*", "regions[]", "routes[].closed[]", ...; the one list the loaders
// and `--set` share.
const std::vector<std::string>& scenario_keys(std::string_view block);
// Keys allowed below an override's schema path; nullopt: anything goes (region names
// under drivers.*.values, Flee's own settings); empty: a scalar.
std::optional<std::vector<std::string>> schema_children(const std::string& schema);
// Warnings for input that loads but is probably not what was meant (plausibility.cpp).
void check_plausibility(LoadContext& ctx, const YAML::Node& root, const Scenario& s);

}  // namespace migflow::detail
