// The daily step (docs/DESIGN.md §1) and the run loop.
#include "migflow/engine/simulation.hpp"

#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <bit>
#include <numeric>
#include <optional>
#include <string>
#include <utility>

#include "engine/exchange.hpp"

namespace migflow {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

void add_into(std::vector<std::int64_t>& a, const std::vector<std::int64_t>& plus,
              const std::vector<std::int64_t>& minus) {
    for (std::size_t i = 0; i < a.size(); ++i) a[i] += plus[i] - minus[i];
}

// Agent snapshots (output.snapshot_every = k): every k-th day from day 0, and the last day.
bool is_snapshot_day(const Scenario& s, Day t) {
    const int k = s.output.snapshot_every;
    return k > 0 && (t % k == 0 || t + 1 == s.days);
}

// The origin -> destination pairs of all processes, summed: each places its pairs at
// its offset (the pair counts of the lower ranks) in one buffer, the buffers are summed
// (so every process gets every pair), then equal pairs are added up.
OriginDestination sum_across(Team& team, OriginDestination mine) {
    std::int64_t below = std::int64_t(mine.size()), total = std::int64_t(mine.size());
    std::int64_t runs = std::int64_t(mine.origin_runs);
    team.sum_below({&below, 1});
    team.sum({&total, 1});
    team.sum({&runs, 1});
    std::vector<std::int64_t> buf(static_cast<std::size_t>(total) * 4, 0);
    for (std::size_t k = 0; k < mine.size(); ++k) {
        auto* row = &buf[(std::size_t(below) + k) * 4];
        row[0] = mine.origin[k], row[1] = mine.destination[k];
        row[2] = mine.standing[k], row[3] = mine.travelling[k];
    }
    team.sum(buf);
    std::vector<std::size_t> order(static_cast<std::size_t>(total));
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::make_pair(buf[a * 4], buf[a * 4 + 1]) < std::make_pair(buf[b * 4], buf[b * 4 + 1]);
    });
    OriginDestination od;
    od.origin_runs = std::size_t(runs);
    for (const std::size_t k : order) {
        const auto* row = &buf[k * 4];
        if (od.size() > 0 && od.origin.back() == row[0] && od.destination.back() == row[1]) {
            od.standing.back() += row[2];
            od.travelling.back() += row[3];
            continue;
        }
        od.origin.push_back(RegionIndex(row[0]));
        od.destination.push_back(RegionIndex(row[1]));
        od.standing.push_back(row[2]);
        od.travelling.push_back(row[3]);
    }
    return od;
}

}  // namespace

RunStopped::RunStopped(int reason, Day days_done, Day days, bool checkpointed)
    : std::runtime_error("run stopped after " + std::to_string(days_done) + " of " + std::to_string(days) +
                         " days"),
      reason_(reason),
      days_done_(days_done),
      checkpointed_(checkpointed) {}

Simulation::Simulation(const Scenario& scenario, RunOptions options)
    : scenario_(scenario), options_(options), team_(options.team ? options.team : &solo_team()),
      timed_team_(std::make_unique<detail::TimedTeam>(*team_)),
      exchange_(std::make_unique<detail::TallyExchange>(*timed_team_)),
      world_(build_world(scenario)) {
    options_.team = timed_team_.get();  // the ruleset's collectives are timed too
    ruleset_ = make_ruleset(scenario_, world_, options_);
    agents_.part = team_->rank();
    agents_.parts = team_->size();
    const auto R = world_.region_count();
    state_.agents_at.assign(R, 0);
    state_.inbound.assign(R, 0);
    state_.residents.assign(R, 0.0);
    tally_.resize(R, world_.route_count());
}

Simulation::~Simulation() = default;

