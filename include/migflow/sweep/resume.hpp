#pragma once
// What `sweep --resume` checks before it keeps anything of an earlier sweep: that every
// input file the scenario reads is unchanged, and that a run file is whole.
#include <string>
#include <vector>

namespace migflow {

// One line per input file, sorted: `input PATH crc32 HEX bytes N` (or `input PATH
// missing`). Kept in sweep_settings.txt; a changed line means a changed input.
std::string input_fingerprint(std::vector<std::string> files);


}  // namespace migflow
