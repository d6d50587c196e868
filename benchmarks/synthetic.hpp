#pragma once
// Synthetic scenarios for the benchmarks (issues #2, #4): R regions on a random
// geometric graph, N agents, D days, all three drivers varying daily, capacity on a
// share of the regions. Header-only because every benchmarks/*.cpp is its own
// executable. Deterministic from the seed: all randomness comes from
// migflow::random_bits (never std:: distributions, whose output varies by library),
// and every value is rounded to the precision the CSV writer prints, so
// write_synthetic_files() + load_scenario() gives back the same numbers.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <numbers>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "migflow/core/date.hpp"
#include "migflow/engine/rng.hpp"
#include "migflow/scenario/scenario.hpp"

namespace migflow::bench {

struct SyntheticSpec {
    std::int64_t agents = 1'000'000;
    int regions = 1000;
    int days = 365;
    double mean_degree = 6.0;
    double capped_share = 0.05;  // share of regions that are camps with a capacity
    std::uint64_t seed = 1;
    int driver_every = 7;  // days between driver points (linear in between: daily change)
    std::string ruleset = "native";
    bool wide_drivers = true;  // write_synthetic_files: wide CSV (date,<region>...) or long
};

namespace detail {

inline constexpr double side_km = 2000.0;  // the unit square, scaled
inline constexpr double km_per_degree = 111.0;

// Uniform [0,1) for item `i` of this file's draw number `k` (Purpose::synthetic + k).
inline double draw(std::uint64_t seed, std::uint32_t k, std::uint64_t i) {
    const auto purpose = static_cast<Purpose>(static_cast<std::uint32_t>(Purpose::synthetic) + k);
    return uniform01(random_bits(stream_key(seed, purpose, 0), i));
}

// Rounded to `digits` decimals, so that printing with %.<digits>f and parsing back
// yields the identical double.
inline double round_to(double x, int digits) {
    const double f = std::pow(10.0, digits);
    return std::round(x * f) / f;
}

struct UnionFind {
    std::vector<int> parent;
    explicit UnionFind(int n) : parent(static_cast<std::size_t>(n)) {
        std::iota(parent.begin(), parent.end(), 0);
    }
    int find(int x) {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    }
    bool unite(int a, int b) {
        a = find(a), b = find(b);
        if (a == b) return false;
        parent[std::max(a, b)] = std::min(a, b);
        return true;
    }
};

struct Edge {
    double d;
    int a, b;  // a < b
    bool operator<(const Edge& o) const {
        return d != o.d ? d < o.d : (a != o.a ? a < o.a : b < o.b);
    }
};

// Candidate pairs closer than `radius`, found with a uniform grid (cells of side >= radius).
inline std::vector<Edge> close_pairs(const std::vector<double>& x, const std::vector<double>& y,
                                     double radius) {
    const int n = static_cast<int>(x.size());
    const int g = std::max(1, std::min(4096, static_cast<int>(1.0 / radius)));
    std::vector<std::vector<int>> cell(static_cast<std::size_t>(g) * g);
    auto cell_of = [g](double v) { return std::min(g - 1, static_cast<int>(v * g)); };
    for (int i = 0; i < n; ++i) cell[cell_of(y[i]) * g + cell_of(x[i])].push_back(i);
    std::vector<Edge> out;
    for (int i = 0; i < n; ++i) {
        const int cx = cell_of(x[i]), cy = cell_of(y[i]);
        for (int yy = std::max(0, cy - 1); yy <= std::min(g - 1, cy + 1); ++yy)
            for (int xx = std::max(0, cx - 1); xx <= std::min(g - 1, cx + 1); ++xx)
                for (int j : cell[yy * g + xx]) {
                    if (j <= i) continue;
                    const double d = std::hypot(x[i] - x[j], y[i] - y[j]);
                    if (d < radius) out.push_back({d, i, j});
                }
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Joins every component to its nearest node outside it until the graph is connected.
// Components of a geometric graph of mean degree 6 are few and tiny, so brute force is cheap.
inline void connect_components(const std::vector<double>& x, const std::vector<double>& y,
                               std::vector<Edge>& edges, UnionFind& uf) {
    const int n = static_cast<int>(x.size());
    for (;;) {
        std::vector<std::vector<int>> members(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) members[uf.find(i)].push_back(i);
        std::vector<int> roots;
        for (int i = 0; i < n; ++i)
            if (!members[i].empty()) roots.push_back(i);
        if (roots.size() <= 1) return;
        // The largest component stays; each other one links out once per pass.
        const int main_root = *std::max_element(roots.begin(), roots.end(), [&](int a, int b) {
            return members[a].size() < members[b].size();
        });
        for (int root : roots) {
            if (root == main_root) continue;
            Edge best{1e300, -1, -1};
            const int r = uf.find(root);
            for (int i : members[root])
                for (int j = 0; j < n; ++j) {
                    if (uf.find(j) == r) continue;
                    const double dx = x[i] - x[j], dy = y[i] - y[j];
                    const Edge e{dx * dx + dy * dy, std::min(i, j), std::max(i, j)};  // squared
                    if (e < best) best = e;
                }
            if (best.a < 0 || !uf.unite(best.a, best.b)) continue;
            best.d = std::hypot(x[best.a] - x[best.b], y[best.a] - y[best.b]);
            edges.push_back(best);
        }
    }
}

}  // namespace detail

// The scenario of issue #4: see SyntheticSpec. Initial agents are exactly spec.agents
// (integer populations, people_per_agent 1, mobile_fraction 1, spawning off).
inline Scenario make_synthetic(const SyntheticSpec& spec) {
    using namespace detail;
    if (spec.regions < 2)
        throw std::invalid_argument("synthetic scenario: need at least 2 regions");
    if (spec.days < 1) throw std::invalid_argument("synthetic scenario: need at least 1 day");
    if (spec.agents < 0) throw std::invalid_argument("synthetic scenario: agents must be >= 0");
    const int R = spec.regions;
    const std::uint64_t seed = spec.seed;

    Scenario s;
    s.name = "synthetic";
    s.description = "Synthetic benchmark scenario (benchmarks/synthetic.hpp)";
    s.source_file = "<synthetic>";
    s.start_date = *parse_date("2024-01-01");
    s.days = spec.days;
    s.seed = seed;
    s.ruleset = spec.ruleset;
    if (spec.ruleset == "flee") s.flee = FleeSettings{};

    // Positions: rounded to what the CSV keeps (1e-5 degree), distances from those.
    std::vector<double> x(R), y(R);
    for (int r = 0; r < R; ++r) {
        x[r] = round_to(draw(seed, 1, r) * side_km / km_per_degree, 5) * km_per_degree / side_km;
        y[r] = round_to(draw(seed, 2, r) * side_km / km_per_degree, 5) * km_per_degree / side_km;
    }

    // Camps: the regions with the smallest draws, capped_share of them.
    std::vector<int> order(R);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        return std::make_pair(draw(seed, 3, a), a) < std::make_pair(draw(seed, 3, b), b);
    });
    const int camps = std::min(R - 1, static_cast<int>(std::lround(spec.capped_share * R)));
    std::vector<char> is_camp(R, 0);
    for (int k = 0; k < camps; ++k) is_camp[order[k]] = 1;

