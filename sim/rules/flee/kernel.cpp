// The flee ruleset: Flee 3's rules (docs/FLEE-SPEC.md, docs/FLEE.md) on the
// engine's agent columns. Region work once per day (tables.cpp, walks.cpp); the agent
// kernel is parallel over fixed blocks and reads only start-of-day tables, so 1 and
// N threads give identical results.
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include "rules/flee/tables.hpp"
#include "rules/flee/walks.hpp"
#include "rules/flagged.hpp"
#include "rules/id32_runs.hpp"
#include "engine/thread_tallies.hpp"
#include "migflow/core/errors.hpp"
#include "migflow/engine/rng.hpp"

namespace migflow {

namespace {

constexpr std::size_t block_size = 1 << 11;
// Nodes per location in the walk tables: about one per `agents_per_walk_node` agents
// there on average, so that building them costs less than the agents they serve, and
// at most max_walk_nodes, so that the day's tables stay in the caches (more nodes
// cover more hops but cost more misses: docs/PERFORMANCE.md "Walk tables").
constexpr double agents_per_walk_node = 8.0;
constexpr std::size_t min_walk_nodes = 16, max_walk_nodes = 192;
constexpr float not_quite_there = detail::flee_not_quite_there;

// The agent takes walk node v as where it is (from < 0: keeps its own).
inline void end_at(RegionIndex& region, RegionIndex& from, float& km_left, const detail::FleeWalkNode& v) {
    region = v.region;
    if (v.from >= 0) from = v.from;
    km_left = v.km_left > 0.0f ? v.km_left : 0.0f;
}

// The fast move test of every agent in a run, vectorised (32-bit draws, as the native
// kernel's flag_block): flag = travelling, or standing and Bernoulli(move chance).
// Sanitizer builds take the default clone: TSan crashes in the IFUNC resolver.
#ifdef MIGFLOW_NO_TARGET_CLONES
#define FLEE_CLONES
#else
#define FLEE_CLONES __attribute__((target_clones("avx2", "default")))
#endif
FLEE_CLONES void flee_flag_block(const RegionIndex* __restrict region, const float* __restrict km_left,
                                 const std::uint32_t* __restrict thr, std::uint64_t key, std::uint32_t first_id,
                                 std::size_t n, std::uint8_t* __restrict flag) {
    for (std::size_t k = 0; k < n; ++k) {
        const std::uint32_t t = thr[region[k]];
        const std::uint32_t u = random32(key, first_id + std::uint32_t(k));
        flag[k] = std::uint8_t((u < t) | (t == always32) | (km_left[k] > 0.0f));
    }
}

class FleeRuleset final : public Ruleset {
public:
    FleeRuleset(const Scenario& s, const World& w, const RunOptions& o)
        : s_(s), w_(w), f_(s.flee.value_or(FleeSettings{})), seed_(o.seed),
          st_(detail::make_flee_static(s, w)) {
        const std::size_t n = w.region_count();
        toc_.assign(n, 0);
        was_conflict_.assign(n, 0);
        pop_ = st_.population;
        for (std::size_t k = 0; k < s.observed.region.size(); ++k) {
            const auto& c = s.observed.count[k];
            total_obs_.resize(std::max(total_obs_.size(), c.size()), 0.0);
            for (std::size_t t = 0; t < c.size(); ++t) total_obs_[t] += c[t];
        }
        // Data rows Flee adds to the spawn total without scoring them (docs/FLEE.md).
        const auto& extra = f_.data_total_extra;
        total_obs_.resize(std::max(total_obs_.size(), extra.size()), 0.0);
        for (std::size_t t = 0; t < extra.size(); ++t) total_obs_[t] += extra[t];
        setup_flood();
    }

    void populate(const DayState& s, AgentStore& agents, DayTally& tally,
                  std::vector<double>& residents) override {
        update_conflict(s);
        residents.assign(w_.region_count(), 0.0);
        for (std::size_t i = 0; i < residents.size(); ++i)
            if (!st_.camp[i]) residents[i] = pop_[i];
        if (!f_.spawn.insert_day0) return;
        for (std::size_t k = 0; k < s_.observed.region.size(); ++k) {
            if (s_.observed.count[k].empty()) continue;
            const auto n = static_cast<std::int64_t>(std::trunc(s_.observed.count[k][0]));
            add_agents(tally, s_.observed.region[k], n, -1);
        }
        create_agents(agents);
    }

    void spawn(const DayState& s, AgentStore& agents, DayTally& tally,
               std::vector<double>& residents) override {
        update_conflict(s);
        if (f_.spawn.flood_driven) spawn_from_flood(s, tally, residents);
        else if (f_.spawn.mode == FleeSpawnMode::data_driven) spawn_from_data(s, agents, tally, residents);
        else spawn_from_conflict(s, tally, residents);
        create_agents(agents);
    }

    void move(const DayState& s, AgentStore& agents, DayTally& tally) override;

