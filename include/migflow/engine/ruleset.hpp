#pragma once
// Rulesets: what agents do each day. Registered by name (sim/engine/ruleset_registry.cpp); the
// scenario's `ruleset:` key chooses one.
#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "migflow/engine/agents.hpp"
#include "migflow/engine/checkpoint.hpp"
#include "migflow/engine/drivers.hpp"
#include "migflow/scenario/scenario.hpp"
#include "migflow/engine/tally.hpp"
#include "migflow/engine/world.hpp"

namespace migflow {

// Region-level state at the start of day t: everything a rule may read.
struct DayState {
    Day day = 0;
    DriverValues drivers;
    Openness open;
    std::vector<std::int64_t> agents_at;  // agents standing in each region
    std::vector<std::int64_t> inbound;    // agents travelling toward each region
    std::vector<double> residents;        // people not represented by agents (immobile)
};

class Team;

// A region r with a capacity is full when its occupancy, people there (+ people on
// their way there, if counts_inbound), exceeds full_above[r] people.
struct FullRule {
    std::vector<double> full_above;  // per region; unused for regions without a capacity
    bool counts_inbound = true;
};

struct RunOptions {
    std::uint64_t seed = 1;
    int threads = 0;        // 0: all available (per process)
    Team* team = nullptr;   // the processes sharing the run (team.hpp); null: this one alone
    // Polled by Simulation::run before each day: a non-zero value stops the run with
    // RunStopped (on every process of a team, the same day). The library installs no
    // signal handler; the CLI sets it from one.
    const std::atomic<int>* stop = nullptr;
    // Run in the caller's TBB arena (ensembles run replicates side by side): no
    // process-wide thread limit, and output written on the running thread.
    bool in_caller_arena = false;
};

class Ruleset {
public:
    virtual ~Ruleset() = default;
    // Agents present before day 0 (appended to `agents`, counted in `tally.spawned`);
    // sets `residents`, the people of each region that no agent represents.
    virtual void populate(const DayState& s, AgentStore& agents, DayTally& tally,
                          std::vector<double>& residents) = 0;
    // New agents of day t (appended; counted in tally.spawned; residents reduced when
    // they come from the resident population).
    virtual void spawn(const DayState& s, AgentStore& agents, DayTally& tally,
                       std::vector<double>& residents) = 0;
    // The day's region-level work (tables every agent's decision reads: move chances,
    // destination weights, room left), once per region per day, timed as its own stage.
    // Must not throw: a failure is kept and thrown by move(), where the processes of a
    // team agree on it.
    virtual void prepare_day(const DayState&) {}
    // Moves of day t: reads `s` and what prepare_day built, writes agents' own fields and
    // the tally.
    virtual void move(const DayState& s, AgentStore& agents, DayTally& tally) = 0;
    // Upper bound on agents the whole run may create (for one allocation up front).
    virtual std::size_t expected_agents() const = 0;
    // The agents the whole run is expected to create, uncapped and without allocating
    // anything (expected_agents() may cap its reservation): the memory estimate
    // (engine/resource_estimate.hpp) multiplies it by the bytes per agent.
    virtual double agents_estimate() const = 0;
    // Bytes each agent takes beyond the AgentStore columns (settings that keep a
    // per-agent history).
    virtual std::size_t extra_bytes_per_agent() const { return 0; }
    // When a region with a capacity is full by this ruleset's rules (docs/OUTPUT.md
    // /measures/camps). Default: the native admission test.
    virtual FullRule full_rule(const World& w, double people_per_agent) const;
    // Checkpoints (engine/checkpoint.hpp): everything this ruleset carries from one day
    // to the next beyond the agent columns and DayState (counters, per-region histories,
    // per-agent columns of its own in this process's local order), added to `out`; and
    // restoring it before the first day a restarted run runs, its agents already in place.
    virtual void save_state(RulesetState& /*out*/) const {}
    virtual void restore_state(const RulesetState& /*in*/, const AgentStore& /*agents*/) {}
};

using RulesetFactory = std::unique_ptr<Ruleset> (*)(const Scenario&, const World&,
                                                      const RunOptions&);

// A coefficient a ruleset reads, as `migflow params` lists it and `--set` and
// calibration name it.
struct RulesetParam {
    std::string block;  // the scenario block it sits in: behaviour, agents, flee.move_rules
    std::string_view key;
    double default_value = 0, lo = 0, hi = 0;
    bool integer = false;
    std::string_view unit, meaning;
    std::string path() const { return block + "." + std::string(key); }
};

// Adding a ruleset (sim/rules/README.md): its folder under sim/rules/ and one entry here.
struct RulesetEntry {
    std::string_view name;
    RulesetFactory make;
    std::string_view summary;                // one line, for listings
    std::vector<RulesetParam> (*params)();   // its coefficients, block by block
    // The largest conflict and climate driver values it reads (the loader's range, the
    // engine's clamp); economy is unbounded for every ruleset.
    double conflict_max = 1.0;
    double climate_max = 1.0;
};

const std::vector<RulesetEntry>& rulesets();
// The entry named `name`; null when there is none.
const RulesetEntry* find_ruleset(std::string_view name);
std::unique_ptr<Ruleset> make_ruleset(const Scenario& s, const World& w, const RunOptions& o);

std::unique_ptr<Ruleset> make_native_ruleset(const Scenario&, const World&, const RunOptions&);
std::unique_ptr<Ruleset> make_flee_ruleset(const Scenario&, const World&, const RunOptions&);
std::vector<RulesetParam> native_ruleset_params();  // behaviour.*, agents.* (sim/scenario/params.cpp)
std::vector<RulesetParam> flee_ruleset_params();    // flee.move_rules.* (sim/formats/flee/move_params.cpp)

}  // namespace migflow
