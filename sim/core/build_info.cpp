// The build that made this binary: see build_info.hpp.
#include "migflow/core/build_info.hpp"

#include <hdf5.h>
#include <oneapi/tbb/version.h>

#include "migflow_git_stamp.hpp"  // generated at build time (cmake/git_stamp.cmake)

#if defined(MIGFLOW_WITH_MPI)
#define OMPI_SKIP_MPICXX 1  // the C API only, as sim/mpi/ uses
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace migflow {

namespace {

std::string hdf5_version() {
    unsigned major = 0, minor = 0, release = 0;
    if (H5get_libversion(&major, &minor, &release) < 0) return "unknown";
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
}

std::string mpi_version() {
#if defined(MIGFLOW_WITH_MPI)
    // Callable before MPI_Init (MPI-3): the library's own words, first line only.
    char text[MPI_MAX_LIBRARY_VERSION_STRING];
    int length = 0;
    if (MPI_Get_library_version(text, &length) != MPI_SUCCESS) return "unknown";
    std::string s(text, static_cast<std::size_t>(length));
    const auto cut = s.find_first_of(",\n");
    return s.substr(0, cut);
#else
    return "none";
#endif
}

std::string short_commit(const std::string& commit) { return commit.size() > 12 ? commit.substr(0, 12) : commit; }

std::string value_of(const std::vector<BuildItem>& items, const std::string& name) {
    for (const BuildItem& i : items)
        if (i.name == name) return i.value;
    return "unknown";
}

}  // namespace

const std::vector<BuildItem>& build_info() {
    static const std::vector<BuildItem> items = {
        {"commit", MIGFLOW_GIT_COMMIT},
        {"modified", MIGFLOW_GIT_MODIFIED},
        {"type", MIGFLOW_BUILD_TYPE},
        {"compiler", MIGFLOW_COMPILER},
        {"flags", MIGFLOW_CXX_FLAGS},
        {"hdf5", hdf5_version()},
        {"tbb", TBB_runtime_version()},
        {"mpi", mpi_version()},
        // The optional parts built in: mpi, python, osm, native-arch, sanitize=... (CMakeLists.txt).
        {"features", MIGFLOW_FEATURES},
        // Header-only or static here: the versions CMake found (their headers are heavy).
        {"nlopt", MIGFLOW_NLOPT_VERSION},
        {"eigen", MIGFLOW_EIGEN_VERSION},
        {"yaml_cpp", MIGFLOW_YAML_CPP_VERSION},
    };
    return items;
}

std::string build_summary(const std::vector<BuildItem>& recorded) {
    const std::string modified = value_of(recorded, "modified");
    std::string s = "commit " + short_commit(value_of(recorded, "commit"));
    if (modified == "yes") s += " (modified)";
    else if (modified != "no") s += " (changes unknown)";
    s += "; " + value_of(recorded, "type") + "; " + value_of(recorded, "compiler");
    const std::string mpi = value_of(recorded, "mpi");
    if (mpi != "none" && mpi != "unknown") s += "; " + mpi;
    return s;
}

std::string build_summary() { return build_summary(build_info()); }

std::vector<std::string> build_differences(const std::vector<BuildItem>& recorded) {
    std::vector<std::string> out;
    for (const BuildItem& mine : build_info())
        // MPI and the optional parts (python, osm) do not change a run's numbers; native-arch does,
        // and shows in flags.
        if (mine.name != "mpi" && mine.name != "features" && value_of(recorded, mine.name) != mine.value)
            out.push_back(mine.name);
    // A tree with uncommitted changes may hold any code: never "the same build".
    if (value_of(recorded, "modified") == "yes" && out.empty()) out.push_back("modified");
    return out;
}

}  // namespace migflow
