// The flee ruleset's day (kernel.hpp): conflict onsets, the day's tables and walk
// tables (tables.cpp, walks.cpp), then the agent kernel, parallel over fixed blocks
// that read only start-of-day tables, so 1 and N threads give identical results.
// Each block takes the walk tables' path (walk_kernel.cpp) or, when a setting needs
// per-agent history or per-group tables, the hop-by-hop path (hop_path.cpp).
#include "rules/flee/kernel.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <exception>
#include <limits>
#include <utility>

#include "migflow/engine/rng.hpp"

namespace migflow {

namespace detail {

namespace {

// Nodes per location in the walk tables: about one per `agents_per_walk_node` agents
// there on average, so that building them costs less than the agents they serve, and
// at most max_walk_nodes, so that the day's tables stay in the caches (more nodes
// cover more hops but cost more misses: docs/PERFORMANCE.md "Walk tables").
constexpr double agents_per_walk_node = 8.0;
constexpr std::size_t min_walk_nodes = 16, max_walk_nodes = 192;

}  // namespace

FleeRuleset::FleeRuleset(const Scenario& s, const World& w, const RunOptions& o)
    : s_(s), w_(w), f_(s.flee.value_or(FleeSettings{})), seed_(o.seed), st_(make_flee_static(s, w)) {
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

// The flood levels of every day the forecaster may look at, and the awareness
// groups' cumulative shares per region.
void FleeRuleset::setup_flood() {
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

// Conflict onset days (time_of_conflict) for the decay of scores and spawn weights.
void FleeRuleset::update_conflict(const DayState& s) {
    if (updated_day_ == s.day) return;
    updated_day_ = s.day;
    for (std::size_t i = 0; i < toc_.size(); ++i) {
        const bool c = s.drivers.conflict.size() && s.drivers.conflict[i] > 0.0;
        if (c && !was_conflict_[i]) toc_[i] = s.day;
        was_conflict_[i] = c;
    }
}

// FLEE.md "Turned away": a camp is full when agents stop entering it, capMult < 0.5,
// i.e. agents there > capacity x (1 + capacity_buffer) / 2, with Flee's capacity
// (day-0 count subtracted, capacity_scaling applied; below 1: unlimited).
FullRule FleeRuleset::full_rule(const World& w, double people_per_agent) const {
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

// The day's region-level work (Ruleset::prepare_day): conflict onsets, flood levels, the
// location and link tables, and the walk tables, once per region per day.
void FleeRuleset::prepare_day(const DayState& s) {
    prepare_failed_ = nullptr;
    try {
        prepare_tables(s);
    } catch (...) {
        prepare_failed_ = std::current_exception();  // thrown by move(), where the processes agree on it
    }
}

void FleeRuleset::prepare_tables(const DayState& s) {
    update_conflict(s);
    const FleeFloodDay* flood = nullptr;
    if (!level_by_day_.empty()) {
        compute_flee_flood_day(f_, s.day, level_by_day_, flood_day_);
        flood = &flood_day_;
    }
    // With the flood forecaster, move chances and scores depend on the agent's
    // flood-awareness group: one set of tables per group.
    tables_.resize(std::max<std::size_t>(1, group_weight_.size()));
    for (std::size_t g = 0; g < tables_.size(); ++g)
        compute_flee_tables(f_, w_, st_, s, toc_, flood, group_weight_.empty() ? 1.0 : group_weight_[g], tables_[g]);
    const FleeTables& T0 = tables_[0];
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
        compute_flee_walks(T0, w_, static_cast<float>(f_.move.max_move_speed), nodes, walks_);
    }
}

void FleeRuleset::move(const DayState& s, AgentStore& agents, DayTally& tally) {
    if (prepare_failed_) std::rethrow_exception(std::exchange(prepare_failed_, nullptr));
    // Per thread: walks ended per node.
    const std::size_t nodes = use_walks_ ? walks_.node_count : 0;
    for (auto& e : ended_) e.assign(nodes, 0);
    const auto key = stream_key(seed_, Purpose::move, s.day);
    partial_.clear();
    const std::size_t n = agents.size();
    const std::size_t blocks = (n + flee_block_size - 1) / flee_block_size;
    tbb::parallel_for(std::size_t(0), blocks, [&](std::size_t b) {
        auto& ended = ended_.local();
        if (ended.size() != nodes) ended.assign(nodes, 0);
        move_block(b * flee_block_size, std::min(n, (b + 1) * flee_block_size), key, agents, partial_.local(),
                   ended.data());
    });
    partial_.add_to(tally);
    if (!use_walks_) return;
    ended_total_.assign(nodes, 0);
    for (const auto& e : ended_)
        if (e.size() == nodes)
            for (std::size_t k = 0; k < nodes; ++k) ended_total_[k] += e[k];
    add_flee_walk_tallies(walks_, w_, st_.link_forward, ended_total_, through_, tally);
}

// Writes only agents [begin, end) and their own entries of recent_/arrived_once_.
void FleeRuleset::move_block(std::size_t begin, std::size_t end, std::uint64_t key, AgentStore& a,
                             DayTally& t, std::uint32_t* ended) {
    // Draws are keyed by global id: spans of consecutive ids (AgentStore::for_each_run).
    a.for_each_run(begin, end, [&](std::size_t first, std::size_t last, std::uint64_t first_gid) {
        if (use_walks_) move_with_walks(first, last, first_gid, key, a, t, ended);
        else move_hop_by_hop(first, last, first_gid, key, a, t);
    });
}

}  // namespace detail

std::unique_ptr<Ruleset> make_flee_ruleset(const Scenario& s, const World& w, const RunOptions& o) {
    return std::make_unique<detail::FleeRuleset>(s, w, o);
}

}  // namespace migflow
