#pragma once
// What ASSUMPTIONS.md says: every choice build-case made, and every input row it could
// not use, by file and reason, with counts and line numbers.
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace migflow::casebuild {

class Ledger {
public:
    // A choice, said as a sentence ("Events are assigned to the nearest place within 50 km.").
    void choose(std::string sentence) { choices_.push_back(std::move(sentence)); }
    // A row of `file` that was not used, and why (the same reason groups rows).
    void drop(const std::string& file, const std::string& reason, int line, std::string detail = {});
    // A usable row left out by a choice of the case file (another country, below the
    // population threshold): counted, its lines listed in short.
    void leave_out(const std::string& file, const std::string& reason, int line);
    // A name that matched nothing, with the closest known names (never applied).
    void near_miss(const std::string& file, const std::string& name, std::string suggestions);

    struct Dropped {
        std::vector<int> lines;
        std::vector<std::string> details;  // distinct details, at most a few
        bool by_choice = false;            // left out by a choice, not unusable
    };
    const std::vector<std::string>& choices() const { return choices_; }
    // file -> reason -> rows
    const std::map<std::string, std::map<std::string, Dropped>>& dropped() const { return dropped_; }
    const std::map<std::string, std::map<std::string, std::string>>& near_misses() const { return near_misses_; }
    long dropped_count(const std::string& file) const;

private:
    std::vector<std::string> choices_;
    std::map<std::string, std::map<std::string, Dropped>> dropped_;
    std::map<std::string, std::map<std::string, std::string>> near_misses_;
};

// Line numbers as ranges: "3, 5, 9-12".
std::string line_ranges(std::vector<int> lines);

}  // namespace migflow::casebuild