namespace {

// Adds the time from construction to destruction to one stage's total (StageTimes).
class StageTimer {
public:
    explicit StageTimer(double& total) : total_(total), start_(Clock::now()) {}
    ~StageTimer() { total_ += seconds_since(start_); }
    StageTimer(const StageTimer&) = delete;
    StageTimer& operator=(const StageTimer&) = delete;

private:
    double& total_;
    Clock::time_point start_;
};

}  // namespace

// One day: the stages of docs/DESIGN.md §1, each timed. With several processes, every
// collective is reached by all of them whatever fails: errors ride on the collectives
// (the spawn agreement, the ruleset's own, the exchange) and are settled after them.
void Simulation::advance(Day t, Recorder& recorder) {
    begin_day(t);                                 // drivers, openness, new agents: agreed by all processes
    const std::exception_ptr failed = prepare_and_move();  // the ruleset's region tables, then its moves
    exchange_moves(failed);                       // the tally summed across processes, failures settled
    update_counts();                              // who stands where, who is on the road
    if (t + 1 == scenario_.days) count_origins();
    record_day(t, recorder);
}

void Simulation::begin_day(Day t) {
    const auto carried = std::exchange(record_error_, nullptr);  // yesterday's record stage
    together(*timed_team_, [&] {
        if (carried) std::rethrow_exception(carried);
        {
            const StageTimer timer(times_.drivers);
            state_.day = t;
            evaluate_drivers(scenario_, t, state_.drivers);
            compute_openness(scenario_, world_, t, state_.open);
        }
        const StageTimer timer(times_.spawn);
        tally_.clear();
        const std::size_t before_spawn = agents_.size();
        ruleset_->spawn(state_, agents_, tally_, state_.residents);
        origin_runs_.note_new_agents(agents_, before_spawn);
        // New agents stand in their region before anyone moves today.
        for (std::size_t r = 0; r < state_.agents_at.size(); ++r) state_.agents_at[r] += tally_.spawned[r];
    });
}

std::exception_ptr Simulation::prepare_and_move() {
    {
        const StageTimer timer(times_.prepare);
        ruleset_->prepare_day(state_);  // never throws: a failure is carried into move()
    }
    const StageTimer timer(times_.move);
    try {
        ruleset_->move(state_, agents_, tally_);
    } catch (const PeerFailure&) {
        throw;  // the ruleset's processes agreed already
    } catch (...) {
        return std::current_exception();
    }
    return nullptr;
}

void Simulation::exchange_moves(const std::exception_ptr& failed) {
    bool any_failed = false;
    {
        const StageTimer timer(times_.exchange);
        any_failed = exchange_->run(tally_, failed != nullptr);
    }
    settle_failure(*timed_team_, failed, any_failed);
}

void Simulation::update_counts() {
    const StageTimer timer(times_.tally);
    add_into(state_.agents_at, tally_.arrivals, tally_.departures);
    add_into(state_.inbound, tally_.road_enter, tally_.road_leave);
}

// Where every agent ended, by origin: each process counts its own agents, then the
// pairs of all processes are summed (docs/OUTPUT.md /measures/origins). Two agreements:
// the local count may fail on one process alone, and that must be agreed before the
// others enter sum_across's collectives.
void Simulation::count_origins() {
    const StageTimer timer(times_.record);
    together(*timed_team_, [&] { origins_ = origin_destination(origin_runs_, agents_, world_.region_count()); });
    if (team_->size() > 1) together(*timed_team_, [&] { origins_ = sum_across(*timed_team_, std::move(origins_)); });
}

void Simulation::record_day(Day t, Recorder& recorder) {
    const StageTimer timer(times_.record);
    if (team_->size() > 1 && is_snapshot_day(scenario_, t)) gather_snapshot();
    try {
        record(t, recorder);
    } catch (...) {
        record_error_ = std::current_exception();  // agreed at the start of the next day
    }
    if (!snapshot_.region.empty()) snapshot_ = AgentStore{};  // written by now (recorded in order)
}

