#pragma once
// What the sweep and calibration files share in reading their YAML: paths relative to
// the file, and values as `--set` takes them.
#include <yaml-cpp/yaml.h>

#include <string>

namespace migflow::detail {

// `p` as written, or relative to `base_dir` (the file's folder) unless absolute.
inline std::string resolve_relative(const std::string& base_dir, const std::string& p) {
    if (p.empty() || p.front() == '/' || base_dir.empty()) return p;
    return base_dir + "/" + p;
}

// An override value as `--set` takes it: scalars as written, lists and maps in flow style.
inline std::string override_text(const YAML::Node& n) {
    if (n.IsScalar()) return n.Scalar();
    YAML::Emitter out;
    out << YAML::Flow << n;
    return out.c_str();
}

}  // namespace migflow::detail