    // FLEE.md "Turned away": a camp is full when agents stop entering it, capMult < 0.5,
    // i.e. agents there > capacity x (1 + capacity_buffer) / 2, with Flee's capacity
    // (day-0 count subtracted, capacity_scaling applied; below 1: unlimited).
    FullRule full_rule(const World& w, double people_per_agent) const override {
        FullRule rule;
        rule.counts_inbound = false;  // Flee's multiplier counts the agents there only
        rule.full_above.resize(w.region_count());
        for (std::size_t r = 0; r < w.region_count(); ++r) {
            const double cap = st_.capacity[r];
            rule.full_above[r] = cap < 1.0 ? std::numeric_limits<double>::infinity()
                                           : cap * (1.0 + f_.move.capacity_buffer) / 2.0 * people_per_agent;
        }
        return rule;
    }

    std::size_t expected_agents() const override {
        std::size_t n = 0;
        for (std::size_t k = 0; k < s_.observed.count.size(); ++k)
            if (!s_.observed.count[k].empty()) n += static_cast<std::size_t>(std::max(0.0, s_.observed.count[k][0]));
        if (f_.spawn.flood_driven) {
            // take_from_population bounds pop_ratio by the populations; counts by day.
            double most = 0.0;
            for (double d : f_.spawn.displaced_per_flood_day) most = std::max(most, d);
            double bound = 0.0;
            for (double p : pop_) bound += p;
            if (f_.spawn.flood_mode != FleeFloodSpawnMode::pop_ratio)
                bound = std::min(bound, most * static_cast<double>(s_.days) * static_cast<double>(pop_.size()));
            return n + static_cast<std::size_t>(std::min(bound, 1e8));
        }
        if (f_.spawn.mode == FleeSpawnMode::data_driven) {
            for (std::size_t t = 1; t < total_obs_.size(); ++t)
                n += static_cast<std::size_t>(std::max(0.0, total_obs_[t] - total_obs_[t - 1]));
            return n;
        }
        // Conflict-driven: the expected count from the conflict driver, day by day
        // (populations as at the start, so an upper bound with take_from_population).
        // A hint for one reservation only; the store still grows past it if needed.
        DriverValues dv;
        double expected = 0.0;
        for (Day t = 0; t < s_.days; ++t) {
            evaluate_drivers(s_, t, dv);
            for (std::size_t i = 0; i < pop_.size(); ++i) {
                const double c = dv.conflict[static_cast<Eigen::Index>(i)];
                if (!(c > 0.0)) continue;
                const double rate = f_.spawn.displaced_per_conflict_day;
                expected += f_.spawn.mode == FleeSpawnMode::pop_ratio ? rate * pop_[i] * c
                            : f_.spawn.mode == FleeSpawnMode::poisson ? rate * c + 5.0 * std::sqrt(rate * c) + 1.0
                                                                      : rate * c;
            }
        }
        return n + static_cast<std::size_t>(std::min(expected, 1e8));
    }

private:
    // Conflict onset days (time_of_conflict) for the decay of scores and spawn weights.
    void update_conflict(const DayState& s) {
        if (updated_day_ == s.day) return;
        updated_day_ = s.day;
        for (std::size_t i = 0; i < toc_.size(); ++i) {
            const bool c = s.drivers.conflict.size() && s.drivers.conflict[i] > 0.0;
            if (c && !was_conflict_[i]) toc_[i] = s.day;
            was_conflict_[i] = c;
        }
    }

    // n new agents in region r, created by create_agents() in the order of these calls;
    // `day` keys the draw of their flood-awareness group (-1: before day 0).
    void add_agents(DayTally& tally, RegionIndex r, std::int64_t n, Day day) {
        if (n <= 0) return;
        tally.spawned[r] += n;
        new_runs_.push_back({r, n, day});
    }

    // The agents of the add_agents() calls since the last batch: one batch of global
    // ids, of which this process fills its slice (AgentStore::add_batch).
    void create_agents(AgentStore& agents) {
        std::uint64_t total = 0;
        for (const auto& run : new_runs_) total += std::uint64_t(run.count);
        std::uint64_t g = agents.global_count;
        const auto mine = total > 0 ? agents.add_batch(total) : AgentStore::IdRange{0, 0, 0};
        for (const auto& run : new_runs_) {
            const auto g0 = std::max(g, mine.begin), g1 = std::min(g + std::uint64_t(run.count), mine.end);
            for (auto id = g0; id < g1; ++id) {
                const std::size_t i = mine.local_begin + std::size_t(id - mine.begin);
                agents.region[i] = agents.from[i] = run.region;
                if (!group_share_.empty()) agents.group[i] = awareness_group(run.region, run.day, id);
            }
            g += std::uint64_t(run.count);
        }
        new_runs_.clear();
        if (f_.move.start_on_foot) arrived_once_.resize(agents.size(), 0);
        if (f_.move.avoid_short_stints) recent_.resize(agents.size(), 0.0f);
    }

