// What a result file holds, in a few readable lines (result_summary.hpp).
#include "output/result_summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include "migflow/measures/quantile.hpp"
#include "output/hdf5_util.hpp"
#include "output/outcome_summary.hpp"

namespace migflow::detail {

namespace {

constexpr std::size_t top_regions = 10;

std::string fmt(double v, int decimals = 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// People are stored as doubles; show whole people unless the value is fractional.
std::string people(double v) { return fmt(v, std::abs(v - std::round(v)) < 1e-9 ? 0 : 1); }

// Largest regions on the last day, then (files without the outcome measures) every camp
// against its capacity.
void print_regions(const std::vector<std::string>& names, const std::vector<std::string>& types,
                   const std::vector<double>& capacity, const std::vector<double>& final_pop,
                   bool list_camps, std::ostream& out) {
    const std::size_t R = names.size();
    std::vector<std::size_t> order(R);
    std::iota(order.begin(), order.end(), 0);
    const std::size_t top = std::min(top_regions, R);
    std::partial_sort(order.begin(), order.begin() + top, order.end(),
                      [&](std::size_t a, std::size_t b) {
                          // ties in file order, so the listing is the same every time
                          return final_pop[a] != final_pop[b] ? final_pop[a] > final_pop[b] : a < b;
                      });
    out << "top regions by final population:\n";
    for (std::size_t i = 0; i < top; ++i)
        out << "  " << names[order[i]] << " (" << types[order[i]] << "): "
            << people(final_pop[order[i]]) << '\n';

    bool header = false;
    for (std::size_t r = 0; r < R && list_camps; ++r) {
        if (types[r] != "camp") continue;
        if (!header) out << "camps (final population / capacity):\n";
        header = true;
        out << "  " << names[r] << ": " << people(final_pop[r]) << " / "
            << (capacity[r] > 0 ? people(capacity[r]) : std::string("unlimited")) << '\n';
    }
}

// Median [p05, p95] of one column of a [replicates x camps] matrix.
std::string column_band(const std::vector<double>& m, std::size_t cols, std::size_t c, const char* sign = "") {
    std::vector<double> v;
    for (std::size_t k = 0; k * cols + c < m.size(); ++k) v.push_back(m[k * cols + c]);
    std::sort(v.begin(), v.end());
    const std::string f = std::string("%") + sign + ".0f";
    char buf[96];
    std::snprintf(buf, sizeof buf, (f + " [" + f + ", " + f + "]").c_str(), quantile_sorted(v.data(), v.size(), 0.5),
                  quantile_sorted(v.data(), v.size(), 0.05), quantile_sorted(v.data(), v.size(), 0.95));
    return buf;
}

// The build that made the file (build_info.hpp), or that it predates the record.
void print_build(const ResultFile& rf, std::ostream& out) {
    const std::vector<BuildItem> build = rf.build();
    if (build.empty()) {
        out << "build:        not recorded (a file from before migflow recorded its build)\n";
        return;
    }
    out << "build:        " << build_summary(build) << '\n';
    for (const BuildItem& b : build)
        if (b.name == "hdf5" || b.name == "tbb") out << "              " << b.name << ' ' << b.value << '\n';
}

// "full in 7/10 runs" from a [replicate x camp] first_day_full column (-1: never).
std::string full_in(const std::vector<double>& first_day, std::size_t cols, std::size_t c) {
    std::size_t full = 0, runs = 0;
    for (std::size_t k = c; k < first_day.size(); k += cols, ++runs) full += first_day[k] >= 0 ? 1 : 0;
    return "full in " + std::to_string(full) + "/" + std::to_string(runs) + " runs";
}

// "0.2131 [0.2012, 0.2290]": median [p05, p95] of per-replicate values.
std::string band_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.4f [%.4f, %.4f]", quantile_sorted(v.data(), v.size(), 0.5),
                  quantile_sorted(v.data(), v.size(), 0.05), quantile_sorted(v.data(), v.size(), 0.95));
    return buf;
}

// Each side's ARD against the observed counts, over its replicates.
void print_ensemble_validation(const ResultFile& rf, const std::string& top, bool comparison, std::ostream& out) {
    for (const char* side : comparison ? std::vector<const char*>{"/baseline", "/scenario"} : std::vector<const char*>{""}) {
        const std::string g = top + side + "/validation";
        if (!rf.has(g) || !rf.has(g + "/ard_rescaled")) continue;
        const auto n = rf.length(g + "/ard_rescaled");
        const auto rescaled = read_vector<double>(rf.shaped(g + "/ard_rescaled", {n}));
        const auto unrescaled = read_vector<double>(rf.shaped(g + "/ard_unrescaled", {n}));
        out << "validation:   " << (comparison ? std::string(side + 1) + ": " : std::string())
            << "ARD against the observed counts, median [p05, p95] over replicates: " << band_of(rescaled)
            << " (rescaled), " << band_of(unrescaled) << " (unrescaled)\n";
    }
}

// Ensembles and comparisons: what was run, and per camp its peak, arrivals, people
// turned away (each with its band over replicates) and in how many runs it fills.
void print_ensemble_info(const ResultFile& rf, std::ostream& out) {
    const H5::H5File& file = rf.h5();
    const std::string& path = rf.path();
    const H5::Group root = file.openGroup("/");
    const bool comparison = file.nameExists("/comparison");
    const std::string top = comparison ? "/comparison" : "/ensemble";
    const auto seeds = read_vector<std::uint64_t>(file.openDataSet(top + "/seeds"));
    out << "file:         " << path << '\n'
        << "kind:         " << (comparison ? "comparison (replicates paired by seed)" : "ensemble") << '\n';
    if (comparison) out << "baseline:     " << read_string_attr(root, "baseline_scenario_name") << '\n';
    out << "scenario:     " << read_string_attr(root, "scenario_name") << "  (" << read_string_attr(root, "scenario_file")
        << ")\n"
        << "ruleset:      " << read_string_attr(root, "ruleset") << '\n'
        << "replicates:   " << seeds.size() << ", seeds " << (seeds.empty() ? 0 : seeds.front()) << " .. "
        << (seeds.empty() ? 0 : seeds.back()) << '\n'
        << "start date:   " << read_string_attr(root, "start_date") << '\n'
        << "days:         " << read_int_attr(root, "days") << '\n'
        << "migflow:      " << read_string_attr(root, "migflow_version") << ", " << read_int_attr(root, "threads")
        << " thread(s), " << fmt(read_double_attr(root, "wall_seconds"), 2) << " s\n";
    print_build(rf, out);
    print_ensemble_validation(rf, top, comparison, out);
    const std::string camps = top + (comparison ? "/difference" : "") + "/camp_outcomes";
    const auto names = read_strings(file.openDataSet(camps + "/name"));
    if (names.empty()) return;
    const auto peaks = read_vector<double>(file.openDataSet(camps + "/peak_population"));
    const auto arrivals = read_vector<double>(file.openDataSet(camps + "/arrivals"));
    // Files before the per-replicate turned-away and full columns show what they have.
    const bool turned_kept = file.nameExists(camps + "/turned_away");
    const auto turned = turned_kept ? read_vector<double>(file.openDataSet(camps + "/turned_away")) : std::vector<double>{};
    auto first_full_of = [&](const std::string& section) {
        const std::string p = top + section + "/camp_outcomes/first_day_full";
        return file.nameExists(p) ? read_vector<double>(file.openDataSet(p)) : std::vector<double>{};
    };
    const auto full_a = first_full_of(comparison ? "/baseline" : ""), full_b = comparison ? first_full_of("/scenario") : full_a;
    out << (comparison ? "camps, scenario - baseline per seed, median [p05, p95]: peak population; arrivals"
                       : "camps, median [p05, p95] over replicates: peak population; arrivals")
        << (turned_kept ? "; people turned away (summed over days)" : "") << '\n';
    for (std::size_t c = 0; c < names.size(); ++c) {
        out << "  " << names[c] << ": " << column_band(peaks, names.size(), c, comparison ? "+" : "") << "; "
            << column_band(arrivals, names.size(), c, comparison ? "+" : "");
        if (turned_kept) out << "; " << column_band(turned, names.size(), c, comparison ? "+" : "");
        if (!full_b.empty())
            out << "; " << (comparison ? full_in(full_a, names.size(), c) + " -> " : "") << full_in(full_b, names.size(), c);
        out << '\n';
    }
}

}  // namespace

