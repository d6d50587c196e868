// flock-based locks on sweep output directories (include/migflow/sweep/lock.hpp).
#include "migflow/sweep/lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace migflow {

namespace {

std::string read_note(int fd) {
    std::string out;
    char buf[512];
    ssize_t n;
    off_t at = 0;
    while ((n = ::pread(fd, buf, sizeof buf, at)) > 0 && out.size() < 4096) out.append(buf, std::size_t(n)), at += n;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\0')) out.pop_back();
    return out;
}

}  // namespace

LockBusy::LockBusy(const std::string& path, std::string holder)
    : std::runtime_error(path + " is locked by another process"), holder_(std::move(holder)) {}

FileLock::FileLock(const std::string& path, LockMode mode, const std::string& note) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error("cannot open the lock file " + path + ": " + std::strerror(errno));
    if (::flock(fd_, (mode == LockMode::exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
        const int err = errno;
        if (err == EWOULDBLOCK) {
            std::string holder = read_note(fd_);
            ::close(fd_);
            fd_ = -1;
            throw LockBusy(path, holder);
        }
        unsupported_ = std::strerror(err);  // ENOLCK, ENOSYS, EOPNOTSUPP: no flock here
        return;
    }
    held_ = true;
    // Shared holders all write here; the note then names the latest, which is enough
    // to tell the user which sweep is using the directory.
    if (::ftruncate(fd_, 0) == 0) {
        const std::string text = note + "\n";
        [[maybe_unused]] const auto n = ::pwrite(fd_, text.data(), text.size(), 0);
    }
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the lock
}

FileLock::FileLock(FileLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), held_(std::exchange(other.held_, false)),
      unsupported_(std::move(other.unsupported_)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
        held_ = std::exchange(other.held_, false);
        unsupported_ = std::move(other.unsupported_);
    }
    return *this;
}

}  // namespace migflow
