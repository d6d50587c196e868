#pragma once
// What to record each day (a pure function of the engine state) is separate from
// where it goes: HDF5 for users, memory for tests.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "migflow/engine/ruleset.hpp"
#include "migflow/measures/camps.hpp"
#include "migflow/measures/countries.hpp"
#include "migflow/measures/origins.hpp"
#include "migflow/output/catalogue.hpp"

namespace migflow {

struct RunInfo {
    std::uint64_t seed = 1;
    int threads = 1;  // per process
    int ranks = 1;    // processes (MPI ranks) sharing the run
    std::string version = MIGFLOW_VERSION;
    // When a capped region is full (the ruleset's rule); empty: the native rule.
    FullRule full;
};

// One day, after all stages ran.
struct DayRecord {
    Day day = 0;
    const DayState* state = nullptr;     // drivers and openness of the day; agents_at after moves
    const DayTally* tally = nullptr;
    std::vector<double> population;      // people per region after moves (residents + agents)
    std::int64_t in_transit = 0;         // agents travelling at the end of the day
    std::int64_t total_agents = 0;
    const AgentStore* agents = nullptr;  // set on agent-snapshot days only (output.snapshot_every)
    // Set on the last day only; valid until the recorder's finish() returns.
    const OriginDestination* origins = nullptr;
};

struct RunSummary {
    double wall_seconds = 0.0;
    std::int64_t agent_steps = 0;
    std::int64_t final_agents = 0;
};

class Recorder {
public:
    virtual ~Recorder() = default;
    virtual void begin(const Scenario& s, const World& w, const RunInfo& info) = 0;
    virtual void record(const DayRecord& day) = 0;
    // Only a finished recorder leaves a complete output behind.
    virtual void finish(const RunSummary& summary) = 0;
};

// One per-day series of a MemoryRecorder, as the catalogue (catalogue.hpp) names it:
// what ensembles and the Python module iterate over, so a series added to the catalogue
// gets its quantiles and its array without their code naming it.
struct SeriesView {
    std::string group;  // "series" (outcomes of the run) or "drivers" (inputs, seed-free)
    std::string name;
    std::string units;
    std::string description;
    SeriesWidth shape = SeriesWidth::regions;
    std::size_t days = 0;
    std::size_t width = 0;
    // Copies day t's `width` values, as doubles, to `out`.
    std::function<void(std::size_t t, double* out)> row;
    ValueType type = ValueType::float64;
    // int64 series: copies day t's values exactly.
    std::function<void(std::size_t t, std::int64_t* out)> row_int;
};

// Keeps every day's series in memory (tests, analysis from C++).
class MemoryRecorder : public Recorder {
public:
    void begin(const Scenario& s, const World& w, const RunInfo& info) override;
    void record(const DayRecord& day) override;
    void finish(const RunSummary& summary) override;

    // Every series of the catalogue, in its order.
    std::vector<SeriesView> series() const;
    // Values one recorded day holds (sum of the catalogue's widths): the memory an
    // ensemble needs is replicates x days x this x 8 bytes.
    static std::size_t values_per_day(std::size_t regions, std::size_t routes);

    std::vector<std::vector<std::int64_t>> agents_at;   // [day][region]
    std::vector<std::vector<double>> population;        // [day][region]
    std::vector<std::vector<std::int64_t>> arrivals;    // [day][region]
    std::vector<std::vector<std::int64_t>> departures;  // [day][region]
    std::vector<std::vector<std::int64_t>> spawned;     // [day][region]
    std::vector<std::vector<std::int64_t>> turned_away_full;    // [day][region]
    std::vector<std::vector<std::int64_t>> blocked_by_closure;  // [day][region]
    std::vector<std::vector<std::int64_t>> refused_full;        // [day][region]
    std::vector<std::vector<std::int64_t>> flow_forward;   // [day][route]
    std::vector<std::vector<std::int64_t>> flow_backward;  // [day][route]
    std::vector<std::int64_t> in_transit;               // [day]
    std::vector<std::int64_t> total_agents;             // [day]
    std::vector<std::vector<double>> conflict, economy, climate;  // [day][region]
    // Catalogue series without a named member above: [day] rows, by catalogue name.
    std::map<std::string, std::vector<std::vector<std::int64_t>>> other_int;
    std::map<std::string, std::vector<std::vector<double>>> other_double;
    CampTracker camps;
    CountryTracker countries;
    OriginDestination origins;  // at the end of the run
    RunSummary summary;
    bool finished = false;
    // Agent snapshots (output.snapshot_every), kept only when asked: they hold every
    // agent's columns, which an ensemble of replicates must not.
    struct Snapshot {
        Day day = 0;
        std::vector<RegionIndex> region;
        std::vector<float> km_left;
    };
    bool keep_snapshots = false;
    std::vector<Snapshot> snapshots;
};

// HDF5 output per docs/OUTPUT.md. Writes `path + ".partial"` and renames it to
// `path` in finish(); destroyed unfinished, it removes the partial file.
std::unique_ptr<Recorder> make_hdf5_recorder(const std::string& path);

// Keeps nothing (the ranks of a run across processes other than rank 0).
std::unique_ptr<Recorder> make_null_recorder();

// True once HDF5 failed to close a result file (a full disk, a failing device): the
// HDF5 library then holds a half-closed file that its exit handler would crash on, so
// the process must end with std::_Exit after reporting the error (sim/cli/main.cpp).
bool hdf5_close_failed();

// Writes through `inner` on a background thread, so output overlaps the simulation.
// Same calls, same order, same result; an error in the writer surfaces at the next
// record() or at finish(). Days with agent snapshots are written synchronously.
std::unique_ptr<Recorder> make_async_recorder(Recorder& inner);

}  // namespace migflow
