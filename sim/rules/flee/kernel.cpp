// The flee ruleset: Flee 3's rules (shared/flee/SPEC.md, docs/FLEE.md) on the
// engine's agent columns. Region work once per day (tables.cpp); the agent
// kernel is parallel over fixed blocks and reads only start-of-day tables, so 1 and
// N threads give identical results.
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "rules/flee/tables.hpp"
#include "engine/thread_tallies.hpp"
#include "migflow/core/errors.hpp"
#include "migflow/engine/rng.hpp"

namespace migflow {

namespace {

constexpr std::size_t block_size = 1 << 11;
// Travellers with exactly the link length covered have not arrived (Flee's test is
// strict); they keep this token distance so that km_left stays > 0 on the road.
constexpr float not_quite_there = 1e-3f;

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
            add_agents(tally, s_.observed.region[k], n);
        }
        create_agents(agents);
    }

    void spawn(const DayState& s, AgentStore& agents, DayTally& tally,
               std::vector<double>& residents) override {
        update_conflict(s);
        if (f_.spawn.mode == FleeSpawnMode::data_driven) spawn_from_data(s, agents, tally, residents);
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

    // n new agents in region r, created by create_agents() in the order of these calls.
    void add_agents(DayTally& tally, RegionIndex r, std::int64_t n) {
        if (n <= 0) return;
        tally.spawned[r] += n;
        new_runs_.push_back({r, n});
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
            }
            g += std::uint64_t(run.count);
        }
        new_runs_.clear();
        if (f_.move.start_on_foot) arrived_once_.resize(agents.size(), 0);
        if (f_.move.avoid_short_stints) recent_.resize(agents.size(), 0.0f);
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
            add_agents(tally, static_cast<RegionIndex>(i), per_region[i]);
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
            add_agents(tally, static_cast<RegionIndex>(i), n);
            take(residents, i, n);
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

    void move_block(std::size_t begin, std::size_t end, std::uint64_t key, AgentStore& a,
                    DayTally& tally);
    void move_run(std::size_t begin, std::size_t end, std::uint64_t first_gid, std::uint64_t key,
                  AgentStore& a, DayTally& t);
    void move_agent(std::size_t id, std::uint64_t gid, std::uint64_t bits, bool standing,
                    std::uint64_t key, AgentStore& a, DayTally& t);
    // The first link whose cumulative threshold exceeds the draw, counted without
    // branches (the exit of a search loop is unpredictable); -1 when none is open.
    std::int32_t choose(RegionIndex r, std::uint64_t bits) const {
        return choose_in(tables_.link_cum, r, bits);
    }
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
    // inlined this would cost every mover registers (docs/FLEE.md, benchmarks/RESULTS.md).
    [[gnu::noinline, gnu::cold]] void count_turned_away(RegionIndex r, std::uint64_t bits,
                                                        std::int32_t l, DayTally& t) const {
        if (tables_.closure_touched[r]) {
            const std::int32_t first = choose_in(tables_.open_link_cum, r, bits);
            if (first >= 0 && !tables_.route_open[w_.link_route[first]]) ++t.blocked_by_closure[r];
        }
        if (l >= 0 && tables_.link_stay[l]) {
            ++t.turned_away_full[r];
            ++t.refused_full[w_.link_to[l]];
        }
    }
    RouteIndex route_between(RegionIndex from, RegionIndex to) const {
        for (auto l = w_.link_begin[from]; l < w_.link_begin[from + 1]; ++l)
            if (w_.link_to[l] == to) return w_.link_route[l];
        return -1;
    }

    const Scenario& s_;
    const World& w_;
    FleeSettings f_;
    std::uint64_t seed_;
    detail::FleeStatic st_;
    detail::FleeTables tables_;
    std::vector<Day> toc_;
    std::vector<std::uint8_t> was_conflict_;
    std::vector<double> pop_;
    std::vector<double> total_obs_;
    std::int64_t debt_ = 0;
    Day updated_day_ = -1;
    std::vector<std::uint8_t> arrived_once_;  // start_on_foot: has reached a location since spawning
    std::vector<float> recent_;               // avoid_short_stints: Flee's recent_travel_distance
    struct NewRun {
        RegionIndex region;
        std::int64_t count;
    };
    std::vector<NewRun> new_runs_;  // agents to create in today's batch, in order
    detail::ThreadTallies partial_{w_.region_count(), w_.route_count()};
};

void FleeRuleset::move(const DayState& s, AgentStore& agents, DayTally& tally) {
    update_conflict(s);
    detail::compute_flee_tables(f_, w_, st_, s, toc_, tables_);
    const auto key = stream_key(seed_, Purpose::move, s.day);
    partial_.clear();
    const std::size_t n = agents.size();
    const std::size_t blocks = (n + block_size - 1) / block_size;
    tbb::parallel_for(std::size_t(0), blocks, [&](std::size_t b) {
        move_block(b * block_size, std::min(n, (b + 1) * block_size), key, agents, partial_.local());
    });
    partial_.add_to(tally);
}

