#pragma once
// Internal: the flee ruleset (Flee 3's rules, docs/FLEE-SPEC.md, docs/FLEE.md) on the
// engine's agent columns. One class, its members defined by job:
//   kernel.cpp       the day: conflict onsets, the day's tables, blocks, which move path
//   spawning.cpp     new agents (day 0, data-, conflict- and flood-driven) and their groups
//   hop_path.cpp     Flee's rules hop by hop: the path without walk tables, and movers
//                    the walk kernel hands over (closures, agents still on foot)
//   walk_kernel.cpp  the batched walk-table lookups (FleeWalkBatch)
// The small helpers both move paths call (decide, arrive, depart) are inline here.
#include <tbb/enumerable_thread_specific.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <vector>

#include "engine/thread_tallies.hpp"
#include "migflow/engine/ruleset.hpp"
#include "rules/flee/tables.hpp"
#include "rules/flee/walks.hpp"

namespace migflow::detail {

// Agents per unit of parallel work: fixed, so 1 and N threads give identical results.
inline constexpr std::size_t flee_block_size = 1 << 11;

class FleeRuleset final : public Ruleset {
public:
    FleeRuleset(const Scenario& s, const World& w, const RunOptions& o);

    void populate(const DayState& s, AgentStore& agents, DayTally& tally,
                  std::vector<double>& residents) override;
    void spawn(const DayState& s, AgentStore& agents, DayTally& tally,
               std::vector<double>& residents) override;
    void prepare_day(const DayState& s) override;
    void move(const DayState& s, AgentStore& agents, DayTally& tally) override;
    FullRule full_rule(const World& w, double people_per_agent) const override;
    std::size_t expected_agents() const override;
    double agents_estimate() const override;
    // checkpoint_state.cpp: what carries over from day to day (engine/checkpoint.hpp).
    void save_state(RulesetState& out) const override;
    void restore_state(const RulesetState& in, const AgentStore& agents) override;
    std::size_t extra_bytes_per_agent() const override {
        return (f_.move.start_on_foot ? sizeof(std::uint8_t) : 0) + (f_.move.avoid_short_stints ? sizeof(float) : 0);
    }

private:
    friend class FleeWalkBatch;

    // An agent's journey while its day is resolved, in locals (written back once).
    struct Leg {
        RegionIndex region, from;
        float km_left;
        float moved = 0.0f;     // km credited today
        std::int32_t link = -1; // the current link, once known
        bool new_link = false;  // the current link was entered today
    };

    // kernel.cpp: the day.
    void setup_flood();
    void update_conflict(const DayState& s);
    void prepare_tables(const DayState& s);
    void move_block(std::size_t begin, std::size_t end, std::uint64_t key, AgentStore& a,
                    DayTally& tally, std::uint32_t* ended);

    // spawning.cpp: new agents.
    void add_agents(DayTally& tally, RegionIndex r, std::int64_t n, Day day);
    void create_agents(AgentStore& agents);
    std::uint8_t awareness_group(RegionIndex r, Day day, std::uint64_t gid) const;
    void take(std::vector<double>& residents, std::size_t i, std::int64_t n);
    void spawn_from_data(const DayState& s, AgentStore& agents, DayTally& tally, std::vector<double>& residents);
    void spawn_from_conflict(const DayState& s, DayTally& tally, std::vector<double>& residents);
    void spawn_from_flood(const DayState& s, DayTally& tally, std::vector<double>& residents);
    double checked_count(double x, Day day, std::size_t region) const;
    // Agents of day 0 plus those the spawn rules are expected to create, with the
    // spawned part capped at `cap` (the reservation caps it, the estimate does not).
    double agents_expected(double cap) const;

    // hop_path.cpp: Flee's rules hop by hop.
    void move_hop_by_hop(std::size_t begin, std::size_t end, std::uint64_t first_gid, std::uint64_t key,
                         AgentStore& a, DayTally& t);
    void move_agent(std::size_t id, std::uint64_t gid, std::uint64_t bits, bool standing,
                    std::uint64_t key, AgentStore& a, DayTally& t, const FleeTables& T);
    void travel(std::size_t id, std::uint64_t bits, int hop, Leg& g, DayTally& t, const FleeTables& T);
    void hop_per_hop(std::size_t id, std::uint64_t bits, int hop, Leg& g, DayTally& t);
    // FLEE.md "Turned away": a mover at r whose first choice (the link the same draw
    // picks were no closure in force) is closed was blocked by a closure; one that
    // draws a link into a camp too full to enter (link_stay) was turned away.
    // Out of line and cold: movers that are turned away or meet a closure are few, and
    // inlined this would cost every mover registers (docs/FLEE.md, docs/PERFORMANCE.md
    // "Cold out-of-line paths").
    [[gnu::noinline, gnu::cold]] void count_turned_away(const FleeTables& T, RegionIndex r,
                                                        std::uint64_t bits, std::int32_t l, DayTally& t) const;

