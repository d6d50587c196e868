// The one list of result series and static datasets: see catalogue.hpp.
#include "migflow/core/text.hpp"
#include "migflow/output/catalogue.hpp"

#include <sstream>
#include <stdexcept>

#include "migflow/output/recorder.hpp"

namespace migflow {

namespace {

SeriesRow ints(const std::vector<std::int64_t>& v) { return {v.data(), nullptr, v.size()}; }
SeriesRow doubles(const std::vector<double>& v) { return {nullptr, v.data(), v.size()}; }
SeriesRow doubles(const Eigen::VectorXd& v) { return {nullptr, v.data(), static_cast<std::size_t>(v.size())}; }
SeriesRow one(const std::int64_t& v) { return {&v, nullptr, 1}; }

std::vector<SeriesSpec> make_series() {
    using W = SeriesWidth;
    using V = ValueType;
    const std::string turned_away_see = " (docs/MODEL.md section 8, docs/FLEE.md 'Turned away')";
    return {
        {"series", "population", "people",
         "people in the region after the day's moves (residents + agents x people_per_agent)", W::regions, V::float64,
         [](const DayRecord& d) { return doubles(d.population); }},
        {"series", "agents", "agents", "agents standing in the region at the end of the day", W::regions, V::int64,
         [](const DayRecord& d) { return ints(d.state->agents_at); }},
        {"series", "arrivals", "agents", "agents that reached the region that day", W::regions, V::int64,
         [](const DayRecord& d) { return ints(d.tally->arrivals); }},
        {"series", "departures", "agents", "agents that left the region that day", W::regions, V::int64,
         [](const DayRecord& d) { return ints(d.tally->departures); }},
        {"series", "spawned", "agents",
         "agents created in the region that day (agents present before day 0 are not counted)", W::regions, V::int64,
         [](const DayRecord& d) { return ints(d.tally->spawned); }},
        {"series", "turned_away_full", "agents",
         "movers standing in the region that stayed because their destination was full" + turned_away_see,
         W::regions, V::int64, [](const DayRecord& d) { return ints(d.tally->turned_away_full); }},
        {"series", "blocked_by_closure", "agents",
         "movers standing in the region whose first choice was closed by a closure" + turned_away_see, W::regions,
         V::int64, [](const DayRecord& d) { return ints(d.tally->blocked_by_closure); }},
        {"series", "refused_full", "agents", "movers the region turned away that day, being full (per destination)",
         W::regions, V::int64, [](const DayRecord& d) { return ints(d.tally->refused_full); }},
        {"series", "route_flow_forward", "agents", "agents departing along the route from -> to that day", W::routes,
         V::int64, [](const DayRecord& d) { return ints(d.tally->flow_forward); }},
        {"series", "route_flow_backward", "agents", "agents departing along the route to -> from that day", W::routes,
         V::int64, [](const DayRecord& d) { return ints(d.tally->flow_backward); }},
        {"series", "in_transit", "agents", "agents travelling at the end of the day", W::one, V::int64,
         [](const DayRecord& d) { return one(d.in_transit); }},
        {"series", "total_agents", "agents", "all agents at the end of the day (standing + travelling)", W::one,
         V::int64, [](const DayRecord& d) { return one(d.total_agents); }},
        {"drivers", "conflict", "1", "conflict intensity in [0,1] used on that day, shocks applied", W::regions,
         V::float64, [](const DayRecord& d) { return doubles(d.state->drivers.conflict); }},
        {"drivers", "economy", "1",
         "economy level (scenario's own units, e.g. an index) used on that day, shocks applied", W::regions,
         V::float64, [](const DayRecord& d) { return doubles(d.state->drivers.economy); }},
        {"drivers", "climate", "1", "climate hazard in [0,1] used on that day, shocks applied", W::regions,
         V::float64, [](const DayRecord& d) { return doubles(d.state->drivers.climate); }},
    };
}

std::vector<DatasetSpec> make_static() {
    return {
        {"time", "day", "day", "day index from the start date (day 0 = start_date)"},
        {"time", "date", "1", "calendar date of each day, YYYY-MM-DD"},
        {"regions", "name", "1", "region name"},
        {"regions", "type", "1", "region type: settlement, camp or transit"},
        {"regions", "country", "1", "country of the region"},
        {"regions", "lat", "degrees", "latitude"},
        {"regions", "lon", "degrees", "longitude"},
        {"regions", "capacity", "people", "capacity in people, 0 = unlimited"},
        {"regions", "initial_population", "people", "population at the start of the run"},
        {"routes", "from", "1", "index of the first end of the route in /regions"},
        {"routes", "to", "1", "index of the second end of the route in /regions"},
        {"routes", "km", "km", "route length"},
        {"validation", "region", "1", "index in /regions of each observed region"},
        {"validation", "name", "1", "name of each observed region"},
        {"validation", "observed", "people", "observed count per day and observed region"},
        {"validation", "simulated", "people", "simulated population per day and observed region"},
        {"validation", "error_rescaled", "1", "relative difference per day, simulated rescaled to the observed total"},
        {"validation", "error_unrescaled", "1", "relative difference per day, simulated as is"},
    };
}

const char* width_name(SeriesWidth w) {
    return w == SeriesWidth::regions ? "regions" : w == SeriesWidth::routes ? "routes" : "one";
}

}  // namespace

const std::vector<SeriesSpec>& series_catalogue() {
    static const std::vector<SeriesSpec> catalogue = make_series();
    return catalogue;
}

const SeriesSpec* find_series(std::string_view group, std::string_view name) {
    for (const SeriesSpec& s : series_catalogue())
        if (s.group == group && s.name == name) return &s;
    return nullptr;
}

const std::vector<DatasetSpec>& static_dataset_catalogue() {
    static const std::vector<DatasetSpec> catalogue = make_static();
    return catalogue;
}

const DatasetSpec& static_dataset(std::string_view group, std::string_view name) {
    for (const DatasetSpec& d : static_dataset_catalogue())
        if (d.group == group && d.name == name) return d;
    throw std::logic_error("no dataset /" + std::string(group) + "/" + std::string(name) + " in the catalogue");
}

std::string catalogue_json() {
    std::ostringstream o;
    o << "{\n  \"series\": [\n";
    const auto& series = series_catalogue();
    for (std::size_t k = 0; k < series.size(); ++k) {
        const SeriesSpec& s = series[k];
        o << "    {\"group\": " << double_quoted(s.group) << ", \"name\": " << double_quoted(s.name)
          << ", \"units\": " << double_quoted(s.units) << ", \"width\": \"" << width_name(s.width) << "\", \"type\": \""
          << (s.type == ValueType::int64 ? "int64" : "float64") << "\", \"description\": " << double_quoted(s.description)
          << "}" << (k + 1 < series.size() ? "," : "") << "\n";
    }
    o << "  ],\n  \"datasets\": [\n";
    const auto& fixed = static_dataset_catalogue();
    for (std::size_t k = 0; k < fixed.size(); ++k) {
        const DatasetSpec& d = fixed[k];
        o << "    {\"group\": " << double_quoted(d.group) << ", \"name\": " << double_quoted(d.name)
          << ", \"units\": " << double_quoted(d.units) << ", \"description\": " << double_quoted(d.description) << "}"
          << (k + 1 < fixed.size() ? "," : "") << "\n";
    }
    o << "  ]\n}\n";
    return o.str();
}

}  // namespace migflow
