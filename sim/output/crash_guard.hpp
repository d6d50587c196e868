#pragma once
// HDF5 1.10 can crash (SIGSEGV in its global-heap reader) on a file damaged in a way
// migflow's seal cannot see: an unsealed file, or one changed and then resealed. While a
// result file is being read, such a crash ends the process with one line naming the file
// and exit status 1, as any other damaged input would, instead of a core dump.
#include <csignal>
#include <string>

namespace migflow::detail {

class ReadCrashGuard {
public:
    explicit ReadCrashGuard(const std::string& path);
    ~ReadCrashGuard();
    ReadCrashGuard(const ReadCrashGuard&) = delete;
    ReadCrashGuard& operator=(const ReadCrashGuard&) = delete;

private:
    bool installed_ = false;
};

}  // namespace migflow::detail
