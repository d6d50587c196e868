#pragma once
// Files written and read defensively (docs/RELIABILITY.md): exclusive creation that
// never follows a symbolic link, fsync before a rename, bounded reads of special files.
#include <cstddef>
#include <string>
#include <vector>

namespace migflow {

// An owned POSIX file descriptor (move-only); closed on destruction.
class FileHandle {
public:
    FileHandle() = default;
    explicit FileHandle(int fd) : fd_(fd) {}
    FileHandle(FileHandle&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    FileHandle& operator=(FileHandle&& o) noexcept;
    FileHandle(const FileHandle&) = delete;
    FileHandle& operator=(const FileHandle&) = delete;
    ~FileHandle() { close(); }

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    void close();

private:
    int fd_ = -1;
};

// Creates `path` for a run's output that is being written (`OUT.h5.partial`): created
// exclusively (O_EXCL), never through a symbolic link (O_NOFOLLOW), and locked (an
// open-file-description lock) for as long as the handle lives. An existing file that
// no process has locked is the leftover of a killed run: it is removed and replaced.
// A file locked by another process, a symbolic link or anything else that is not a
// regular file is refused. Throws std::runtime_error saying why.
FileHandle claim_partial_file(const std::string& path);

// Removes `path` only if it still is the file `fd` refers to (same device and inode).
void remove_if_same(const std::string& path, int fd);

// fsync of the file behind `fd`; throws std::runtime_error naming `path` on failure.
void sync_file(int fd, const std::string& path);

// fsync of the directory holding `path`, so that a rename into it survives a power loss.
void sync_directory_of(const std::string& path);

// Replaces `path` with `text`: writes `path.tmpPID` (a stale one is removed, a symbolic link
// is never followed), fsyncs it, renames it over `path`, fsyncs the directory. Readers see
// the old file or the new one, never half of one.
void write_file_atomically(const std::string& path, const std::string& text);

// True when both paths name existing files and they are the same file (device + inode).
bool same_file(const std::string& a, const std::string& b);

// Why creating `path` failed (errno `err`), said for a user: "the directory `x` does
// not exist", "permission denied", "file name too long", ...
std::string creation_error(const std::string& path, int err);

// Largest input file read (a CSV, a settings file): 2 GiB, or MIGFLOW_MAX_INPUT_BYTES.
std::size_t max_input_bytes();

// Why a file of type `mode` (st_mode) is not read: "it is a FIFO (named pipe); migflow
// reads inputs only from regular files".
std::string not_regular_text(unsigned mode);

// Largest scenario, sweep or settings YAML file: 4 MiB, or MIGFLOW_MAX_YAML_BYTES. yaml-cpp
// keeps ~50 bytes per byte of block-style YAML and ~240 per byte of a flow list of short
// items (a 5 MB line `[1,1,...]` takes 1.2 GB), so 4 MiB bounds it near 1 GB; bulk data
// belongs in CSV files.
std::size_t max_yaml_bytes();

}  // namespace migflow