    // Populations: skewed weights over settlements, then the remainder one by one, so
    // that they are whole numbers summing to exactly `agents`.
    std::vector<double> weight(R, 0.0);
    for (int r = 0; r < R; ++r)
        if (!is_camp[r]) weight[r] = 0.2 + std::pow(draw(seed, 4, r), 3.0) * 5.0;
    const double total_weight = std::accumulate(weight.begin(), weight.end(), 0.0);
    std::vector<std::int64_t> pop(R, 0);
    std::int64_t assigned = 0;
    for (int r = 0; r < R; ++r) {
        pop[r] =
            static_cast<std::int64_t>(std::floor(double(spec.agents) * weight[r] / total_weight));
        assigned += pop[r];
    }
    for (int k = 0; assigned < spec.agents; k = (k + 1) % R)
        if (!is_camp[k]) ++pop[k], ++assigned;
    const double mean_pop = double(spec.agents) / R;

    s.regions.resize(R);
    for (int r = 0; r < R; ++r) {
        Region& g = s.regions[r];
        g.name = "R" + std::to_string(r);
        g.type = is_camp[r] ? RegionType::camp : RegionType::settlement;
        g.lon = round_to(x[r] * side_km / km_per_degree, 5);
        g.lat = round_to(y[r] * side_km / km_per_degree, 5);
        g.population = double(pop[r]);
        g.capacity = is_camp[r] ? std::max(1.0, std::round(2.0 * mean_pop)) : 0.0;
        g.country = "Synthland";
    }

