// Progress lines for `migflow run` (progress.hpp).
#include "cli/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace migflow::cli {

ProgressStyle progress_style(bool quiet) {
    if (quiet) return ProgressStyle::off;
    return isatty(STDERR_FILENO) ? ProgressStyle::terminal : ProgressStyle::lines;
}

ProgressPrinter::ProgressPrinter(ProgressStyle style, double every_seconds, int every_percent)
    : style_(style), every_seconds_(every_seconds), every_percent_(every_percent), next_percent_(every_percent) {}

void ProgressPrinter::operator()(const Progress& p) {
    const int done = p.day + 1;
    if (style_ == ProgressStyle::terminal) {
        std::fprintf(stderr, "\rday %d/%d  agents %lld  %.3g agent-steps/s   ", done, p.days,
                     static_cast<long long>(p.agents), p.agent_steps_per_second);
        if (done == p.days) std::fputc('\n', stderr);
        return;
    }
    if (style_ == ProgressStyle::off) return;
    const auto now = Clock::now();
    // Whole percent reached, in integers: 1000 days give exactly one line per 5 %.
    const long long percent = 100LL * done / p.days;
    const bool step = percent >= next_percent_ || done == p.days;
    const bool late = std::chrono::duration<double>(now - last_line_).count() >= every_seconds_;
    if (!step && !late) return;
    while (next_percent_ <= percent) next_percent_ += every_percent_;
    last_line_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double left = elapsed / done * (p.days - done);
    std::fprintf(stderr, "day %d/%d (%lld%%)  agents %lld  %.3g agent-steps/s  elapsed %.1f s  left %.1f s\n", done,
                 p.days, percent, static_cast<long long>(p.agents), p.agent_steps_per_second, elapsed, left);
    std::fflush(stderr);
}

}  // namespace migflow::cli
