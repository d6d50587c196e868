#pragma once
// One in-process run as Python objects: numpy arrays named and shaped as the HDF5
// result file's datasets (docs/OUTPUT.md), for migflow/_dataset.py to label.
#include <pybind11/pybind11.h>

#include <optional>

#include "migflow/scenario/scenario.hpp"

namespace migflow::python {

// Runs `s` (the GIL released while it runs) and returns
// {"attrs": root attributes, "time"/"regions"/"routes"/"series"/"drivers": {name: array},
//  "validation": {name: array} or None}.
pybind11::dict run_to_arrays(const Scenario& s, std::uint64_t seed, int threads);

}  // namespace migflow::python
