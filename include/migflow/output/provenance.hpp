#pragma once
// What a result file records about its run, read back so the run can be repeated from
// the file alone (`migflow rerun`, docs/OUTPUT.md "Provenance").
#include <cstdint>
#include <string>
#include <vector>

#include "migflow/core/build_info.hpp"

#include "migflow/scenario/scenario.hpp"

namespace migflow {

struct RecordedRun {
    Scenario scenario;          // loaded from scenario_text and /inputs, seed set
    std::uint64_t seed = 1;     // the run's seed (an ensemble's first seed)
    std::size_t replicates = 0;  // 0: a single run; N: an ensemble of N
    std::vector<BuildItem> build;  // the build that made the file; empty: an older file
};

// Throws std::runtime_error for a file that is not a complete single-run or ensemble
// result (a comparison holds two scenarios: repeat it with `migflow compare`).
RecordedRun read_recorded_run(const std::string& path);

}  // namespace migflow
