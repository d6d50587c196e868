// A scenario from what the user named: a YAML file or a Flee input directory.
#include "migflow/scenario/source.hpp"

#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "migflow/formats/flee/import.hpp"

namespace migflow {

Scenario load_scenario_source(const std::string& path, const Overrides& overrides) {
    namespace fs = std::filesystem;
    std::error_code ec;  // never a bare `filesystem error`: say what is wrong with the path
    const auto status = fs::status(path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
        throw std::runtime_error(path + ": " + ec.message());
    if (!fs::exists(status)) throw std::runtime_error(path + ": no such file or directory");
    if (!fs::is_directory(status)) return load_scenario(path, overrides);
    if (!is_flee_case_dir(path))
        throw std::runtime_error(path + ": a directory, but not a Flee case (no input_csv/locations.csv)");
    if (!overrides.empty())
        throw std::runtime_error("--set applies to YAML scenarios; write this Flee case as one with "
                                 "`migflow import-flee " + path + " -o case.yaml`, then run that");
    Scenario s = import_flee_case(path);
    print_warnings(s);
    return s;
}

// As bounded as errors (Diagnostics::max_per_file): a row repeated 20,000 times warns
// 50 times and then counts the rest.
void print_warnings(const Scenario& s) {
    std::map<std::string, int> per_file;
    for (const Problem& p : s.warnings)
        if (++per_file[p.file] <= Diagnostics::max_per_file) std::fprintf(stderr, "warning: %s\n", p.str().c_str());
    for (const auto& [file, n] : per_file)
        if (n > Diagnostics::max_per_file)
            std::fprintf(stderr, "warning: %s: %d more warnings not shown\n", file.c_str(), n - Diagnostics::max_per_file);
}

}  // namespace migflow
