#pragma once
// `migflow info`'s outcome summary: camps, turned-away movers, countries, flows
// between countries and where the displaced are (docs/OUTPUT.md "Outcome measures").
#include <H5Cpp.h>

#include <ostream>

namespace migflow::detail {

// Prints nothing for files written before the measures existed.
void print_outcomes(const H5::H5File& file, std::ostream& out);

}  // namespace migflow::detail
