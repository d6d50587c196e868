#pragma once
// One DayTally per worker thread, so the agent kernels count without atomics. Counts
// are integers: summed in any order they give the same total (bit-identical results
// for any thread count).
#include <tbb/enumerable_thread_specific.h>

#include "migflow/engine/tally.hpp"

namespace migflow::detail {

class ThreadTallies {
public:
    ThreadTallies(std::size_t regions, std::size_t routes) : regions_(regions), routes_(routes) {}

    // Zeroes every thread's tally before a day's moves.
    void clear() {
        for (auto& t : per_thread_) t.clear();
    }
    // The calling thread's tally, sized on first use.
    DayTally& local() {
        DayTally& t = per_thread_.local();
        if (t.arrivals.size() != regions_) t.resize(regions_, routes_);
        return t;
    }
    void add_to(DayTally& total) const {
        for (const auto& t : per_thread_) total.add(t);
    }

private:
    std::size_t regions_, routes_;
    tbb::enumerable_thread_specific<DayTally> per_thread_;
};

}  // namespace migflow::detail
