// Routes without a road network (docs/DATA.md "Routes"): each node to its k nearest
// neighbours, km = great-circle distance × circuity, then the shortest links between
// components until one can travel from every node to every other. Camps are not linked
// to each other: people reach a camp from a place (as in Flee's hand-built cases), and a
// camp-to-camp road would let a near-full camp drain into the next one across a border.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "migflow/casebuild/build_case.hpp"

namespace migflow::casebuild {

namespace {

struct Components {
    std::vector<int> parent;
    explicit Components(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
    int find(int a) { return parent[a] == a ? a : parent[a] = find(parent[a]); }
    bool join(int a, int b) {
        a = find(a), b = find(b);
        if (a == b) return false;
        parent[std::max(a, b)] = std::min(a, b);
        return true;
    }
};

// One decimal of a km, as Flee's routes.csv files give them at most.
double rounded_km(double km) { return std::max(0.1, std::round(km * 10.0) / 10.0); }

}  // namespace

std::vector<CaseRoute> nearest_neighbour_routes(const std::vector<Node>& nodes, int k, double circuity) {
    const std::size_t n = nodes.size();
    auto km = [&](std::size_t a, std::size_t b) {
        return great_circle_km(nodes[a].lat, nodes[a].lon, nodes[b].lat, nodes[b].lon);
    };
    std::set<std::pair<int, int>> pairs;
    std::vector<CaseRoute> routes;
    auto add = [&](std::size_t a, std::size_t b, bool joins) {
        const std::pair<int, int> key{static_cast<int>(std::min(a, b)), static_cast<int>(std::max(a, b))};
        if (a == b || !pairs.insert(key).second) return;
        routes.push_back({key.first, key.second, rounded_km(km(a, b) * circuity), joins});
    };
    auto linkable = [&](std::size_t a, std::size_t b) { return a != b && !(nodes[a].camp && nodes[b].camp); };
    std::vector<std::size_t> order;
    for (std::size_t a = 0; a < n; ++a) {
        order.clear();
        for (std::size_t b = 0; b < n; ++b)
            if (linkable(a, b)) order.push_back(b);
        const std::size_t take = std::min<std::size_t>(static_cast<std::size_t>(k), order.size());
        std::partial_sort(order.begin(), order.begin() + static_cast<long>(take), order.end(),
                          [&](std::size_t x, std::size_t y) { return std::pair(km(a, x), x) < std::pair(km(a, y), y); });
        for (std::size_t i = 0; i < take; ++i) add(a, order[i], false);
    }
    Components comp(n);
    for (const CaseRoute& r : routes) comp.join(r.a, r.b);
    // Kruskal over the pairs in different components: the shortest joining link first.
    for (;;) {
        double best = -1.0;
        std::pair<std::size_t, std::size_t> join{0, 0};
        for (std::size_t a = 0; a < n; ++a)
            for (std::size_t b = a + 1; b < n; ++b)
                if (linkable(a, b) && comp.find(static_cast<int>(a)) != comp.find(static_cast<int>(b)) &&
                    (best < 0 || km(a, b) < best))
                    best = km(a, b), join = {a, b};
        if (best < 0) break;
        add(join.first, join.second, true);
        comp.join(static_cast<int>(join.first), static_cast<int>(join.second));
    }
    return routes;
}

}  // namespace migflow::casebuild
