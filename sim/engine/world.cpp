// The static geography of a run: regions and the route graph in CSR form.
#include "migflow/engine/world.hpp"

#include <algorithm>

namespace migflow {

World build_world(const Scenario& s) {
    World w;
    w.regions = s.regions;
    w.routes = s.routes;
    const auto R = s.regions.size();

    w.country_of.resize(R);
    w.is_foreign.resize(R);
    for (std::size_t r = 0; r < R; ++r) {
        const auto& c = s.regions[r].country;
        auto it = std::find(w.countries.begin(), w.countries.end(), c);
        if (it == w.countries.end()) {
            w.countries.push_back(c);
            it = w.countries.end() - 1;
        }
        w.country_of[r] = static_cast<std::int32_t>(it - w.countries.begin());
        // Flee's notion of abroad: any country other than the first location's.
        w.is_foreign[r] = w.country_of[r] != 0;
    }

    // CSR adjacency, each region's links in route file order (Flee depends on it).
    w.link_begin.assign(R + 1, 0);
    for (const auto& e : s.routes) {
        ++w.link_begin[e.from + 1];
        ++w.link_begin[e.to + 1];
    }
    for (std::size_t r = 0; r < R; ++r) w.link_begin[r + 1] += w.link_begin[r];
    const auto L = static_cast<std::size_t>(w.link_begin[R]);
    w.link_to.resize(L);
    w.link_route.resize(L);
    w.link_km.resize(L);
    w.link_reverse.resize(L);
    w.route_link.resize(s.routes.size());
    std::vector<std::int32_t> fill(w.link_begin.begin(), w.link_begin.end() - 1);
    for (std::size_t e = 0; e < s.routes.size(); ++e) {
        const auto& rt = s.routes[e];
        const auto put = [&](RegionIndex a, RegionIndex b) {
            const auto l = fill[a]++;
            w.link_to[l] = b;
            w.link_route[l] = static_cast<RouteIndex>(e);
            w.link_km[l] = static_cast<float>(rt.km);
            return l;
        };
        const auto forward = put(rt.from, rt.to);
        const auto backward = put(rt.to, rt.from);
        w.link_reverse[forward] = backward;
        w.link_reverse[backward] = forward;
        w.route_link[e] = forward;
    }
    return w;
}

namespace {

// Both directions of link l.
void close_both(const World& w, std::int32_t l, std::vector<std::uint8_t>& link_open) {
    link_open[l] = 0;
    link_open[w.link_reverse[l]] = 0;
}

std::int32_t country_index(const World& w, const std::string& name) {
    const auto it = std::find(w.countries.begin(), w.countries.end(), name);
    return it == w.countries.end() ? -1 : static_cast<std::int32_t>(it - w.countries.begin());
}

// Closes the links that cross from country `from` into country `to`.
void close_crossings(const World& w, std::int32_t from, std::int32_t to, std::vector<std::uint8_t>& link_open) {
    for (std::size_t r = 0; r < w.region_count(); ++r) {
        if (w.country_of[r] != from) continue;
        for (auto l = w.link_begin[r]; l < w.link_begin[r + 1]; ++l)
            if (w.country_of[w.link_to[l]] == to) link_open[l] = 0;
    }
}

}  // namespace

void compute_openness(const Scenario& s, const World& w, Day t, Openness& out) {
    out.link_open.assign(w.link_to.size(), 1);
    out.region_open.assign(w.region_count(), 1);
    out.camp_open.assign(w.region_count(), 1);
    for (const auto& c : s.closures) {
        if (t < c.start || t >= c.end) continue;
        switch (c.kind) {
        case Closure::Kind::route:
            if (c.route >= 0) {
                close_both(w, w.route_link[c.route], out.link_open);
                break;
            }
            for (auto l = w.link_begin[c.a]; l < w.link_begin[c.a + 1]; ++l)
                if (w.link_to[l] == c.b) close_both(w, l, out.link_open);
            break;
        case Closure::Kind::region:
            out.region_open[c.a] = 0;
            for (auto l = w.link_begin[c.a]; l < w.link_begin[c.a + 1]; ++l) close_both(w, l, out.link_open);
            break;
        case Closure::Kind::camp:
            out.camp_open[c.a] = 0;
            break;
        case Closure::Kind::border: {
            // border: [A, B]: B closes entry (A -> B), exit (B -> A), or both.
            const auto ca = country_index(w, c.country_a);
            const auto cb = country_index(w, c.country_b);
            if (ca < 0 || cb < 0) break;
            if (c.direction != Closure::Direction::exit) close_crossings(w, ca, cb, out.link_open);
            if (c.direction != Closure::Direction::entry) close_crossings(w, cb, ca, out.link_open);
            break;
        }
        }
    }
}

}  // namespace migflow
