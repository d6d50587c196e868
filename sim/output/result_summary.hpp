#pragma once
// `migflow info`'s text: what a result file holds, in a few readable lines (what was
// run, by which build, the largest regions, camps and outcome measures; for ensembles
// and comparisons the bands over replicates per camp).
#include <ostream>

#include "output/result_file.hpp"

namespace migflow::detail {

// Throws ResultFileError (or H5::Exception) when a dataset the summary needs is missing
// or misshapen; write to a buffer first so that a file failing half-way prints nothing.
void describe_result(const ResultFile& file, std::ostream& out);

}  // namespace migflow::detail
