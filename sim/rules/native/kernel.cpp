// The native ruleset (docs/MODEL.md): spawning from drivers, a daily move hazard,
// gravity/logit destination choice, capacity admission and multi-day travel.
#include <tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "migflow/rules/native/model.hpp"
#include "migflow/engine/batch_fill.hpp"
#include "migflow/engine/rng.hpp"
#include "migflow/engine/team.hpp"
#include "engine/thread_tallies.hpp"
#include "rules/flagged.hpp"
#include "rules/id32_runs.hpp"

namespace migflow {

namespace {

// Agents handled as one unit of parallel work. Fixed, so that the order in which
// capacity is granted (block order, then agent order) never depends on threads.
constexpr std::size_t block_size = 1 << 14;

struct Pending {
    std::uint64_t agent;
    std::int32_t link;
};

std::int64_t stochastic_round(double x, std::uint64_t bits) {
    const double whole = std::floor(x);
    return static_cast<std::int64_t>(whole) + (uniform01(bits) < x - whole ? 1 : 0);
}

class NativeRuleset final : public Ruleset {
public:
    NativeRuleset(const Scenario& s, const World& w, const RunOptions& o)
        : s_(s), w_(w), seed_(o.seed), speed_(s.behaviour.speed_km_per_day),
          team_(o.team ? *o.team : solo_team()), ctx_(s, w) {
        // Everything a departure needs about its link, in one record: movers are
        // scattered, so each array read is a cache miss.
        links_.resize(w.link_km.size());
        for (std::size_t l = 0; l < links_.size(); ++l) {
            const auto e = w.link_route[l];
            auto& k = links_[l];
            k.to = w.link_to[l];
            k.route = e;
            k.capped_slot = ctx_.capped_slot[k.to];
            k.travel_days = static_cast<std::int32_t>(
                std::max(1.0, std::ceil(w.routes[e].km / speed_ - 1e-9)));
            k.forward = w.routes[e].to == k.to;
        }
    }

    void populate(const DayState& st, AgentStore& agents, DayTally& tally,
                  std::vector<double>& residents) override;
    void spawn(const DayState& st, AgentStore& agents, DayTally& tally,
               std::vector<double>& residents) override;
    void prepare_day(const DayState& st) override;
    void move(const DayState& st, AgentStore& agents, DayTally& tally) override;
    std::size_t expected_agents() const override;
    double agents_estimate() const override;

private:
    void add_agents(AgentStore& agents, const std::vector<std::int64_t>& counts, Day day) const;
    std::uint8_t draw_group(std::uint64_t group_key, std::uint64_t id) const;
    void depart(AgentStore& a, std::uint64_t id, RegionIndex i, std::int32_t link,
                DayTally& tally) const;
    void admit(AgentStore& a, std::size_t blocks, std::exception_ptr failed);
    // Out of line and cold: inlined, it cost every mover 11 instructions
    // (docs/PERFORMANCE.md "Cold out-of-line paths").
    [[gnu::noinline, gnu::cold]] void count_turned_away(const DayState& st, RegionIndex i, double u,
                                                        DayTally& tally) const;
    void move_block(const DayState& st, AgentStore& a, std::size_t begin, std::size_t end,
                    std::uint64_t move_key, std::uint64_t dest_key, DayTally& tally,
                    std::vector<Pending>& pending) const;
    void move_run(const DayState& st, AgentStore& a, std::size_t begin, std::size_t end,
                  std::uint32_t first_gid, std::uint64_t move_key, std::uint64_t dest_key,
                  DayTally& tally, std::vector<Pending>& pending) const;

    // MODEL.md §4: journeys last whole days. km_left holds whole days × speed, re-derived
    // each day, so float rounding never adds or drops a day (speed >= 1, km <= 50,000).
    float remaining_km(std::int64_t days) const { return float(double(days) * speed_); }
    std::int64_t days_to_go(float km_left) const { return std::llround(double(km_left) / speed_); }

