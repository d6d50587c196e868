// Regions, routes and closures: inline YAML lists, or CSV files for big networks
// (100,000 regions / 500,000 routes load in seconds because they skip yaml-cpp).
#include <algorithm>
#include <unordered_set>

#include "scenario/loader_internal.hpp"

namespace migflow::detail {

namespace {

const std::vector<std::string>& region_keys = scenario_keys("regions[]");
// Longer than any road on Earth: a typo, and it would overflow day counts in transit.
constexpr double max_route_km = 50000.0;

const std::vector<std::string>& route_keys = scenario_keys("routes[]");
const std::vector<std::string>& closure_keys = scenario_keys("closures[]");

std::optional<RegionType> region_type(std::string_view s) {
    if (s == "settlement") return RegionType::settlement;
    if (s == "camp") return RegionType::camp;
    if (s == "transit") return RegionType::transit;
    return std::nullopt;
}

// Registers a region name; false (problem reported by the caller) when it is taken.
bool add_region(LoadContext& ctx, Scenario& s, Region r) {
    const auto idx = static_cast<RegionIndex>(s.regions.size());
    if (!ctx.region_index.emplace(r.name, idx).second) return false;
    ctx.region_names.push_back(r.name);
    s.regions.push_back(std::move(r));
    return true;
}

void load_region_item(LoadContext& ctx, const YAML::Node& m, const std::string& key, Scenario& s) {
    if (!ctx.check_map(m, key, region_keys)) return;
    Region r;
    bool ok = true;
    const YAML::Node name = ctx.need(m, "name", key);
    if (auto v = name.IsDefined() ? ctx.string(name, join_path(key, "name")) : std::nullopt) {
        r.name = *v;
        if (v->empty()) ctx.problem(name, join_path(key, "name"), "must not be empty"), ok = false;
    } else {
        ok = false;
    }
    if (const YAML::Node t = m["type"]; t.IsDefined()) {
        const auto v = ctx.string(t, join_path(key, "type"));
        const auto rt = v ? region_type(*v) : std::nullopt;
        if (rt) r.type = *rt;
        else if (v) ctx.problem(t, join_path(key, "type"), "got `" + *v + "`, expected settlement, camp or transit");
    }
    auto num = [&](const char* k, double lo, double hi, bool required, double& out) {
        const YAML::Node n = required ? ctx.need(m, k, key) : m[k];
        if (!n.IsDefined()) return;
        if (auto v = ctx.number_in(n, join_path(key, k), lo, hi)) out = *v;
    };
    num("lat", -90, 90, true, r.lat);
    num("lon", -180, 180, true, r.lon);
    num("population", 0, 1e11, false, r.population);
    num("capacity", 0, 1e11, false, r.capacity);
    if (const YAML::Node c = m["country"]; c.IsDefined()) {
        if (auto v = ctx.string(c, join_path(key, "country"))) r.country = *v;
    }
    if (!ok) return;
    if (!add_region(ctx, s, r)) {
        ctx.problem(name, join_path(key, "name"),
                    "duplicate region name `" + r.name + "` (first at regions[" +
                        std::to_string(ctx.region_index.at(r.name)) + "])");
    }
}

// An upper bound on the rows of a streamed file, to reserve once.
std::size_t line_count(const CsvStream& t) {
    return static_cast<std::size_t>(std::count(t.text.begin(), t.text.end(), '\n')) + 1;
}

void load_regions_csv(LoadContext& ctx, CsvStream& t, Scenario& s) {
    const auto cols = csv_columns(ctx, t, region_keys, {true, false, true, true, true, false, false});
    if (!cols.ok) return;
    const std::size_t rows = line_count(t);
    s.regions.reserve(rows);
    ctx.region_names.reserve(rows);
    ctx.region_index.reserve(rows);
    CsvRowView row;
    auto cell = [&](std::size_t w) -> std::string_view {
        const int c = cols.index[w];
        return c >= 0 && static_cast<std::size_t>(c) < row.cells.size() ? row.cells[c] : "";
    };
    while (t.next(row)) {
        if (row.comment || !cols.row_fits(ctx, t.file, row.line, row.cells)) continue;
        Region r;
        bool ok = true;
        r.name = std::string(cell(0));
        if (r.name.empty()) ctx.csv_problem(t.file, row.line, "name", "empty region name"), ok = false;
        if (const auto v = cell(1); !v.empty()) {
            if (const auto rt = region_type(v)) r.type = *rt;
            else ctx.csv_problem(t.file, row.line, "type", "got `" + std::string(v) + "`, expected settlement, camp or transit"), ok = false;
        }
        auto num = [&](std::size_t w, double lo, double hi, bool required, double& out) {
            const auto v = cell(w);
            if (v.empty() && !required) return;
            const auto d = parse_double(v);
            if (!d || *d < lo || *d > hi) {
                ctx.csv_problem(t.file, row.line, region_keys[w],
                                "got `" + std::string(v) + "`, expected a number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
                ok = false;
            } else {
                out = *d;
            }
        };
        num(2, -90, 90, true, r.lat);
        num(3, -180, 180, true, r.lon);
        num(4, 0, 1e11, true, r.population);
        num(5, 0, 1e11, false, r.capacity);
        r.country = std::string(cell(6));
        if (!ok) continue;
        const std::string name = r.name;
        if (!add_region(ctx, s, std::move(r)))
            ctx.csv_problem(t.file, row.line, "name", "duplicate region name `" + name + "`");
    }
}

// Route names in CSV: did-you-mean over 100,000 names per unknown cell would take
// minutes, so large networks get the plain message.
std::string unknown_region(LoadContext& ctx, const std::string& name) {
    std::string msg = "unknown region `" + name + "`";
    if (ctx.region_names.size() <= 10000) {
        if (const auto hint = did_you_mean(name, ctx.region_names); !hint.empty()) msg += "; " + hint;
    }
    return msg;
}

void load_routes_csv(LoadContext& ctx, CsvStream& t, Scenario& s) {
    const auto cols = csv_columns(ctx, t, {"from", "to", "km"}, {true, true, true});
    if (!cols.ok) return;
    s.routes.reserve(line_count(t));
    CsvRowView row;
    auto cell = [&](int c) -> std::string_view {
        return static_cast<std::size_t>(c) < row.cells.size() ? row.cells[c] : "";
    };
    RegionLookup lookup[2] = {RegionLookup(ctx), RegionLookup(ctx)};
    while (t.next(row)) {
        if (row.comment || !cols.row_fits(ctx, t.file, row.line, row.cells)) continue;
        Route r;
        bool ok = true;
        RegionIndex* ends[2] = {&r.from, &r.to};
        for (int e = 0; e < 2; ++e) {
            const std::string_view name = cell(cols.index[e]);
            if (const auto found = lookup[e].find(name)) {
                *ends[e] = *found;
            } else {
                ctx.csv_problem(t.file, row.line, e == 0 ? "from" : "to", unknown_region(ctx, std::string(name)));
                ok = false;
            }
        }
        const std::string_view km = cell(cols.index[2]);
        const auto d = parse_double(km);
        if (!d || *d <= 0 || *d > max_route_km) {
            ctx.csv_problem(t.file, row.line, "km", "got `" + std::string(km) + "`, expected a number in (0, 50000]");
            ok = false;
        } else {
            r.km = *d;
        }
        if (ok && r.from == r.to) {
            ctx.csv_problem(t.file, row.line, "to", "a route must join two different regions");
            ok = false;
        }
        if (ok) s.routes.push_back(r);
    }
}

// `from` (required) and `to` (optional: open-ended) of a closure-like entry, clipped
// to the run; false when it has a problem or lies wholly outside the run.
bool load_range(LoadContext& ctx, const YAML::Node& m, const std::string& key, Day& start, Day& end) {
    const auto r = ctx.event_range(m, key);
    if (!r || r->dropped) return false;
    start = r->start;
    end = r->end;
    return true;
}

void load_route_item(LoadContext& ctx, const YAML::Node& m, const std::string& key, Scenario& s) {
    if (!ctx.check_map(m, key, route_keys)) return;
    Route r;
    const YAML::Node f = ctx.need(m, "from", key), t = ctx.need(m, "to", key), km = ctx.need(m, "km", key);
    auto a = f.IsDefined() ? ctx.region(f, join_path(key, "from")) : std::nullopt;
    auto b = t.IsDefined() ? ctx.region(t, join_path(key, "to")) : std::nullopt;
    auto d = km.IsDefined() ? ctx.number(km, join_path(key, "km")) : std::nullopt;
    if (d && (*d <= 0 || *d > max_route_km)) {
        ctx.problem(km, join_path(key, "km"), "got " + km.Scalar() + ", expected a number in (0, 50000]");
        d.reset();
    }
    if (a && b && *a == *b) {
        ctx.problem(t, join_path(key, "to"), "a route must join two different regions");
        return;
    }
    if (const YAML::Node c = m["closed"]; c.IsDefined() && ctx.is_sequence(c, join_path(key, "closed"))) {
        for (std::size_t i = 0; i < c.size(); ++i) {
            const std::string ck = index_path(join_path(key, "closed"), i);
            if (!ctx.check_map(c[i], ck, scenario_keys("routes[].closed[]"))) continue;
            Closure cl;
            if (load_range(ctx, c[i], ck, cl.start, cl.end) && a && b) {
                cl.a = *a;
                cl.b = *b;
                cl.route = static_cast<RouteIndex>(s.routes.size());  // this route, once added
                s.closures.push_back(cl);
            }
        }
    }
    if (!a || !b || !d) return;
    r.from = *a;
    r.to = *b;
    r.km = *d;
    s.routes.push_back(r);
}

}  // namespace

void load_regions(LoadContext& ctx, const YAML::Node& n, Scenario& s) {
    if (n.IsScalar()) {
        const std::size_t before = ctx.diag.problems().size();
        CsvStream t;
        if (ctx.open_csv(n, "regions", region_keys, t)) load_regions_csv(ctx, t, s);
        if (s.regions.empty() && ctx.diag.problems().size() == before)
            ctx.problem(n, "regions", "the file lists no regions");
        return;
    }
    if (!n.IsSequence()) {
        ctx.problem(n, "regions", "expected a list of regions or a CSV file name");
        return;
    }
    s.regions.reserve(n.size());
    for (std::size_t i = 0; i < n.size(); ++i) load_region_item(ctx, n[i], index_path("regions", i), s);
    if (n.size() == 0) ctx.problem(n, "regions", "a scenario needs at least one region");
}

void load_routes(LoadContext& ctx, const YAML::Node& n, Scenario& s) {
    if (n.IsScalar()) {
        CsvStream t;
        if (ctx.open_csv(n, "routes", {"from", "to", "km"}, t)) load_routes_csv(ctx, t, s);
        return;
    }
    if (n.IsNull()) return;
    if (!n.IsSequence()) {
        ctx.problem(n, "routes", "expected a list of routes or a CSV file name");
        return;
    }
    s.routes.reserve(n.size());
    for (std::size_t i = 0; i < n.size(); ++i) load_route_item(ctx, n[i], index_path("routes", i), s);
}

namespace {

std::optional<std::string> country(LoadContext& ctx, const YAML::Node& n, const std::string& key,
                                   const std::unordered_set<std::string>& known) {
    auto v = ctx.string(n, key);
    if (!v) return v;
    if (!known.count(*v)) {
        std::string msg = "no region has country `" + *v + "`";
        const auto hint = did_you_mean(*v, std::vector<std::string>(known.begin(), known.end()));
        if (!hint.empty()) msg += "; " + hint;
        ctx.problem(n, key, msg);
        return std::nullopt;
    }
    return v;
}

// The two elements of a `[A, B]` pair, or undefined nodes (problem added).
std::optional<std::pair<YAML::Node, YAML::Node>> pair_of(LoadContext& ctx, const YAML::Node& n,
                                                          const std::string& key) {
    if (n.IsSequence() && n.size() == 2) return std::pair{n[0], n[1]};
    ctx.problem(n, key, "got " + std::string(n.IsScalar() ? "`" + n.Scalar() + "`" : "something else") +
                            ", expected a pair [A, B]");
    return std::nullopt;
}

// `stateless`: the regions without a country, which a border closure cannot close.
void load_closure_item(LoadContext& ctx, const YAML::Node& m, const std::string& key, Scenario& s,
                       const std::unordered_set<std::string>& countries, const std::vector<std::string>& stateless) {
    if (!ctx.check_map(m, key, closure_keys)) return;
    Closure c;
    bool ok = load_range(ctx, m, key, c.start, c.end);
    int kinds = 0;
    for (const char* k : {"route", "region", "border", "camp"}) kinds += m[k].IsDefined() ? 1 : 0;
    if (kinds != 1) {
        ctx.problem(m, key, "a closure needs exactly one of route, region, border, camp");
        return;
    }
    if (const YAML::Node r = m["route"]; r.IsDefined()) {
        c.kind = Closure::Kind::route;
        const auto p = pair_of(ctx, r, join_path(key, "route"));
        if (!p) return;
        const auto& [x, y] = *p;
        const auto a = ctx.region(x, index_path(join_path(key, "route"), 0));
        const auto b = ctx.region(y, index_path(join_path(key, "route"), 1));
        if (!a || !b) return;
        bool found = false;
        for (const Route& rt : s.routes)
            found = found || (rt.from == *a && rt.to == *b) || (rt.from == *b && rt.to == *a);
        if (!found) {
            ctx.problem(r, join_path(key, "route"), "no route joins " + x.Scalar() + " and " + y.Scalar());
            return;
        }
        c.a = *a;
        c.b = *b;
    } else if (const YAML::Node r = m["region"]; r.IsDefined()) {
        c.kind = Closure::Kind::region;
        const auto a = ctx.region(r, join_path(key, "region"));
        if (!a) return;
        c.a = *a;
    } else if (const YAML::Node r = m["camp"]; r.IsDefined()) {
        c.kind = Closure::Kind::camp;
        const auto a = ctx.region(r, join_path(key, "camp"));
        if (!a) return;
        if (s.regions[*a].type != RegionType::camp) {
            ctx.problem(r, join_path(key, "camp"), "`" + r.Scalar() + "` is not a camp");
            return;
        }
        c.a = *a;
    } else {
        c.kind = Closure::Kind::border;
        const YAML::Node bn = m["border"];
        const auto p = pair_of(ctx, bn, join_path(key, "border"));
        if (!p) return;
        const auto& [x, y] = *p;
        const auto a = country(ctx, x, index_path(join_path(key, "border"), 0), countries);
        const auto b = country(ctx, y, index_path(join_path(key, "border"), 1), countries);
        if (!a || !b) return;
        if (*a == *b) {
            ctx.problem(bn, join_path(key, "border"), "a border joins two different countries");
            return;
        }
        // A region without a country belongs to neither side: travel through it would
        // cross the closed border unchecked.
        if (!stateless.empty()) {
            ctx.problem(bn, join_path(key, "border"),
                        std::to_string(stateless.size()) + " region(s) have no country (" + some_names(stateless) +
                            "): people could cross the closed border through them; give every region its `country:`");
            return;
        }
        c.country_a = *a;
        c.country_b = *b;
    }
    if (const YAML::Node d = m["direction"]; d.IsDefined()) {
        const auto v = ctx.string(d, join_path(key, "direction"));
        if (!v) return;
        if (c.kind != Closure::Kind::border) {
            ctx.problem(d, join_path(key, "direction"), "applies to border closures only");
            return;
        }
        if (*v == "entry") c.direction = Closure::Direction::entry;
        else if (*v == "exit") c.direction = Closure::Direction::exit;
        else if (*v == "both") c.direction = Closure::Direction::both;
        else {
            ctx.problem(d, join_path(key, "direction"), "got `" + *v + "`, expected entry, exit or both");
            return;
        }
    }
    if (ok) s.closures.push_back(c);
}

}  // namespace

void load_closures(LoadContext& ctx, const YAML::Node& n, Scenario& s) {
    if (n.IsNull() || !ctx.is_sequence(n, "closures")) return;
    std::unordered_set<std::string> countries;
    std::vector<std::string> stateless;
    for (const Region& r : s.regions) {
        countries.insert(r.country);
        if (r.country.empty()) stateless.push_back(r.name);
    }
    for (std::size_t i = 0; i < n.size(); ++i)
        load_closure_item(ctx, n[i], index_path("closures", i), s, countries, stateless);
}

}  // namespace migflow::detail
