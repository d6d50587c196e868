#include "cli/quiet_hdf5_destructors.hpp"

#include <cctype>
#include <iostream>
#include <mutex>
#include <streambuf>
#include <string>
#include <string_view>

namespace migflow::cli {

namespace {

// Could `line` (so far) be the start of "Name::~Name - ..."? The HDF5 C++ destructors
// write that prefix, then the detail, then std::endl; std::cerr flushes after each piece.
bool maybe_destructor_message(std::string_view line) {
    std::size_t i = 0;
    // Each part matches, or the line ends inside it (the rest may still come).
    auto name = [&] {
        const std::size_t from = i;
        while (i < line.size() && std::isalnum(static_cast<unsigned char>(line[i])) != 0) ++i;
        return i > from || i == line.size();
    };
    auto literal = [&](std::string_view text) {
        for (const char c : text) {
            if (i == line.size()) return true;
            if (line[i++] != c) return false;
        }
        return true;
    };
    return name() && literal("::~") && name() && literal(" - ");
}

// Holds back a line while it may be a destructor message, drops it if it is one when
// its newline comes, and passes everything else on, a written piece at a time. Locked:
// the writer thread's HDF5 objects may be destroyed while the main thread prints.
class Filter final : public std::streambuf {
public:
    explicit Filter(std::streambuf* to) : to_(to) {}

protected:
    int_type overflow(int_type c) override {
        if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
        const std::lock_guard lock(mutex_);
        put(traits_type::to_char_type(c));
        if (passing_) forward();
        return c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        const std::lock_guard lock(mutex_);
        for (std::streamsize k = 0; k < n; ++k) put(s[k]);
        if (passing_) forward();
        return n;
    }
    // std::cerr flushes after every `<<`: a destructor's prefix arrives whole, so on a
    // flush only a line holding "::~" can still be one.
    int sync() override {
        const std::lock_guard lock(mutex_);
        if (!line_.empty() && line_.find("::~") == std::string::npos) passing_ = true;
        if (passing_) forward();
        return to_->pubsync();
    }

private:
    void put(char c) {
        line_ += c;
        if (c == '\n') {
            if (!passing_ && is_destructor_line()) line_.clear();
            else forward();
            passing_ = false;
        } else if (!passing_ && !maybe_destructor_message(line_)) {
            passing_ = true;  // the rest of this line goes through
        }
    }
    bool is_destructor_line() const {
        const auto at = line_.find("::~");
        return at != std::string::npos && line_.find(" - ", at) != std::string::npos;
    }
    void forward() {
        to_->sputn(line_.data(), static_cast<std::streamsize>(line_.size()));
        line_.clear();
    }

    std::streambuf* to_;
    std::string line_;     // this line's text not yet passed on
    bool passing_ = false;  // this line is not a destructor message
    std::mutex mutex_;
};

}  // namespace

void quiet_hdf5_destructor_messages() {
    // Never destroyed: std::cerr may be written to until the very end of the process.
    static Filter* const filter = [] {
        auto* f = new Filter(std::cerr.rdbuf());
        std::cerr.rdbuf(f);
        return f;
    }();
    (void)filter;
}

}  // namespace migflow::cli
