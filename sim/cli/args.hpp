#pragma once
// Small helpers for reading subcommand arguments, shared by the subcommands.
#include <charconv>
#include <stdexcept>
#include <string>
#include <utility>

#include "cli/commands.hpp"

namespace migflow::cli {

// A mistake on the command line: the message plus the subcommand's usage.
class UsageError : public std::runtime_error {
public:
    UsageError(const std::string& what, const std::string& usage)
        : std::runtime_error(what + "\n" + usage) {}
};

// `-h`/`--help` given: main prints the usage on stdout and exits 0.
class HelpRequested {
public:
    explicit HelpRequested(std::string usage) : usage_(std::move(usage)) {}
    const std::string& usage() const { return usage_; }

private:
    std::string usage_;
};

class ArgReader {
public:
    ArgReader(const Args& args, std::string usage) : args_(args), usage_(std::move(usage)) {}
    bool more() const { return i_ < args_.size(); }
    std::string next() { return args_[i_++]; }
    std::string value(const std::string& option) {
        if (!more()) throw UsageError(option + " needs a value", usage_);
        return next();
    }
    std::uint64_t unsigned_value(const std::string& option) {
        const auto v = value(option);
        std::uint64_t out = 0;
        const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
        if (ec != std::errc() || p != v.data() + v.size())
            throw UsageError(option + " needs a whole number >= 0, got '" + v + "'", usage_);
        return out;
    }

    // A thread count: 0 means all the machine has.
    int threads_value(const std::string& option) {
        const auto v = unsigned_value(option);
        if (v > 1024) throw UsageError(option + " takes 0 (all cores) to 1024", usage_);
        return static_cast<int>(v);
    }

private:
    const Args& args_;
    std::string usage_;
    std::size_t i_ = 0;
};

// "key.path=value" -> {"key.path", "value"}.
inline std::pair<std::string, std::string> split_assignment(const std::string& kv,
                                                            const std::string& usage) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
        throw UsageError("--set needs key=value, got '" + kv + "'", usage);
    return {kv.substr(0, eq), kv.substr(eq + 1)};
}

}  // namespace migflow::cli
