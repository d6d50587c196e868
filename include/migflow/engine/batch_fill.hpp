#pragma once
// Filling a new batch of agents (AgentStore::add_batch) in parallel: the batch is runs of
// agents (one run per region, say), and each thread writes a contiguous block of this
// process's slice, so that every page of the columns is first touched, and written once,
// by one thread. What an agent gets depends only on its run and global id, so the
// columns come out the same for any number of threads.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "migflow/engine/agents.hpp"

namespace migflow {

// run_end[k]: the global id one past run k (cumulative, non-decreasing; run k starts at
// run_end[k-1], run 0 at the batch's first id). Calls f(k, local_begin, local_end, global_begin) for
// the pieces of the runs that fall in `mine`, in parallel blocks of about `grain` agents.
template <class F>
void fill_batch(const AgentStore::IdRange& mine, const std::vector<std::uint64_t>& run_end, F&& f, std::uint64_t grain = 1 << 16) {
    if (mine.end <= mine.begin) return;
    tbb::parallel_for(tbb::blocked_range<std::uint64_t>(mine.begin, mine.end, grain),
                      [&](const tbb::blocked_range<std::uint64_t>& b) {
                          // The run holding global id b.begin(), then the following runs.
                          std::size_t k = std::size_t(
                              std::upper_bound(run_end.begin(), run_end.end(), b.begin()) - run_end.begin());
                          std::uint64_t g = b.begin();
                          while (g < b.end() && k < run_end.size()) {
                              const std::uint64_t stop = std::min(b.end(), run_end[k]);
                              if (stop > g)
                                  f(k, mine.local_begin + std::size_t(g - mine.begin),
                                    mine.local_begin + std::size_t(stop - mine.begin), g);
                              g = std::max(g, stop);
                              ++k;
                          }
                      });
}

}  // namespace migflow
