// Names used in YAML, output attributes and messages; the loader parses the same words.
#include "migflow/scenario/scenario.hpp"

namespace migflow {

std::string_view to_string(RegionType t) {
    switch (t) {
        case RegionType::settlement: return "settlement";
        case RegionType::camp: return "camp";
        case RegionType::transit: return "transit";
    }
    return "?";
}

std::string_view to_string(DriverKind k) {
    switch (k) {
        case DriverKind::conflict: return "conflict";
        case DriverKind::economy: return "economy";
        case DriverKind::climate: return "climate";
    }
    return "?";
}

}  // namespace migflow
