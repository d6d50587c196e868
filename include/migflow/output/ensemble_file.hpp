#pragma once
// Ensemble and comparison result files (docs/OUTPUT.md "Ensemble files"): the usual
// root attributes, /time, /regions, /routes, then quantile bands per series and the
// per-replicate camp outcomes instead of /series.
#include <cstdint>
#include <string>
#include <vector>

#include "migflow/sweep/ensemble.hpp"

namespace migflow {

// Bands and camp outcomes written under one group.
struct EnsembleSection {
    std::string group;  // e.g. "/ensemble" or "/comparison/difference"
    std::vector<Band> bands;
    std::vector<CampReplicates> camps;
    ReplicateArds ards;  // empty without observed data
};

struct EnsembleFileSpec {
    const Scenario* scenario = nullptr;  // root attributes (a comparison's scenario side)
    const Scenario* baseline = nullptr;  // comparisons: stored as baseline_* attributes
    std::string seeds_group;             // where `seeds` goes: "/ensemble" or "/comparison"
    std::vector<std::uint64_t> seeds;
    int threads = 1;
    double wall_seconds = 0;
    std::int64_t agent_steps = 0;
    const MemoryRecorder* drivers = nullptr;  // /drivers from this run (they do not depend on the seed)
    std::vector<EnsembleSection> sections;
};

// Writes `path + ".partial"`, renamed to `path` when complete (like a single run).
void write_ensemble_file(const std::string& path, const World& w, const EnsembleFileSpec& spec);

}  // namespace migflow
