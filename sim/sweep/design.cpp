// Sobol sequence, Saltelli and Morris designs (design.hpp).
#include "migflow/sweep/design.hpp"

#include <algorithm>
#include <array>
#include <numeric>
#include <stdexcept>

#include "migflow/engine/rng.hpp"

namespace migflow {

namespace {

// Joe and Kuo's direction numbers (https://web.maths.unsw.edu.au/~fkuo/sobol/,
// new-joe-kuo-6.21201, rows d = 2..61): degree s of the primitive polynomial, its
// coefficients a (bits a_1..a_{s-1}) and the initial m_1..m_s.
struct SobolRow {
    int s;
    std::uint32_t a;
    std::array<std::uint32_t, 9> m;
};
constexpr SobolRow joe_kuo[sobol_max_dimensions - 1] = {
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
    {7, 50, {1, 3, 1, 3, 5, 53, 69}},
    {7, 55, {1, 1, 5, 5, 23, 33, 13}},
    {7, 56, {1, 1, 7, 7, 1, 61, 123}},
    {7, 59, {1, 1, 7, 9, 13, 61, 49}},
    {7, 62, {1, 3, 3, 5, 3, 55, 33}},
    {8, 14, {1, 3, 1, 15, 31, 13, 49, 245}},
    {8, 21, {1, 3, 5, 15, 31, 59, 63, 97}},
    {8, 22, {1, 3, 1, 11, 11, 11, 77, 249}},
    {8, 38, {1, 3, 1, 11, 27, 43, 71, 9}},
    {8, 47, {1, 1, 7, 15, 21, 11, 81, 45}},
    {8, 49, {1, 3, 7, 3, 25, 31, 65, 79}},
    {8, 50, {1, 3, 1, 1, 19, 11, 3, 205}},
    {8, 52, {1, 1, 5, 9, 19, 21, 29, 157}},
    {8, 56, {1, 3, 7, 11, 1, 33, 89, 185}},
    {8, 67, {1, 3, 3, 3, 15, 9, 79, 71}},
    {8, 70, {1, 3, 7, 11, 15, 39, 119, 27}},
    {8, 84, {1, 1, 3, 1, 11, 31, 97, 225}},
    {8, 97, {1, 1, 1, 3, 23, 43, 57, 177}},
    {8, 103, {1, 3, 7, 7, 17, 17, 37, 71}},
    {8, 115, {1, 3, 1, 5, 27, 63, 123, 213}},
    {8, 122, {1, 1, 3, 5, 11, 43, 53, 133}},
    {9, 8, {1, 3, 5, 5, 29, 17, 47, 173, 479}},
    {9, 13, {1, 3, 3, 11, 3, 1, 109, 9, 69}},
    {9, 16, {1, 1, 1, 5, 17, 39, 23, 5, 343}},
    {9, 22, {1, 3, 1, 5, 25, 15, 31, 103, 499}},
    {9, 25, {1, 1, 1, 11, 11, 17, 63, 105, 183}},
    {9, 44, {1, 1, 5, 11, 9, 29, 97, 231, 363}},
    {9, 47, {1, 1, 5, 15, 19, 45, 41, 7, 383}},
    {9, 52, {1, 3, 7, 7, 31, 19, 83, 137, 221}},
};

// v[i] for bits i = 1..32 of dimension `dim`, Bratley and Fox's recurrence.
std::array<std::uint32_t, 33> direction_numbers(int dim) {
    std::array<std::uint32_t, 33> v{};
    if (dim == 0) {
        for (int i = 1; i <= 32; ++i) v[i] = 1u << (32 - i);
        return v;
    }
    const SobolRow& r = joe_kuo[dim - 1];
    for (int i = 1; i <= 32; ++i) {
        if (i <= r.s) {
            v[i] = r.m[i - 1] << (32 - i);
            continue;
        }
        v[i] = v[i - r.s] ^ (v[i - r.s] >> r.s);
        for (int k = 1; k < r.s; ++k)
            if ((r.a >> (r.s - 1 - k)) & 1u) v[i] ^= v[i - k];
    }
    return v;
}

const std::array<std::uint32_t, 33>& directions_of(int dim) {
    static const auto all = [] {
        std::array<std::array<std::uint32_t, 33>, sobol_max_dimensions> t{};
        for (int d = 0; d < sobol_max_dimensions; ++d) t[d] = direction_numbers(d);
        return t;
    }();
    return all[static_cast<std::size_t>(dim)];
}

// 2^-32: the 32 bits of a Sobol coordinate as a fraction.
constexpr double two_to_minus_32 = 1.0 / 4294967296.0;

}  // namespace

std::uint32_t sobol_bits(std::uint64_t index, int dim) {
    if (dim < 0 || dim >= sobol_max_dimensions)
        throw std::invalid_argument("Sobol dimension " + std::to_string(dim) + " is outside 0.." +
                                    std::to_string(sobol_max_dimensions - 1));
    const auto& v = directions_of(dim);
    const std::uint64_t gray = index ^ (index >> 1);
    std::uint32_t x = 0;
    for (int i = 1; i <= 32; ++i)
        if ((gray >> (i - 1)) & 1u) x ^= v[i];
    return x;
}

std::vector<DesignRow> saltelli_design(int base_rows, int factors, std::uint64_t seed) {
    if (factors < 1 || factors > saltelli_max_factors)
        throw std::invalid_argument("a Sobol design takes 1 to " + std::to_string(saltelli_max_factors) +
                                    " ranges, got " + std::to_string(factors));
    const auto shift_key = stream_key(seed, Purpose::sweep_design, 0);
    std::vector<std::uint32_t> shift(2 * static_cast<std::size_t>(factors));
    for (std::size_t d = 0; d < shift.size(); ++d) shift[d] = static_cast<std::uint32_t>(random_bits(shift_key, d) >> 32);
    const auto k = static_cast<std::size_t>(factors);
    std::vector<DesignRow> rows;
    rows.reserve(static_cast<std::size_t>(base_rows) * (k + 2));
    for (int j = 0; j < base_rows; ++j) {
        std::vector<double> a(k), b(k);
        for (std::size_t d = 0; d < k; ++d) {
            // +0.5: the middle of the point's 2^-32 cell, never exactly 0 or 1.
            a[d] = ((sobol_bits(static_cast<std::uint64_t>(j), int(d)) ^ shift[d]) + 0.5) * two_to_minus_32;
            b[d] = ((sobol_bits(static_cast<std::uint64_t>(j), int(k + d)) ^ shift[k + d]) + 0.5) * two_to_minus_32;
        }
        rows.push_back({a, "A", j});
        rows.push_back({b, "B", j});
        for (std::size_t i = 0; i < k; ++i) {
            std::vector<double> ab = a;
            ab[i] = b[i];
            rows.push_back({std::move(ab), "AB" + std::to_string(i + 1), j});
        }
    }
    return rows;
}

std::vector<DesignRow> morris_design(int trajectories, int factors, int levels, std::uint64_t seed) {
    if (factors < 1) throw std::invalid_argument("a Morris design needs at least one range");
    if (levels < 2 || levels % 2 != 0)
        throw std::invalid_argument("Morris levels must be even and at least 2, got " + std::to_string(levels));
    const auto k = static_cast<std::size_t>(factors);
    const int jump = levels / 2;  // Δ = p/(2(p-1)) in level units
    const double per_level = 1.0 / (levels - 1);
    std::vector<DesignRow> rows;
    rows.reserve(static_cast<std::size_t>(trajectories) * (k + 1));
    for (int t = 0; t < trajectories; ++t) {
        const auto key = stream_key(seed, Purpose::sweep_design, 1 + t);
        std::vector<int> level(k);
        for (std::size_t d = 0; d < k; ++d) level[d] = static_cast<int>(random_bits(key, d) % std::uint64_t(levels));
        std::vector<std::size_t> order(k);
        std::iota(order.begin(), order.end(), std::size_t(0));
        for (std::size_t i = k; i > 1; --i) std::swap(order[i - 1], order[random_bits(key, k + i) % i]);
        auto unit = [&] {
            std::vector<double> u(k);
            for (std::size_t d = 0; d < k; ++d) u[d] = level[d] * per_level;
            return u;
        };
        rows.push_back({unit(), "start", t});
        for (const std::size_t d : order) {
            level[d] += level[d] + jump <= levels - 1 ? jump : -jump;
            rows.push_back({unit(), "step" + std::to_string(d + 1), t});
        }
    }
    return rows;
}

}  // namespace migflow