    const Scenario& s_;
    const World& w_;
    std::uint64_t seed_;
    double speed_;
    struct Link {
        RegionIndex to;
        RouteIndex route;
        std::int32_t capped_slot;  // of `to`: index into NativeTables::quota, or -1
        std::int32_t travel_days;  // ⌈km / speed⌉ (MODEL.md §4)
        bool forward;              // along the route's from -> to direction
    };
    std::vector<Link> links_;
    std::vector<std::int64_t> spawn_counts_;  // per region, reused every day
    std::vector<std::int64_t> demand_;        // per capped slot: movers asking today (+ failure flag)
    std::vector<std::int32_t> contested_index_;  // per capped slot: index among the over-asked, or -1
    std::vector<std::int64_t> asked_, before_, total_;  // per (over-asked slot, batch)
    Team& team_;
    NativeContext ctx_;
    NativeTables tables_;
    std::exception_ptr prepare_failed_;  // thrown by move(), where the processes agree on it
    std::vector<std::vector<Pending>> pending_;  // per block, reused every day
    detail::ThreadTallies partial_{w_.region_count(), w_.route_count()};
};

// Creates counts[r] agents in each region r, in region order (global ids are creation
// order); this process fills its slice of the batch (AgentStore::add_batch) in parallel
// blocks (fill_batch). The group draw is keyed by global id, so any split gives the same.
void NativeRuleset::add_agents(AgentStore& agents, const std::vector<std::int64_t>& counts,
                               Day day) const {
    const std::uint64_t first = agents.global_count;
    std::uint64_t total = 0;
    for (const auto c : counts) total += std::uint64_t(c);
    if (total == 0) return;
    const auto mine = agents.add_batch(total);
    if (mine.end == mine.begin) return;
    std::vector<std::uint64_t> run_end(counts.size());
    std::uint64_t end = first;
    for (std::size_t r = 0; r < counts.size(); ++r) run_end[r] = end += std::uint64_t(counts[r]);
    const auto group_key = stream_key(seed_, Purpose::group, day);
    fill_batch(mine, run_end, [&](std::size_t r, std::size_t i0, std::size_t i1, std::uint64_t g) {
        std::fill(agents.region.begin() + std::ptrdiff_t(i0), agents.region.begin() + std::ptrdiff_t(i1), RegionIndex(r));
        std::fill(agents.from.begin() + std::ptrdiff_t(i0), agents.from.begin() + std::ptrdiff_t(i1), RegionIndex(r));
        std::fill(agents.km_left.begin() + std::ptrdiff_t(i0), agents.km_left.begin() + std::ptrdiff_t(i1), 0.0f);
        if (s_.groups.size() < 2)
            std::fill(agents.group.begin() + std::ptrdiff_t(i0), agents.group.begin() + std::ptrdiff_t(i1), std::uint8_t(0));
        else
            for (std::size_t i = i0; i < i1; ++i, ++g) agents.group[i] = draw_group(group_key, g);
    });
}

// Group of agent `id`, drawn from the groups' shares (MODEL.md §5).
std::uint8_t NativeRuleset::draw_group(std::uint64_t group_key, std::uint64_t id) const {
    if (s_.groups.size() < 2) return 0;
    const double u = uniform01(random_bits(group_key, id));
    double acc = 0.0;
    std::uint8_t g = 0;
    for (std::size_t i = 0; i + 1 < s_.groups.size(); ++i) {
        acc += s_.groups[i].share;
        if (u >= acc) g = static_cast<std::uint8_t>(i + 1);
    }
    return g;
}

void NativeRuleset::populate(const DayState&, AgentStore& agents, DayTally& tally,
                             std::vector<double>& residents) {
    const double ppa = s_.agents.people_per_agent;
    const auto key = stream_key(seed_, Purpose::initial, 0);
    residents.resize(s_.regions.size());
    std::vector<std::int64_t> counts(s_.regions.size());
    for (std::size_t r = 0; r < s_.regions.size(); ++r) {
        const double pop = s_.regions[r].population;
        auto n = stochastic_round(pop * s_.agents.mobile_fraction / ppa, random_bits(key, r));
        n = std::min<std::int64_t>(n, static_cast<std::int64_t>(std::floor(pop / ppa)));
        counts[r] = n;
        tally.spawned[r] += n;
        residents[r] = std::max(0.0, pop - double(n) * ppa);
    }
    add_agents(agents, counts, -1);
}

// MODEL.md §5: displaced people come from the region's residents; camps do not spawn.
void NativeRuleset::spawn(const DayState& st, AgentStore& agents, DayTally& tally,
                          std::vector<double>& residents) {
    const double ppa = s_.agents.people_per_agent;
    const double sc = s_.agents.spawn_conflict, sh = s_.agents.spawn_climate;
    if (sc == 0.0 && sh == 0.0) return;
    const auto key = stream_key(seed_, Purpose::spawn, st.day);
    spawn_counts_.assign(s_.regions.size(), 0);
    for (std::size_t r = 0; r < s_.regions.size(); ++r) {
        if (s_.regions[r].type == RegionType::camp) continue;
        const double people =
            residents[r] * (sc * st.drivers.conflict[r] + sh * st.drivers.climate[r]);
        if (!(people > 0.0)) continue;
        auto n = stochastic_round(people / ppa, random_bits(key, r));
        n = std::min<std::int64_t>(n, static_cast<std::int64_t>(std::floor(residents[r] / ppa)));
        if (n <= 0) continue;
        spawn_counts_[r] = n;
        tally.spawned[r] += n;
        residents[r] -= double(n) * ppa;
    }
    add_agents(agents, spawn_counts_, st.day);
}

// Room for the initial agents and some spawning; the store grows beyond that if
// needed. Reserving for every possible spawn could ask for far more memory than a run
// with little displacement ever uses.
std::size_t NativeRuleset::expected_agents() const {
    return static_cast<std::size_t>(std::min(agents_estimate(), 1e18));
}

double NativeRuleset::agents_estimate() const {
    double total = 0.0;
    for (const auto& r : s_.regions) total += r.population;
    const double mobile = total * s_.agents.mobile_fraction / s_.agents.people_per_agent;
    return std::floor(mobile * 1.05) + double(s_.regions.size()) + 16;
}

void NativeRuleset::depart(AgentStore& a, std::uint64_t id, RegionIndex i, std::int32_t link,
                           DayTally& tally) const {
    const Link& k = links_[link];
    const auto j = k.to;
    const auto e = k.route;
    ++tally.departures[i];
    // Select the column, not the branch: the direction is a coin flip for the predictor.
    auto* flow = k.forward ? tally.flow_forward.data() : tally.flow_backward.data();
    ++flow[e];
    a.region[id] = j;
    a.from[id] = i;
    const auto days = k.travel_days;
    if (days <= 1) {
        ++tally.arrivals[j];
    } else {
        a.km_left[id] = remaining_km(days - 1);
        ++tally.road_enter[j];
    }
}

// Pass 1 of the kernel, the only work done for every agent: flags the agents that need
// attention today (travellers, and those whose draw says they leave). Branch-free and
// written so the compiler vectorises it; the AVX2 clone is chosen at run time.
// Sanitizer builds take the default clone: TSan crashes in the IFUNC resolver.
#ifdef MIGFLOW_NO_TARGET_CLONES
#define MIGFLOW_CLONES
#else
#define MIGFLOW_CLONES __attribute__((target_clones("avx2", "default")))
#endif
template <bool grouped>
MIGFLOW_CLONES void flag_block(
    const RegionIndex* __restrict region, const float* __restrict km_left,
    const std::uint8_t* __restrict group, const std::uint32_t* __restrict thr, int G,
    std::uint64_t key, std::uint32_t first_id, std::size_t n, std::uint8_t* __restrict flag) {
    for (std::size_t k = 0; k < n; ++k) {
        const std::uint32_t slot =
            grouped ? std::uint32_t(region[k]) * std::uint32_t(G) + group[k] : std::uint32_t(region[k]);
        const std::uint32_t t = thr[slot];
        const std::uint32_t u = random32(key, first_id + std::uint32_t(k));
        flag[k] = std::uint8_t((u < t) | (t == always32) | (km_left[k] > 0.0f));
    }
}

void NativeRuleset::move_block(const DayState& st, AgentStore& a, std::size_t begin,
                               std::size_t end, std::uint64_t move_key, std::uint64_t dest_key,
                               DayTally& tally, std::vector<Pending>& pending) const {
    // Draws are keyed by global id: the block is handled in runs of consecutive ids
    // (one run unless the block spans batches shared out among processes), cut where
    // the high 32 bits of the ids change (rules/id32_runs.hpp).
    a.for_each_run(begin, end, [&](std::size_t first, std::size_t last, std::uint64_t gid) {
        detail::for_each_id32_run(first, last, gid,
                                  [&](std::size_t from, std::size_t stop, std::uint64_t g, std::uint64_t hi) {
                                      move_run(st, a, from, stop, std::uint32_t(g),
                                               detail::key_for_high_bits(move_key, hi),
                                               detail::key_for_high_bits(dest_key, hi), tally, pending);
                                  });
    });
}

void NativeRuleset::move_run(const DayState& st, AgentStore& a, std::size_t begin,
                             std::size_t end, std::uint32_t first_gid, std::uint64_t move_key,
                             std::uint64_t dest_key, DayTally& tally,
                             std::vector<Pending>& pending) const {
    const std::size_t n = end - begin;
    alignas(64) std::uint8_t flag[block_size + 8] = {};
    const int G = tables_.groups;
    const auto* thr = tables_.move_threshold.data();
    const std::uint8_t* closure_touched = tables_.closure_touched.data();
    if (G > 1)
        flag_block<true>(&a.region[begin], &a.km_left[begin], &a.group[begin], thr, G, move_key,
                         first_gid, n, flag);
    else
        flag_block<false>(&a.region[begin], &a.km_left[begin], &a.group[begin], thr, G, move_key,
                          first_gid, n, flag);

    // Pass 2: only flagged agents (rules/flagged.hpp).
    detail::for_each_flagged(flag, n, [&](std::size_t k) {
        const std::size_t id = begin + k;
        if (a.km_left[id] > 0.0f) {  // MODEL.md §4: travellers keep going
            const auto days = days_to_go(a.km_left[id]) - 1;
            if (days <= 0) {
                a.km_left[id] = 0.0f;
                ++tally.road_leave[a.region[id]];
                ++tally.arrivals[a.region[id]];
            } else {
                a.km_left[id] = remaining_km(days);
            }
            return;
        }
        const auto i = a.region[id];
        const double u = random32(dest_key, first_gid + std::uint32_t(k)) * 0x1p-32;
        const auto link = pick_link(w_, tables_, i, u);
        // Only where a closure bites or nowhere has room: a byte per region, read
        // for movers alone, so the flagging pass is untouched.
        if (link < 0 || closure_touched[i]) [[unlikely]]
            count_turned_away(st, i, u, tally);
        if (link < 0) return;
        if (links_[link].capped_slot >= 0)
            pending.push_back({id, link});
        else
            depart(a, id, i, link, tally);
    });
}

// MODEL.md §8: a mover whose first choice (the link the same draw picks were no closure
// in force) is closed was blocked by a closure; one that stays because no destination
// has room, closures aside, was turned away, by the region the same draw picks with
// capacity ignored.
void NativeRuleset::count_turned_away(const DayState& st, RegionIndex i, double u,
                                      DayTally& tally) const {
    const auto first = tables_.closure_touched[i] ? pick_link_without_closures(w_, tables_, i, u)
                                                  : pick_link(w_, tables_, i, u);
    if (first >= 0) {
        if (!st.open.link_open[first]) ++tally.blocked_by_closure[i];
    } else if (const auto full = pick_full_link(w_, tables_, i, u); full >= 0) {
        ++tally.turned_away_full[i];
        ++tally.refused_full[w_.link_to[full]];
    }
}

void NativeRuleset::prepare_day(const DayState& st) {
    prepare_failed_ = nullptr;
    try {
        build_native_tables(ctx_, st, tables_);
    } catch (...) {
        prepare_failed_ = std::current_exception();
    }
}

void NativeRuleset::move(const DayState& st, AgentStore& a, DayTally& tally) {
    const std::size_t n = a.size();
    const std::size_t blocks = (n + block_size - 1) / block_size;
    std::exception_ptr failed;  // agreed with the other processes in admit()
    try {
        if (prepare_failed_) std::rethrow_exception(std::exchange(prepare_failed_, nullptr));
        const auto move_key = stream_key(seed_, Purpose::move, st.day);
        const auto dest_key = stream_key(seed_, Purpose::destination, st.day);
        if (pending_.size() < blocks) pending_.resize(blocks);
        partial_.clear();
        tbb::parallel_for(std::size_t(0), blocks, [&](std::size_t b) {
            pending_[b].clear();
            move_block(st, a, b * block_size, std::min(n, (b + 1) * block_size), move_key,
                       dest_key, partial_.local(), pending_[b]);
        });
    } catch (...) {
        failed = std::current_exception();
    }
    admit(a, blocks, failed);
    partial_.add_to(tally);
}

// MODEL.md §3.2: capped destinations admit movers up to their room, first come (lowest
// agent id) first served; the rest stay where they are today. Only destinations asked
// for more than their room need that order; movers to the others leave in parallel.
//
// Across processes: the day's demand per destination is summed (with a failure flag,
// so that an error on one process ends all of them here rather than in a mismatched
// collective). For an over-asked destination, global id order is batch by batch, rank
// by rank within a batch (AgentStore::add_batch); so each process counts its movers per
// (destination, batch), and the counts of lower ranks (exclusive scan) plus the totals
// of earlier batches say how much room is left when its turn comes.
void NativeRuleset::admit(AgentStore& a, std::size_t blocks, std::exception_ptr failed) {
    auto& quota = tables_.quota;
    if (quota.empty()) {
        if (failed) std::rethrow_exception(failed);  // the engine's exchange agrees on it
        return;
    }
    demand_.assign(quota.size() + 1, 0);
    if (!failed)
        for (std::size_t b = 0; b < blocks; ++b)
            for (const auto& p : pending_[b]) ++demand_[links_[p.link].capped_slot];
    demand_.back() = failed ? 1 : 0;
    team_.sum(demand_);
    settle_failure(team_, failed, demand_.back() != 0);

    const auto contested = [&](const Pending& p) {
        const auto slot = links_[p.link].capped_slot;
        return demand_[slot] > quota[slot];
    };
    tbb::parallel_for(std::size_t(0), blocks, [&](std::size_t b) {
        for (const auto& p : pending_[b])
            if (!contested(p)) depart(a, p.agent, a.region[p.agent], p.link, partial_.local());
    });

    // Over-asked destinations, numbered 0..C-1; the same on every process.
    contested_index_.assign(quota.size(), -1);
    std::size_t C = 0;
    for (std::size_t slot = 0; slot < quota.size(); ++slot)
        if (demand_[slot] > quota[slot]) contested_index_[slot] = std::int32_t(C++);
    if (C == 0) return;
    const std::size_t B = std::max<std::size_t>(a.batches.size(), 1);
    const auto cell = [&](const Pending& p) {
        return std::size_t(contested_index_[links_[p.link].capped_slot]) * B +
               (a.batches.empty() ? 0 : a.batch_of(p.agent));
    };
    asked_.assign(C * B, 0);
    for (std::size_t b = 0; b < blocks; ++b)
        for (const auto& p : pending_[b])
            if (contested(p)) ++asked_[cell(p)];
    // Room left for this process's movers of each (destination, batch) cell.
    before_ = asked_;
    team_.sum_below(before_);
    total_ = asked_;
    team_.sum(total_);
    for (std::size_t slot = 0; slot < quota.size(); ++slot) {
        const auto c = contested_index_[slot];
        if (c < 0) continue;
        std::int64_t earlier = 0;  // admitted-or-asked in earlier batches, all processes
        for (std::size_t k = 0; k < B; ++k) {
            auto& room = before_[std::size_t(c) * B + k];
            room = std::max<std::int64_t>(0, quota[slot] - earlier - room);
            earlier += total_[std::size_t(c) * B + k];
        }
    }
    auto& tally = partial_.local();
    for (std::size_t b = 0; b < blocks; ++b) {
        for (const auto& p : pending_[b]) {
            if (!contested(p)) continue;
            auto& room = before_[cell(p)];
            if (room <= 0) {  // MODEL.md §8: turned away, counted where it stays and by whom
                ++tally.turned_away_full[a.region[p.agent]];
                ++tally.refused_full[links_[p.link].to];
                continue;
            }
            --room;
            depart(a, p.agent, a.region[p.agent], p.link, tally);
        }
    }
}

}  // namespace

std::unique_ptr<Ruleset> make_native_ruleset(const Scenario& s, const World& w,
                                              const RunOptions& o) {
    return std::make_unique<NativeRuleset>(s, w, o);
}

}  // namespace migflow
