#pragma once
// What every migflow result file opens with, single runs and ensembles alike: the
// root attributes that say what was run, /time, /regions and /routes (docs/OUTPUT.md).
#include <H5Cpp.h>

#include <cstdint>
#include <string>

#include "migflow/core/build_info.hpp"
#include "migflow/engine/world.hpp"

namespace migflow::detail {

// Root attributes naming the scenario (its effective text, --set overrides, embedded
// input files) and the seed; `threads` as really used.
void write_run_attributes(H5::H5File& file, const Scenario& s, std::uint64_t seed, int threads,
                          const std::string& version);

// The build_* root attributes a file recorded (build_info.hpp); empty for a file older
// than them.
std::vector<BuildItem> read_build_attributes(const H5::H5Object& root);

// /time, /regions and /routes.
void write_time_and_network(H5::H5File& file, const Scenario& s, const World& w);

// A [rows x cols] float64 dataset written whole, chunked and compressed like the series.
void write_matrix(H5::Group& g, const std::string& name, const double* data, std::size_t rows,
                  std::size_t cols, int compression, const std::string& units,
                  const std::string& description);

}  // namespace migflow::detail
