// build-case's assembly (docs/DATA.md): read every input, place events, compute the
// conflict driver, match observed counts to places, link the places.
#include "migflow/casebuild/build_case.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "casebuild/table.hpp"
#include "migflow/casebuild/roads.hpp"
#include "migflow/core/errors.hpp"

namespace migflow::casebuild {

namespace {

std::vector<Node> nodes_of(const CaseSpec& spec, Ledger& ledger) {
    std::vector<Node> nodes;
    std::map<std::string, int> names;
    for (Place& p : read_places(spec.places, ledger)) {
        names[p.name] = static_cast<int>(nodes.size());
        Node n;
        n.name = p.name, n.lat = p.lat, n.lon = p.lon, n.population = p.population;
        n.country = p.country, n.admin1 = p.admin1, n.admin2 = p.admin2;
        nodes.push_back(std::move(n));
    }
    if (spec.camps.empty()) return nodes;
    for (Camp& c : read_camps(spec.camps, ledger)) {
        if (names.count(c.name)) {
            ledger.drop(spec.camps, "camp name is also a place's name", c.line, c.name);
            continue;
        }
        Node n;
        n.name = c.name, n.camp = true, n.lat = c.lat, n.lon = c.lon, n.capacity = c.capacity, n.country = c.country;
        if (c.opening && *c.opening > spec.start) n.opening_day = static_cast<int>(*c.opening - spec.start);
        names[c.name] = static_cast<int>(nodes.size());
        nodes.push_back(std::move(n));
    }
    return nodes;
}

void conflict_driver(BuiltCase& c, Ledger& ledger) {
    const EventsSpec& e = c.spec.events;
    const std::vector<Event> events = read_acled(e, ledger);
    std::vector<Event> in_run;
    for (const Event& ev : events) {
        const long day = static_cast<long>(ev.date) - c.spec.start;
        if (day <= -e.window_days) ledger.leave_out(e.file, "before the first day's window", ev.line);
        else if (day >= c.spec.days) ledger.leave_out(e.file, "after the run's last day", ev.line);
        else in_run.push_back(ev);
    }
    if (in_run.empty())
        detail::no_usable_rows(e.file, "event_date", "no event from " + format_date(c.spec.start - e.window_days + 1) + " to " +
                                                         format_date(c.spec.start + c.spec.days - 1) + ", the run and its first window");
    const std::vector<int> node_of = assign_events(in_run, c.nodes, e, ledger);
    std::vector<std::vector<std::pair<int, double>>> measure(c.nodes.size());
    long assigned = 0;
    for (std::size_t i = 0; i < in_run.size(); ++i) {
        if (node_of[i] < 0) continue;
        ++assigned;
        const double m = e.measure == EventMeasure::events ? 1.0 : in_run[i].fatalities;
        measure[static_cast<std::size_t>(node_of[i])].push_back({static_cast<int>(in_run[i].date - c.spec.start), m});
    }
    if (assigned == 0)
        detail::no_usable_rows(e.file, e.assign == EventAssign::nearest ? "latitude" : (e.assign == EventAssign::admin1 ? "admin1" : "admin2"),
                               "no event could be assigned to a place");
    c.intensity.resize(c.nodes.size());
    c.onset.resize(c.nodes.size());
    for (std::size_t i = 0; i < c.nodes.size(); ++i) {
        if (c.nodes[i].camp) continue;
        c.intensity[i] = intensity_series(measure[i], c.spec.days, e.window_days, e.saturation);
        // Flee's extraction scripts drop events before the start: onsets count from day 0.
        std::vector<std::pair<int, double>> from_start;
        for (const auto& dm : measure[i])
            if (dm.first >= 0) from_start.push_back(dm);
        c.onset[i] = onset_day(from_start, c.spec.days, e.window_days, e.onset_min);
    }
    const std::string what = e.measure == EventMeasure::events ? "events" : "fatalities";
    c.ledger.choose(std::to_string(assigned) + " of " + std::to_string(events.size()) + " events assigned to places " +
                    (e.assign == EventAssign::nearest ? "by distance: the nearest place within " + short_number(e.max_km) + " km"
                                                      : "by name: the most populous place whose " +
                                                            std::string(e.assign == EventAssign::admin1 ? "admin1" : "admin2") +
                                                            " equals the event's (case-insensitive" +
                                                            (e.admin_aliases.empty() ? "" : ", after `events.admin_aliases`") + ")") + ".");
    c.ledger.choose("Conflict intensity of a place on day t = min(1, " + what + " at the place on days t-" +
                    std::to_string(e.window_days - 1) + " .. t / " + short_number(e.saturation) + "): " + what +
                    " in a trailing window of " + std::to_string(e.window_days) + " days, saturating at " + short_number(e.saturation) +
                    ". Events before the start count towards the first windows.");
    c.ledger.choose("Flee-style onset: the first day with at least " + short_number(e.onset_min) + " " + what + " in the window, counting events from the "
                    "start date only (as Flee's extraction scripts do); a place stays in conflict from its onset on (Flee's conflict_date).");
}

ObservedSeries added(const ObservedSeries& a, const ObservedSeries& b) {
    ObservedSeries sum;
    sum.place = a.place;
    std::vector<DayNumber> dates = a.date;
    dates.insert(dates.end(), b.date.begin(), b.date.end());
    std::sort(dates.begin(), dates.end());
    dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
    for (DayNumber d : dates) sum.date.push_back(d), sum.count.push_back(observed_on(a, d) + observed_on(b, d));
    return sum;
}

// Observed names to nodes: the exact name, the same name in another case, or the one
// place whose admin-1 unit has that name. Anything else is listed, never guessed.
void match_observed(BuiltCase& c, Ledger& ledger) {
    std::vector<std::string> names;  // what a series may name: places, camps, admin-1 units
    for (const Node& n : c.nodes) names.push_back(n.name);
    for (const Node& n : c.nodes)
        if (!n.camp && !n.admin1.empty() && std::find(names.begin(), names.end(), n.admin1) == names.end())
            names.push_back(n.admin1);
    std::map<std::string, std::size_t> by_node;  // node name -> index in c.observed
    for (const ObservedSpec& spec : c.spec.observed) {
        for (ObservedSeries& s : read_observed(spec, ledger)) {
            int node = -1, by_admin = 0;
            for (std::size_t i = 0; i < c.nodes.size() && node < 0; ++i)
                if (c.nodes[i].name == s.place) node = static_cast<int>(i);
            for (std::size_t i = 0; i < c.nodes.size() && node < 0; ++i)
                if (detail::lower(c.nodes[i].name) == detail::lower(s.place)) node = static_cast<int>(i);
            int admin_match = -1;
            for (std::size_t i = 0; i < c.nodes.size() && node < 0; ++i)
                if (!c.nodes[i].camp && !c.nodes[i].admin1.empty() && detail::lower(c.nodes[i].admin1) == detail::lower(s.place))
                    ++by_admin, admin_match = static_cast<int>(i);
            if (node < 0 && by_admin == 1) node = admin_match;
            if (node < 0) {
                const std::string why = by_admin > 1 ? "names an admin-1 unit with several places" : "matches no place or camp";
                for (int line : s.lines) ledger.drop(spec.file, "place name " + why, line, "`" + s.place + "`");
                const std::string hint = did_you_mean(s.place, names);
                if (!hint.empty()) ledger.near_miss(spec.file, s.place, hint);
                continue;
            }
            s.place = c.nodes[static_cast<std::size_t>(node)].name;
            if (const auto it = by_node.find(s.place); it != by_node.end()) {
                c.observed[it->second] = added(c.observed[it->second], s);
                ledger.choose("Observed counts of `" + s.place + "` from more than one table are added.");
            } else {
                by_node[s.place] = c.observed.size();
                c.observed.push_back(std::move(s));
            }
        }
    }
}

std::string seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f s", s);
    return buf;
}

// The routes' km over the roads of an OpenStreetMap extract, where a road joins both ends.
void road_km(BuiltCase& c) {
    std::vector<std::pair<int, int>> pairs;
    for (const CaseRoute& r : c.routes) pairs.push_back({r.a, r.b});
    RoadNetwork net;
    const auto km = road_distances(c.spec.osm, c.nodes, pairs, c.spec.max_snap_km, net);
    long by_road = 0;
    std::string far;
    for (std::size_t i = 0; i < c.nodes.size(); ++i)
        if (net.snap_km[i] > c.spec.max_snap_km) far += (far.empty() ? "" : ", ") + c.nodes[i].name;
    for (std::size_t i = 0; i < c.routes.size(); ++i)
        if (km[i]) c.routes[i].km = std::max(0.1, std::round(*km[i] * 10.0) / 10.0), ++by_road;
    c.ledger.choose("Road distances from `" + c.spec.osm + "`: " + std::to_string(net.ways) + " roads (highway=motorway .. "
                    "unclassified, links, tracks), " + std::to_string(net.road_nodes) + " road nodes, read in " +
                    seconds(net.read_seconds) + ", shortest paths in " + seconds(net.route_seconds) + ". " +
                    std::to_string(by_road) + " of " + std::to_string(c.routes.size()) +
                    " routes take the shortest road distance between the road nodes nearest their ends (plus the straight "
                    "line to the road at each end); the others keep great-circle x circuity (no road joins them" +
                    (far.empty() ? "" : ", or an end lies more than " + short_number(c.spec.max_snap_km) + " km from any road: " + far) +
                    "). Which places are linked is still decided by great-circle distance.");
}

}  // namespace

