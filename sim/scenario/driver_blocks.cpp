// Drivers (inline values and CSV files, long or wide), shocks and observed counts.
#include <algorithm>
#include <cstdio>
#include <map>

#include <limits>
#include <unordered_map>

#include "scenario/loader_internal.hpp"

namespace migflow::detail {

namespace {

constexpr const char* driver_names[driver_count] = {"conflict", "economy", "climate"};
constexpr double driver_defaults[driver_count] = {0.0, 1.0, 0.0};

std::optional<DriverKind> driver_kind(std::string_view s) {
    for (int k = 0; k < driver_count; ++k)
        if (s == driver_names[k]) return static_cast<DriverKind>(k);
    return std::nullopt;
}

// Empty when v is a valid value of the driver, else the message.
std::string driver_range_error(const LoadContext& ctx, DriverKind k, double v) {
    if (k == DriverKind::economy) return v > 0 ? "" : "got " + short_number(v) + ", expected a number > 0";
    const double hi = driver_max(ctx.ruleset, k);
    if (hi == std::numeric_limits<double>::infinity())
        return v >= 0 ? "" : "got " + short_number(v) + ", expected a number >= 0";
    return v >= 0 && v <= hi ? "" : "got " + short_number(v) + ", expected a number in [0, 1]";
}

// The same test without building a message, for the millions of cells of a driver table.
struct DriverRange {
    DriverRange(const LoadContext& ctx, DriverKind k) : kind(k), hi(driver_max(ctx.ruleset, k)) {}
    bool ok(double v) const {
        if (kind == DriverKind::economy) return v > 0;
        if (hi == std::numeric_limits<double>::infinity()) return v >= 0;
        return v >= 0 && v <= hi;
    }
    DriverKind kind;
    double hi;
};

// One (day, value) point with where it came from, so that a duplicate date can be
// reported at its own line. 24 bytes: a driver table holds millions.
struct Point {
    double value;
    RegionIndex region;
    Day day;
    int line;
    int source;  // index into DriverPoints::sources
};

struct DriverPoints {
    struct Source {
        std::string file;
        std::string key;
        bool csv;
        int column = 0;  // YAML points: each has a source of its own, carrying its column
    };
    std::vector<Source> sources;
    std::vector<Point> points;  // in the order given; finish_series groups them by region
    // finish_series' buffer. Both are kept from one driver to the next: faulting in
    // hundreds of MB of fresh pages per driver was a quarter of the start-up time.
    std::vector<Point> grouped;
};

void add_yaml_point(LoadContext& ctx, DriverPoints& pts, RegionIndex r, int source, const YAML::Node& at,
                    Day day, double value) {
    const YAML::Mark m = at.Mark();
    DriverPoints::Source own = pts.sources[static_cast<std::size_t>(source)];
    own.column = m.column + 1;
    pts.sources.push_back(std::move(own));
    pts.points.push_back(Point{value, r, day, m.line + 1, static_cast<int>(pts.sources.size()) - 1});
}

void load_values(LoadContext& ctx, const YAML::Node& n, const std::string& key, DriverKind kind, DriverPoints& pts) {
    if (!ctx.check_map(n, key, {})) return;
    for (auto it = n.begin(); it != n.end(); ++it) {
        const std::string rkey = join_path(key, it->first.Scalar());
        const auto r = ctx.region(it->first, rkey);
        if (!r) continue;
        const int source = static_cast<int>(pts.sources.size());
        pts.sources.push_back({ctx.file, rkey, false});
        const YAML::Node v = it->second;
        if (v.IsScalar()) {  // a constant for the whole run
            const auto x = ctx.number(v, rkey);
            if (!x) continue;
            if (const auto e = driver_range_error(ctx, kind, *x); !e.empty()) ctx.problem(v, rkey, e);
            else add_yaml_point(ctx, pts, *r, source, v, 0, *x);
            continue;
        }
        if (!v.IsSequence()) {
            ctx.problem(v, rkey, "expected a number or a list of [date, value] pairs");
            continue;
        }
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string pkey = index_path(rkey, i);
            const YAML::Node p = v[i];
            if (!p.IsSequence() || p.size() != 2) {
                ctx.problem(p, pkey, "expected a [date, value] pair");
                continue;
            }
            const auto d = ctx.date(p[0], pkey);
            const auto x = ctx.number(p[1], pkey);
            if (!d || !x) continue;
            if (const auto e = driver_range_error(ctx, kind, *x); !e.empty()) {
                ctx.problem(p[1], pkey, e);
                continue;
            }
            if (ctx.dates_ok) add_yaml_point(ctx, pts, *r, source, p, *d - ctx.start_date, *x);
        }
    }
}

// Where the data sits in a driver CSV. Long: date,region,value (any column order).
// Wide: date,<Region1>,<Region2>,... with wide_region[c] the region of column c.
struct DriverCsvLayout {
    bool long_format = false;
    int c_date = 0, c_region = -1, c_value = -1;
    std::vector<RegionIndex> wide_region;
};

std::optional<DriverCsvLayout> driver_csv_layout(LoadContext& ctx, const CsvStream& t) {
    DriverCsvLayout L;
    const auto& head = t.header;
    L.long_format = std::find(head.begin(), head.end(), "region") != head.end();
    if (L.long_format) {
        const auto cols = csv_columns(ctx, t, {"date", "region", "value"}, {true, true, true});
        if (!cols.ok) return std::nullopt;
        L.c_date = cols.index[0], L.c_region = cols.index[1], L.c_value = cols.index[2];
        return L;
    }
    std::string first = head[0];
    if (!first.empty() && first.front() == '#') first.erase(0, first.find_first_not_of("# \t"));
    if (first != "date") {
        ctx.csv_problem(t.file, t.header_line, "date",
                        "expected a header `date,region,value` or `date,<Region1>,<Region2>,...`");
        return std::nullopt;
    }
    L.wide_region.assign(head.size(), no_region);
    RegionLookup regions(ctx);
    std::unordered_map<RegionIndex, std::size_t> column_of;
    bool ok = true;
    for (std::size_t c = 1; c < head.size(); ++c) {
        if (head[c].empty()) {
            if (c + 1 == head.size()) continue;  // trailing comma
            ctx.csv_problem(t.file, t.header_line, "column " + std::to_string(c + 1),
                            "blank column name: its values would belong to no region");
            ok = false;
            continue;
        }
        const auto r = regions.find(head[c]);
        if (!r) {
            std::string msg = "unknown region `" + head[c] + "`";
            if (const auto h = did_you_mean(head[c], ctx.region_names); !h.empty()) msg += "; " + h;
            ctx.csv_problem(t.file, t.header_line, head[c], msg);
        } else if (const auto [it, fresh] = column_of.emplace(*r, c); !fresh) {
            ctx.csv_problem(t.file, t.header_line, head[c],
                            "region `" + head[c] + "` has two columns (" + std::to_string(it->second + 1) +
                                " and " + std::to_string(c + 1) + ")");
            ok = false;
        } else {
            L.wide_region[c] = *r;
        }
    }
    if (!ok) return std::nullopt;
    return L;
}

// The same date text on consecutive rows (R rows per date in long files) is parsed once.
class DateCache {
public:
    std::optional<DayNumber> parse(std::string_view text) {
        if (!valid_ || text != text_) {
            text_.assign(text);
            date_ = parse_date(text);
            valid_ = true;
        }
        return date_;
    }

private:
    bool valid_ = false;
    std::string text_;
    std::optional<DayNumber> date_;
};

void load_driver_csv(LoadContext& ctx, CsvStream& t, DriverKind kind, DriverPoints& pts) {
    if (!t.has_header) {
        ctx.csv_problem(t.file, 0, "", "empty file: expected a header line");
        return;
    }
    const auto layout = driver_csv_layout(ctx, t);
    if (!layout) return;
    const auto& [long_format, c_date, c_region, c_value, wide_region] = *layout;
    const auto& head = t.header;
    const int source = static_cast<int>(pts.sources.size());
    pts.sources.push_back({t.file, "", true});
    const DriverRange range(ctx, kind);
    CsvRowView row;
    auto cell = [&row](int c) -> std::string_view {
        return c >= 0 && static_cast<std::size_t>(c) < row.cells.size() ? row.cells[c] : std::string_view();
    };
    auto add = [&](const std::string& column, RegionIndex r, Day day, std::string_view text) {
        const auto x = parse_double(text);
        if (!x) return ctx.csv_problem(t.file, row.line, column, "got `" + std::string(text) + "`, expected a number");
        if (!range.ok(*x)) return ctx.csv_problem(t.file, row.line, column, driver_range_error(ctx, kind, *x));
        pts.points.push_back(Point{*x, r, day, row.line, source});
    };
    // Reserve for the whole file at once: a point per line (long) or per value cell of
    // every line (wide), at most; a value cell takes two bytes at least, with its comma.
    const auto lines = static_cast<std::size_t>(std::count(t.text.begin(), t.text.end(), '\n')) + 1;
    const std::size_t most = long_format ? lines : std::min(lines * (wide_region.size() - 1), t.text.size() / 2);
    pts.points.reserve(pts.points.size() + most);
    RegionLookup regions(ctx);
    DateCache dates;
    static const std::string value_column = "value";
    while (t.next(row)) {
        if (row.comment) continue;
        const auto d = dates.parse(cell(c_date));
        if (!d) {
            ctx.csv_problem(t.file, row.line, "date", "got `" + std::string(cell(c_date)) + "`, expected a date YYYY-MM-DD");
            continue;
        }
        if (!ctx.dates_ok) continue;
        const Day day = *d - ctx.start_date;
        if (long_format) {
            const auto r = regions.find(cell(c_region));
            if (!r) {
                ctx.csv_problem(t.file, row.line, "region", "unknown region `" + std::string(cell(c_region)) + "`");
                continue;
            }
            add(value_column, *r, day, cell(c_value));
        } else {
            // Cells beyond the header have no region: a shifted row, not something to drop.
            std::size_t cells = row.cells.size();
            if (cells == wide_region.size() + 1 && row.cells.back().empty()) --cells;  // trailing comma
            if (cells > wide_region.size()) {
                ctx.csv_problem(t.file, row.line, "date", "row has " + std::to_string(cells) +
                                " cells, the header names " + std::to_string(wide_region.size()) + " columns");
                continue;
            }
            for (std::size_t c = 1; c < row.cells.size() && c < wide_region.size(); ++c) {
                if (wide_region[c] != no_region && !row.cells[c].empty())
                    add(head[c], wide_region[c], day, row.cells[c]);
            }
        }
    }
}

// Sorts one region's points by day (stably: a repeated date is reported at its later
// line) into its series; a date given twice is an error.
void sort_region(LoadContext& ctx, const DriverPoints& pts, RegionIndex r, std::vector<Point>& v, TimeSeries& ts) {
    std::stable_sort(v.begin(), v.end(), [](const Point& a, const Point& b) { return a.day < b.day; });
    ts.day.clear();
    ts.value.clear();
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i > 0 && v[i].day == v[i - 1].day) {
            const auto& src = pts.sources[static_cast<std::size_t>(v[i].source)];
            const std::string msg = "date " + format_date(ctx.start_date + v[i].day) + " given twice for region `" +
                                    ctx.region_names[r] + "`";
            if (src.csv) ctx.csv_problem(src.file, v[i].line, "date", msg);
            else ctx.diag.add(src.file, v[i].line, src.column, src.key, msg);
            continue;
        }
        ts.day.push_back(v[i].day);
        ts.value.push_back(v[i].value);
    }
}

