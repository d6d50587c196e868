// The record behind ASSUMPTIONS.md: choices and unused rows (docs/DATA.md).
#include "migflow/casebuild/ledger.hpp"

#include <algorithm>

namespace migflow::casebuild {

void Ledger::drop(const std::string& file, const std::string& reason, int line, std::string detail) {
    Dropped& d = dropped_[file][reason];
    d.lines.push_back(line);
    // A few examples say enough; the line numbers list every row.
    constexpr std::size_t examples = 5;
    if (!detail.empty() && d.details.size() < examples &&
        std::find(d.details.begin(), d.details.end(), detail) == d.details.end())
        d.details.push_back(std::move(detail));
}

void Ledger::leave_out(const std::string& file, const std::string& reason, int line) {
    Dropped& d = dropped_[file][reason];
    d.by_choice = true;
    d.lines.push_back(line);
}

void Ledger::near_miss(const std::string& file, const std::string& name, std::string suggestions) {
    near_misses_[file][name] = std::move(suggestions);
}

long Ledger::dropped_count(const std::string& file) const {
    const auto it = dropped_.find(file);
    if (it == dropped_.end()) return 0;
    long n = 0;
    for (const auto& [reason, rows] : it->second) n += static_cast<long>(rows.lines.size());
    return n;
}

std::string line_ranges(std::vector<int> lines) {
    std::sort(lines.begin(), lines.end());
    lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
    std::string out;
    for (std::size_t i = 0; i < lines.size();) {
        std::size_t j = i;
        while (j + 1 < lines.size() && lines[j + 1] == lines[j] + 1) ++j;
        if (!out.empty()) out += ", ";
        out += std::to_string(lines[i]);
        if (j > i) out += "-" + std::to_string(lines[j]);
        i = j + 1;
    }
    return out;
}

}  // namespace migflow::casebuild
