#pragma once
// Counter-based random numbers (docs/DESIGN.md §4): a draw is a pure function of
// (seed, stream, day, index), so any thread or rank computes the same value.
#include <cstdint>

namespace migflow {

// What a draw is for; distinct purposes give independent streams.
enum class Purpose : std::uint32_t {
    move = 1,
    destination = 2,
    spawn = 3,
    group = 5,
    spawn_origin = 6,
    initial = 7,
};

namespace detail {
// Stafford's mix13 (the splitmix64 finaliser): a bijection with full avalanche.
constexpr std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
}  // namespace detail

// Key for one (seed, purpose, day): computed once per day, reused for every agent.
constexpr std::uint64_t stream_key(std::uint64_t seed, Purpose purpose, std::int64_t day) {
    std::uint64_t k = detail::mix64(seed ^ 0x6a09e667f3bcc908ULL);
    k = detail::mix64(k ^ (static_cast<std::uint64_t>(purpose) << 32) ^ 0xbb67ae8584caa73bULL);
    return detail::mix64(k ^ static_cast<std::uint64_t>(day) * 0x9e3779b97f4a7c15ULL);
}

// 64 random bits for item `index` (agent id, region, ...) in the stream `key`.
constexpr std::uint64_t random_bits(std::uint64_t key, std::uint64_t index) {
    return detail::mix64(key + (index + 1) * 0x9e3779b97f4a7c15ULL);
}

// Uniform in [0, 1) with 53 random bits.
constexpr double uniform01(std::uint64_t bits) {
    return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

// Threshold for a Bernoulli(p) test on the top 32 bits: `(bits >> 32) < threshold32(p)`.
// p >= 1 gives 2^32, so the test always passes; p <= 0 gives 0, so it never does.
constexpr std::uint64_t threshold32(double p) {
    if (!(p > 0.0)) return 0;
    if (p >= 1.0) return 1ULL << 32;
    return static_cast<std::uint64_t>(p * 4294967296.0);
}

// The fast 32-bit draw of the agent kernel: two rounds of MurmurHash3's fmix32 keyed
// by the two halves of a stream key. 32-bit multiplies vectorise on every x86-64 SIMD
// level, so the daily "does this agent move?" test costs about a nanosecond.
// `index` is 32 bits: for agent ids past 2^32 the native kernel mixes the high bits
// into the key (rules/native/kernel.cpp, move_block).
constexpr std::uint32_t fmix32(std::uint32_t x) {
    x ^= x >> 16;
    x *= 0x85ebca6bU;
    x ^= x >> 13;
    x *= 0xc2b2ae35U;
    return x ^ (x >> 16);
}

constexpr std::uint32_t random32(std::uint64_t key, std::uint32_t index) {
    return fmix32(fmix32(index ^ static_cast<std::uint32_t>(key)) +
                  static_cast<std::uint32_t>(key >> 32));
}

// Threshold for `random32(...) < t || t == always32`: Bernoulli(p) to within 2^-32.
inline constexpr std::uint32_t always32 = 0xffffffffU;
constexpr std::uint32_t bernoulli32(double p) {
    if (!(p > 0.0)) return 0;
    if (p >= 1.0) return always32;
    const double t = p * 4294967296.0;
    return t >= 4294967295.0 ? always32 - 1 : static_cast<std::uint32_t>(t);
}

}  // namespace migflow
