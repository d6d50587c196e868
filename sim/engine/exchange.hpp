#pragma once
// The processes' one message of the day (docs/DESIGN.md §5): the tally columns the agent
// kernels count, summed over the processes, with a failure flag riding along.
#include <chrono>
#include <vector>

#include "migflow/engine/tally.hpp"
#include "migflow/engine/team.hpp"

namespace migflow::detail {

// A Team that forwards to another and adds up the time spent in its collectives (the
// communication time of a run, waiting for slower processes included).
class TimedTeam final : public Team {
public:
    explicit TimedTeam(Team& inner) : inner_(inner) {}
    int rank() const override { return inner_.rank(); }
    int size() const override { return inner_.size(); }
    void sum(std::span<std::int64_t> v) override { timed([&] { inner_.sum(v); }); }
    void sum_below(std::span<std::int64_t> v) override { timed([&] { inner_.sum_below(v); }); }
    int first_failed(bool failed) override {
        int r = -1;
        timed([&] { r = inner_.first_failed(failed); });
        return r;
    }
    void abort_all(int code) override { inner_.abort_all(code); }
    double seconds() const { return seconds_; }

private:
    template <class F>
    void timed(F&& f) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    Team& inner_;
    double seconds_ = 0.0;
};

class TallyExchange {
public:
    explicit TallyExchange(Team& team) : team_(team) {}
    // Sums the Across::summed columns of `tally` over the processes, in place, and
    // returns whether `failed` was true on any of them. One collective call.
    bool run(DayTally& tally, bool failed);

private:
    Team& team_;
    std::vector<std::int64_t> buffer_;  // sized on the first day, reused after
};

}  // namespace migflow::detail
