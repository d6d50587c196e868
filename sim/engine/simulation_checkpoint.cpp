// Checkpoints of a running Simulation and restarts from them (engine/checkpoint.hpp,
// docs/HPC.md "Checkpoint and restart"): the state before a day, gathered in global id
// order so that any number of processes can continue it, and the days recorded so far.
#include <algorithm>
#include <bit>
#include <numeric>
#include <stdexcept>
#include <type_traits>

#include "engine/exchange.hpp"
#include "migflow/engine/simulation.hpp"

namespace migflow {

const std::vector<std::string>& tally_column_names() {
    static const std::vector<std::string> names = {
        "spawned",      "departures",        "arrivals",           "road_enter",   "road_leave",
        "turned_away_full", "blocked_by_closure", "refused_full", "flow_forward", "flow_backward"};
    return names;
}

const StateColumn* RulesetState::find_agents(const std::string& name) const {
    for (const StateColumn& c : agents)
        if (c.name == name) return &c;
    return nullptr;
}

const StateColumn* RulesetState::find_regions(const std::string& name) const {
    for (const StateColumn& c : regions)
        if (c.name == name) return &c;
    return nullptr;
}

namespace {

using CkptClock = std::chrono::steady_clock;

// A column value as the 64 bits the gather sums (every id is held by one process, the
// others add zeros, so the sum is that process's value, bit for bit).
template <class T>
std::int64_t ckpt_to_bits(T v) {
    if constexpr (std::is_same_v<T, float>) return std::int64_t(std::bit_cast<std::uint32_t>(v));
    else if constexpr (std::is_same_v<T, double>) return std::bit_cast<std::int64_t>(v);
    else return std::int64_t(v);
}

template <class T>
T ckpt_from_bits(std::int64_t b) {
    if constexpr (std::is_same_v<T, float>) return std::bit_cast<float>(std::uint32_t(b));
    else if constexpr (std::is_same_v<T, double>) return std::bit_cast<double>(b);
    else return static_cast<T>(b);
}

// Every process's part of a per-agent column, in global id order, on rank 0 (empty on
// the others): a chunk of ids at a time, each chunk summed over the processes. Alone, a
// process's local index is the global id.
template <class Column, class T = typename Column::value_type>
std::vector<T> ckpt_gather_column(Team& team, const AgentStore& agents, const Column& local) {
    if (team.size() == 1) return std::vector<T>(local.begin(), local.end());
    constexpr std::uint64_t chunk = std::uint64_t(1) << 20;
    const std::uint64_t total = agents.global_count;
    const bool root = team.rank() == 0;
    std::vector<T> out;
    std::vector<std::int64_t> buf;
    together(team, [&] {
        if (local.size() != agents.size()) throw std::logic_error("checkpoint: an agent column of the wrong length");
        buf.resize(std::min(total, chunk));
        if (root) out.resize(total);
    });
    for (std::uint64_t g0 = 0; g0 < total; g0 += chunk) {
        const std::uint64_t g1 = std::min(total, g0 + chunk);
        std::fill(buf.begin(), buf.end(), 0);
        agents.for_each_run(0, agents.size(), [&](std::size_t lb, std::size_t le, std::uint64_t gb) {
            const std::uint64_t from = std::max(gb, g0), to = std::min<std::uint64_t>(gb + (le - lb), g1);
            for (std::uint64_t g = from; g < to; ++g) buf[g - g0] = ckpt_to_bits(local[lb + (g - gb)]);
        });
        team.sum(std::span<std::int64_t>(buf.data(), g1 - g0));
        if (root)
            for (std::uint64_t g = g0; g < g1; ++g) out[g] = ckpt_from_bits<T>(buf[g - g0]);
    }
    return out;
}

template <class T>
void ckpt_append(std::vector<T>& to, const std::vector<T>& row) {
    to.insert(to.end(), row.begin(), row.end());
}

template <class T>
void ckpt_assign_row(std::vector<T>& to, const std::vector<T>& from, std::size_t row, std::size_t width) {
    if ((row + 1) * width > from.size()) throw std::logic_error("checkpoint: history shorter than its days");
    to.assign(from.begin() + std::ptrdiff_t(row * width), from.begin() + std::ptrdiff_t((row + 1) * width));
}

}  // namespace

void Simulation::set_checkpoints(CheckpointPolicy policy) {
    if (!policy.write) throw std::logic_error("checkpoints without a writer");
    checkpoints_ = std::make_unique<CheckpointPolicy>(std::move(policy));
}

void Simulation::resume_from(Checkpoint from) { resume_ = std::make_unique<Checkpoint>(std::move(from)); }

// Stops are checkpointed when asked; periodic checkpoints fall before days the run has
// not just started with (a restarted run does not write again the checkpoint it read).
// The wall-clock rule is rank 0's clock, shared, so all processes agree.
bool Simulation::checkpoint_due(Day t, Day first, int stop_reason) {
    const CheckpointPolicy& p = *checkpoints_;
    if (stop_reason != 0) return p.on_stop;
    if (t == first) return false;
    if (p.every_days > 0 && t % p.every_days == 0) return true;
    if (p.every_seconds <= 0) return false;
    std::int64_t due = team_->rank() == 0 &&
                       std::chrono::duration<double>(CkptClock::now() - last_checkpoint_).count() >= p.every_seconds;
    if (team_->size() > 1) timed_team_->sum(std::span<std::int64_t>(&due, 1));
    return due != 0;
}

void Simulation::keep_history(const DayRecord& rec) {
    RunHistory& h = history_;
    if (h.days == 0) {
        h.regions = world_.region_count();
        h.routes = world_.route_count();
        h.tally.assign(tally_column_names().size(), {});
    }
    ckpt_append(h.population, rec.population);
    ckpt_append(h.agents_at, rec.state->agents_at);
    ckpt_append(h.inbound, rec.state->inbound);
    std::size_t k = 0;
    for_each_column(*rec.tally, [&](const std::vector<std::int64_t>& col, Extent, Across) { ckpt_append(h.tally[k++], col); });
    h.total_agents.push_back(rec.total_agents);
    if (rec.agents)
        h.snapshots.push_back({rec.day, std::vector<RegionIndex>(rec.agents->region.begin(), rec.agents->region.end()),
                               std::vector<float>(rec.agents->km_left.begin(), rec.agents->km_left.end())});
    ++h.days;
}

// The state before day t on every process, gathered; complete on rank 0 only.
Checkpoint Simulation::capture(Day t, std::int64_t agent_steps) {
    Checkpoint c;
    c.days_done = t;
    c.agent_steps = agent_steps;
    c.agents_at = state_.agents_at;
    c.inbound = state_.inbound;
    c.residents = state_.residents;
    if (team_->rank() == 0) c.history = history_;
    c.history.regions = world_.region_count();
    c.history.routes = world_.route_count();
    c.history.tally.resize(tally_column_names().size());
    // Each local agent's origin, from the runs of ids (measures/origins.hpp).
    std::vector<RegionIndex> origin(agents_.size(), no_region);
    for (std::size_t k = 0; k < origin_runs_.runs(); ++k) {
        const std::size_t end = k + 1 < origin_runs_.runs() ? origin_runs_.first_id(k + 1) : origin.size();
        std::fill(origin.begin() + std::ptrdiff_t(origin_runs_.first_id(k)), origin.begin() + std::ptrdiff_t(end),
                  origin_runs_.origin(k));
    }
    Team& team = *timed_team_;
    c.total_agents = agents_.global_count;
    c.region = ckpt_gather_column(team, agents_, agents_.region);
    c.from = ckpt_gather_column(team, agents_, agents_.from);
    c.km_left = ckpt_gather_column(team, agents_, agents_.km_left);
    c.group = ckpt_gather_column(team, agents_, agents_.group);
    c.origin = ckpt_gather_column(team, agents_, origin);
    RulesetState local;
    ruleset_->save_state(local);
    c.ruleset.regions = local.regions;
    for (const StateColumn& col : local.agents) {
        StateColumn g{col.name, {}};
        std::visit([&](const auto& v) { g.values = ckpt_gather_column(team, agents_, v); }, col.values);
        c.ruleset.agents.push_back(std::move(g));
    }
    return c;
}

// Hands the recorder the checkpoint's days again, then puts this process's share of the
// agents, the region state and the ruleset's state in place.
std::int64_t Simulation::restore(Recorder& recorder) {
    const Checkpoint& c = *resume_;
    const std::size_t R = world_.region_count(), E = world_.route_count();
    const RunHistory& h = c.history;
    const std::uint64_t N = c.agents(), held = c.region.size();
    if (c.days_done < 0 || c.days_done >= scenario_.days || h.days != c.days_done || c.agents_at.size() != R ||
        c.inbound.size() != R || c.residents.size() != R || c.from.size() != held || c.km_left.size() != held ||
        c.group.size() != held || c.origin.size() != held || h.tally.size() != tally_column_names().size())
        throw std::logic_error("checkpoint does not fit this scenario");

    DayState st;
    DayTally tl;
    tl.resize(R, E);
    DayRecord rec;
    AgentStore snap;
    for (Day t = 0; t < h.days; ++t) {
        const auto row = std::size_t(t);
        st.day = t;
        evaluate_drivers(scenario_, t, st.drivers);
        compute_openness(scenario_, world_, t, st.open);
        ckpt_assign_row(st.agents_at, h.agents_at, row, R);
        ckpt_assign_row(st.inbound, h.inbound, row, R);
        std::size_t k = 0;
        for_each_column(tl, [&](std::vector<std::int64_t>& col, Extent e, Across) {
            ckpt_assign_row(col, h.tally[k++], row, e == Extent::regions ? R : E);
        });
        rec.day = t;
        rec.state = &st;
        rec.tally = &tl;
        ckpt_assign_row(rec.population, h.population, row, R);
        rec.in_transit = std::accumulate(st.inbound.begin(), st.inbound.end(), std::int64_t(0));
        rec.total_agents = h.total_agents.at(row);
        rec.agents = nullptr;
        rec.origins = nullptr;
        for (const RunHistory::Snapshot& s : h.snapshots)
            if (s.day == t) {
                snap.region.assign(s.region.begin(), s.region.end());
                snap.km_left.assign(s.km_left.begin(), s.km_left.end());
                rec.agents = &snap;
            }
        recorder.record(rec);
    }

    const AgentStore::IdRange mine = agents_.add_batch(N);
    if (mine.begin < c.first_id || mine.end > c.first_id + held)
        throw std::logic_error("checkpoint: the agents read are not this process's share");
    const auto b = std::ptrdiff_t(mine.begin - c.first_id), e = std::ptrdiff_t(mine.end - c.first_id);
    const auto at = std::ptrdiff_t(mine.local_begin);
    std::copy(c.region.begin() + b, c.region.begin() + e, agents_.region.begin() + at);
    std::copy(c.from.begin() + b, c.from.begin() + e, agents_.from.begin() + at);
    std::copy(c.km_left.begin() + b, c.km_left.begin() + e, agents_.km_left.begin() + at);
    std::copy(c.group.begin() + b, c.group.begin() + e, agents_.group.begin() + at);
    AgentStore origins;  // origin_runs_ reads the creation region from `region`
    origins.region.assign(c.origin.begin() + b, c.origin.begin() + e);
    origin_runs_ = OriginRuns{};
    origin_runs_.note_new_agents(origins, 0);

    state_.day = c.days_done;
    state_.agents_at = c.agents_at;
    state_.inbound = c.inbound;
    state_.residents = c.residents;
    evaluate_drivers(scenario_, c.days_done, state_.drivers);
    compute_openness(scenario_, world_, c.days_done, state_.open);

    RulesetState local;
    local.regions = c.ruleset.regions;
    for (const StateColumn& col : c.ruleset.agents) {
        if (col.size() != held) throw std::logic_error("checkpoint: ruleset column " + col.name + " of the wrong length");
        StateColumn mine_col{col.name, {}};
        std::visit([&](const auto& v) { mine_col.values = std::decay_t<decltype(v)>(v.begin() + b, v.begin() + e); },
                   col.values);
        local.agents.push_back(std::move(mine_col));
    }
    ruleset_->restore_state(local, agents_);
    if (checkpoints_ && team_->rank() == 0) history_ = h;
    const std::int64_t steps = c.agent_steps;
    resume_.reset();
    return steps;
}

}  // namespace migflow
