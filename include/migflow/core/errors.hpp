#pragma once
// Setup errors: every problem found in the input is collected, then reported at once.
#include <stdexcept>
#include <string>
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
class Diagnostics {
public:
    void add(Problem p) { problems_.push_back(std::move(p)); }
    void add(std::string file, int line, int column, std::string key, std::string message);
    bool empty() const { return problems_.empty(); }
    const std::vector<Problem>& problems() const { return problems_; }
    void throw_if_any() const;

private:
    std::vector<Problem> problems_;
};

// A number as messages show it: `%g` (0.001, 1e+09, 50).
std::string short_number(double v);

// "did you mean `x`?" suffix for an unknown name, empty when nothing is close.
std::string did_you_mean(const std::string& unknown, const std::vector<std::string>& known);

}  // namespace migflow
