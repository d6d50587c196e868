#include "scenario_source.hpp"

#include <filesystem>
#include <stdexcept>

namespace migflow::cli {

Scenario load_scenario_source(const std::string& path, const Overrides& overrides) {
    namespace fs = std::filesystem;
    if (!fs::exists(path)) throw std::runtime_error(path + ": no such file or directory");
    if (fs::is_directory(path))
        throw std::runtime_error(path + ": is a directory; Flee case directories are not "
                                        "supported yet");
    return load_scenario(path, overrides);
}

}  // namespace migflow::cli
