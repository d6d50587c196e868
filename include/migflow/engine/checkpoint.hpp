#pragma once
// A run's state before day d, enough to continue it bit-identically (docs/HPC.md
// "Checkpoint and restart", layout in docs/OUTPUT.md "Checkpoint files"). Agents are
// held in global id order, so a restart may share them among any number of processes.
#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "migflow/core/ids.hpp"

namespace migflow {

// One named column of state: per region, per agent, or a few scalars.
struct StateColumn {
    std::string name;
    std::variant<std::vector<std::uint8_t>, std::vector<float>, std::vector<std::int64_t>, std::vector<double>> values;
    std::size_t size() const {
        return std::visit([](const auto& v) { return v.size(); }, values);
    }
};

// What a ruleset carries from one day to the next beyond the agent columns and DayState
// (Ruleset::save_state). `agents` columns are per agent: this process's agents in local
// order when the ruleset saves or restores them, global id order inside a Checkpoint.
struct RulesetState {
    std::vector<StateColumn> regions;  // per region or scalars: copied whole to every process
    std::vector<StateColumn> agents;
    const StateColumn* find_agents(const std::string& name) const;
    const StateColumn* find_regions(const std::string& name) const;
};

// What the recorder was given on the days run so far, so that a restarted run can hand
// its recorder the same days again and write the file an uninterrupted run writes.
struct RunHistory {
    std::size_t regions = 0, routes = 0;
    Day days = 0;                          // days kept
    std::vector<double> population;        // [day x region]
    std::vector<std::int64_t> agents_at;   // [day x region], after moves
    std::vector<std::int64_t> inbound;     // [day x region], after moves
    // The DayTally columns in for_each_column's order (tally_column_names), each
    // [day x region] or [day x route].
    std::vector<std::vector<std::int64_t>> tally;
    std::vector<std::int64_t> total_agents;  // [day]
    struct Snapshot {
        Day day = 0;
        std::vector<RegionIndex> region;
        std::vector<float> km_left;
    };
    std::vector<Snapshot> snapshots;  // the agent snapshot days among them (output.snapshot_every)
};

// The DayTally column names, in for_each_column's order.
const std::vector<std::string>& tally_column_names();

struct Checkpoint {
    Day days_done = 0;             // the run continues with this day
    std::int64_t agent_steps = 0;  // RunSummary::agent_steps so far
    // Agents by global id: ids [first_id, first_id + region.size()) of total_agents (all
    // of them when written; a restarting process may read only its share).
    std::uint64_t total_agents = 0;
    std::uint64_t first_id = 0;
    std::vector<RegionIndex> region, from;
    std::vector<float> km_left;
    std::vector<std::uint8_t> group;
    std::vector<RegionIndex> origin;  // where it was created (/measures/origins)
    // DayState at the end of day days_done - 1.
    std::vector<std::int64_t> agents_at, inbound;
    std::vector<double> residents;
    RulesetState ruleset;
    RunHistory history;
    std::uint64_t agents() const { return total_agents; }
};

// When Simulation::run writes checkpoints (Simulation::set_checkpoints). A checkpoint is
// taken before a day begins, agreed by all processes, and handed to `write` on rank 0.
struct CheckpointPolicy {
    std::function<void(const Checkpoint&)> write;  // rank 0; may throw (the run then fails)
    bool on_stop = true;      // when the stop flag stops the run (RunStopped::checkpointed)
    int every_days = 0;       // > 0: also before every day that is a multiple of it
    double every_seconds = 0;  // > 0: also when this much wall time passed since the last one
    // >= 1: stop before this day as if the stop flag had been set (reason
    // RunStopped::stop_after_days_reason); for tests and for runs cut into pieces.
    Day stop_before_day = 0;
};

}  // namespace migflow
