#pragma once
// The second pass of both kernels: visit only the agents whose flag byte is set, found
// eight flags at a time (most words are zero in a day), then by bit scan, so that
// sparse flags cost no mispredicted branches.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace migflow::detail {

// Calls f(k) for every k < n with flag[k] != 0, in increasing k. `flag` must be
// readable up to n rounded up to a multiple of 8.
template <class F>
inline void for_each_flagged(const std::uint8_t* flag, std::size_t n, F&& f) {
    for (std::size_t w = 0; w < n; w += 8) {
        std::uint64_t word;
        std::memcpy(&word, flag + w, 8);
        while (word != 0) {
            const int byte = std::countr_zero(word) / 8;
            word &= ~(std::uint64_t(0xff) << (8 * byte));
            const std::size_t k = w + std::size_t(byte);
            if (k >= n) break;
            f(k);
        }
    }
}

}  // namespace migflow::detail
