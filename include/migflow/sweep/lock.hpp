#pragma once
// Advisory locks (flock) on files in a sweep's output directory, so that two sweeps never
// write into one directory at once. The kernel releases a lock when its process ends,
// however it ends (even by SIGKILL or a node's job being cancelled): no stale locks.
#include <stdexcept>
#include <string>

namespace migflow {

enum class LockMode { exclusive, shared };

// Another process holds a conflicting lock; what() names the file, holder() says who
// took it last (as that process wrote it in the file).
class LockBusy : public std::runtime_error {
public:
    LockBusy(const std::string& path, std::string holder);
    const std::string& holder() const { return holder_; }

private:
    std::string holder_;
};

class FileLock {
public:
    // Creates `path` if needed and locks it without waiting: throws LockBusy when
    // another process holds a conflicting lock, std::runtime_error when the file cannot
    // be opened. `note` (who holds the lock) is written into the file for LockBusy's
    // messages. On a filesystem without flock (some Lustre mounts) nothing is locked:
    // held() is then false and `unsupported_reason()` says why.
    FileLock(const std::string& path, LockMode mode, const std::string& note);
    ~FileLock();
    FileLock(FileLock&& other) noexcept;
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

    bool held() const { return held_; }
    const std::string& unsupported_reason() const { return unsupported_; }

private:
    int fd_ = -1;
    bool held_ = false;
    std::string unsupported_;
};

}  // namespace migflow
