// Problem rendering and the "collect everything, fail once" plumbing (STYLE.md).
#include "migflow/core/errors.hpp"
#include "migflow/core/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace migflow {

namespace {

std::string join_problems(const std::vector<Problem>& problems) {
    std::string out;
    for (const Problem& p : problems) {
        if (!out.empty()) out += '\n';
        out += p.str();
    }
    return out;
}

// Case-insensitive Levenshtein distance: the usual typo is a wrong letter or case.
std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                              std::tolower(static_cast<unsigned char>(b[j - 1]));
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

}  // namespace

std::string Problem::str() const {
    std::string out = file;
    if (line > 0) {
        out += ':' + std::to_string(line);
        if (column > 0) out += ':' + std::to_string(column);
    }
    out += ": ";
    if (!key.empty()) out += key + ": ";
    out += message;
    return cut_long_values(out);
}

InputError::InputError(std::vector<Problem> problems)
    : std::runtime_error(join_problems(problems)), problems_(std::move(problems)) {}

void Diagnostics::add(Problem p) {
    FileCount& c = per_file_[p.file];
    if (++c.problems <= max_per_file) {
        problems_.push_back(std::move(p));
        return;
    }
    const int hidden = c.problems - max_per_file;
    std::string msg = std::to_string(hidden) + " more problem(s) in this file not shown";
    if (hidden == 1) {
        c.summary_at = problems_.size();
        problems_.push_back(Problem{p.file, 0, 0, "", std::move(msg), true});
    } else {
        problems_[c.summary_at].message = std::move(msg);
    }
}

void Diagnostics::add(std::string file, int line, int column, std::string key, std::string message) {
    add(Problem{std::move(file), line, column, std::move(key), std::move(message)});
}

void Diagnostics::throw_if_any() const {
    if (!problems_.empty()) throw InputError(problems_);
}

std::string did_you_mean(const std::string& unknown, const std::vector<std::string>& known) {
    // Accept up to a third of the word wrong (at least 1, at most 3 edits); beyond
    // that a suggestion is more confusing than helpful.
    const std::size_t limit = std::clamp<std::size_t>(unknown.size() / 3, 1, 3);
    const std::string* best = nullptr;
    std::size_t best_d = limit + 1;
    for (const std::string& k : known) {
        const std::size_t d = edit_distance(unknown, k);
        if (d < best_d) {
            best_d = d;
            best = &k;
        }
    }
    // A "suggestion" that replaces the whole word (x -> y) is no suggestion.
    if (!best || best_d >= unknown.size()) return {};
    return "did you mean `" + *best + "`?";
}

std::string short_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

}  // namespace migflow
