#pragma once
// Counter-based random numbers (docs/DESIGN.md §4): a draw is a pure function of
// (seed, stream, day, index), so any thread or rank computes the same value.
#include <cstdint>

namespace migflow {

// What a draw is for: every stream of random numbers in migflow, each purpose once.
// Distinct purposes give independent streams, so adding draws for one purpose never
// shifts another's. The numbers are part of every result: never change or reuse one
// (4, admission, was retired: admission is by agent id).
enum class Purpose : std::uint32_t {
    move = 1,          // the daily move test of standing agents (and, salted, flee's walks and hops)
    destination = 2,   // the native kernel's destination choice, apart from the move test
    spawn = 3,         // how many agents a region creates today (native; flee's Poisson counts)
    group = 5,         // a new agent's group (native demographics, flee flood awareness)
    spawn_origin = 6,  // flee data-driven spawning: each new agent's origin region
    initial = 7,       // the native ruleset's day-0 agents
    // Off the engine's numbers, so that a sweep's draws never coincide with a run's:
    sweep_order = 0x5357'0001,   // a sweep's Latin hypercube: the order of the strata
    sweep_jitter = 0x5357'0002,  // a sweep's samples: the point within each stratum
    sweep_design = 0x5357'0003,  // a sweep's Sobol (digital shift) and Morris (trajectories) designs
    sensitivity_bootstrap = 0x5357'0004,  // `migflow sensitivity`: the resampled base rows or trajectories
    abc_prior = 0x4142'0001,     // ABC-SMC: a generation-0 particle drawn from the prior
    abc_parent = 0x4142'0002,    // ABC-SMC: which particle of the last generation a proposal moves
    abc_kernel = 0x4142'0003,    // ABC-SMC: the normal step of the perturbation kernel
    abc_run_seed = 0x4142'0004,  // ABC-SMC: the model seeds a proposal runs with
    abc_predictive = 0x4142'0005,  // posterior predictive check: the particles drawn and their seeds
    synthetic = 1000,  // benchmarks/synthetic.hpp: 1000 + k for its k-th kind of draw
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

// Streams salted from another's key or bits inside a kernel, named here beside the
// purposes so that every stream is listed in this file.
enum class Salt : std::uint64_t {
    // flee walk kernel: an agent's 64 walk/hop bits, mix64(move key ^ walk), apart
    // from the 32-bit move test drawn with the same key
    walk = 0x243f6a8885a308d3ULL,
    // flee per-hop path: hop h's decision draws mix64(bits ^ hop x h)
    hop = 0x9e3779b97f4a7c15ULL,
    // flee walk kernel: lookup h of a mover deciding again draws mix64(bits ^ walk_hop x h)
    walk_hop = 0xd1b54a32d192ed03ULL,
};

// The key of the stream salted `salt` from `key`.
constexpr std::uint64_t salted_key(std::uint64_t key, Salt salt) {
    return detail::mix64(key ^ static_cast<std::uint64_t>(salt));
}

// Hop `hop`'s 64 bits from an agent's `bits` (hop-by-hop draws, salted by `salt`).
constexpr std::uint64_t hop_bits(std::uint64_t bits, Salt salt, std::uint64_t hop) {
    return detail::mix64(bits ^ (static_cast<std::uint64_t>(salt) * hop));
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
