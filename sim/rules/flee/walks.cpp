// The flee ruleset's walk tables (docs/FLEE.md "How a day's hops are resolved"): the
// likeliest walks of a few hops from each location as an alias table, built once per
// location and day from the day's move chances and link thresholds; and the day's
// tallies from the walks' ends.
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>

#include "rules/flee/walks.hpp"

namespace migflow::detail {

namespace {

struct Scratch {
    std::vector<double> prob;    // per node: chance that a walk passes it
    std::vector<double> weight;  // per node: chance that a walk ends there
    std::vector<std::uint32_t> small, large;
    std::vector<double> scaled;
    std::vector<std::pair<double, std::uint32_t>> open;
};

// Vose's alias table over `n` weights starting at node `first`.
void build_alias(const double* weight, std::uint32_t first, std::uint32_t n, Scratch& s,
                 std::vector<FleeAlias>& out) {
    out.assign(n, FleeAlias{});
    double total = 0.0;
    for (std::uint32_t i = 0; i < n; ++i) total += weight[i];
    s.scaled.resize(n);
    s.small.clear(), s.large.clear();
    for (std::uint32_t i = 0; i < n; ++i) {
        s.scaled[i] = total > 0.0 ? weight[i] * n / total : 1.0;
        (s.scaled[i] < 1.0 ? s.small : s.large).push_back(i);
    }
    while (!s.small.empty() && !s.large.empty()) {
        const std::uint32_t a = s.small.back(), b = s.large.back();
        s.small.pop_back();
        out[a] = {static_cast<std::uint32_t>(s.scaled[a] * 4294967296.0), first + b};
        s.scaled[b] -= 1.0 - s.scaled[a];
        if (s.scaled[b] < 1.0) {
            s.large.pop_back();
            s.small.push_back(b);
        }
    }
    // What is left is full to within rounding: always itself.
    for (std::uint32_t i : s.small) out[i] = {0xffffffffU, first + i};
    for (std::uint32_t i : s.large) out[i] = {0xffffffffU, first + i};
}

// Location r's walks, most likely first: a node is expanded (its move test and link
// choice become children) while the nodes fit in max_nodes; each node's chance is its
// parent's x the parent's move chance x the link's share (the same 2^-32 thresholds
// the per-hop path draws against).
void build_walks(const FleeTables& t, const World& w, float speed, std::size_t max_nodes,
                 RegionIndex r, Scratch& s, FleeWalks& out) {
    out.nodes.clear(), out.parent.clear(), out.link.clear(), out.end.clear();
    out.per_hop = t.closure_touched[r];
    if (out.per_hop) {
        out.moving.clear();
        return;
    }
    auto add = [&](const FleeWalkNode& v, std::int32_t parent, std::int32_t link, WalkEnd end, double prob) {
        out.nodes.push_back(v);
        out.parent.push_back(parent);
        out.link.push_back(link);
        out.end.push_back(end);
        s.prob.push_back(prob);
        s.weight.push_back(prob);
    };
    s.prob.clear(), s.weight.clear();
    FleeWalkNode root;
    root.region = r;
    root.from = -1;  // an agent that stays keeps its own
    add(root, -1, -1, WalkEnd::root, 1.0);
    // Nodes where the walk decides again, by chance of getting there (max-heap).
    auto& open = s.open;
    open.clear();
    auto push = [&](std::uint32_t n) {
        open.push_back({s.prob[n], n});
        std::push_heap(open.begin(), open.end());
    };
    constexpr float goes_on = -1.0f;
    push(0);
    while (!open.empty()) {
        std::pop_heap(open.begin(), open.end());
        const std::uint32_t n = open.back().second;
        open.pop_back();
        const RegionIndex d = out.nodes[n].region;
        const auto b = w.link_begin[d], e = w.link_begin[d + 1];
        if (n > 0 && out.nodes.size() + std::size_t(e - b) > max_nodes) {
            // Full: this node and every other still open go on in the kernel.
            out.nodes[n].km_left = goes_on;
            for (const auto& o : open) out.nodes[o.second].km_left = goes_on;
            break;
        }
        const double move = static_cast<double>(t.move_threshold[d]) * 0x1.0p-32;
        const double p = s.prob[n] * move;
        std::uint64_t prev = 0;
        double left = 1.0;  // share of the move chance that finds no link stays
        for (auto l = b; l < e; ++l) {
            const std::uint64_t width = t.link_cum[l] - prev;
            prev = t.link_cum[l];
            if (width == 0) continue;
            const double share = static_cast<double>(width) * 0x1.0p-32;
            left -= share;
            FleeWalkNode c;
            c.from = d;
            WalkEnd end = WalkEnd::arrive;
            bool decides = false;
            if (t.link_stay[l]) {
                // Stays where the walk got to, as it got there.
                end = WalkEnd::turned_away;
                c.region = d;
                c.from = out.nodes[n].from;
            } else {
                c.region = w.link_to[l];
                const float km = w.link_km[l];
                const float over = km - speed;
                if (!(over < 0.0f)) {
                    end = WalkEnd::road;
                    c.km_left = over > 0.0f ? over : flee_not_quite_there;
                } else {
                    c.km = out.nodes[n].km + km;
                    // Still credit left: decides again there, on the per-hop path
                    // where a closure touches that location's links.
                    decides = c.km < speed;
                    if (decides && t.closure_touched[c.region]) c.km_left = goes_on, decides = false;
                }
            }
            const auto k = static_cast<std::uint32_t>(out.nodes.size());
            add(c, static_cast<std::int32_t>(n), l, end, p * share);
            if (decides) push(k);
        }
        // Ends here: fails the move test, or moves but finds no link.
        s.weight[n] = s.prob[n] * (1.0 - move) + p * std::max(0.0, left);
    }
    const auto n = static_cast<std::uint32_t>(out.nodes.size());
    if (n > 1) build_alias(s.weight.data() + 1, 1, n - 1, s, out.moving);
    else out.moving.clear();
}

}  // namespace

void compute_flee_walks(const FleeTables& t, const World& w, float speed, std::size_t max_nodes,
                        FleeWalkTables& out) {
    const std::size_t R = w.region_count();
    out.at.resize(R);
    static tbb::enumerable_thread_specific<Scratch> scratch;
    out.speed = speed;
    tbb::parallel_for(std::size_t(0), R, [&](std::size_t r) {
        Scratch& s = scratch.local();
        build_walks(t, w, speed, max_nodes, static_cast<RegionIndex>(r), s, out.at[r]);
    });
    out.head.resize(R);
    std::size_t total = 0;
    for (std::size_t r = 0; r < R; ++r) {
        out.head[r] = {nullptr, static_cast<std::uint32_t>(out.at[r].moving.size()), static_cast<std::uint32_t>(total)};
        total += out.at[r].nodes.size();
    }
    out.node_count = total;
    out.slots.resize(total);
    for (std::size_t r = 0; r < R; ++r) out.head[r].slots = out.slots.data() + out.head[r].offset;
    tbb::parallel_for(std::size_t(0), R, [&](std::size_t r) {
        const FleeWalks& x = out.at[r];
        FleeWalkSlot* slot = out.slots.data() + out.head[r].offset;
        for (std::size_t n = 0; n < x.nodes.size(); ++n) {
            const std::int32_t p = x.parent[n];
            slot[n].draw = n > 0 && n - 1 < x.moving.size() ? x.moving[n - 1] : FleeAlias{};
            slot[n].node = x.nodes[n];
            slot[n].parent = p;
            slot[n].km_before = p >= 0 ? x.nodes[static_cast<std::size_t>(p)].km : 0.0f;
        }
    });
}

void add_flee_walk_tallies(const FleeWalkTables& walks, const World& w,
                           const std::vector<std::uint8_t>& link_forward,
                           const std::vector<std::int64_t>& counts, std::vector<std::int64_t>& through,
                           DayTally& t) {
    through.assign(counts.begin(), counts.begin() + std::ptrdiff_t(walks.node_count));
    for (std::size_t r = 0; r < walks.at.size(); ++r) {
        const FleeWalks& x = walks.at[r];
        std::int64_t* const c = through.data() + walks.head[r].offset;
        // Children come after their parents: one backward pass sums every subtree.
        for (std::size_t n = x.nodes.size(); n-- > 1;) {
            if (c[n] == 0) continue;
            c[x.parent[n]] += c[n];
            const std::int32_t l = x.link[n];
            const FleeWalkNode& v = x.nodes[n];
            if (x.end[n] == WalkEnd::turned_away) {
                t.turned_away_full[v.region] += c[n];
                t.refused_full[w.link_to[l]] += c[n];
                continue;
            }
            t.departures[v.from] += c[n];
            (link_forward[l] ? t.flow_forward : t.flow_backward)[w.link_route[l]] += c[n];
            (x.end[n] == WalkEnd::road ? t.road_enter : t.arrivals)[v.region] += c[n];
        }
    }
}

}  // namespace migflow::detail
