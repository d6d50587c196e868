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
    std::vector<std::int32_t> fill(w.link_begin.begin(), w.link_begin.end() - 1);
    for (std::size_t e = 0; e < s.routes.size(); ++e) {
        const auto& rt = s.routes[e];
        const auto put = [&](RegionIndex a, RegionIndex b) {
            const auto l = fill[a]++;
            w.link_to[l] = b;
            w.link_route[l] = static_cast<RouteIndex>(e);
            w.link_km[l] = static_cast<float>(rt.km);
        };
        put(rt.from, rt.to);
        put(rt.to, rt.from);
    }
    return w;
}

namespace {

void close_links_of(const World& w, RegionIndex r, std::vector<std::uint8_t>& route_open) {
    for (auto l = w.link_begin[r]; l < w.link_begin[r + 1]; ++l) route_open[w.link_route[l]] = 0;
}

bool joins(const World& w, RouteIndex e, std::int32_t ca, std::int32_t cb) {
    const auto a = w.country_of[w.routes[e].from];
    const auto b = w.country_of[w.routes[e].to];
    return (a == ca && b == cb) || (a == cb && b == ca);
}

std::int32_t country_index(const World& w, const std::string& name) {
    const auto it = std::find(w.countries.begin(), w.countries.end(), name);
    return it == w.countries.end() ? -1 : static_cast<std::int32_t>(it - w.countries.begin());
}

}  // namespace

void compute_openness(const Scenario& s, const World& w, Day t, Openness& out) {
    out.route_open.assign(w.route_count(), 1);
    out.region_open.assign(w.region_count(), 1);
    out.camp_open.assign(w.region_count(), 1);
    for (const auto& c : s.closures) {
        if (t < c.start || t >= c.end) continue;
        switch (c.kind) {
        case Closure::Kind::route:
            if (c.route >= 0) {
                out.route_open[c.route] = 0;
                break;
            }
            for (auto l = w.link_begin[c.a]; l < w.link_begin[c.a + 1]; ++l)
                if (w.link_to[l] == c.b) out.route_open[w.link_route[l]] = 0;
            break;
        case Closure::Kind::region:
            out.region_open[c.a] = 0;
            close_links_of(w, c.a, out.route_open);
            break;
        case Closure::Kind::camp:
            out.camp_open[c.a] = 0;
            break;
        case Closure::Kind::border: {
            const auto ca = country_index(w, c.country_a);
            const auto cb = country_index(w, c.country_b);
            if (ca < 0 || cb < 0) break;
            for (std::size_t e = 0; e < w.route_count(); ++e)
                if (joins(w, static_cast<RouteIndex>(e), ca, cb)) out.route_open[e] = 0;
            break;
        }
        }
    }
}

}  // namespace migflow
