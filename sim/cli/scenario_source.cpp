// A scenario from what the user named: a YAML file or a Flee input directory.
#include "cli/scenario_source.hpp"

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "migflow/formats/flee/import.hpp"

namespace migflow::cli {

Scenario load_scenario_source(const std::string& path, const Overrides& overrides) {
    namespace fs = std::filesystem;
    if (!fs::exists(path)) throw std::runtime_error(path + ": no such file or directory");
    if (!fs::is_directory(path)) return load_scenario(path, overrides);
    if (!is_flee_case_dir(path))
        throw std::runtime_error(path + ": a directory, but not a Flee case (no input_csv/locations.csv)");
    if (!overrides.empty())
        throw std::runtime_error("--set applies to YAML scenarios; write this Flee case as one with "
                                 "`migflow import-flee " + path + " -o case.yaml`, then run that");
    Scenario s = import_flee_case(path);
    print_warnings(s);
    return s;
}

void print_warnings(const Scenario& s) {
    for (const Problem& p : s.warnings) std::fprintf(stderr, "warning: %s\n", p.str().c_str());
}

}  // namespace migflow::cli
