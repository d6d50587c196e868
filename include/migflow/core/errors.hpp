#pragma once
// Setup errors: every problem found in the input is collected, then reported at once.
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace migflow {

// One thing wrong with the input, located as precisely as the source allows.
// Rendered as `file:line:col: key: message` (line/col omitted when unknown, 1-based).
struct Problem {
    std::string file;
    int line = 0;
    int column = 0;
    std::string key;
    std::string message;
    bool summary = false;  // "N more problem(s) in this file not shown": listed after the file's others

    std::string str() const;
};

// Thrown by loaders when any problem was found; what() lists them all, one per line.
class InputError : public std::runtime_error {
public:
    explicit InputError(std::vector<Problem> problems);
    const std::vector<Problem>& problems() const { return problems_; }

private:
    std::vector<Problem> problems_;
};

// Collects problems so that a loader reports every one of them, not just the first.
// Bounded: after `max_per_file` problems of one file the rest are only counted, in one
// closing line per file, so a broken 500,000-row file cannot bury the first problems
// (or take quadratic time and gigabytes to report).
class Diagnostics {
public:
    static constexpr int max_per_file = 50;

    void add(Problem p);
    void add(std::string file, int line, int column, std::string key, std::string message);
    bool empty() const { return problems_.empty(); }
    const std::vector<Problem>& problems() const { return problems_; }
    void throw_if_any() const;

private:
    std::vector<Problem> problems_;
    struct FileCount {
        int problems = 0;
        std::size_t summary_at = 0;  // index of the file's summary in problems_
    };
    std::unordered_map<std::string, FileCount> per_file_;
};

// A number as messages show it: `%g` (0.001, 1e+09, 50).
std::string short_number(double v);

// "did you mean `x`?" suffix for an unknown name, empty when nothing is close.
std::string did_you_mean(const std::string& unknown, const std::vector<std::string>& known);

}  // namespace migflow
