// A crash inside the HDF5 library while reading a result file, told as a damaged file:
// see crash_guard.hpp.
#include "output/crash_guard.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace migflow::detail {

namespace {

// Set before the handler can run; the handler only reads them (async-signal-safe).
char crash_note[1024];
std::size_t crash_note_length = 0;
int guard_depth = 0;
struct sigaction previous[3];
constexpr int guarded_signals[3] = {SIGSEGV, SIGBUS, SIGFPE};
std::vector<char> alternate_stack;

void on_crash(int) {
    ssize_t ignored = ::write(STDERR_FILENO, crash_note, crash_note_length);
    static_cast<void>(ignored);
    ::_exit(1);
}

}  // namespace

ReadCrashGuard::ReadCrashGuard(const std::string& path) {
    if (guard_depth++ > 0) return;  // an outer guard names the file already
    const std::string note = "migflow: error: " + path.substr(0, 600) +
                             ": damaged result file: the HDF5 library failed inside it (it is damaged in a way "
                             "its seal does not show, or was changed and resealed)\n";
    crash_note_length = std::min(note.size(), sizeof crash_note);
    std::memcpy(crash_note, note.data(), crash_note_length);
    // Its own stack: a crash from runaway recursion has none left.
    if (alternate_stack.empty()) {
        alternate_stack.resize(1 << 16);
        stack_t st{};
        st.ss_sp = alternate_stack.data();
        st.ss_size = alternate_stack.size();
        ::sigaltstack(&st, nullptr);
    }
    struct sigaction sa {};
    sa.sa_handler = on_crash;
    sa.sa_flags = SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (int k = 0; k < 3; ++k) ::sigaction(guarded_signals[k], &sa, &previous[k]);
    installed_ = true;
}

ReadCrashGuard::~ReadCrashGuard() {
    --guard_depth;
    if (!installed_) return;
    for (int k = 0; k < 3; ++k) ::sigaction(guarded_signals[k], &previous[k], nullptr);
}

}  // namespace migflow::detail
