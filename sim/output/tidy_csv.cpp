// Flattens a result file's [T], [T x R], [T x E] and [T x K] datasets into long rows,
// a block of days at a time (a whole [T x R] series of a big run may not fit in memory).
#include "output/tidy_csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <stdexcept>

#include "migflow/output/catalogue.hpp"
#include "migflow/output/result_check.hpp"
#include "output/hdf5_util.hpp"
#include "output/result_file.hpp"

namespace migflow::detail {

namespace {

std::string number(double v) {
    if (std::isnan(v)) return {};
    char buf[32];
    const auto r =
        std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back exactly
    return std::string(buf, r.ptr);
}

std::string number(std::int64_t v) {
    return std::to_string(v);
}

std::string joined(const std::vector<std::string>& cells) {
    std::string out;
    for (const auto& c : cells) out += csv_cell(c) + ',';
    return out;
}

// One dataset's rows. `labels` names the columns (regions, routes, observed regions);
// it is empty for a [T] dataset.
// `keep`: which columns to write (empty: all).
template <class T>
void dataset_rows(const H5::DataSet& ds, const std::string& variable,
                  const std::vector<std::string>& dates, const std::vector<std::string>& labels,
                  const std::string& lead, std::ostream& out, const std::vector<char>& keep) {
    const std::string unit = has_attr(ds, "units") ? read_string_attr(ds, "units") : "";
    const std::string tail = ',' + csv_cell(variable);
    const std::string unit_cell = ',' + csv_cell(unit) + '\n';
    const auto dims = dims_of(ds);
    if (dims.empty() || dims[0] != dates.size())
        throw std::runtime_error(variable + ": " + std::to_string(dims.empty() ? 0 : dims[0]) +
                                 " rows, expected one per day (" + std::to_string(dates.size()) +
                                 ")");
    if (dims.size() > 2 || (dims.size() == 2 && dims[1] != labels.size()))
        throw std::runtime_error(variable + ": " + std::to_string(dims.size() == 2 ? dims[1] : 0) +
                                 " columns, expected " + std::to_string(labels.size()));
    if (dims.size() == 1) {
        const auto v = read_vector<T>(ds);
        for (std::size_t t = 0; t < v.size(); ++t)
            out << lead << dates[t] << ',' << tail << ',' << number(v[t]) << unit_cell;
        return;
    }
    const hsize_t step = std::max<hsize_t>(1, chunk_rows(ds));
    const std::size_t width = dims[1];
    for (hsize_t t0 = 0; t0 < dims[0]; t0 += step) {
        const hsize_t n = std::min<hsize_t>(step, dims[0] - t0);
        const auto rows = read_rows<T>(ds, t0, n);
        for (hsize_t i = 0; i < n; ++i)
            for (std::size_t c = 0; c < width; ++c)
                if (keep.empty() || keep[c]) out << lead << dates[t0 + i] << ',' << labels[c] << tail << ','
                    << number(rows[i * width + c]) << unit_cell;
    }
}

void any_dataset_rows(const H5::DataSet& ds, const std::string& variable,
                      const std::vector<std::string>& dates, const std::vector<std::string>& labels,
                      const std::string& lead, std::ostream& out, const std::vector<char>& keep = {}) {
    if (ds.getTypeClass() == H5T_INTEGER)
        dataset_rows<std::int64_t>(ds, variable, dates, labels, lead, out, keep);
    else
        dataset_rows<double>(ds, variable, dates, labels, lead, out, keep);
}

// Which of `names` the selection keeps (empty: all); throws for a selected name not among them.
std::vector<char> kept_names(const std::vector<std::string>& names, const std::vector<std::string>& selected,
                             const std::string& file) {
    if (selected.empty()) return {};
    std::vector<char> keep(names.size(), 0);
    for (const std::string& s : selected) {
        const auto it = std::find(names.begin(), names.end(), s);
        if (it == names.end()) throw std::runtime_error(file + ": --regions: no region `" + s + "` in this result");
        keep[static_cast<std::size_t>(it - names.begin())] = 1;
    }
    return keep;
}

bool is_dimension_scale(const H5::DataSet& ds) {
    return has_attr(ds, "CLASS") && read_string_attr(ds, "CLASS") == "DIMENSION_SCALE";
}

// Over routes or regions, as the catalogue says (older files: by the name's prefix).
bool over_routes(const std::string& group, const std::string& name) {
    const SeriesSpec* spec = find_series(group, name);
    return spec ? spec->width == SeriesWidth::routes : name.starts_with("route_");
}

// (section name, group path) of a banded file; empty for a single run.
std::vector<std::pair<std::string, std::string>> sections_of(const H5::H5File& file) {
    if (file.nameExists("/ensemble")) return {{"ensemble", "/ensemble"}};
    if (file.nameExists("/comparison"))
        return {{"baseline", "/comparison/baseline"},
                {"scenario", "/comparison/scenario"},
                {"difference", "/comparison/difference"}};
    return {};
}

const char* const statistics[] = {"p05", "p25", "p50", "p75", "p95", "mean"};


}  // namespace

std::string csv_cell(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

void write_tidy_headers(const TidyLead& lead, std::ostream& regions, std::ostream& routes, bool banded) {
    const std::string head = joined(lead.names) + (banded ? "section,statistic," : "");
    regions << head << "date,region,variable,value,unit\n";
    routes << head << "date,route,from,to,variable,value,unit\n";
}

void write_tidy_rows(const std::string& h5_path, const TidyLead& lead, std::ostream& regions,
                     std::ostream& routes, const TidySelection& selection) {
    H5::Exception::dontPrint();
    std::string reading = "the file";  // named in the message when HDF5 fails
    try {
        const ResultFile result(h5_path);
        const H5::H5File& file = result.h5();
        const std::string prefix = joined(lead.values);
        const auto dates = read_strings(file.openDataSet("/time/date"));
        std::vector<std::string> names;
        const auto raw_names = read_strings(file.openDataSet("/regions/name"));
        for (const auto& n : raw_names) names.push_back(csv_cell(n));
        const std::vector<char> keep_region = kept_names(raw_names, selection.regions, h5_path);
        const auto from = read_vector<std::int32_t>(file.openDataSet("/routes/from"));
        const auto to = read_vector<std::int32_t>(file.openDataSet("/routes/to"));
        std::set<std::string> seen;  // variable names of the file, to check the selection
        auto wanted = [&](const std::string& variable) {
            seen.insert(variable);
            return selection.variables.empty() ||
                   std::find(selection.variables.begin(), selection.variables.end(), variable) != selection.variables.end();
        };
        std::vector<std::string> route_labels;  // route,from,to
        if (to.size() != from.size())
            throw std::runtime_error("/routes/from and /routes/to differ in length");
        for (std::size_t e = 0; e < from.size(); ++e) {
            if (from[e] < 0 || to[e] < 0 || std::size_t(from[e]) >= names.size() || std::size_t(to[e]) >= names.size())
                throw std::runtime_error("/routes: route " + std::to_string(e) + " names a region that does not exist");
            route_labels.push_back(std::to_string(e) + ',' +
                                   names.at(static_cast<std::size_t>(from[e])) + ',' +
                                   names.at(static_cast<std::size_t>(to[e])));
        }
        std::vector<char> keep_route;  // after the check above: every route's ends exist
        if (!keep_region.empty())
            for (std::size_t e = 0; e < from.size(); ++e)
                keep_route.push_back(keep_region.at(static_cast<std::size_t>(from[e])) ||
                                     keep_region.at(static_cast<std::size_t>(to[e])));

        const auto sections = sections_of(file);
        // Every migflow result holds the population series: a table without it would look
        // complete and be wrong.
        if (sections.empty() && !file.nameExists("/series/population"))
            throw std::runtime_error("no /series/population dataset: not a whole migflow result");
        for (const auto& [section, path] : sections)
            if (!file.nameExists(path + "/population") || !file.nameExists(path + "/population/p50"))
                throw std::runtime_error("no " + path + "/population bands: not a whole migflow result");
        // One series' rows, into the routes table or the regions table.
        auto series_rows = [&](const H5::DataSet& ds, const std::string& group, const std::string& name,
                               const std::string& lead) {
            reading = ds.getObjName();
            if (!wanted(name)) return;
            if (over_routes(group, name)) any_dataset_rows(ds, name, dates, route_labels, lead, routes, keep_route);
            else any_dataset_rows(ds, name, dates, names, lead, regions, keep_region);
        };
        // Every day-indexed dataset of a group: the series of a run, or the drivers.
        auto group_rows = [&](const char* group, const std::string& lead) {
            if (!file.nameExists(group)) return;
            const H5::Group g = file.openGroup(group);
            for (hsize_t i = 0; i < g.getNumObjs(); ++i) {
                if (g.getObjTypeByIdx(i) != H5G_DATASET) continue;
                const std::string name = g.getObjnameByIdx(i);
                const H5::DataSet ds = g.openDataSet(name);
                if (is_dimension_scale(ds)) continue;
                series_rows(ds, group + 1, name, lead);
            }
        };
        if (sections.empty()) {
            group_rows("/series", prefix);
            group_rows("/drivers", prefix);
        }
        // Banded files: each series' bands, section by section (the per-replicate
        // tables beside them, such as camp_outcomes and seeds, are not day-indexed).
        for (const auto& [section, path] : sections) {
            const H5::Group g = file.openGroup(path);
            for (hsize_t i = 0; i < g.getNumObjs(); ++i) {
                if (g.getObjTypeByIdx(i) != H5G_GROUP) continue;
                const std::string name = g.getObjnameByIdx(i);
                const H5::Group bands = g.openGroup(name);
                if (!bands.nameExists("p50")) continue;
                for (const char* stat : statistics) {
                    if (!bands.nameExists(stat)) continue;
                    series_rows(bands.openDataSet(stat), "series", name, prefix + section + ',' + stat + ',');
                }
            }
        }
        if (!sections.empty()) group_rows("/drivers", prefix + "drivers,value,");
        if (file.nameExists("/validation")) {
            const H5::Group g = file.openGroup("/validation");
            std::vector<std::string> observed;
            std::vector<char> keep_observed;
            for (const auto& n : read_strings(g.openDataSet("name"))) {
                observed.push_back(csv_cell(n));
                keep_observed.push_back(selection.regions.empty() ||
                                        std::find(selection.regions.begin(), selection.regions.end(), n) !=
                                            selection.regions.end());
            }
            const std::string lead = prefix + (sections.empty() ? "" : "observed,value,");
            for (const char* name : {"observed", "simulated", "error_rescaled", "error_unrescaled"})
                if (g.nameExists(name) && wanted(name))
                    any_dataset_rows(g.openDataSet(name), name, dates, observed, lead, regions, keep_observed);
        }
        for (const std::string& v : selection.variables)
            if (!seen.contains(v))
                throw std::runtime_error(h5_path + ": --variables: no variable `" + v + "` in this result");
    } catch (const H5::Exception& e) {
        throw std::runtime_error(h5_path + ": cannot read " + reading + " (" + hdf5_action(e) +
                                 "): damaged, or not written by migflow");
    } catch (const std::runtime_error& e) {
        if (std::string(e.what()).starts_with(h5_path)) throw;
        throw std::runtime_error(h5_path + ": " + e.what());
    }
}

}  // namespace migflow::detail
