#pragma once
// Writes the outcome measures (docs/OUTPUT.md /measures, /countries) into a result
// file. Internal to the HDF5 recorder.
#include <H5Cpp.h>

#include "migflow/measures/camps.hpp"
#include "migflow/measures/countries.hpp"
#include "migflow/measures/origins.hpp"
#include "migflow/scenario/scenario.hpp"

namespace migflow::detail {

void write_camp_measures(H5::H5File& file, const Scenario& s, const World& w, const CampTracker& camps);
void write_country_measures(H5::H5File& file, const World& w, const CountryTracker& countries,
                            int compression);
void write_origin_measures(H5::H5File& file, const World& w, const OriginDestination& od);

}  // namespace migflow::detail
