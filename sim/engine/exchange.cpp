// The daily sum of the tally across processes: written once, over the tally's columns
// as for_each_column lists them, so a new column needs no change here.
#include "engine/exchange.hpp"

#include <algorithm>

namespace migflow::detail {

bool TallyExchange::run(DayTally& tally, bool failed) {
    if (team_.size() == 1) return failed;
    std::size_t n = 0;
    for_each_column(tally, [&](auto& v, Extent, Across a) {
        if (a == Across::summed) n += v.size();
    });
    buffer_.resize(n + 1);
    std::size_t at = 0;
    for_each_column(tally, [&](auto& v, Extent, Across a) {
        if (a != Across::summed) return;
        std::copy(v.begin(), v.end(), buffer_.begin() + std::ptrdiff_t(at));
        at += v.size();
    });
    buffer_[n] = failed ? 1 : 0;
    team_.sum(buffer_);
    at = 0;
    for_each_column(tally, [&](auto& v, Extent, Across a) {
        if (a != Across::summed) return;
        std::copy_n(buffer_.begin() + std::ptrdiff_t(at), v.size(), v.begin());
        at += v.size();
    });
    return buffer_[n] != 0;
}

}  // namespace migflow::detail