// Agent snapshots across processes: rank 0 gets every agent's columns in global id
// order, a chunk of ids at a time, each chunk a sum of the processes' parts (every id is
// held by one process; the others add zeros), so the snapshot is the one process's.
// Costs rank 0 8 bytes per agent on the day, and every process one sum of 16 bytes per
// agent (docs/HPC.md).
void Simulation::gather_snapshot() {
    constexpr std::uint64_t chunk = std::uint64_t(1) << 20;
    const std::uint64_t total = agents_.global_count;
    const bool root = team_->rank() == 0;
    std::vector<std::int64_t> buf;
    together(*timed_team_, [&] {
        buf.resize(2 * std::min(total, chunk));
        if (root) {
            snapshot_.region.resize(total);
            snapshot_.km_left.resize(total);
        }
    });
    const auto& batches = agents_.batches;
    for (std::uint64_t g0 = 0; g0 < total; g0 += chunk) {
        const std::uint64_t g1 = std::min(total, g0 + chunk);
        std::fill(buf.begin(), buf.end(), 0);
        for (std::size_t b = 0; b < batches.size(); ++b) {
            // This process's slice of batch b: local [lb, le) = global [gb, gb + le - lb).
            const std::uint64_t lb = batches[b].local_begin, gb = batches[b].global_begin;
            const std::uint64_t le = b + 1 < batches.size() ? batches[b + 1].local_begin : agents_.size();
            const std::uint64_t from = std::max(gb, g0), to = std::min(gb + (le - lb), g1);
            for (std::uint64_t g = from; g < to; ++g) {
                const std::size_t i = static_cast<std::size_t>(lb + (g - gb));
                buf[2 * (g - g0)] = agents_.region[i];
                buf[2 * (g - g0) + 1] = std::bit_cast<std::uint32_t>(agents_.km_left[i]);
            }
        }
        timed_team_->sum(std::span<std::int64_t>(buf.data(), 2 * (g1 - g0)));
        if (!root) continue;
        for (std::uint64_t g = g0; g < g1; ++g) {
            snapshot_.region[g] = static_cast<RegionIndex>(buf[2 * (g - g0)]);
            snapshot_.km_left[g] = std::bit_cast<float>(static_cast<std::uint32_t>(buf[2 * (g - g0) + 1]));
        }
    }
}

void Simulation::record(Day t, Recorder& recorder) {
    DayRecord& rec = record_;  // reused: no allocation per day
    rec.day = t;
    rec.state = &state_;
    rec.tally = &tally_;
    rec.population.resize(state_.agents_at.size());
    const double ppa = scenario_.agents.people_per_agent;
    for (std::size_t r = 0; r < rec.population.size(); ++r)
        rec.population[r] = state_.residents[r] + double(state_.agents_at[r]) * ppa;
    rec.in_transit = std::accumulate(state_.inbound.begin(), state_.inbound.end(), std::int64_t(0));
    rec.total_agents = static_cast<std::int64_t>(agents_.global_count);
    rec.agents = !is_snapshot_day(scenario_, t) ? nullptr
                 : team_->size() == 1           ? &agents_
                 : team_->rank() == 0           ? &snapshot_
                                                : nullptr;
    rec.origins = t + 1 == scenario_.days ? &origins_ : nullptr;
    if (checkpoints_ && team_->rank() == 0) keep_history(rec);
    recorder.record(rec);
}

// The stop flag as the team sees it. The processes of an MPI run may receive a signal a
// day apart (or only some of them): they agree, so that all stop before the same day and
// none waits in a collective for one that has left. The reason is the flag of the lowest
// rank that has one. One small collective a day, only when a stop flag is given.
int Simulation::stop_requested() {
    if (!options_.stop) return 0;
    const int own = options_.stop->load(std::memory_order_relaxed);
    if (team_->size() == 1) return own;
    const int first = timed_team_->first_failed(own != 0);
    if (first < 0) return 0;
    std::int64_t reason = team_->rank() == first ? own : 0;
    timed_team_->sum(std::span<std::int64_t>(&reason, 1));
    return static_cast<int>(reason);
}