// Each region's points, sorted by day, into the DriverSpec. A counting sort groups the
// points by region, keeping their order (its scattered writes go to one cursor per
// region, which stay in cache; appending to 100,000 series directly would not). Files
// nearly always give a region's dates in increasing order: only the other regions are
// sorted, and checked for dates given twice.
void finish_series(LoadContext& ctx, DriverPoints& pts, DriverSpec& spec) {
    const std::size_t regions = spec.series.size();
    std::vector<std::size_t> start(regions + 1, 0);
    for (const Point& p : pts.points) ++start[static_cast<std::size_t>(p.region) + 1];
    for (std::size_t r = 0; r < regions; ++r) start[r + 1] += start[r];
    std::vector<Point>& grouped = pts.grouped;
    grouped.resize(pts.points.size());
    {
        std::vector<std::size_t> at(start.begin(), start.end() - 1);
        for (const Point& p : pts.points) grouped[at[static_cast<std::size_t>(p.region)]++] = p;
    }
    std::vector<Point> unordered;
    for (std::size_t r = 0; r < regions; ++r) {
        const Point* first = grouped.data() + start[r];
        const Point* last = grouped.data() + start[r + 1];
        const bool increasing = std::adjacent_find(first, last, [](const Point& a, const Point& b) {
                                    return a.day >= b.day;
                                }) == last;
        TimeSeries& ts = spec.series[r];
        if (increasing) {
            ts.day.resize(static_cast<std::size_t>(last - first));
            ts.value.resize(ts.day.size());
            for (std::size_t i = 0; first + i != last; ++i) ts.day[i] = first[i].day, ts.value[i] = first[i].value;
        } else {
            unordered.assign(first, last);
            sort_region(ctx, pts, static_cast<RegionIndex>(r), unordered, ts);
        }
    }
}