    // Random geometric graph: the mean_degree·R/2 shortest pairs (a distance threshold),
    // then bridges to make it connected. Candidates within the radius where ~2× the
    // wanted degree is expected, so the threshold lies inside it.
    const double radius = std::sqrt(2.0 * spec.mean_degree / (std::numbers::pi * R));
    auto pairs = close_pairs(x, y, std::min(radius, 1.5));
    const auto want = static_cast<std::size_t>(std::lround(spec.mean_degree * R / 2.0));
    if (pairs.size() > want) pairs.resize(want);
    UnionFind uf(R);
    for (const auto& e : pairs) uf.unite(e.a, e.b);
    connect_components(x, y, pairs, uf);
    std::sort(pairs.begin(), pairs.end(), [](const Edge& p, const Edge& q) {
        return std::make_pair(p.a, p.b) < std::make_pair(q.a, q.b);
    });
    s.routes.reserve(pairs.size());
    for (const auto& e : pairs)
        s.routes.push_back({e.a, e.b, std::max(0.1, round_to(e.d * side_km, 1))});

    // Drivers: a point every driver_every days (and one at or after the last day),
    // linear in between, so every value changes every day.
    const int every = std::max(1, spec.driver_every);
    const int points = (spec.days - 1 + every - 1) / every + 1;
    for (int k = 0; k < driver_count; ++k) {
        DriverSpec& d = s.drivers[k];
        d.interpolation = Interpolation::linear;
        d.default_value = k == int(DriverKind::economy) ? 1.0 : 0.0;
        d.series.assign(R, TimeSeries{});
    }
    for (int r = 0; r < R; ++r) {
        // Base levels: most regions calm, a few in heavy conflict; an economic gradient.
        const double conflict0 = std::pow(draw(seed, 5, r), 4.0);
        const double economy0 = 0.3 + 1.7 * draw(seed, 6, r);
        const double climate0 = 0.4 * draw(seed, 7, r);
        for (int p = 0; p < points; ++p) {
            const Day day = p * every;
            const std::uint64_t i = std::uint64_t(r) * std::uint64_t(points) + std::uint64_t(p);
            const double season = 0.5 + 0.5 * std::sin(2.0 * std::numbers::pi * day / 365.0);
            const double c = std::clamp(conflict0 + 0.3 * (draw(seed, 8, i) - 0.5), 0.0, 1.0);
            const double e = std::max(0.05, economy0 * (0.9 + 0.2 * draw(seed, 9, i)));
            const double h = std::clamp(climate0 + 0.4 * season * draw(seed, 10, i), 0.0, 1.0);
            const double v[driver_count] = {c, e, h};
            for (int k = 0; k < driver_count; ++k) {
                s.drivers[k].series[r].day.push_back(day);
                s.drivers[k].series[r].value.push_back(round_to(v[k], 4));
            }
        }
    }

    s.agents.people_per_agent = 1.0;
    s.agents.mobile_fraction = 1.0;
    s.agents.spawn_conflict = 0.0;
    s.agents.spawn_climate = 0.0;
    s.output.path = "synthetic.h5";

