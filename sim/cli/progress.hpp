#pragma once
// Progress of a run on stderr: redrawn in place on a terminal; in a batch log (stderr a
// file or pipe, as under Slurm) one line every 5 % of the days or every minute, whichever
// comes first, instead of a carriage return per day.
#include <chrono>

#include "migflow/engine/simulation.hpp"

namespace migflow::cli {

enum class ProgressStyle { off, terminal, lines };

// Off with --quiet; otherwise redrawn when stderr is a terminal, lines when it is not.
ProgressStyle progress_style(bool quiet);

class ProgressPrinter {
public:
    explicit ProgressPrinter(ProgressStyle style, double every_seconds = 60.0, int every_percent = 5);
    void operator()(const Progress& p);

private:
    using Clock = std::chrono::steady_clock;
    ProgressStyle style_;
    double every_seconds_;
    int every_percent_;
    int next_percent_;
    Clock::time_point start_ = Clock::now(), last_line_ = start_;
};

}  // namespace migflow::cli
