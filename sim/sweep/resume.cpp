// `sweep --resume` checks: a fingerprint of every input file, and verified run files.
#include "migflow/sweep/resume.hpp"

#include <zlib.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <fstream>

#include "migflow/output/result_check.hpp"

namespace migflow {

std::string input_fingerprint(std::vector<std::string> files) {
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    std::string out;
    std::vector<char> buf(std::size_t(1) << 20);
    for (const std::string& f : files) {
        std::ifstream in(f, std::ios::binary);
        if (!in) {
            out += "input " + f + " missing\n";
            continue;
        }
        uLong crc = crc32(0L, Z_NULL, 0);
        std::uint64_t bytes = 0;
        while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
            const auto n = static_cast<std::size_t>(in.gcount());
            crc = crc32(crc, reinterpret_cast<const Bytef*>(buf.data()), static_cast<uInt>(n));
            bytes += n;
        }
        char line[64];
        std::snprintf(line, sizeof line, " crc32 %08lx bytes %" PRIu64 "\n", static_cast<unsigned long>(crc), bytes);
        out += "input " + f + line;
    }
    return out;
}

}  // namespace migflow
