#pragma once
// Checkpoint files (docs/OUTPUT.md "Checkpoint files"): a run's state before a day
// (engine/checkpoint.hpp) with the scenario, its input files and the seed it ran with,
// so `migflow run --restart` needs nothing else. Written like a result file (a locked
// `.partial`, sealed, renamed into place), read back through ResultFile's checks.
#include <cstdint>
#include <string>

#include "migflow/engine/checkpoint.hpp"
#include "migflow/output/provenance.hpp"
#include "migflow/scenario/scenario.hpp"

namespace migflow {

// Writes `c` for the run of `s` with `seed`, whose result file is `output`, to `path`
// (replacing an older checkpoint there only once the new one is complete). Returns the
// file's size in bytes.
std::uintmax_t write_checkpoint_file(const std::string& path, const Scenario& s, std::uint64_t seed,
                                     const std::string& output, const Checkpoint& c);

struct CheckpointFile {
    RecordedRun run;  // the scenario (as `migflow rerun` loads it) and the seed
    Checkpoint state;
    std::string output;  // the result file the stopped run was writing (may be empty)
};

// Throws std::runtime_error naming the file: missing, damaged (seal), not a checkpoint,
// or not fitting the scenario it holds. Reads only the agents that process `part` of
// `parts` holds once it restarts (AgentStore::add_batch of all of them): every agent alone.
CheckpointFile read_checkpoint_file(const std::string& path, int part = 0, int parts = 1);

}  // namespace migflow