    // Flee draws each agent's demographics from the location's column of
    // demographics_floodawareness.csv (or Default); keyed by the global id.
    std::uint8_t awareness_group(RegionIndex r, Day day, std::uint64_t gid) const {
        const std::vector<double>& cum = group_share_[static_cast<std::size_t>(r)];
        const double u = uniform01(random_bits(stream_key(seed_, Purpose::group, day), gid)) * cum.back();
        const auto g = std::upper_bound(cum.begin(), cum.end(), u) - cum.begin();
        return static_cast<std::uint8_t>(std::min<std::ptrdiff_t>(g, static_cast<std::ptrdiff_t>(cum.size()) - 1));
    }

    void take(std::vector<double>& residents, std::size_t i, std::int64_t n) {
        if (!f_.spawn.take_from_population) return;
        pop_[i] = std::max(0.0, pop_[i] - static_cast<double>(n));
        if (i < residents.size()) residents[i] = std::max(0.0, residents[i] - static_cast<double>(n));
    }

    // SPEC step 2: the day's increase of the observed camp total, minus a carried debt,
    // spread over conflict locations by population x conflict x decay.
    void spawn_from_data(const DayState& s, AgentStore& agents, DayTally& tally, std::vector<double>& residents) {
        const Day t = s.day;
        double diff = 0.0;
        if (t > 0 && static_cast<std::size_t>(t) < total_obs_.size()) diff = total_obs_[t] - total_obs_[t - 1];
        if (t == 0 && f_.spawn.insert_day0) diff = 0.0;  // day 0 is in the camps already
        std::int64_t n = static_cast<std::int64_t>(std::llround(diff)) - debt_;
        if (n < 0) {
            debt_ = -n;
            n = 0;
        } else {
            debt_ = 0;
        }
        if (n == 0) return;
        const std::size_t R = w_.region_count();
        std::vector<double> cum(R, 0.0);
        double total = 0.0;
        int conflict_zones = 0;
        for (std::size_t i = 0; i < R; ++i) {
            const double c = s.drivers.conflict[i];
            if (c > 0.0) {
                ++conflict_zones;
                total += pop_[i] * c * detail::flee_conflict_decay(f_.spawn, t - toc_[i]);
            }
            cum[i] = total;
        }
        const bool uniform = !(total > 0.0);
        if (uniform) {
            if (conflict_zones == 0) return;  // nowhere to spawn; Flee would fail here
            total = 0.0;
            for (std::size_t i = 0; i < R; ++i) cum[i] = total += s.drivers.conflict[i] > 0.0 ? 1.0 : 0.0;
        }
        std::vector<std::int64_t> per_region(R, 0);
        const auto key = stream_key(seed_, Purpose::spawn_origin, t);
        const std::uint64_t first_id = agents.global_count;  // the draws are keyed by global id
        for (std::int64_t k = 0; k < n; ++k) {
            const double u = uniform01(random_bits(key, first_id + static_cast<std::uint64_t>(k))) * total;
            // The first region whose cumulative weight exceeds u: never a zero-weight one.
            auto it = std::upper_bound(cum.begin(), cum.end(), u);
            if (it == cum.end()) it = std::lower_bound(cum.begin(), cum.end(), total);  // u rounded up to total
            ++per_region[static_cast<std::size_t>(it - cum.begin())];
        }
        // Agents are stored region by region; origins only depend on the draws above.
        for (std::size_t i = 0; i < R; ++i) {
            add_agents(tally, static_cast<RegionIndex>(i), per_region[i], t);
            take(residents, i, per_region[i]);
        }
    }

    // conflict_driven_spawning: a count per conflict location and day.
    void spawn_from_conflict(const DayState& s, DayTally& tally, std::vector<double>& residents) {
        const auto key = stream_key(seed_, Purpose::spawn, s.day);
        const double rate = f_.spawn.displaced_per_conflict_day;
        for (std::size_t i = 0; i < w_.region_count(); ++i) {
            const double c = s.drivers.conflict[i];
            if (!(c > 0.0)) continue;
            std::int64_t n = 0;
            switch (f_.spawn.mode) {
                case FleeSpawnMode::constant: n = static_cast<std::int64_t>(checked_count(rate * c, s.day, i)); break;
                case FleeSpawnMode::pop_ratio: n = static_cast<std::int64_t>(checked_count(rate * pop_[i] * c, s.day, i)); break;
                case FleeSpawnMode::poisson: n = poisson(checked_count(rate * c, s.day, i), key, i); break;
                default: break;
            }
            add_agents(tally, static_cast<RegionIndex>(i), n, s.day);
            take(residents, i, n);
        }
    }

