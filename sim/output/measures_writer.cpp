// The outcome measures in the result file: /measures/camps, /measures/origins, /countries.
#include "output/measures_writer.hpp"

#include <algorithm>

#include "migflow/core/date.hpp"
#include "output/hdf5_util.hpp"

namespace migflow::detail {
namespace {

H5::Group open_or_create(H5::H5File& file, const std::string& path) {
    return file.nameExists(path) ? file.openGroup(path) : file.createGroup(path);
}

// A [rows x cols] dataset written whole, from rows of equal length (small tables).
template <class T, class Row>
void write_table(H5::Group& g, const std::string& name, const std::vector<Row>& rows,
                 std::size_t cols, int compression, const std::string& units,
                 const std::string& description, std::vector<T> (*row_of)(const Row&)) {
    std::vector<T> buf;
    buf.reserve(rows.size() * cols);
    for (const Row& r : rows) {
        const auto v = row_of(r);
        buf.insert(buf.end(), v.begin(), v.end());
    }
    hsize_t dims[2] = {rows.size(), cols};
    H5::DSetCreatPropList plist;
    if (rows.size() > 0 && cols > 0) {  // chunked even uncompressed: create_dataset adds Fletcher-32
        hsize_t chunk[2] = {std::min<hsize_t>(rows.size(), 64), std::min<hsize_t>(cols, 8192)};
        plist.setChunk(2, chunk);
        if (compression > 0) {
            plist.setShuffle();
            plist.setDeflate(static_cast<unsigned>(compression));
        }
    }
    H5::DataSet ds = create_dataset(g, name, h5_type<T>(), H5::DataSpace(2, dims), plist);
    if (!buf.empty()) ds.write(buf.data(), h5_type<T>());
    describe(ds, units, description);
}

std::string date_of(const Scenario& s, Day d) {
    return d < 0 ? std::string() : format_date(s.start_date + static_cast<DayNumber>(d));
}

}  // namespace

void write_camp_measures(H5::H5File& file, const Scenario& s, const World& w, const CampTracker& camps) {
    open_or_create(file, "/measures");
    H5::Group g = file.createGroup("/measures/camps");
    set_attr(g, "full_means",
             camps.counts_inbound()
                 ? "after the day's moves, people there + people on their way there > full_above"
                 : "after the day's moves, people there > full_above");
    std::vector<std::int32_t> region, first_full, peak_day;
    std::vector<std::string> name, first_full_date, peak_date;
    std::vector<double> capacity, peak;
    std::vector<std::int64_t> days_full, refused;
    for (const CampOutcome& c : camps.camps()) {
        region.push_back(c.region);
        name.push_back(w.regions[c.region].name);
        capacity.push_back(c.capacity);
        first_full.push_back(c.first_full);
        first_full_date.push_back(date_of(s, c.first_full));
        peak.push_back(c.peak);
        peak_day.push_back(c.peak_day);
        peak_date.push_back(date_of(s, c.peak_day));
        days_full.push_back(c.days_full);
        refused.push_back(c.refused);
    }
    write_vector(g, "region", region, "1", "index in /regions of each region with a capacity");
    write_strings(g, "name", name, "1", "region name");
    write_vector(g, "capacity", capacity, "people", "capacity");
    write_vector(g, "full_above", camps.full_above(), "people",
                 "occupancy above which the region is full by the ruleset's rule (docs/OUTPUT.md)");
    write_vector(g, "first_full_day", first_full, "day", "first day the region is full; -1 = never");
    write_strings(g, "first_full_date", first_full_date, "1",
                  "date of first_full_day, YYYY-MM-DD; empty = never");
    write_vector(g, "peak_population", peak, "people", "most people in the region at the end of a day");
    write_vector(g, "peak_day", peak_day, "day", "first day of that peak");
    write_strings(g, "peak_date", peak_date, "1", "date of peak_day, YYYY-MM-DD");
    write_vector(g, "days_full", days_full, "days", "days on which the region is full");
    write_vector(g, "refused_full", refused, "agents",
                 "movers the region turned away over the run, being full (sum of /series/refused_full)");
}

void write_country_measures(H5::H5File& file, const World& w, const CountryTracker& c, int level) {
    H5::Group g = file.createGroup("/countries");
    write_strings(g, "name", w.countries, "1", "country name, in order of first appearance in /regions");
    std::vector<std::int32_t> region_country(w.country_of.begin(), w.country_of.end());
    write_vector(g, "region_country", region_country, "1", "per region: index in /countries/name");
    const auto& days = c.days();
    const std::size_t C = c.countries(), P = c.pair_from().size();
    write_table<double>(g, "population", days, C, level, "people",
                        "people in the country's regions after the day's moves (sum of /series/population)",
                        +[](const CountryDay& d) { return d.population; });
    write_table<std::int64_t>(g, "arrivals", days, C, level, "agents",
                              "agents reaching a region of the country that day (sum of /series/arrivals)",
                              +[](const CountryDay& d) { return d.arrivals; });
    write_table<std::int64_t>(g, "departures", days, C, level, "agents",
                              "agents leaving a region of the country that day (sum of /series/departures)",
                              +[](const CountryDay& d) { return d.departures; });
    write_table<std::int64_t>(g, "turned_away_full", days, C, level, "agents",
                              "sum of /series/turned_away_full over the country's regions",
                              +[](const CountryDay& d) { return d.turned_away_full; });
    write_table<std::int64_t>(g, "blocked_by_closure", days, C, level, "agents",
                              "sum of /series/blocked_by_closure over the country's regions",
                              +[](const CountryDay& d) { return d.blocked_by_closure; });
    write_vector(g, "flow_from", c.pair_from(), "1",
                 "per country pair: index in /countries/name of the country left");
    write_vector(g, "flow_to", c.pair_to(), "1",
                 "per country pair: index in /countries/name of the country headed for");
    write_table<std::int64_t>(g, "flow", days, P, level, "agents",
                              "departures along routes from a region of flow_from to one of flow_to that day",
                              +[](const CountryDay& d) { return d.flow; });
}

void write_origin_measures(H5::H5File& file, const World& w, const OriginDestination& od) {
    open_or_create(file, "/measures");
    H5::Group g = file.createGroup("/measures/origins");
    set_attr(g, "origin_runs", static_cast<std::int64_t>(od.origin_runs));
    write_vector(g, "origin", od.origin, "1", "index in /regions of the region the agents were created in");
    write_vector(g, "destination", od.destination, "1",
                 "index in /regions of the region they stand in, or travel to, at the end of the run");
    write_vector(g, "standing", od.standing, "agents", "agents of that origin standing in destination");
    write_vector(g, "travelling", od.travelling, "agents",
                 "agents of that origin on their way to destination");
    const auto m = country_matrix(od, w.country_of, w.countries.size());
    write_table<std::int64_t>(g, "country_matrix", m, w.countries.size(), 0, "agents",
                              "[origin country x country at the end] agents (standing + travelling), "
                              "indices in /countries/name",
                              +[](const std::vector<std::int64_t>& r) { return r; });
}

}  // namespace migflow::detail
