// Cutting a sweep's plan into shards (include/migflow/sweep/shard.hpp).
#include "migflow/sweep/shard.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <regex>
#include <stdexcept>

namespace migflow {

namespace {

bool parse_int(const std::string& s, int& out) {
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

SweepShard parse_shard(const std::string& text) {
    const auto slash = text.find('/');
    SweepShard s;
    if (slash == std::string::npos || !parse_int(text.substr(0, slash), s.index) ||
        !parse_int(text.substr(slash + 1), s.count))
        throw std::invalid_argument("--shard needs K/N (shard K of N, K from 0), got '" + text + "'");
    if (s.count < 1) throw std::invalid_argument("--shard " + text + ": N must be at least 1");
    if (s.index < 0 || s.index >= s.count)
        throw std::invalid_argument("--shard " + text + ": K must be in 0.." + std::to_string(s.count - 1) +
                                    " (shards are numbered from 0, as `--array=0-" +
                                    std::to_string(s.count - 1) + "` numbers them)");
    return s;
}

std::vector<SweepEntry> shard_runs(const std::vector<SweepEntry>& runs, SweepShard shard) {
    std::vector<SweepEntry> out;
    for (const SweepEntry& r : runs)
        if (r.index % shard.count == shard.index) out.push_back(r);
    return out;
}

std::string shard_index_name(SweepShard shard) {
    return "index.shard-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count) + ".csv";
}

std::vector<SweepShard> shard_indexes_in(const std::string& dir) {
    static const std::regex name(R"(index\.shard-([0-9]+)-of-([0-9]+)\.csv)");
    std::vector<SweepShard> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        std::smatch m;
        const std::string file = e.path().filename().string();
        if (!std::regex_match(file, m, name)) continue;
        SweepShard s;
        if (parse_int(m[1], s.index) && parse_int(m[2], s.count) && s.index < s.count) out.push_back(s);
    }
    std::sort(out.begin(), out.end(),
              [](const SweepShard& a, const SweepShard& b) { return std::tie(a.index, a.count) < std::tie(b.index, b.count); });
    return out;
}

}  // namespace migflow
