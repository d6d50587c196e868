#pragma once
// The daily step (DESIGN.md §1) and the run loop.
#include <chrono>
#include <functional>
#include <memory>

#include "migflow/output/recorder.hpp"
#include "migflow/engine/ruleset.hpp"

namespace migflow {

// Seconds spent in each stage over the whole run.
struct StageTimes {
    double drivers = 0, spawn = 0, move = 0, tally = 0, record = 0;
};

struct Progress {
    Day day = 0;
    Day days = 0;
    std::int64_t agents = 0;
    double agent_steps_per_second = 0.0;
};

class Simulation {
public:
    Simulation(const Scenario& scenario, RunOptions options);
    ~Simulation();

    // Runs every day, recording each; calls `progress` after each day when set.
    RunSummary run(Recorder& recorder, const std::function<void(const Progress&)>& progress = {});

    const World& world() const { return world_; }
    std::uint64_t seed() const { return options_.seed; }
    const AgentStore& agents() const { return agents_; }
    const DayState& state() const { return state_; }
    const StageTimes& stage_times() const { return times_; }

private:
    void advance(Day t, Recorder& recorder);

    const Scenario& scenario_;
    RunOptions options_;
    World world_;
    std::unique_ptr<Ruleset> ruleset_;
    AgentStore agents_;
    DayState state_;
    DayTally tally_;
    DayRecord record_;
    StageTimes times_;
};

}  // namespace migflow
