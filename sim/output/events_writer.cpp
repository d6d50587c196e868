// /events: see events_writer.hpp.
#include "output/events_writer.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "output/hdf5_util.hpp"

namespace migflow::detail {

namespace {

const char* kind_name(Closure::Kind k) {
    switch (k) {
        case Closure::Kind::route: return "route";
        case Closure::Kind::region: return "region";
        case Closure::Kind::border: return "border";
        case Closure::Kind::camp: return "camp";
    }
    return "?";
}

const char* direction_name(Closure::Direction d) {
    return d == Closure::Direction::entry ? "entry" : d == Closure::Direction::exit ? "exit" : "both";
}

const char* driver_name(DriverKind d) {
    return d == DriverKind::conflict ? "conflict" : d == DriverKind::economy ? "economy" : "climate";
}

const char* mode_name(Shock::Mode m) {
    switch (m) {
        case Shock::Mode::max: return "max";
        case Shock::Mode::add: return "add";
        case Shock::Mode::scale: return "scale";
        case Shock::Mode::set: return "set";
    }
    return "?";
}

std::string name_of(const Scenario& s, RegionIndex r) {
    return r >= 0 && static_cast<std::size_t>(r) < s.regions.size() ? s.regions[static_cast<std::size_t>(r)].name : "";
}

// What a reader is told: a one-way border closure says which way is closed.
std::string closure_label(const Scenario& s, const Closure& c) {
    const std::string a = name_of(s, c.a), b = name_of(s, c.b);
    switch (c.kind) {
        case Closure::Kind::border:
            if (c.direction == Closure::Direction::entry)
                return c.country_b + " closed to arrivals from " + c.country_a + " (" + c.country_a + " → " + c.country_b + ")";
            if (c.direction == Closure::Direction::exit)
                return c.country_b + " closed to departures into " + c.country_a + " (" + c.country_b + " → " + c.country_a + ")";
            return c.country_a + "–" + c.country_b + " border closed";
        case Closure::Kind::route: return "road " + a + "–" + b + " closed";
        case Closure::Kind::region: return a + " closed";
        case Closure::Kind::camp: return "camp " + a + " closed";
    }
    return "closure";
}

std::string shock_label(const Scenario& s, const Shock& k) {
    char severity[32];
    std::snprintf(severity, sizeof severity, "%g", k.severity);
    return std::string(driver_name(k.driver)) + " shock in " + name_of(s, k.region) + " (" + mode_name(k.mode) + " " +
           severity + ")";
}

// First day no longer in force: an open-ended event lasts to the end of the run.
std::int64_t end_of(Day end, Day days) { return end == never ? days : std::min<std::int64_t>(end, days); }

// When each event was in force, closures and shocks alike.
void write_windows(H5::Group& g, const std::vector<std::int64_t>& start, const std::vector<std::int64_t>& end) {
    write_vector(g, "start_day", start, "day", "first day in force");
    write_vector(g, "end_day", end, "day", "first day no longer in force (days of the run if open-ended)");
}

}  // namespace

void write_events(H5::H5File& file, const Scenario& s, const std::string& path) {
    const Day days = std::max<Day>(s.days, 0);
    H5::Group events = file.createGroup(path);
    set_attr(events, "description",
             std::string("closures and shocks as applied: days clipped to the run, end_day = first day no longer in "
                         "force"));
    {
        std::vector<std::string> kind, direction, label, country_a, country_b;
        std::vector<std::int64_t> start, end, region_a, region_b, route;
        for (const Closure& c : s.closures) {
            kind.push_back(kind_name(c.kind));
            direction.push_back(direction_name(c.direction));
            label.push_back(closure_label(s, c));
            country_a.push_back(c.country_a);
            country_b.push_back(c.country_b);
            start.push_back(std::max<Day>(c.start, 0));
            end.push_back(end_of(c.end, days));
            region_a.push_back(c.a);
            region_b.push_back(c.b);
            route.push_back(c.route);
        }
        H5::Group g = file.createGroup(path + "/closures");
        write_strings(g, "kind", kind, "1", "route, region, border or camp");
        write_strings(g, "direction", direction, "1",
                      "border closures: both, entry (no travel country_a -> country_b) or exit (no travel "
                      "country_b -> country_a); both for the others");
        write_strings(g, "label", label, "1", "the closure in words");
        write_windows(g, start, end);
        write_vector(g, "region_a", region_a, "1", "route: one end; region, camp: the region (index in /regions); -1: none");
        write_vector(g, "region_b", region_b, "1", "route: the other end (index in /regions); -1: none");
        write_vector(g, "route", route, "1", "index in /routes of the one route closed; -1: every route between the ends");
        write_strings(g, "country_a", country_a, "1", "border closures: first country");
        write_strings(g, "country_b", country_b, "1", "border closures: second country");
    }
    {
        std::vector<std::string> driver, mode, label;
        std::vector<std::int64_t> start, end, region;
        std::vector<double> severity;
        for (const Shock& k : s.shocks) {
            driver.push_back(driver_name(k.driver));
            mode.push_back(mode_name(k.mode));
            label.push_back(shock_label(s, k));
            start.push_back(std::max<Day>(k.start, 0));
            end.push_back(end_of(k.end, days));
            region.push_back(k.region);
            severity.push_back(k.severity);
        }
        H5::Group g = file.createGroup(path + "/shocks");
        write_strings(g, "driver", driver, "1", "conflict, economy or climate");
        write_strings(g, "mode", mode, "1", "max, add, scale or set: how severity combines with the driver");
        write_strings(g, "label", label, "1", "the shock in words");
        write_windows(g, start, end);
        write_vector(g, "region", region, "1", "index in /regions of the region shocked");
        write_vector(g, "severity", severity, "1", "the shock's severity");
    }
}

}  // namespace migflow::detail
