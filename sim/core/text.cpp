// Small text helpers: see text.hpp.
#include "migflow/core/text.hpp"

#include <algorithm>

namespace migflow {

std::string trim_blanks(std::string_view s) {
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    std::size_t b = 0, e = s.size();
    while (b < e && blank(s[b])) ++b;
    while (e > b && blank(s[e - 1])) --e;
    return std::string(s.substr(b, e - b));
}

std::string double_quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string cut_text(std::string_view s, std::size_t limit) {
    if (s.size() <= limit) return std::string(s);
    std::size_t n = limit;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // not inside a UTF-8 character
    return std::string(s.substr(0, n)) + "… (" + std::to_string(s.size()) + " characters)";
}

namespace {

// The start and the end of a long line, which hold the file and the reason.
std::string cut_middle(std::string_view s, std::size_t limit) {
    if (s.size() <= limit) return std::string(s);
    std::size_t head = limit / 2, tail = s.size() - limit / 2;
    while (head > 0 && (static_cast<unsigned char>(s[head]) & 0xC0) == 0x80) --head;
    while (tail < s.size() && (static_cast<unsigned char>(s[tail]) & 0xC0) == 0x80) ++tail;
    return std::string(s.substr(0, head)) + " … (" + std::to_string(tail - head) + " characters cut) … " +
           std::string(s.substr(tail));
}

}  // namespace

std::string cut_long_values(std::string_view message) {
    constexpr std::size_t value_limit = 120, line_limit = 400;
    std::string quoted;
    for (std::size_t i = 0; i < message.size();) {
        const std::size_t open = message.find('`', i);
        const std::size_t close = open == std::string_view::npos ? open : message.find('`', open + 1);
        if (close == std::string_view::npos) {
            quoted.append(message.substr(i));
            break;
        }
        quoted.append(message.substr(i, open + 1 - i));
        quoted += cut_text(message.substr(open + 1, close - open - 1), value_limit);
        quoted += '`';
        i = close + 1;
    }
    std::string out;
    std::size_t start = 0;
    while (start <= quoted.size()) {
        const std::size_t end = std::min(quoted.find('\n', start), quoted.size());
        out += cut_middle(std::string_view(quoted).substr(start, end - start), line_limit);
        if (end == quoted.size()) break;
        out += '\n';
        start = end + 1;
    }
    return out;
}

}  // namespace migflow