void load_driver(LoadContext& ctx, const YAML::Node& n, const std::string& key, DriverKind kind, Scenario& s,
                 DriverPoints& pts) {
    DriverSpec& spec = s.driver(kind);
    if (n.IsNull()) return;
    if (!ctx.check_map(n, key, scenario_keys("drivers.*"))) return;
    if (const YAML::Node i = n["interpolation"]; i.IsDefined()) {
        const auto v = ctx.string(i, join_path(key, "interpolation"));
        if (v && *v == "step") spec.interpolation = Interpolation::step;
        else if (v && *v == "linear") spec.interpolation = Interpolation::linear;
        else if (v) ctx.problem(i, join_path(key, "interpolation"), "got `" + *v + "`, expected step or linear");
    }
    if (const YAML::Node d = n["default"]; d.IsDefined()) {
        if (const auto v = ctx.number(d, join_path(key, "default"))) {
            if (const auto e = driver_range_error(ctx, kind, *v); !e.empty()) ctx.problem(d, join_path(key, "default"), e);
            else spec.default_value = *v;
        }
    }
    pts.sources.clear();
    pts.points.clear();
    if (const YAML::Node v = n["values"]; v.IsDefined()) load_values(ctx, v, join_path(key, "values"), kind, pts);
    if (const YAML::Node f = n["file"]; f.IsDefined()) {
        std::vector<std::string> columns = {"date", "region", "value"};
        CsvStream t;
        if (ctx.open_csv(f, join_path(key, "file"), columns, t)) load_driver_csv(ctx, t, kind, pts);
    }
    finish_series(ctx, pts, spec);
}

}  // namespace