    // walk_kernel.cpp: the walk tables' path.
    void move_with_walks(std::size_t begin, std::size_t end, std::uint64_t first_gid, std::uint64_t key,
                         AgentStore& a, DayTally& t, std::uint32_t* ended);
    void walk_slice(std::size_t begin, std::size_t end, std::uint64_t first_gid, std::uint64_t key,
                    AgentStore& a, DayTally& t, std::uint32_t* ended);

    // Flee's evolve(): the move test, then the link choice; returns the link or -1.
    // The choice counts the links whose cumulative threshold is at or below the
    // draw, without branches (the exit of a search loop is unpredictable).
    std::int32_t decide(RegionIndex r, std::uint64_t b, bool force, DayTally& t, const FleeTables& T) const {
        if ((b >> 32) >= T.move_threshold[r] && !(force && T.town[r])) return -1;
        const std::int32_t l = choose_in(T.link_cum, r, b);
        // One load tells whether this choice needs counting (FLEE.md "Turned away").
        if (l < 0 || T.link_flags[l]) [[unlikely]] {
            count_turned_away(T, r, b, l, t);
            if (l < 0 || (T.link_flags[l] & flee_link_stay)) return -1;
        }
        return l;
    }
    // Arrival at g.region over link `on` (-1: not looked up, open): an agent whose link
    // closed while it was on it goes back to where it started, blocked by the closure
    // (FLEE.md "Turned away"). Returns whether it arrived.
    bool arrive(Leg& g, std::int32_t on, DayTally& t, const FleeTables& T) const {
        if (on >= 0 && !T.link_open[on]) {
            g.region = g.from;
            ++t.arrivals[g.from];
            ++t.blocked_by_closure[g.from];
            return false;
        }
        ++t.arrivals[g.region];
        return true;
    }
    void depart(Leg& g, RegionIndex at, std::int32_t l, DayTally& t) const {
        ++t.departures[at];
        ++(st_.link_forward[l] ? t.flow_forward : t.flow_backward)[w_.link_route[l]];
        g.link = l;
        g.from = at;
        g.region = w_.link_to[l];
        g.km_left = w_.link_km[l];
        g.new_link = true;
    }
    // The first link whose cumulative threshold exceeds the draw in `cum`, counted
    // without branches; -1 when none is open.
    std::int32_t choose_in(const std::vector<std::uint64_t>& cum, RegionIndex r, std::uint64_t bits) const {
        const std::uint64_t u = bits & 0xffffffffULL;
        const auto b = w_.link_begin[r], e = w_.link_begin[r + 1];
        std::int32_t below = 0;
        for (auto l = b; l < e; ++l) below += cum[l] <= u;
        return b + below < e ? b + below : -1;
    }
    std::int32_t link_between(RegionIndex from, RegionIndex to) const {
        for (auto l = w_.link_begin[from]; l < w_.link_begin[from + 1]; ++l)
            if (w_.link_to[l] == to) return l;
        return -1;
    }

    const Scenario& s_;
    const World& w_;
    FleeSettings f_;
    std::uint64_t seed_;
    FleeStatic st_;
    std::vector<FleeTables> tables_ = std::vector<FleeTables>(1);  // one per flood-awareness group
    std::vector<Day> toc_;
    std::vector<std::uint8_t> was_conflict_;
    std::vector<double> pop_;
    std::vector<double> total_obs_;
    std::int64_t debt_ = 0;
    Day updated_day_ = -1;
    std::vector<std::uint8_t> arrived_once_;  // start_on_foot: has reached a location since spawning
    std::vector<float> recent_;               // avoid_short_stints: Flee's recent_travel_distance
    std::vector<std::vector<double>> level_by_day_;  // DFlee: flood level per day and region
    FleeFloodDay flood_day_;
    std::vector<double> group_weight_;               // flood-awareness weight per agent group
    std::vector<std::vector<double>> group_share_;   // per region: cumulative group shares
    struct NewAgents {
        RegionIndex region;
        std::int64_t count;
        Day day;
    };
    std::vector<NewAgents> new_agents_;  // agents to create in today's batch, in order
    ThreadTallies partial_{w_.region_count(), w_.route_count()};
    // The day's walk tables (docs/FLEE.md "How a day's hops are resolved") and, per
    // thread, how many agents ended their walks at each node.
    bool use_walks_ = false;
    std::vector<std::uint32_t> move32_;  // per region: bernoulli32(move chance) for the flag pass
    bool any_closed_ = false;  // a link is closed today
    std::exception_ptr prepare_failed_;  // of prepare_day, thrown by move()
    FleeWalkTables walks_;
    tbb::enumerable_thread_specific<std::vector<std::uint32_t>> ended_;
    std::vector<std::int64_t> ended_total_, through_;
};

}  // namespace migflow::detail
