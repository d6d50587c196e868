#pragma once
// Both kernels' fast move test draws random32(key, 32-bit index). Ids past 2^32 take
// the low 32 bits with the key mixed with the high ones (ids below 2^32 keep the plain
// key), so a run of consecutive ids is also cut at multiples of 2^32.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "migflow/engine/rng.hpp"

namespace migflow::detail {

// The key for the ids whose high 32 bits are `hi`.
inline std::uint64_t key_for_high_bits(std::uint64_t key, std::uint64_t hi) {
    return hi == 0 ? key : mix64(key ^ hi);
}

// Calls f(first, stop, gid, hi) for the pieces of local agents [first, last) (global
// ids from `gid` on) that share the high 32 bits `hi` of their ids.
template <class F>
inline void for_each_id32_run(std::size_t first, std::size_t last, std::uint64_t gid, F&& f) {
    while (first < last) {
        const std::uint64_t hi = gid >> 32;
        const std::uint64_t room = (std::uint64_t(1) << 32) - (gid & 0xffffffffULL);
        const std::size_t stop = first + std::size_t(std::min<std::uint64_t>(room, last - first));
        f(first, stop, gid, hi);
        gid += stop - first;
        first = stop;
    }
}

}  // namespace migflow::detail