void load_drivers(LoadContext& ctx, const YAML::Node& n, Scenario& s) {
    for (int k = 0; k < driver_count; ++k) {
        s.drivers[k].default_value = driver_defaults[k];
        s.drivers[k].series.assign(s.regions.size(), TimeSeries{});
    }
    if (!n.IsDefined() || n.IsNull()) return;
    if (!ctx.check_map(n, "drivers", scenario_keys("drivers"))) return;
    DriverPoints pts;
    for (int k = 0; k < driver_count; ++k) {
        if (const YAML::Node d = n[driver_names[k]]; d.IsDefined())
            load_driver(ctx, d, join_path("drivers", driver_names[k]), static_cast<DriverKind>(k), s, pts);
    }
}

void load_shocks(LoadContext& ctx, const YAML::Node& n, Scenario& s) {
    if (n.IsNull() || !ctx.is_sequence(n, "shocks")) return;
    for (std::size_t i = 0; i < n.size(); ++i) {
        const std::string key = index_path("shocks", i);
        const YAML::Node m = n[i];
        if (!ctx.check_map(m, key, scenario_keys("shocks[]"))) continue;
        Shock sh;
        bool ok = true;
        if (const YAML::Node d = ctx.need(m, "driver", key); d.IsDefined()) {
            const auto v = ctx.string(d, join_path(key, "driver"));
            const auto k = v ? driver_kind(*v) : std::nullopt;
            if (k) sh.driver = *k;
            else if (v) ctx.problem(d, join_path(key, "driver"), "got `" + *v + "`, expected conflict, economy or climate");
            ok = ok && k;
        } else {
            ok = false;
        }
        const YAML::Node r = ctx.need(m, "region", key);
        const auto region = r.IsDefined() ? ctx.region(r, join_path(key, "region")) : std::nullopt;
        ok = ok && region;
        const auto range = ctx.event_range(m, key);
        ok = ok && range;
        bool dropped = false;
        if (range) {
            sh.start = range->start;
            sh.end = range->end;
            dropped = range->dropped;
        }
        sh.mode = sh.driver == DriverKind::economy ? Shock::Mode::scale : Shock::Mode::max;
        if (const YAML::Node md = m["mode"]; md.IsDefined()) {
            const auto v = ctx.string(md, join_path(key, "mode"));
            if (v && *v == "max") sh.mode = Shock::Mode::max;
            else if (v && *v == "add") sh.mode = Shock::Mode::add;
            else if (v && *v == "scale") sh.mode = Shock::Mode::scale;
            else if (v && *v == "set") sh.mode = Shock::Mode::set;
            else if (v) ctx.problem(md, join_path(key, "mode"), "got `" + *v + "`, expected max, add, scale or set"), ok = false;
        }
        const YAML::Node sv = ctx.need(m, "severity", key);
        const auto sev = sv.IsDefined() ? ctx.number(sv, join_path(key, "severity")) : std::nullopt;
        ok = ok && sev;
        if (ok) {
            // What the severity means depends on the mode: a factor, an offset or a level.
            std::string e;
            // scale: v <- v * (1 - severity) (MODEL.md §1): at most 1, or the value turns negative.
            if (sh.mode == Shock::Mode::scale) e = *sev <= 1 ? "" : "got " + short_number(*sev) + ", expected a number <= 1 (the share removed)";
            else if (sh.mode == Shock::Mode::add)
                e = sh.driver == DriverKind::economy || (*sev >= -1 && *sev <= 1) ? "" : "got " + short_number(*sev) + ", expected a number in [-1, 1]";
            else e = driver_range_error(ctx, sh.driver, *sev);
            if (!e.empty()) ctx.problem(sv, join_path(key, "severity"), e), ok = false;
        }
        if (!ok || dropped) continue;
        sh.region = *region;
        sh.severity = *sev;
        s.shocks.push_back(sh);
    }
}

