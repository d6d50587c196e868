#pragma once
// The daily step (docs/DESIGN.md §1) and the run loop.
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>

#include "migflow/engine/checkpoint.hpp"
#include "migflow/output/recorder.hpp"
#include "migflow/engine/ruleset.hpp"
#include "migflow/engine/team.hpp"

namespace migflow {

// Seconds spent in each stage over the whole run. `exchange` is the daily sum of the
// tally over processes (zero for one process); `communication` is all the time spent
// in collectives (the exchange, and those inside stages such as the native ruleset's
// capacity admission), waiting for slower processes included.
struct StageTimes {
    // Seconds per stage of Simulation::advance, summed over the days.
    double drivers = 0, spawn = 0, prepare = 0, move = 0, exchange = 0, tally = 0, record = 0;
    double communication = 0;
};

struct Progress {
    Day day = 0;
    Day days = 0;
    std::int64_t agents = 0;
    double agent_steps_per_second = 0.0;
};

// Thrown by Simulation::run when RunOptions::stop was set: the run ended after
// `days_done` whole days and its recorder was not finished (an HDF5 recorder then
// removes its partial file). `reason` is the value the stop flag held.
class RunStopped : public std::runtime_error {
public:
    RunStopped(int reason, Day days_done, Day days, bool checkpointed = false);
    int reason() const { return reason_; }
    Day days_done() const { return days_done_; }
    // A checkpoint of the state before day days_done() was written (CheckpointPolicy).
    bool checkpointed() const { return checkpointed_; }
    // reason() of a run stopped by CheckpointPolicy::stop_before_day.
    static constexpr int stop_after_days_reason = -1;

private:
    int reason_;
    Day days_done_;
    bool checkpointed_;
};

namespace detail {
class TimedTeam;
class TallyExchange;
}  // namespace detail

// With several processes (RunOptions::team), each runs a Simulation over the same
// scenario: region state is the same on all of them, agents are shared out
// (AgentStore::add_batch), and the day's tally is summed across them. Give each a
// recorder: they all record the same days (the CLI lets rank 0 write the file).
class Simulation {
public:
    Simulation(const Scenario& scenario, RunOptions options);
    ~Simulation();

    // Runs every day, recording each; calls `progress` after each day when set.
    // Every process must call it. An error on one process ends the run on every one:
    // that process throws its error, the others PeerFailure (team.hpp).
    // Throws RunStopped, on every process the same day, when RunOptions::stop is set
    // before a day begins on any of them.
    RunSummary run(Recorder& recorder, const std::function<void(const Progress&)>& progress = {});
    // Before run(): write checkpoints as `policy` says (sim/engine/simulation_checkpoint.cpp).
    // Rank 0 then keeps what it recorded each day (RunHistory) in memory.
    void set_checkpoints(CheckpointPolicy policy);
    // Before run(): continue from `from` (same scenario and seed) instead of day 0: the
    // recorder is given the checkpoint's days again, then the run goes on. Every process
    // passes the same checkpoint and takes its share of the agents.
    void resume_from(Checkpoint from);

    const World& world() const { return world_; }
    std::uint64_t seed() const { return options_.seed; }
    // This process's agents (all of them for a lone process).
    const AgentStore& agents() const { return agents_; }
    Team& team() const { return *team_; }
    int threads_used() const { return threads_used_; }  // per process, once run() started
    const DayState& state() const { return state_; }
    const StageTimes& stage_times() const { return times_; }
    const OriginRuns& origin_runs() const { return origin_runs_; }

private:
    int stop_requested();
    void advance(Day t, Recorder& recorder);
    // advance's stages, in order.
    void begin_day(Day t);
    std::exception_ptr prepare_and_move();
    void exchange_moves(const std::exception_ptr& failed);
    void update_counts();
    void count_origins();
    void record_day(Day t, Recorder& recorder);
    void record(Day t, Recorder& recorder);
    void gather_snapshot();
    // simulation_checkpoint.cpp.
    bool checkpoint_due(Day t, Day first, int stop_reason);
    Checkpoint capture(Day t, std::int64_t agent_steps);
    // Returns the agent steps the checkpoint had run.
    std::int64_t restore(Recorder& recorder);
    void keep_history(const DayRecord& rec);

    const Scenario& scenario_;
    RunOptions options_;
    Team* team_;
    std::unique_ptr<detail::TimedTeam> timed_team_;
    std::unique_ptr<detail::TallyExchange> exchange_;
    std::exception_ptr record_error_;  // of the last record stage, agreed on the next day
    World world_;
    std::unique_ptr<Ruleset> ruleset_;
    AgentStore agents_;
    DayState state_;
    DayTally tally_;
    DayRecord record_;
    OriginRuns origin_runs_;
    OriginDestination origins_;  // computed on the last day
    // On a snapshot day of a run across processes: every agent's region and km_left in
    // global id order, on rank 0 only (empty elsewhere and on other days).
    AgentStore snapshot_;
    StageTimes times_;
    int threads_used_ = 0;
    // Checkpoints: the policy, the days recorded so far (rank 0) and the state to resume from.
    std::unique_ptr<CheckpointPolicy> checkpoints_;
    RunHistory history_;
    std::unique_ptr<Checkpoint> resume_;
    std::chrono::steady_clock::time_point last_checkpoint_;
};

}  // namespace migflow
