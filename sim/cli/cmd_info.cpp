// `migflow info OUT.h5`: what a result file holds, in a few readable lines.
#include <H5Cpp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "output/hdf5_util.hpp"
#include "output/result_header.hpp"
#include "cli/commands.hpp"
#include "cli/info_outcomes.hpp"
#include "migflow/measures/quantile.hpp"
#include "migflow/output/result_check.hpp"

namespace migflow::cli {
namespace {

using namespace migflow::detail;

constexpr std::size_t top_regions = 10;

// A file we can open but that is not a finished migflow result.
struct NotAResult : std::runtime_error {
    using std::runtime_error::runtime_error;
};

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
void print_build(const H5::Group& root, std::ostream& out) {
    const std::vector<BuildItem> build = read_build_attributes(root);
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

// Ensembles and comparisons: what was run, and per camp its peak, arrivals, people
// turned away (each with its band over replicates) and in how many runs it fills.
void print_ensemble_info(H5::H5File& file, const std::string& path, std::ostream& out) {
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
    print_build(root, out);
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

// A dataset's shape as the rest of the file says it must be, before anything is read or
// allocated from it: a damaged unsealed file must not make us allocate from its numbers.
// `fits` bounds what is read whole: its bytes cannot exceed the file's.
H5::DataSet shaped(const H5::H5File& file, const std::string& name, const std::vector<hsize_t>& want,
                   std::uintmax_t file_bytes) {
    H5::DataSet ds = file.openDataSet(name);
    const auto got = dims_of(ds);
    auto str = [](const std::vector<hsize_t>& d) {
        std::string s = "[";
        for (std::size_t i = 0; i < d.size(); ++i) s += (i ? " x " : "") + std::to_string(d[i]);
        return s + "]";
    };
    if (got != want) throw NotAResult(name + " has shape " + str(got) + ", expected " + str(want));
    hsize_t n = 1;
    for (hsize_t x : got) n = x == 0 ? 0 : (n > file_bytes / x ? file_bytes + 1 : n * x);
    if (got.size() == 1 && n > file_bytes / std::max<std::size_t>(ds.getDataType().getSize(), 1))
        throw NotAResult(name + " claims more data than the file holds");
    return ds;
}

// The first dimension of a 1-D dataset, bounded by the file's size.
hsize_t length_of(const H5::H5File& file, const std::string& name, std::uintmax_t file_bytes) {
    const auto d = dims_of(file.openDataSet(name));
    if (d.size() != 1) throw NotAResult(name + " is not one-dimensional");
    if (d[0] > file_bytes) throw NotAResult(name + " claims more entries than the file has bytes");
    return d[0];
}

// Everything goes to `out` first, so a file that fails half-way prints only the error.
void print_info(const std::string& path, std::ostream& out) {
    const std::uintmax_t bytes = std::filesystem::file_size(path);
    H5::H5File file(path, H5F_ACC_RDONLY);
    H5::Group root = file.openGroup("/");
    const bool bands = file.nameExists("/ensemble") || file.nameExists("/comparison");
    if (!has_attr(root, "schema_version") || !(bands || file.nameExists("/series")))
        throw NotAResult("not a migflow result file (no schema_version or /series)");
    if (!has_attr(root, "complete") || read_int_attr(root, "complete") != 1)
        throw NotAResult("incomplete result file (no complete=1 attribute): the run did not finish");
    if (bands) return print_ensemble_info(file, path, out);

    const hsize_t R = length_of(file, "/regions/name", bytes);
    const hsize_t T = length_of(file, "/time/date", bytes);
    const auto routes = length_of(file, "/routes/km", bytes);
    if (read_int_attr(root, "days") != static_cast<std::int64_t>(T))
        throw NotAResult("/time/date has " + std::to_string(T) + " days, the attribute `days` says " +
                         std::to_string(read_int_attr(root, "days")));
    const auto names = read_strings(shaped(file, "/regions/name", {R}, bytes));
    const auto types = read_strings(shaped(file, "/regions/type", {R}, bytes));
    const auto capacity = read_vector<double>(shaped(file, "/regions/capacity", {R}, bytes));
    H5::DataSet pop_ds = shaped(file, "/series/population", {T, R}, bytes);
    H5::DataSet spawned_ds = shaped(file, "/series/spawned", {T, R}, bytes);
    const auto in_transit = read_vector<std::int64_t>(shaped(file, "/series/in_transit", {T}, bytes));
    const auto total_agents = read_vector<std::int64_t>(shaped(file, "/series/total_agents", {T}, bytes));
    const auto dates = read_strings(shaped(file, "/time/date", {T}, bytes));

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
    print_build(root, out);
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
            << " (unrescaled) over " << length_of(file, "/validation/region", bytes)
            << " observed region(s)\n";
    }
}

int info(const std::string& path) {
    if (path.empty()) throw UsageError("which result file?");
    H5::Exception::dontPrint();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        std::cerr << "migflow info: " << path << ": no such file\n";
        return 1;
    }
    // The seal first: HDF5 must never parse a damaged file (it may crash or loop on one).
    const ResultCheck check = check_result_file(path);
    if (!check.usable()) {
        std::cerr << "migflow info: " << path
                  << (check.status == ResultCheck::Status::foreign ? ": not a migflow result file: " : ": damaged result file: ")
                  << check.message << '\n';
        return 1;
    }
    try {
        if (!H5::H5File::isHdf5(path)) {
            std::cerr << "migflow info: " << path << ": not an HDF5 file\n";
            return 1;
        }
        std::ostringstream out;
        print_info(path, out);
        std::cout << out.str();
    } catch (const NotAResult& e) {
        std::cerr << "migflow info: " << path << ": " << e.what() << '\n';
        return 1;
    } catch (const H5::Exception& e) {
        std::cerr << "migflow info: " << path << ": not a readable migflow result file ("
                  << e.getFuncName() << ": " << e.getDetailMsg() << ")\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "migflow info: " << path << ": not a readable migflow result file ("
                  << e.what() << ")\n";
        return 1;
    }
    return 0;
}

}  // namespace

Command add_info_command(CLI::App& app) {
    auto* sub = app.add_subcommand("info", "what a result file holds, in a few readable lines");
    auto path = std::make_shared<std::string>();
    sub->add_option("OUT.h5", *path, "a migflow result file")->type_name("");
    return {sub, [path] { return info(*path); }};
}

}  // namespace migflow::cli
