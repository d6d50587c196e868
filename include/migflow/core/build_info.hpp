#pragma once
// The build that made this binary (docs/OUTPUT.md "Root attributes", build_*): the
// commit and whether the tree had uncommitted changes, build type, compiler, and the
// libraries a result's numbers depend on. Every result file, ensemble, sweep index and
// calibration output records it, so a researcher can tell which build made a file.
#include <string>
#include <vector>

namespace migflow {

struct BuildItem {
    std::string name;   // commit, modified, type, compiler, flags, hdf5, tbb, mpi, features, ...
    std::string value;  // "unknown" where the build could not tell; mpi: "none" without MPI;
                        // features: the optional parts built in ("mpi osm python"), or "none"
};

// In the order `migflow --version` and `migflow info` print them; a result file stores
// each as the root attribute build_<name>.
const std::vector<BuildItem>& build_info();

// One line without commas (a CSV cell as it is): "commit 1a2b3c4d5e6f (modified); Release;
// GNU 12.2.0" (and the MPI library in an MPI build).
std::string build_summary();

// The same for a file's recorded items (name -> value, missing ones "unknown").
std::string build_summary(const std::vector<BuildItem>& recorded);

// What this build's items differ in from recorded ones ("commit", "compiler", ...);
// empty when the same code was built the same way.
std::vector<std::string> build_differences(const std::vector<BuildItem>& recorded);

}  // namespace migflow