    // DFlee's flood-driven spawning (spawning.py): every location with flood level
    // L > 0 spawns int(d(L)), int(d(L) x population) or Poisson(int(d(L))) agents,
    // d interpolated in displaced_per_flood_day; take_from_population is required.
    void spawn_from_flood(const DayState& s, DayTally& tally, std::vector<double>& residents) {
        const auto key = stream_key(seed_, Purpose::spawn, s.day);
        const auto& rate = f_.spawn.displaced_per_flood_day;
        for (std::size_t i = 0; i < w_.region_count(); ++i) {
            const double L = s.drivers.climate.size() ? s.drivers.climate[static_cast<Eigen::Index>(i)] : 0.0;
            if (!(L > 0.0)) continue;
            const double d = detail::flee_interp(rate, L);
            std::int64_t n = 0;
            switch (f_.spawn.flood_mode) {
                case FleeFloodSpawnMode::constant: n = static_cast<std::int64_t>(checked_count(d, s.day, i)); break;
                case FleeFloodSpawnMode::pop_ratio: n = static_cast<std::int64_t>(checked_count(d * pop_[i], s.day, i)); break;
                case FleeFloodSpawnMode::poisson: n = poisson(std::trunc(checked_count(d, s.day, i)), key, i); break;
            }
            add_agents(tally, static_cast<RegionIndex>(i), n, s.day);
            take(residents, i, n);
        }
    }

    // The flood levels of every day the forecaster may look at, and the awareness
    // groups' cumulative shares per region.
    void setup_flood() {
        const FleeFloodRules& fr = f_.flood;
        if (!fr.enabled) return;
        Day last = std::max<Day>(s_.days - 1, 0);
        if (fr.forecaster) last = std::max<Day>(last, std::min<Day>(last + fr.forecaster_timescale, fr.forecaster_end_time));
        DriverValues dv;
        level_by_day_.assign(static_cast<std::size_t>(last) + 1, {});
        for (Day t = 0; t <= last; ++t) {
            evaluate_drivers(s_, t, dv);
            level_by_day_[static_cast<std::size_t>(t)].assign(dv.climate.data(), dv.climate.data() + dv.climate.size());
        }
        if (!fr.forecaster) return;
        const FleeFloodAwareness& a = f_.flood_awareness;
        group_weight_.clear();
        for (int g : a.group_value)
            group_weight_.push_back(static_cast<std::size_t>(g) < fr.awareness_weights.size() ? fr.awareness_weights[static_cast<std::size_t>(g)] : 0.0);
        if (group_weight_.empty()) {
            group_weight_.push_back(fr.awareness_weights.empty() ? 0.0 : fr.awareness_weights[0]);
            return;  // one group: no draw
        }
        group_share_.assign(w_.region_count(), {});
        for (std::size_t i = 0; i < w_.region_count(); ++i) {
            const auto it = std::find(a.locations.begin(), a.locations.end(), w_.regions[i].name);
            const std::vector<double>& share =
                it != a.locations.end() ? a.location_share[static_cast<std::size_t>(it - a.locations.begin())] : a.default_share;
            double acc = 0.0;
            for (std::size_t g = 0; g < group_weight_.size(); ++g) {
                acc += g < share.size() ? share[g] : 0.0;
                group_share_[i].push_back(acc);
            }
            if (!(acc > 0.0)) group_share_[i].back() = 1.0;  // no shares: the last group
        }
    }

    // New agents from a product of inputs that are each bounded (docs/FLEE.md "Bounds")
    // but together may not be: more than 1e9 new agents at one location in one day is
    // wrong input (and a bigger double would overflow the conversion, or take the Poisson
    // draw hours).
    double checked_count(double x, Day day, std::size_t region) const {
        if (!(x <= 1e9))
            throw std::runtime_error("flee ruleset: day " + std::to_string(day) + " would create " + short_number(x) +
                                     " agents at `" + s_.regions[region].name +
                                     "` (more than 1e+09): check displaced_per_conflict_day and conflicts.csv");
        return x;
    }

    // Poisson by inversion, in chunks of mean <= 500 so that exp(-mean) stays finite.
    static std::int64_t poisson(double mean, std::uint64_t key, std::size_t region) {
        std::int64_t n = 0;
        std::uint64_t draw = static_cast<std::uint64_t>(region) << 32;
        while (mean > 0.0) {
            const double m = std::min(mean, 500.0);
            mean -= m;
            double p = std::exp(-m), cdf = p;
            const double u = uniform01(random_bits(key, draw++));
            std::int64_t k = 0;
            while (u > cdf && k < 100000) {
                ++k;
                p *= m / static_cast<double>(k);
                cdf += p;
            }
            n += k;
        }
        return n;
    }

