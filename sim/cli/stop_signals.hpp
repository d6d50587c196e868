#pragma once
// Clean stops: SIGINT, SIGTERM, SIGHUP and SIGUSR1 (Ctrl-C, `kill`, `scancel`, a Slurm time
// limit or its --signal warning, a closed terminal) ask the run loop to stop at the next day instead of killing
// the process mid-write; a second signal of the same kind kills at once.
#include <atomic>
#include <string>

namespace migflow::cli {

// Installs the handlers (once; later calls return the same flag). The flag holds 0, or
// the number of the first signal received; pass it as RunOptions::stop.
const std::atomic<int>& install_stop_signals();

// The signal that stopped a command all processes agreed to stop: this process's own,
// or SIGTERM on a process the signal did not reach (another rank's stopped it).
int stop_signal_of(const std::atomic<int>& stop);

// "SIGTERM", "SIGINT", ... for messages.
std::string signal_name(int signal);

// The exit status of a command stopped by `signal`: 128 + its number, as a shell
// reports a process killed by it (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP).
inline int stopped_exit_code(int signal) { return 128 + signal; }

// The exit status of a run stopped after writing a checkpoint to continue from (EX_TEMPFAIL
// of sysexits.h: try again), whatever stopped it: a Slurm script requeues on it.
inline constexpr int checkpointed_exit_code = 75;

}  // namespace migflow::cli
