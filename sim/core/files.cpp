// Defensive file creation and replacement: O_EXCL | O_NOFOLLOW, locks, fsync, limits.
#include "migflow/core/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace migflow {

namespace {

namespace fs = std::filesystem;

std::string parent_dir(const std::string& path) {
    const fs::path p = fs::path(path).parent_path();
    return p.empty() ? std::string(".") : p.string();
}

// A write lock on the open file description: held until the descriptor is closed, not
// dropped when the process closes another descriptor of the same file (HDF5 does).
bool try_lock(int fd) {
    struct flock l {};
    l.l_type = F_WRLCK;
    l.l_whence = SEEK_SET;
    return ::fcntl(fd, F_OFD_SETLK, &l) == 0;
}

std::size_t limit_from_env(const char* name, std::size_t fallback) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return fallback;
    char* end = nullptr;
    const unsigned long long n = std::strtoull(v, &end, 10);
    if (end == v || *end != '\0' || n == 0) return fallback;
    return static_cast<std::size_t>(n);
}

void write_all(int fd, const std::string& text, const std::string& path) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

FileHandle& FileHandle::operator=(FileHandle&& o) noexcept {
    if (this != &o) {
        close();
        fd_ = o.fd_;
        o.fd_ = -1;
    }
    return *this;
}

void FileHandle::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

std::string creation_error(const std::string& path, int err) {
    switch (err) {
        case ENOENT: return "the directory `" + parent_dir(path) + "` does not exist";
        case ENOTDIR: return "a part of the path `" + parent_dir(path) + "` is not a directory";
        case EACCES:
        case EPERM: return "permission denied (the directory `" + parent_dir(path) + "` is not writable)";
        case EROFS: return "the file system is read-only";
        case ENAMETOOLONG: return "the file name is longer than the file system allows";
        case ENOSPC: return "no space left on the device";
        case EDQUOT: return "disk quota exceeded";
        case ELOOP: return "it is a symbolic link; migflow never writes through one (remove the link)";
        case EISDIR: return "it is a directory";
        default: return std::strerror(err);
    }
}

FileHandle claim_partial_file(const std::string& path) {
    // Three attempts: a leftover removed between our open and our unlink by another
    // run that is claiming the same path is the only reason to go round again.
    for (int attempt = 0; attempt < 3; ++attempt) {
        FileHandle fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666));
        if (fd) {
            if (!try_lock(fd.get()))
                throw std::runtime_error("cannot create " + path + ": cannot lock it (" + std::strerror(errno) + ")");
            return fd;
        }
        const int err = errno;
        if (err != EEXIST) throw std::runtime_error("cannot create " + path + ": " + creation_error(path, err));

        // It exists: a run writing it now, or the leftover of one that was killed.
        FileHandle old(::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
        if (!old) {
            if (errno == ENOENT) continue;  // gone meanwhile: try again
            throw std::runtime_error("cannot create " + path + ": " + creation_error(path, errno));
        }
        struct stat st {};
        if (::fstat(old.get(), &st) != 0 || !S_ISREG(st.st_mode))
            throw std::runtime_error("cannot create " + path + ": it exists and is not a regular file");
        if (!try_lock(old.get()))
            throw std::runtime_error("another migflow run is writing " + path +
                                     " now; wait for it to finish or choose another output file");
        // Nobody holds it: a run was killed (kill -9, power loss) while writing it.
        remove_if_same(path, old.get());
    }
    throw std::runtime_error("cannot create " + path + ": another process keeps creating it");
}

void remove_if_same(const std::string& path, int fd) {
    struct stat by_fd {}, by_path {};
    if (::fstat(fd, &by_fd) != 0 || ::lstat(path.c_str(), &by_path) != 0) return;
    if (by_fd.st_dev == by_path.st_dev && by_fd.st_ino == by_path.st_ino) ::unlink(path.c_str());
}

void sync_file(int fd, const std::string& path) {
    if (::fsync(fd) != 0) throw std::runtime_error("cannot write " + path + " to disk: " + std::strerror(errno));
}

void sync_directory_of(const std::string& path) {
    const std::string dir = parent_dir(path);
    FileHandle fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    // Some file systems refuse to fsync a directory (EINVAL): nothing more can be done there.
    if (fd && ::fsync(fd.get()) != 0 && errno != EINVAL)
        throw std::runtime_error("cannot write the directory " + dir + " to disk: " + std::strerror(errno));
}

void write_file_atomically(const std::string& path, const std::string& text) {
    // Of this process: the shards of a sweep write the same sweep_settings.txt at once.
    const std::string tmp = path + ".tmp" + std::to_string(::getpid());
    ::unlink(tmp.c_str());  // a stale one, or a link: unlink never follows it
    FileHandle fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666));
    if (!fd) throw std::runtime_error("cannot create " + tmp + ": " + creation_error(tmp, errno));
    try {
        write_all(fd.get(), text, tmp);
        sync_file(fd.get(), tmp);
    } catch (...) {
        fd.close();
        ::unlink(tmp.c_str());
        throw;
    }
    fd.close();
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw std::runtime_error("cannot replace " + path + ": " + std::strerror(err));
    }
    sync_directory_of(path);
}

bool same_file(const std::string& a, const std::string& b) {
    struct stat sa {}, sb {};
    if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

std::size_t max_input_bytes() { return limit_from_env("MIGFLOW_MAX_INPUT_BYTES", std::size_t(2) << 30); }

std::string not_regular_text(unsigned mode) {
    const char* what = S_ISFIFO(mode)  ? "a FIFO (named pipe)"
                       : S_ISCHR(mode) ? "a character device"
                       : S_ISBLK(mode) ? "a block device"
                       : S_ISDIR(mode) ? "a directory"
                       : S_ISSOCK(mode) ? "a socket"
                                        : "not a regular file";
    return std::string("it is ") + what + "; migflow reads inputs only from regular files";
}

std::size_t max_yaml_bytes() { return limit_from_env("MIGFLOW_MAX_YAML_BYTES", std::size_t(4) << 20); }

}  // namespace migflow