    // An agent's journey while its day is resolved, in locals (written back once).
    struct Leg {
        RegionIndex region, from;
        float km_left;
        float moved = 0.0f;     // km credited today
        std::int32_t link = -1; // the current link, once known
        bool new_link = false;  // the current link was entered today
    };
    void move_block(std::size_t begin, std::size_t end, std::uint64_t key, AgentStore& a,
                    DayTally& tally, std::uint32_t* ended);
    void move_run(std::size_t begin, std::size_t end, std::uint64_t first_gid, std::uint64_t key,
                  AgentStore& a, DayTally& t, std::uint32_t* ended);
    void move_agent(std::size_t id, std::uint64_t gid, std::uint64_t bits, bool standing,
                    std::uint64_t key, AgentStore& a, DayTally& t, const detail::FleeTables& T);
    void walk_run(std::size_t begin, std::size_t end, std::uint64_t first_gid, std::uint64_t key,
                  AgentStore& a, DayTally& t, std::uint32_t* ended);
    void walk_part(std::size_t begin, std::size_t end, std::uint64_t first_gid, std::uint64_t key,
                   AgentStore& a, DayTally& t, std::uint32_t* ended);
    void hop_per_hop(std::size_t id, std::uint64_t bits, int hop, Leg& g, DayTally& t);
    void travel(std::size_t id, std::uint64_t bits, int hop, Leg& g, DayTally& t,
                const detail::FleeTables& T);
    // Flee's evolve(): the move test, then the link choice; returns the link or -1.
    // The choice counts the links whose cumulative threshold is at or below the
    // draw, without branches (the exit of a search loop is unpredictable).
    std::int32_t decide(RegionIndex r, std::uint64_t b, bool force, DayTally& t,
                        const detail::FleeTables& T) const {
        if ((b >> 32) >= T.move_threshold[r] && !(force && T.town[r])) return -1;
        const std::int32_t l = choose_in(T.link_cum, r, b);
        // One load tells whether this choice needs counting (FLEE.md "Turned away").
        if (l < 0 || T.link_flags[l]) [[unlikely]] {
            count_turned_away(T, r, b, l, t);
            if (l < 0 || (T.link_flags[l] & detail::flee_link_stay)) return -1;
        }
        return l;
    }
    // Arrival at g.region over link `on` (-1: not looked up, open): an agent whose link
    // closed while it was on it goes back to where it started, blocked by the closure
    // (FLEE.md "Turned away"). Returns whether it arrived.
    bool arrive(Leg& g, std::int32_t on, DayTally& t, const detail::FleeTables& T) const {
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
    // FLEE.md "Turned away": a mover at r whose first choice (the link the same draw
    // picks were no closure in force) is closed was blocked by a closure; one that
    // draws a link into a camp too full to enter (link_stay) was turned away.
    // Out of line and cold: movers that are turned away or meet a closure are few, and
    // inlined this would cost every mover registers (docs/FLEE.md, docs/PERFORMANCE.md
    // "Cold out-of-line paths").
    [[gnu::noinline, gnu::cold]] void count_turned_away(const detail::FleeTables& T, RegionIndex r,
                                                        std::uint64_t bits, std::int32_t l, DayTally& t) const {
        if (T.closure_touched[r]) {
            const std::int32_t first = choose_in(T.open_link_cum, r, bits);
            if (first >= 0 && !T.link_open[first]) ++t.blocked_by_closure[r];
        }
        if (l >= 0 && T.link_stay[l]) {
            ++t.turned_away_full[r];
            ++t.refused_full[w_.link_to[l]];
        }
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
    detail::FleeStatic st_;
    std::vector<detail::FleeTables> tables_ = std::vector<detail::FleeTables>(1);  // one per flood-awareness group
    std::vector<Day> toc_;
    std::vector<std::uint8_t> was_conflict_;
    std::vector<double> pop_;
    std::vector<double> total_obs_;
    std::int64_t debt_ = 0;
    Day updated_day_ = -1;
    std::vector<std::uint8_t> arrived_once_;  // start_on_foot: has reached a location since spawning
    std::vector<float> recent_;               // avoid_short_stints: Flee's recent_travel_distance
    std::vector<std::vector<double>> level_by_day_;  // DFlee: flood level per day and region
    detail::FleeFloodDay flood_day_;
    std::vector<double> group_weight_;               // flood-awareness weight per agent group
    std::vector<std::vector<double>> group_share_;   // per region: cumulative group shares
    struct NewRun {
        RegionIndex region;
        std::int64_t count;
        Day day;
    };
    std::vector<NewRun> new_runs_;  // agents to create in today's batch, in order
    detail::ThreadTallies partial_{w_.region_count(), w_.route_count()};
    // The day's walk tables (docs/FLEE.md "How a day's hops are resolved") and, per
    // thread, how many agents ended their walks at each node.
    bool use_walks_ = false;
    std::vector<std::uint32_t> move32_;  // per region: bernoulli32(move chance) for the flag pass
    bool any_closed_ = false;  // a link is closed today
    detail::FleeWalkTables walks_;
    tbb::enumerable_thread_specific<std::vector<std::uint32_t>> ended_;
    std::vector<std::int64_t> ended_total_, through_;
};

void FleeRuleset::move(const DayState& s, AgentStore& agents, DayTally& tally) {
    update_conflict(s);
    const detail::FleeFloodDay* flood = nullptr;
    if (!level_by_day_.empty()) {
        detail::compute_flee_flood_day(f_, s.day, level_by_day_, flood_day_);
        flood = &flood_day_;
    }
    // With the flood forecaster, move chances and scores depend on the agent's
    // flood-awareness group: one set of tables per group.
    tables_.resize(std::max<std::size_t>(1, group_weight_.size()));
    for (std::size_t g = 0; g < tables_.size(); ++g)
        detail::compute_flee_tables(f_, w_, st_, s, toc_, flood, group_weight_.empty() ? 1.0 : group_weight_[g],
                                    tables_[g]);
    const detail::FleeTables& T0 = tables_[0];
    any_closed_ = std::find(T0.link_open.begin(), T0.link_open.end(), 0) != T0.link_open.end();
    // Walks need agents that differ only by where they are: not with short-stint
    // forcing (each agent's recent travel) nor with one table per awareness group.
    use_walks_ = !f_.move.avoid_short_stints && tables_.size() == 1;
    if (use_walks_) {
        move32_.resize(w_.region_count());
        for (std::size_t r = 0; r < move32_.size(); ++r)
            move32_[r] = bernoulli32(static_cast<double>(T0.move_threshold[r]) * 0x1.0p-32);
        // From the day's counts, the same on every process.
        double agents = 0.0;
        for (const auto c : s.agents_at) agents += static_cast<double>(c);
        const double want = agents / static_cast<double>(std::max<std::size_t>(1, w_.region_count())) / agents_per_walk_node;
        const auto nodes = static_cast<std::size_t>(std::clamp(want, double(min_walk_nodes), double(max_walk_nodes)));
        detail::compute_flee_walks(T0, w_, static_cast<float>(f_.move.max_move_speed), nodes, walks_);
    }
    // Per thread: walks ended per node.
    const std::size_t nodes = use_walks_ ? walks_.node_count : 0;
    for (auto& e : ended_) e.assign(nodes, 0);
    const auto key = stream_key(seed_, Purpose::move, s.day);
    partial_.clear();
    const std::size_t n = agents.size();
    const std::size_t blocks = (n + block_size - 1) / block_size;
    tbb::parallel_for(std::size_t(0), blocks, [&](std::size_t b) {
        auto& ended = ended_.local();
        if (ended.size() != nodes) ended.assign(nodes, 0);
        move_block(b * block_size, std::min(n, (b + 1) * block_size), key, agents, partial_.local(), ended.data());
    });
    partial_.add_to(tally);
    if (!use_walks_) return;
    ended_total_.assign(nodes, 0);
    for (const auto& e : ended_)
        if (e.size() == nodes)
            for (std::size_t k = 0; k < nodes; ++k) ended_total_[k] += e[k];
    detail::add_flee_walk_tallies(walks_, w_, st_.link_forward, ended_total_, through_, tally);
}

// Writes only agents [begin, end) and their own entries of recent_/arrived_once_.
void FleeRuleset::move_block(std::size_t begin, std::size_t end, std::uint64_t key, AgentStore& a,
                             DayTally& t, std::uint32_t* ended) {
    // Draws are keyed by global id: runs of consecutive ids (AgentStore::for_each_run).
    a.for_each_run(begin, end, [&](std::size_t first, std::size_t last, std::uint64_t first_gid) {
        move_run(first, last, first_gid, key, a, t, ended);
    });
}

void FleeRuleset::move_run(std::size_t begin, std::size_t end, std::uint64_t first_gid,
                           std::uint64_t key, AgentStore& a, DayTally& t, std::uint32_t* ended) {
    // Fast path first: most agents stand in a camp and fail the move test, so the loop
    // over them touches two columns and one table entry and draws one random number.
    const RegionIndex* region = a.region.data();
    const float* km_left = a.km_left.data();
    const bool track_recent = !recent_.empty();
    if (tables_.size() > 1) {
        // Flood forecaster: each agent reads its awareness group's tables.
        const std::uint8_t* group = a.group.data();
        for (std::size_t id = begin; id < end; ++id) {
            const std::uint64_t gid = first_gid + (id - begin);
            const detail::FleeTables& T = tables_[std::min<std::size_t>(group[id], tables_.size() - 1)];
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
    if (use_walks_) return walk_run(begin, end, first_gid, key, a, t, ended);
    const detail::FleeTables& T = tables_[0];
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

// move_run() with the walk tables. The movers' table lookups are random accesses into
// tables of a few MB: they are queued in batches and prefetched, so that a batch's
// cache misses overlap instead of following one another.
void FleeRuleset::walk_run(std::size_t begin, std::size_t end, std::uint64_t first_gid,
                           std::uint64_t key, AgentStore& a, DayTally& t, std::uint32_t* ended) {
    // The fast move test takes a 32-bit index (rules/id32_runs.hpp).
    detail::for_each_id32_run(begin, end, first_gid,
                              [&](std::size_t from, std::size_t stop, std::uint64_t gid, std::uint64_t hi) {
                                  walk_part(from, stop, gid, detail::key_for_high_bits(key, hi), a, t, ended);
                              });
}

void FleeRuleset::walk_part(std::size_t begin, std::size_t end, std::uint64_t first_gid,
                            std::uint64_t key, AgentStore& a, DayTally& t, std::uint32_t* ended) {
    const detail::FleeTables& T = tables_[0];
    const RegionIndex* region = a.region.data();
    const float* km_left = a.km_left.data();
    const detail::FleeWalkHead* head = walks_.head.data();
    const bool on_foot = !arrived_once_.empty();  // start_on_foot: walks once arrived
    // The walk's and hops' draws: 64 bits per agent from a stream of their own.
    const std::uint64_t walk_key = detail::mix64(key ^ 0x243f6a8885a308d3ULL);
    const float speed = static_cast<float>(f_.move.max_move_speed);
    const std::size_t n = end - begin;
    alignas(64) std::uint8_t flag[block_size + 8] = {};
    flee_flag_block(&region[begin], &km_left[begin], move32_.data(), key, static_cast<std::uint32_t>(first_gid), n, flag);
    // Movers go through lookups 32 at a time: standing agents that passed their move
    // test (`queue`, hop 0), then those deciding again with km covered today (`going`).
    constexpr int batch = 32;
    struct Mover {
        std::size_t id;
        std::uint64_t bits;
        std::uint32_t u;     // this lookup's walk draw
        std::int32_t hop;    // lookups done today
        std::uint32_t node;  // where this lookup's walk ends, before any cut
        RegionIndex region, from;
        float km_left, moved;
    };
    Mover queue[batch];
    int queued = 0;
    Mover going[2 * batch];
    int on = 0;
    auto write_back = [&](const Mover& m) {
        a.region[m.id] = m.region;
        a.from[m.id] = m.from;
        a.km_left[m.id] = m.km_left;
    };
    // One lookup for every mover in `going`, in three passes so that the table loads of
    // all of them are in flight together (each pass prefetches what the next reads):
    // the draw and move test, the alias entry, then the node. No branches on the draws
    // (they would be mispredicted half the time): every mover's state is written back
    // after each pass, and those that go on are kept by index arithmetic.
    auto step = [&] {
        int k = 0;
        for (int i = 0; i < on; ++i) {
            Mover m = going[i];
            const detail::FleeWalkHead& h = head[m.region];
            if (h.moving_size == 0) [[unlikely]] {
                // Deciding again where a closure touches a link (per-hop path) or where
                // no link leads out (stays).
                if (walks_.at[m.region].per_hop) {
                    Leg g{m.region, m.from, 0.0f};
                    g.moved = m.moved;
                    hop_per_hop(m.id, m.bits, m.hop, g, t);
                    m.region = g.region, m.from = g.from, m.km_left = g.km_left;
                }
                write_back(m);
                continue;
            }
            const std::uint64_t b = detail::mix64(m.bits ^ (0xd1b54a32d192ed03ULL * static_cast<std::uint64_t>(m.hop)));
            const std::uint32_t pass = move32_[m.region];
            const bool moves = (static_cast<std::uint32_t>(b >> 32) < pass) | (pass == always32);
            m.u = static_cast<std::uint32_t>(b);
            __builtin_prefetch(h.slots + 1 + (static_cast<std::uint64_t>(m.u) * h.moving_size >> 32));
            write_back(m);  // final if the move test fails: stays
            going[k] = m;
            k += moves;
        }
        on = k;
        for (int i = 0; i < on; ++i) {
            Mover& m = going[i];
            const detail::FleeWalkHead& h = head[m.region];
            m.node = detail::flee_walk_pick(h.slots, h.moving_size, m.u);
            __builtin_prefetch(h.slots + m.node);
            __builtin_prefetch(ended + h.offset + m.node, 1);
        }
        k = 0;
        for (int i = 0; i < on; ++i) {
            Mover m = going[i];
            const detail::FleeWalkHead& h = head[m.region];
            const detail::FleeWalkSlot* slot = h.slots;
            std::uint32_t n = m.node;
            if (!(m.moved + slot[n].km_before < speed)) [[unlikely]] {
                // The credit runs out on the way: the walk stops at the first arrival
                // that uses it up (its draws do not depend on the km covered).
                do n = static_cast<std::uint32_t>(slot[n].parent);
                while (!(m.moved + slot[n].km_before < speed));
            }
            ++ended[h.offset + n];
            const detail::FleeWalkNode& v = slot[n].node;
            end_at(m.region, m.from, m.km_left, v);
            m.moved += v.km;
            write_back(m);
            ++m.hop;
            going[k] = m;
            k += (v.km_left < 0.0f) & (m.moved < speed);
        }
        on = k;
    };
    auto go = [&](const Mover& m) {
        going[on++] = m;
        while (on >= batch) step();
    };
    // The queued standing movers' walks (their move test passed: no draw to make), their
    // nodes prefetched for all of them first; those whose walk goes on join `going`.
    auto flush = [&] {
        for (int i = 0; i < queued; ++i) {
            Mover& m = queue[i];
            const detail::FleeWalkHead& h = head[m.region];
            m.node = detail::flee_walk_pick(h.slots, h.moving_size, static_cast<std::uint32_t>(m.bits));
            __builtin_prefetch(h.slots + m.node);
            __builtin_prefetch(ended + h.offset + m.node, 1);
        }
        for (int i = 0; i < queued; ++i) {
            Mover m = queue[i];
            const detail::FleeWalkHead& h = head[m.region];
            ++ended[h.offset + m.node];
            const detail::FleeWalkNode& v = h.slots[m.node].node;
            end_at(m.region, m.from, m.km_left, v);
            m.moved = v.km;
            m.hop = 1;
            write_back(m);
            going[on] = m;
            on += v.km_left < 0.0f;
        }
        queued = 0;
        while (on >= batch) step();
    };
    // Only flagged agents: travellers, and standing agents that passed the move test
    // (rules/flagged.hpp).
    detail::for_each_flagged(flag, n, [&](std::size_t k) {
        const std::size_t id = begin + k;
        const std::uint64_t gid = first_gid + k;
        if (km_left[id] > 0.0f) {
            // Still on foot (start_on_foot, first journey): the per-hop path credits
            // max_walk_speed.
            if (on_foot && !arrived_once_[id]) return move_agent(id, gid, 0, false, walk_key, a, t, T);
            // On the road: today's credit first (travel()'s first step); still on it
            // after, only km_left changes.
            const float left = km_left[id] - speed;
            if (!(left < 0.0f)) {
                a.km_left[id] = left > 0.0f ? left : not_quite_there;
                return;
            }
            Leg g{region[id], a.from[id], 0.0f};
            ++t.road_leave[g.region];
            const bool arrived = arrive(g, any_closed_ ? link_between(g.from, g.region) : -1, t, T);
            const Mover m{id, random_bits(walk_key, gid), 0, 1, 0, g.region, g.from, 0.0f, speed + left};
            write_back(m);
            if (arrived && m.moved < speed) go(m);
            return;
        }
        const std::uint64_t bits = random_bits(walk_key, gid);
        const RegionIndex r = region[id];
        const detail::FleeWalkHead& h = head[r];
        if (h.moving_size == 0 || (on_foot && !arrived_once_[id])) {
            // Per-hop path (closures here, or on foot), or no link out (stays). The
            // move test is passed: decide() sees high bits of 0.
            if (walks_.at[r].per_hop || (on_foot && !arrived_once_[id]))
                move_agent(id, gid, bits & 0xffffffffULL, true, walk_key, a, t, T);
            return;
        }
        __builtin_prefetch(h.slots + 1 + ((static_cast<std::uint64_t>(static_cast<std::uint32_t>(bits)) * h.moving_size) >> 32));
        queue[queued++] = Mover{id, bits, 0, 0, 0, r, a.from[id], 0.0f, 0.0f};
        if (queued == batch) flush();
    });
    flush();
    while (on > 0) step();
}

// One agent that moves today on the per-hop path: the link choice of a standing agent
// (`standing`), then Flee's finish_travel() (travel()).
void FleeRuleset::move_agent(std::size_t id, std::uint64_t gid, std::uint64_t bits, bool standing,
                             std::uint64_t key, AgentStore& a, DayTally& t, const detail::FleeTables& T) {
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
// max_move_speed decides again. Hop h's decision draws mix64(bits ^ C h).
void FleeRuleset::travel(std::size_t id, std::uint64_t bits, int hop, Leg& g, DayTally& t,
                         const detail::FleeTables& T) {
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
            g.km_left = left > 0.0f ? left : not_quite_there;
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
        const std::uint64_t b = detail::mix64(bits ^ (0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(hop)));
        const std::int32_t l = decide(dest, b, force, t, T);
        if (l < 0) break;
        depart(g, dest, l, t);
    }
}

// A mover deciding again at a location whose links a closure touches: Flee's evolve()
// and finish_travel() hop by hop (keys C k, as travel() uses).
void FleeRuleset::hop_per_hop(std::size_t id, std::uint64_t bits, int hop, Leg& g, DayTally& t) {
    const detail::FleeTables& T = tables_[0];
    const std::uint64_t b64 = detail::mix64(bits ^ (0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(hop)));
    const std::int32_t l = decide(g.region, b64, false, t, T);
    if (l < 0) return;
    depart(g, g.region, l, t);
    travel(id, bits, hop + 1, g, t, T);
}

}  // namespace

std::unique_ptr<Ruleset> make_flee_ruleset(const Scenario& s, const World& w, const RunOptions& o) {
    return std::make_unique<FleeRuleset>(s, w, o);
}

}  // namespace migflow