BuiltCase build_case(const CaseSpec& spec) {
    BuiltCase c;
    c.spec = spec;
    Ledger& ledger = c.ledger;
    c.nodes = nodes_of(spec, ledger);
    double population = 0.0;
    for (const Node& n : c.nodes) population += n.population;
    ledger.choose(std::to_string(c.nodes.size()) + " nodes: places from `" + spec.places.file + "`" +
                  (spec.places.min_population > 0 ? ", population at least " + short_number(spec.places.min_population) : "") +
                  (spec.places.admin_level > 0 ? ", the most populous place of each admin-" + std::to_string(spec.places.admin_level) + " unit" : "") +
                  (spec.camps.empty() ? "" : "; camps from `" + spec.camps + "`") + ".");
    if (!spec.events.file.empty()) conflict_driver(c, ledger);
    else ledger.choose("No events file: conflict 0 everywhere, no Flee conflict zone.");
    match_observed(c, ledger);
    c.routes = nearest_neighbour_routes(c.nodes, spec.neighbours, spec.circuity);
    long joins = 0;
    for (const CaseRoute& r : c.routes) joins += r.joins_components;
    ledger.choose(std::string(spec.osm.empty() ? "Routes without a road network" : "Routes") + ": each node to its " + std::to_string(spec.neighbours) +
                  " nearest neighbours (camps only to places, never to another camp), km = great-circle distance x " + short_number(spec.circuity) +
                  " (circuity), rounded to 0.1 km; " + std::to_string(joins) +
                  " more route(s), the shortest between components, make the network connected. " +
                  std::to_string(c.routes.size()) + " routes.");
    if (!spec.osm.empty()) road_km(c);
    // About 20,000 agents' worth of the population keeps a national case quick to run.
    constexpr double agents_for_population = 20000.0;
    c.people_per_agent = spec.people_per_agent > 0 ? spec.people_per_agent
                                                   : std::max(1.0, std::round(population / agents_for_population));
    return c;
}

}  // namespace migflow::casebuild