// Writes only agents [begin, end) and their own entries of recent_/arrived_once_.
void FleeRuleset::move_block(std::size_t begin, std::size_t end, std::uint64_t key, AgentStore& a,
                             DayTally& t) {
    // Draws are keyed by global id: runs of consecutive ids (AgentStore::for_each_run).
    a.for_each_run(begin, end, [&](std::size_t first, std::size_t last, std::uint64_t first_gid) {
        move_run(first, last, first_gid, key, a, t);
    });
}

void FleeRuleset::move_run(std::size_t begin, std::size_t end, std::uint64_t first_gid,
                           std::uint64_t key, AgentStore& a, DayTally& t) {
    // Fast path first: most agents stand in a camp and fail the move test, so the loop
    // over them touches two columns and one table entry and draws one random number.
    const RegionIndex* region = a.region.data();
    const float* km_left = a.km_left.data();
    const std::uint64_t* threshold = tables_.move_threshold.data();
    const bool track_recent = !recent_.empty();
    for (std::size_t id = begin; id < end; ++id) {
        const std::uint64_t gid = first_gid + (id - begin);
        if (km_left[id] <= 0.0f) {
            const std::uint64_t bits = random_bits(key, gid);
            if ((bits >> 32) >= threshold[region[id]]) {
                if (track_recent) recent_[id] *= 0.5f;
                continue;
            }
            move_agent(id, gid, bits, true, key, a, t);
        } else {
            move_agent(id, gid, 0, false, key, a, t);
        }
    }
}

// One agent that moves today: the link choice of a standing agent (`standing`), then
// Flee's finish_travel(): each link gets a full day's credit (per-hop credit); an
// agent that arrives having moved less than max_move_speed decides again.
void FleeRuleset::move_agent(std::size_t id, std::uint64_t gid, std::uint64_t bits, bool standing,
                             std::uint64_t key, AgentStore& a, DayTally& t) {
    const FleeMoveRules& m = f_.move;
    const float speed = static_cast<float>(m.max_move_speed);
    const float walk = static_cast<float>(m.max_walk_speed);
    RouteIndex route = -1;  // the route of the current link, once known
    auto depart = [&](RegionIndex at, std::int32_t l) {
        const RouteIndex e = w_.link_route[l];
        ++t.departures[at];
        if (w_.routes[e].from == at) ++t.flow_forward[e];
        else ++t.flow_backward[e];
        route = e;
        a.from[id] = at;
        a.region[id] = w_.link_to[l];
        a.km_left[id] = w_.link_km[l];
    };
    // Flee's evolve(): the move test, then the link choice; returns the link or -1.
    auto decide = [&](RegionIndex r, std::uint64_t b, bool force) -> std::int32_t {
        if (!(force && tables_.town[r]) && (b >> 32) >= tables_.move_threshold[r]) return -1;
        const std::int32_t l = choose(r, b);
        // One load tells whether this choice needs counting (FLEE.md "Turned away").
        if (l < 0 || tables_.link_flags[l]) [[unlikely]] {
            count_turned_away(r, b, l, t);
            if (l < 0 || (tables_.link_flags[l] & detail::flee_link_stay)) return -1;
        }
        return l;
    };
    bool new_link = false;  // the current link was entered today
    if (standing) {
        const std::int32_t l = decide(a.region[id], bits, false);
        if (l < 0) {
            if (!recent_.empty()) recent_[id] *= 0.5f;
            return;
        }
        depart(a.region[id], l);
        new_link = true;
    }
    float moved = 0.0f;
    for (int hop = 1;; ++hop) {
        const bool on_foot = !arrived_once_.empty() && !arrived_once_[id];
        const float credit = on_foot ? walk : speed;
        const float left = a.km_left[id] - credit;
        moved += credit;
        const RegionIndex dest = a.region[id];
        if (!(left < 0.0f)) {
            a.km_left[id] = left > 0.0f ? left : not_quite_there;
            if (new_link) ++t.road_enter[dest];
            break;
        }
        moved += left;  // only the part of the credit the link needed
        if (!arrived_once_.empty()) arrived_once_[id] = 1;
        if (!new_link) ++t.road_leave[dest];
        a.km_left[id] = 0.0f;
        const RegionIndex src = a.from[id];
        const RouteIndex e = new_link ? route : route_between(src, dest);
        if (e >= 0 && !tables_.route_open[e]) {
            // The link closed while the agent was on it: back to where it started,
            // blocked by the closure (FLEE.md "Turned away").
            a.region[id] = src;
            ++t.arrivals[src];
            ++t.blocked_by_closure[src];
            break;
        }
        ++t.arrivals[dest];
        if (!(moved < speed)) break;
        bool force = false;
        if (!recent_.empty()) force = (recent_[id] + moved / speed) / 2.0f < 0.5f;  // Flee 2.0 changeset 1
        const std::uint64_t b = detail::mix64(random_bits(key, gid) ^ (0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(hop)));
        const std::int32_t l = decide(dest, b, force);
        if (l < 0) break;
        depart(dest, l);
        new_link = true;
    }
    if (!recent_.empty()) recent_[id] = (recent_[id] + moved / speed) / 2.0f;
}

}  // namespace

std::unique_ptr<Ruleset> make_flee_ruleset(const Scenario& s, const World& w, const RunOptions& o) {
    return std::make_unique<FleeRuleset>(s, w, o);
}

}  // namespace migflow
