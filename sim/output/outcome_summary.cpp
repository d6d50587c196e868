// `migflow info`'s outcome summary, read from /measures and /countries.
#include "output/outcome_summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include "output/hdf5_util.hpp"

namespace migflow::detail {
namespace {


// Countries and pairs listed at most; the file holds them all.
constexpr std::size_t max_rows = 20;

std::string num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
}

std::string pad(const std::string& s, std::size_t w, bool right = false) {
    if (s.size() >= w) return s;
    return right ? std::string(w - s.size(), ' ') + s : s + std::string(w - s.size(), ' ');
}

std::size_t name_width(const std::vector<std::string>& names) {
    std::size_t w = 4;
    for (const auto& n : names) w = std::max(w, n.size());
    return w;
}

template <class T>
std::vector<T> column_sums(const H5::DataSet& ds) {
    const auto d = dims_of(ds);
    std::vector<T> sums(d.at(1), T{});
    const hsize_t step = chunk_rows(ds);
    for (hsize_t t = 0; t < d[0]; t += step) {
        const auto rows = read_rows<T>(ds, t, std::min<hsize_t>(step, d[0] - t));
        for (std::size_t k = 0; k < rows.size(); ++k) sums[k % d[1]] += rows[k];
    }
    return sums;
}

void print_camps(const H5::H5File& f, double ppa, std::ostream& out) {
    const auto names = read_strings(f.openDataSet("/measures/camps/name"));
    if (names.empty()) return;
    const auto capacity = read_vector<double>(f.openDataSet("/measures/camps/capacity"));
    const auto full_date = read_strings(f.openDataSet("/measures/camps/first_full_date"));
    const auto peak = read_vector<double>(f.openDataSet("/measures/camps/peak_population"));
    const auto peak_date = read_strings(f.openDataSet("/measures/camps/peak_date"));
    const auto days_full = read_vector<std::int64_t>(f.openDataSet("/measures/camps/days_full"));
    const auto refused = read_vector<std::int64_t>(f.openDataSet("/measures/camps/refused_full"));
    const std::size_t w = name_width(names);
    out << "camps (regions with a capacity; people; full = turning movers away, see OUTPUT.md):\n"
        << "  " << pad("name", w) << "  " << pad("capacity", 9, true) << "  " << pad("full from", 10)
        << "  " << pad("peak", 9, true) << "  " << pad("peak on", 10) << "  "
        << pad("days full", 9, true) << "  " << pad("turned away", 11, true) << '\n';
    for (std::size_t k = 0; k < names.size(); ++k)
        out << "  " << pad(names[k], w) << "  " << pad(num(capacity[k]), 9, true) << "  "
            << pad(full_date[k].empty() ? "never" : full_date[k], 10) << "  "
            << pad(num(peak[k]), 9, true) << "  " << pad(peak_date[k], 10) << "  "
            << pad(std::to_string(days_full[k]), 9, true) << "  "
            << pad(num(double(refused[k]) * ppa), 11, true) << '\n';
}

void print_countries(const H5::H5File& f, double ppa, std::ostream& out) {
    const auto names = read_strings(f.openDataSet("/countries/name"));
    const auto pop_ds = f.openDataSet("/countries/population");
    const auto T = dims_of(pop_ds).at(0);
    if (T == 0) return;
    const auto first = read_row<double>(pop_ds, 0);
    const auto last = read_row<double>(pop_ds, T - 1);
    const auto arrivals = column_sums<std::int64_t>(f.openDataSet("/countries/arrivals"));
    const auto departures = column_sums<std::int64_t>(f.openDataSet("/countries/departures"));
    const auto full = column_sums<std::int64_t>(f.openDataSet("/countries/turned_away_full"));
    const auto blocked = column_sums<std::int64_t>(f.openDataSet("/countries/blocked_by_closure"));
    const std::int64_t all_full = std::accumulate(full.begin(), full.end(), std::int64_t(0));
    const std::int64_t all_blocked = std::accumulate(blocked.begin(), blocked.end(), std::int64_t(0));
    out << "turned away:  " << num(double(all_full) * ppa)
        << " people stayed because their destination was full; " << num(double(all_blocked) * ppa)
        << " found their first choice closed\n";
    const std::size_t w = name_width(names);
    out << "countries (people; arrivals, departures and turned away summed over the run):\n"
        << "  " << pad("name", w) << "  " << pad("first day", 11, true) << "  "
        << pad("last day", 11, true) << "  " << pad("arrivals", 10, true) << "  "
        << pad("departures", 10, true) << "  " << pad("full", 9, true) << "  "
        << pad("closed", 9, true) << '\n';
    for (std::size_t c = 0; c < std::min(names.size(), max_rows); ++c)
        out << "  " << pad(names[c], w) << "  " << pad(num(first[c]), 11, true) << "  "
            << pad(num(last[c]), 11, true) << "  " << pad(num(double(arrivals[c]) * ppa), 10, true)
            << "  " << pad(num(double(departures[c]) * ppa), 10, true) << "  "
            << pad(num(double(full[c]) * ppa), 9, true) << "  "
            << pad(num(double(blocked[c]) * ppa), 9, true) << '\n';
    if (names.size() > max_rows) out << "  ... " << names.size() - max_rows << " more in /countries\n";

    const auto from = read_vector<std::int32_t>(f.openDataSet("/countries/flow_from"));
    const auto to = read_vector<std::int32_t>(f.openDataSet("/countries/flow_to"));
    const auto flow = column_sums<std::int64_t>(f.openDataSet("/countries/flow"));
    std::vector<std::size_t> order(from.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return flow[a] > flow[b]; });
    bool header = false;
    for (std::size_t k = 0; k < std::min(order.size(), max_rows); ++k) {
        const auto p = order[k];
        if (flow[p] == 0) break;
        if (!header) out << "between countries (people leaving along a border route, over the run):\n";
        header = true;
        out << "  " << names[from[p]] << " -> " << names[to[p]] << ": " << num(double(flow[p]) * ppa)
            << '\n';
    }
}

void print_origins(const H5::H5File& f, double ppa, std::ostream& out) {
    if (!f.nameExists("/measures/origins")) return;
    const auto names = read_strings(f.openDataSet("/countries/name"));
    const auto m = read_vector<std::int64_t>(f.openDataSet("/measures/origins/country_matrix"));
    const std::size_t C = names.size();
    out << "where people are at the end, by country of origin (people, incl. on the way):\n";
    for (std::size_t o = 0; o < std::min(C, max_rows); ++o) {
        std::string line;
        for (std::size_t d = 0; d < C; ++d) {
            if (m[o * C + d] == 0) continue;
            line += (line.empty() ? "" : ", ") + names[d] + " " + num(double(m[o * C + d]) * ppa);
        }
        if (!line.empty()) out << "  from " << names[o] << ": " << line << '\n';
    }
}

}  // namespace

void print_outcomes(const H5::H5File& file, std::ostream& out) {
    if (!file.nameExists("/measures") || !file.nameExists("/countries")) return;
    const double ppa = read_double_attr(file.openGroup("/"), "people_per_agent");
    print_camps(file, ppa, out);
    print_countries(file, ppa, out);
    print_origins(file, ppa, out);
}

}  // namespace migflow::detail