void load_observed(LoadContext& ctx, const YAML::Node& n, Scenario& s) {
    if (!ctx.check_map(n, "observed", scenario_keys("observed"))) return;
    const YAML::Node f = ctx.need(n, "file", "observed");
    if (!f.IsDefined()) return;
    const auto t = ctx.csv(f, "observed.file", {"date", "region", "count"});
    if (!t) return;
    const auto cols = csv_columns(ctx, *t, {"date", "region", "count"}, {true, true, true});
    if (!cols.ok || !ctx.dates_ok) return;
    std::map<RegionIndex, std::map<Day, double>> points;
    bool any = false;
    for (std::size_t i = 1; i < t->rows.size(); ++i) {
        const CsvRow& row = t->rows[i];
        if (row.comment || !cols.row_fits(ctx, t->file, row.line, row.cells)) continue;
        any = true;
        auto cell = [&](int w) { const int c = cols.index[w]; return static_cast<std::size_t>(c) < row.cells.size() ? row.cells[c] : std::string(); };
        const auto d = parse_date(cell(0));
        const auto it = ctx.region_index.find(cell(1));
        const auto x = parse_double(cell(2));
        if (!d) ctx.csv_problem(t->file, row.line, "date", "got `" + cell(0) + "`, expected a date YYYY-MM-DD");
        if (it == ctx.region_index.end()) ctx.csv_problem(t->file, row.line, "region", "unknown region `" + cell(1) + "`");
        if (!x || *x < 0) ctx.csv_problem(t->file, row.line, "count", "got `" + cell(2) + "`, expected a number >= 0");
        if (!d || it == ctx.region_index.end() || !x || *x < 0) continue;
        if (!points[it->second].emplace(*d - ctx.start_date, *x).second)
            ctx.csv_problem(t->file, row.line, "date", "date " + cell(0) + " given twice for region `" + cell(1) + "`");
    }
    if (!any) ctx.problem(f, "observed.file", "the file lists no counts");
    for (const auto& [r, series] : points) {
        std::vector<double> count(static_cast<std::size_t>(s.days));
        for (Day day = 0; day < s.days; ++day) {
            auto hi = series.lower_bound(day);
            if (hi == series.end()) count[day] = std::prev(hi)->second;
            else if (hi->first == day || hi == series.begin()) count[day] = hi->second;
            else {
                const auto lo = std::prev(hi);
                const double w = static_cast<double>(day - lo->first) / (hi->first - lo->first);
                count[day] = lo->second + w * (hi->second - lo->second);
            }
        }
        s.observed.region.push_back(r);
        s.observed.count.push_back(std::move(count));
    }
}

}  // namespace migflow::detail
