#pragma once
// Designs of experiments for global sensitivity analysis (docs/SWEEP.md "Sensitivity"):
// Saltelli's design for Sobol indices and Morris's elementary-effect trajectories, in
// the unit hypercube. The sweep plan maps them onto the ranges; the estimators
// (sensitivity.hpp) read them back from the sweep index. Pure functions of their
// arguments and a seed.
#include <cstdint>
#include <string>
#include <vector>

namespace migflow {

// Dimensions the built-in Sobol direction numbers cover (Joe and Kuo 2008,
// new-joe-kuo-6.21201, the first 61 rows). Saltelli's design takes two per factor.
inline constexpr int sobol_max_dimensions = 61;
inline constexpr int saltelli_max_factors = sobol_max_dimensions / 2;

// Point `index` (from 0, in Gray-code order) of the unshifted Sobol sequence in dimension
// `dim` (from 0), as 32 bits of a binary fraction. Dimension 0 is van der Corput's.
std::uint32_t sobol_bits(std::uint64_t index, int dim);

// One row of a design: unit coordinates and the row's part in the design.
struct DesignRow {
    std::vector<double> unit;  // one per factor, in [0, 1]
    std::string role;          // sobol: A, B, AB1..ABk; morris: start, step1..stepk (factor moved, from 1)
    int group = 0;             // sobol: the base row j; morris: the trajectory
};

// Saltelli (2010): for each base row j the rows A_j, B_j and AB^i_j (A_j with factor i
// taken from B_j), N*(k+2) rows grouped by j. A and B are the first and last k
// coordinates of a 2k-dimensional Sobol sequence, digitally shifted (XOR) by bits drawn
// from `seed`, so each seed gives an independent randomised quasi-Monte Carlo design
// while every point keeps the sequence's stratification.
std::vector<DesignRow> saltelli_design(int base_rows, int factors, std::uint64_t seed);

// Morris (1991) with Campolongo et al.'s (2007) one-at-a-time trajectories: `levels`
// (even) grid levels 0, 1/(p-1), ..., 1 per factor; each trajectory starts at a random
// grid point and moves every factor once, in random order, by Δ = p/(2(p-1)) up or down
// (down when up would leave [0, 1]), so every level is equally likely. r*(k+1) rows.
std::vector<DesignRow> morris_design(int trajectories, int factors, int levels, std::uint64_t seed);

}  // namespace migflow
