#pragma once
// /events: the closures and shocks of a run as they were applied (dates clipped to the
// run, one-way border closures as one-way), so readers such as the report need not
// parse the scenario text again (docs/OUTPUT.md "Policy events").
#include <H5Cpp.h>

#include <string>

#include "migflow/scenario/scenario.hpp"

namespace migflow::detail {

// Writes group `path` ("/events", or "/baseline_events" for a comparison's baseline).
void write_events(H5::H5File& file, const Scenario& s, const std::string& path);

}  // namespace migflow::detail