RunSummary Simulation::run(Recorder& sink, const std::function<void(const Progress&)>& progress) {
    // With more than one thread, output is written by a thread of its own; a run asked
    // to use one thread really uses one.
    const bool overlap_output =
        !options_.in_caller_arena && options_.threads != 1 && tbb::info::default_concurrency() > 1;
    auto async = overlap_output ? make_async_recorder(sink) : nullptr;
    Recorder& recorder = async ? *async : sink;
    // More threads than the machine's cores would not run: record what really can.
    const int cores = tbb::info::default_concurrency();
    const int threads = options_.in_caller_arena ? tbb::this_task_arena::max_concurrency()
                        : options_.threads > 0   ? std::min(options_.threads, cores)
                                                 : cores;
    std::optional<tbb::global_control> limit;
    if (!options_.in_caller_arena) limit.emplace(tbb::global_control::max_allowed_parallelism, threads);
    threads_used_ = threads;
    const auto start = Clock::now();

    std::int64_t steps_before = 0;  // of the run a checkpoint continues
    together(*timed_team_, [&] {
        RunInfo info;
        info.seed = options_.seed;
        info.threads = threads;
        info.ranks = team_->size();
        info.full = ruleset_->full_rule(world_, scenario_.agents.people_per_agent);
        recorder.begin(scenario_, world_, info);

        // Room for this process's share of the agents.
        agents_.reserve(ruleset_->expected_agents() / std::size_t(team_->size()) + 16);
        if (resume_) {
            steps_before = restore(recorder);
            return;
        }
        state_.day = 0;
        evaluate_drivers(scenario_, 0, state_.drivers);
        compute_openness(scenario_, world_, 0, state_.open);
        tally_.clear();
        ruleset_->populate(state_, agents_, tally_, state_.residents);
        origin_runs_ = OriginRuns{};
        origin_runs_.note_new_agents(agents_, 0);
        state_.agents_at = tally_.spawned;
    });

    RunSummary summary;
    summary.agent_steps = steps_before;
    const Day first = state_.day;  // 0, or the day a checkpoint continues with
    last_checkpoint_ = Clock::now();
    for (Day t = first; t < scenario_.days; ++t) {
        // Once a day: a day is a few milliseconds to a few tenths of a second, so a stop
        // request is honoured at once without costing the kernels anything.
        int reason = stop_requested();
        if (!reason && checkpoints_ && checkpoints_->stop_before_day == t && t > 0)
            reason = RunStopped::stop_after_days_reason;
        bool checkpointed = false;
        if (checkpoints_ && checkpoint_due(t, first, reason)) {
            const Checkpoint c = capture(t, summary.agent_steps);
            together(*timed_team_, [&] {
                if (team_->rank() == 0) checkpoints_->write(c);
            });
            last_checkpoint_ = Clock::now();
            checkpointed = true;
        }
        if (reason) throw RunStopped(reason, t, scenario_.days, checkpointed);
        advance(t, recorder);
        summary.agent_steps += static_cast<std::int64_t>(agents_.global_count);
        if (progress) {
            const double secs = seconds_since(start);
            progress(Progress{t, scenario_.days, static_cast<std::int64_t>(agents_.global_count),
                              secs > 0 ? double(summary.agent_steps) / secs : 0.0});
        }
    }
    summary.final_agents = static_cast<std::int64_t>(agents_.global_count);
    summary.wall_seconds = seconds_since(start);
    const auto t0 = Clock::now();
    const auto carried = std::exchange(record_error_, nullptr);
    together(*timed_team_, [&] {
        if (carried) std::rethrow_exception(carried);
        recorder.finish(summary);
    });
    times_.record += seconds_since(t0);
    times_.communication = timed_team_->seconds();
    summary.wall_seconds = seconds_since(start);
    return summary;
}

}  // namespace migflow
