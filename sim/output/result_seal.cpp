// The integrity seal of a result file: "migflow result" header, CRC-32 and length of
// the HDF5 bytes, in the 512-byte user block that HDF5 leaves to applications.
#include "output/result_seal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "migflow/core/files.hpp"
#include "migflow/output/result_check.hpp"

namespace migflow {

namespace {

constexpr char magic[] = "migflow result seal v1\n";
constexpr unsigned char hdf5_signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

// CRC-32 (zlib's, the same as Python's zlib.crc32) of bytes [from, from + n) of `fd`.
bool crc_of(int fd, std::uint64_t from, std::uint64_t n, std::uint32_t& crc) {
    std::vector<unsigned char> buf(std::size_t(1) << 20);
    uLong c = crc32(0L, Z_NULL, 0);
    while (n > 0) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n, buf.size()));
        const ssize_t got = ::pread(fd, buf.data(), want, static_cast<off_t>(from));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return false;
        c = crc32(c, buf.data(), static_cast<uInt>(got));
        from += static_cast<std::uint64_t>(got);
        n -= static_cast<std::uint64_t>(got);
    }
    crc = static_cast<std::uint32_t>(c);
    return true;
}

}  // namespace

namespace detail {

void seal_result_file(int fd, const std::string& path) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) < seal_bytes)
        throw std::runtime_error("cannot seal " + path + ": the file is shorter than its user block");
    const std::uint64_t n = static_cast<std::uint64_t>(st.st_size) - seal_bytes;
    std::uint32_t crc = 0;
    if (!crc_of(fd, seal_bytes, n, crc))
        throw std::runtime_error("cannot seal " + path + ": cannot read it back (" + std::strerror(errno) + ")");
    char header[seal_bytes] = {};
    std::snprintf(header, sizeof header, "%scrc32 %08" PRIx32 "\nbytes %" PRIu64 "\n", magic, crc, n);
    for (std::size_t done = 0; done < seal_bytes;) {
        const ssize_t w = ::pwrite(fd, header + done, seal_bytes - done, static_cast<off_t>(done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) throw std::runtime_error("cannot seal " + path + ": " + std::strerror(errno));
        done += static_cast<std::size_t>(w);
    }
    sync_file(fd, path);
}

}  // namespace detail

ResultCheck check_result_file(const std::string& path) {
    using Status = ResultCheck::Status;
    auto damaged = [](std::string why) { return ResultCheck{Status::damaged, std::move(why)}; };
    FileHandle fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd) return damaged(std::string("cannot open it: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return damaged("not a regular file");
    const std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
    char header[detail::seal_bytes + 1] = {};
    const ssize_t got = ::pread(fd.get(), header, detail::seal_bytes, 0);
    if (got >= 8 && std::memcmp(header, hdf5_signature, 8) == 0) return {Status::unsealed, {}};
    if (got < static_cast<ssize_t>(detail::seal_bytes) || std::strncmp(header, magic, sizeof magic - 1) != 0)
        return {Status::foreign, "neither a sealed migflow result nor an HDF5 file"};
    unsigned crc_want = 0;
    unsigned long long n = 0;
    if (std::sscanf(header + sizeof magic - 1, "crc32 %8x\nbytes %llu\n", &crc_want, &n) != 2)
        return damaged("its seal is unreadable");
    if (size != detail::seal_bytes + n)
        return damaged("it is " + std::to_string(size) + " bytes long, its seal says " +
                       std::to_string(detail::seal_bytes + n) + " (truncated or extended)");
    std::uint32_t crc = 0;
    if (!crc_of(fd.get(), detail::seal_bytes, n, crc)) return damaged(std::string("cannot read it: ") + std::strerror(errno));
    if (crc != crc_want) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "its CRC-32 is %08" PRIx32 ", its seal says %08x: the file was damaged or changed",
                      crc, crc_want);
        return damaged(buf);
    }
    return {Status::sealed, {}};
}

}  // namespace migflow
