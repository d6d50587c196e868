// The signal handlers behind clean stops (stop_signals.hpp).
#include "cli/stop_signals.hpp"

#include <csignal>
#include <cstring>

namespace migflow::cli {

namespace {

// A signal handler may only touch lock-free atomics.
static_assert(std::atomic<int>::is_always_lock_free);
std::atomic<int> stop_flag{0};

extern "C" void on_stop_signal(int signal) {
    int none = 0;
    stop_flag.compare_exchange_strong(none, signal);  // the first signal is the one reported
}

}  // namespace

const std::atomic<int>& install_stop_signals() {
    static const bool installed = [] {
        struct sigaction sa;
        std::memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        // SA_RESETHAND: the handler runs once, so a second Ctrl-C (or Slurm's follow-up
        // signal) ends the process even if the run does not stop.
        sa.sa_flags = SA_RESETHAND | SA_RESTART;
        for (int s : {SIGINT, SIGTERM, SIGHUP, SIGUSR1}) sigaction(s, &sa, nullptr);
        return true;
    }();
    (void)installed;
    return stop_flag;
}

int stop_signal_of(const std::atomic<int>& stop) {
    const int own = stop.load();
    return own != 0 ? own : SIGTERM;
}

std::string signal_name(int signal) {
    switch (signal) {
        case SIGINT: return "SIGINT";
        case SIGTERM: return "SIGTERM";
        case SIGHUP: return "SIGHUP";
        case SIGUSR1: return "SIGUSR1";
        default: return "signal " + std::to_string(signal);
    }
}

}  // namespace migflow::cli
