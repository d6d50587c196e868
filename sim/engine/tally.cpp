// A day's counts (departures, arrivals, flows, spawns), summed across threads.
#include "migflow/engine/tally.hpp"

#include <algorithm>
#include <array>

namespace migflow {

void DayTally::resize(std::size_t regions, std::size_t routes) {
    for_each_column(*this, [&](auto& v, Extent e, Across) {
        v.assign(e == Extent::regions ? regions : routes, 0);
    });
}

void DayTally::clear() {
    for_each_column(*this, [](auto& v, Extent, Across) { std::fill(v.begin(), v.end(), 0); });
}

void DayTally::add(const DayTally& o) {
    // Both tallies visit their columns in the same order: pair them up by position.
    // (A fixed array: this runs for every thread every day, so it does not allocate.)
    std::array<const std::vector<std::int64_t>*, 32> theirs{};
    std::size_t k = 0;
    for_each_column(o, [&](const auto& v, Extent, Across) { theirs.at(k++) = &v; });
    k = 0;
    for_each_column(*this, [&](auto& a, Extent, Across) {
        const auto& b = *theirs[k++];
        for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
    });
}

}  // namespace migflow