    // The flee ruleset creates its day-0 agents from the observed counts of day 0
    // (Flee's insert_day0) and spawns the day-to-day increase of their total: constant
    // counts equal to the populations give the same N agents and no spawning.
    if (spec.ruleset == "flee") {
        for (int r = 0; r < R; ++r) {
            if (pop[r] == 0) continue;
            s.observed.region.push_back(r);
            s.observed.count.emplace_back(static_cast<std::size_t>(spec.days), double(pop[r]));
        }
    }
    return s;
}

namespace detail {

// Appends formatted text to a buffer that is flushed to `f` when large.
class CsvWriter {
public:
    explicit CsvWriter(const std::string& path) : f_(std::fopen(path.c_str(), "w")), path_(path) {
        if (!f_) throw std::runtime_error("cannot write " + path);
    }
    ~CsvWriter() { close(); }
    CsvWriter(const CsvWriter&) = delete;
    CsvWriter& operator=(const CsvWriter&) = delete;
    CsvWriter& operator<<(const std::string& s) {
        buf_ += s;
        return flush_if_big();
    }
    CsvWriter& operator<<(char c) {
        buf_ += c;
        return flush_if_big();
    }
    CsvWriter& num(double v, int digits) {
        char tmp[64];
        std::snprintf(tmp, sizeof tmp, "%.*f", digits, v);
        buf_ += tmp;
        return flush_if_big();
    }
    void close() {
        if (!f_) return;
        const bool ok = std::fwrite(buf_.data(), 1, buf_.size(), f_) == buf_.size();
        const bool closed = std::fclose(f_) == 0;
        f_ = nullptr;
        if (!ok || !closed) throw std::runtime_error("error writing " + path_);
    }

private:
    CsvWriter& flush_if_big() {
        if (buf_.size() > (1u << 20)) {
            if (std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size())
                throw std::runtime_error("error writing " + path_);
            buf_.clear();
        }
        return *this;
    }
    std::FILE* f_;
    std::string path_;
    std::string buf_;
};

}  // namespace detail

// The same scenario as make_synthetic(spec), as files the YAML loader reads:
// dir/synthetic.yaml, regions.csv, routes.csv, conflict.csv, economy.csv, climate.csv.
// Returns the path of the YAML file.
// Native ruleset only (the flee variant would also need an observed-counts file).
inline std::string write_synthetic_files(const SyntheticSpec& spec, const std::string& dir) {
    if (spec.ruleset != "native")
        throw std::invalid_argument("write_synthetic_files: only the native ruleset is written");
    const Scenario s = make_synthetic(spec);
    namespace fs = std::filesystem;
    fs::create_directories(dir);
    const fs::path base(dir);
    {
        detail::CsvWriter w((base / "regions.csv").string());
        w << "name,type,lat,lon,population,capacity,country\n";
        for (const Region& r : s.regions) {
            w << r.name << ',' << std::string(to_string(r.type)) << ',';
            w.num(r.lat, 5) << ',';
            w.num(r.lon, 5) << ',';
            w.num(r.population, 0) << ',';
            w.num(r.capacity, 0) << ',' << r.country << '\n';
        }
    }
    {
        detail::CsvWriter w((base / "routes.csv").string());
        w << "from,to,km\n";
        for (const Route& e : s.routes) {
            w << s.regions[e.from].name << ',' << s.regions[e.to].name << ',';
            w.num(e.km, 1) << '\n';
        }
    }
    const char* names[driver_count] = {"conflict", "economy", "climate"};
    for (int k = 0; k < driver_count; ++k) {
        const auto& series = s.drivers[k].series;
        detail::CsvWriter w((base / (std::string(names[k]) + ".csv")).string());
        const auto& days = series.front().day;  // every region has the same days
        if (spec.wide_drivers) {
            w << "date";
            for (const Region& r : s.regions) w << ',' << r.name;
            w << '\n';
            for (std::size_t p = 0; p < days.size(); ++p) {
                w << format_date(s.start_date + days[p]);
                for (const auto& ts : series) {
                    w << ',';
                    w.num(ts.value[p], 4);
                }
                w << '\n';
            }
        } else {
            w << "date,region,value\n";
            for (std::size_t p = 0; p < days.size(); ++p) {
                const std::string date = format_date(s.start_date + days[p]);
                for (std::size_t r = 0; r < series.size(); ++r) {
                    w << date << ',' << s.regions[r].name << ',';
                    w.num(series[r].value[p], 4) << '\n';
                }
            }
        }
    }
    detail::CsvWriter y((base / "synthetic.yaml").string());
    y << "# Generated by benchmarks/synthetic.hpp (write_synthetic_files): "
      << std::to_string(spec.regions) << " regions, " << std::to_string(s.routes.size())
      << " routes, " << std::to_string(spec.agents) << " agents.\n";
    y << "name: synthetic\n";
    y << "description: Synthetic benchmark scenario\n";
    y << "start_date: " << format_date(s.start_date) << '\n';
    y << "days: " << std::to_string(s.days) << '\n';
    y << "seed: " << std::to_string(s.seed) << '\n';
    y << "ruleset: " << s.ruleset << '\n';
    y << "regions: regions.csv\n";
    y << "routes: routes.csv\n";
    y << "drivers:\n";
    for (int k = 0; k < driver_count; ++k) {
        y << "  " << names[k] << ": {interpolation: linear, default: ";
        y << (k == int(DriverKind::economy) ? "1" : "0") << ", file: " << names[k] << ".csv}\n";
    }
    y << "agents:\n  people_per_agent: 1\n  mobile_fraction: 1\n  spawn_conflict: 0\n  "
         "spawn_climate: 0\n";
    y << "output:\n  file: synthetic.h5\n";
    y.close();
    return (base / "synthetic.yaml").string();
}

}  // namespace migflow::bench
