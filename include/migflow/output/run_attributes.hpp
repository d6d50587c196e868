#pragma once
// The root attributes that say what was run (docs/OUTPUT.md "Root attributes"), built
// once for the HDF5 file's header and for the Python module's in-process results.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "migflow/scenario/scenario.hpp"

namespace migflow {

struct RunAttribute {
    std::string name;
    std::variant<int, std::int64_t, std::uint64_t, double, std::string> value;
};

// schema_version, migflow_version, the scenario (name, file, effective text, kind, and
// with overrides their list and the text before them), seed, ruleset, people_per_agent,
// start_date, days, threads, then the build that made it (build_commit, build_modified,
// ... as build_info() lists them): in the order the file writes them.
std::vector<RunAttribute> run_attributes(const Scenario& s, std::uint64_t seed, int threads,
                                         const std::string& version);

}  // namespace migflow
