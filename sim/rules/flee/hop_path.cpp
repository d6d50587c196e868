// The flee ruleset hop by hop (kernel.hpp): Flee's evolve() and finish_travel() for one
// agent at a time. The whole day takes this path when a setting needs per-agent
// history (avoid_short_stints) or per-group tables (the flood forecaster); otherwise the
// walk kernel (walk_kernel.cpp) hands it the movers the walk tables cannot resolve:
// those deciding where a closure touches a link, and agents still on foot.
#include "rules/flee/kernel.hpp"

#include <algorithm>

#include "migflow/engine/rng.hpp"

namespace migflow::detail {

// Fast path first: most agents stand in a camp and fail the move test, so the loop
// over them touches two columns and one table entry and draws one random number.
void FleeRuleset::move_hop_by_hop(std::size_t begin, std::size_t end, std::uint64_t first_gid,
                                  std::uint64_t key, AgentStore& a, DayTally& t) {
    const RegionIndex* region = a.region.data();
    const float* km_left = a.km_left.data();
    const bool track_recent = !recent_.empty();
    if (tables_.size() > 1) {
        // Flood forecaster: each agent reads its awareness group's tables.
        const std::uint8_t* group = a.group.data();
        for (std::size_t id = begin; id < end; ++id) {
            const std::uint64_t gid = first_gid + (id - begin);
            const FleeTables& T = tables_[std::min<std::size_t>(group[id], tables_.size() - 1)];
            if (km_left[id] <= 0.0f) {
                const std::uint64_t bits = random_bits(key, gid);
                if ((bits >> 32) >= T.move_threshold[region[id]]) {
                    if (track_recent) recent_[id] *= 0.5f;
                    continue;
                }
                move_agent(id, gid, bits, true, key, a, t, T);
            } else {
                move_agent(id, gid, 0, false, key, a, t, T);
            }
        }
        return;
    }
    const FleeTables& T = tables_[0];
    const std::uint64_t* threshold = T.move_threshold.data();
    for (std::size_t id = begin; id < end; ++id) {
        const std::uint64_t gid = first_gid + (id - begin);
        if (km_left[id] <= 0.0f) {
            const std::uint64_t bits = random_bits(key, gid);
            if ((bits >> 32) >= threshold[region[id]]) {
                if (track_recent) recent_[id] *= 0.5f;
                continue;
            }
            move_agent(id, gid, bits, true, key, a, t, T);
        } else {
            move_agent(id, gid, 0, false, key, a, t, T);
        }
    }
}

// One agent that moves today on the per-hop path: the link choice of a standing agent
// (`standing`), then Flee's finish_travel() (travel()).
void FleeRuleset::move_agent(std::size_t id, std::uint64_t gid, std::uint64_t bits, bool standing,
                             std::uint64_t key, AgentStore& a, DayTally& t, const FleeTables& T) {
    Leg g{a.region[id], a.from[id], a.km_left[id]};
    if (standing) {
        const std::int32_t l = decide(g.region, bits, false, t, T);
        if (l < 0) {
            if (!recent_.empty()) recent_[id] *= 0.5f;
            return;
        }
        depart(g, g.region, l, t);
    } else {
        bits = random_bits(key, gid);
    }
    travel(id, bits, 1, g, t, T);
    a.region[id] = g.region;
    a.from[id] = g.from;
    a.km_left[id] = g.km_left;
    if (!recent_.empty()) recent_[id] = (recent_[id] + g.moved / static_cast<float>(f_.move.max_move_speed)) / 2.0f;
}

// Flee's finish_travel() from the agent's current link: each link gets a full day's
// credit (per-hop credit); an agent that arrives having moved less than
// max_move_speed decides again. Hop h's decision draws hop_bits(bits, Salt::hop, h).
void FleeRuleset::travel(std::size_t id, std::uint64_t bits, int hop, Leg& g, DayTally& t, const FleeTables& T) {
    const FleeMoveRules& m = f_.move;
    const float speed = static_cast<float>(m.max_move_speed);
    const float walk = static_cast<float>(m.max_walk_speed);
    for (;; ++hop) {
        const bool on_foot = !arrived_once_.empty() && !arrived_once_[id];
        const float credit = on_foot ? walk : speed;
        const float left = g.km_left - credit;
        g.moved += credit;
        const RegionIndex dest = g.region;
        if (!(left < 0.0f)) {
            g.km_left = left > 0.0f ? left : flee_not_quite_there;
            if (g.new_link) ++t.road_enter[dest];
            break;
        }
        g.moved += left;  // only the part of the credit the link needed
        if (!arrived_once_.empty()) arrived_once_[id] = 1;
        if (!g.new_link) ++t.road_leave[dest];
        g.km_left = 0.0f;
        if (!arrive(g, g.new_link ? g.link : link_between(g.from, dest), t, T)) break;
        if (!(g.moved < speed)) break;
        bool force = false;
        if (!recent_.empty()) force = (recent_[id] + g.moved / speed) / 2.0f < 0.5f;  // Flee 2.0 changeset 1
        const std::uint64_t b = hop_bits(bits, Salt::hop, static_cast<std::uint64_t>(hop));
        const std::int32_t l = decide(dest, b, force, t, T);
        if (l < 0) break;
        depart(g, dest, l, t);
    }
}

// A mover deciding again at a location whose links a closure touches: Flee's evolve()
// and finish_travel() hop by hop (draws salted as travel()'s).
void FleeRuleset::hop_per_hop(std::size_t id, std::uint64_t bits, int hop, Leg& g, DayTally& t) {
    const FleeTables& T = tables_[0];
    const std::uint64_t b64 = hop_bits(bits, Salt::hop, static_cast<std::uint64_t>(hop));
    const std::int32_t l = decide(g.region, b64, false, t, T);
    if (l < 0) return;
    depart(g, g.region, l, t);
    travel(id, bits, hop + 1, g, t, T);
}

void FleeRuleset::count_turned_away(const FleeTables& T, RegionIndex r, std::uint64_t bits, std::int32_t l,
                                    DayTally& t) const {
    if (T.closure_touched[r]) {
        const std::int32_t first = choose_in(T.open_link_cum, r, bits);
        if (first >= 0 && !T.link_open[first]) ++t.blocked_by_closure[r];
    }
    if (l >= 0 && T.link_stay[l]) {
        ++t.turned_away_full[r];
        ++t.refused_full[w_.link_to[l]];
    }
}

}  // namespace migflow::detail
