#pragma once
// Dense indices given by the scenario's order (never by a process-wide counter).
#include <cstdint>

namespace migflow {

using RegionIndex = std::int32_t;  // position in Scenario::regions
using RouteIndex = std::int32_t;   // position in Scenario::routes
using Day = std::int32_t;          // days since the scenario's start date (day 0 = start)
using AgentId = std::uint64_t;     // creation order, global across threads and ranks

inline constexpr RegionIndex no_region = -1;
inline constexpr Day never = 2147483647;  // end of an open-ended date range

}  // namespace migflow