void describe_result(const ResultFile& rf, std::ostream& out) {
    if (rf.banded()) return print_ensemble_info(rf, out);
    if (rf.kind() == ResultKind::checkpoint) {
        out << "file:         " << rf.path() << " (a checkpoint: continue it with `migflow run --restart "
            << rf.path() << " -o OUT.h5`)\n"
            << "scenario:     " << rf.text("scenario_name") << ", ruleset " << rf.text("ruleset") << ", seed "
            << rf.unsigned_integer("seed") << '\n'
            << "state before: day " << rf.integer("days_done") << " of " << rf.integer("days") << ", "
            << rf.integer("agents") << " agents\n";
        return;
    }
    const H5::H5File& file = rf.h5();
    const std::string& path = rf.path();
    const H5::Group root = rf.root();
    const hsize_t R = rf.length("/regions/name");
    const hsize_t T = rf.length("/time/date");
    const auto routes = rf.length("/routes/km");
    if (read_int_attr(root, "days") != static_cast<std::int64_t>(T))
        throw ResultFileError(path + ": /time/date has " + std::to_string(T) + " days, the attribute `days` says " +
                         std::to_string(read_int_attr(root, "days")));
    const auto names = read_strings(rf.shaped("/regions/name", {R}));
    const auto types = read_strings(rf.shaped("/regions/type", {R}));
    const auto capacity = read_vector<double>(rf.shaped("/regions/capacity", {R}));
    H5::DataSet pop_ds = rf.shaped("/series/population", {T, R});
    H5::DataSet spawned_ds = rf.shaped("/series/spawned", {T, R});
    const auto in_transit = read_vector<std::int64_t>(rf.shaped("/series/in_transit", {T}));
    const auto total_agents = read_vector<std::int64_t>(rf.shaped("/series/total_agents", {T}));
    const auto dates = read_strings(rf.shaped("/time/date", {T}));

    out << "file:         " << path << '\n'
        << "scenario:     " << read_string_attr(root, "scenario_name") << "  ("
        << read_string_attr(root, "scenario_file") << ")\n"
        << "ruleset:      " << read_string_attr(root, "ruleset") << '\n'
        << "seed:         " << read_uint_attr(root, "seed") << '\n'
        << "start date:   " << read_string_attr(root, "start_date") << '\n'
        << "days:         " << read_int_attr(root, "days") << '\n'
        << "regions:      " << R << '\n'
        << "routes:       " << routes << '\n'
        << "people/agent: " << people(read_double_attr(root, "people_per_agent")) << '\n'
        << "migflow:      " << read_string_attr(root, "migflow_version") << ", "
        // `ranks` (MPI processes) since issue #8; older files ran on one process.
        << (root.attrExists("ranks") ? std::to_string(read_int_attr(root, "ranks")) : std::string("1"))
        << " rank(s) x " << read_int_attr(root, "threads") << " thread(s), "
        << fmt(read_double_attr(root, "wall_seconds"), 2) << " s\n";
    print_build(rf, out);
    if (T == 0) {
        out << "(no days recorded)\n";
        return;
    }

    // A chunk of rows at a time: a whole [T x R] series may not fit in memory for big runs.
    std::int64_t spawned = 0;
    const hsize_t step = std::min<hsize_t>(chunk_rows(spawned_ds), 256);
    for (hsize_t t = 0; t < T; t += step)
        for (std::int64_t v : read_rows<std::int64_t>(spawned_ds, t, std::min<hsize_t>(step, T - t)))
            spawned += v;
    // Agents present before day 0 are in total_agents but not in spawned.
    const auto spawned_day0 = read_row<std::int64_t>(spawned_ds, 0);
    const std::int64_t initial =
        total_agents.front() - std::accumulate(spawned_day0.begin(), spawned_day0.end(), std::int64_t{0});
    const auto final_pop = read_row<double>(pop_ds, T - 1);
    const double final_people = std::accumulate(final_pop.begin(), final_pop.end(), 0.0);
    const auto peak = std::max_element(in_transit.begin(), in_transit.end());

    out << "final day:    " << dates.back() << ": " << total_agents.back() << " agents, "
        << people(final_people) << " people\n"
        << "agents:       " << initial << " at the start, " << spawned
        << " created during the run\n";
    if (peak != in_transit.end())
        out << "in transit:   peak " << *peak << " agents on "
            << dates.at(static_cast<std::size_t>(peak - in_transit.begin())) << '\n';

    print_regions(names, types, capacity, final_pop, !file.nameExists("/measures/camps"), out);
    print_outcomes(file, out);

    if (file.nameExists("/validation")) {
        H5::Group v = file.openGroup("/validation");
        out << "validation:   ARD " << fmt(read_double_attr(v, "ard_rescaled"), 4)
            << " (rescaled), " << fmt(read_double_attr(v, "ard_unrescaled"), 4)
            << " (unrescaled) over " << rf.length("/validation/region")
            << " observed region(s)\n";
    }
}

}  // namespace migflow::detail
