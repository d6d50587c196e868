// Flee's ARD (docs/FLEE-SPEC.md) on hand-computed examples.
#include <catch2/catch.hpp>

#include "migflow/measures/ard.hpp"

using migflow::compute_ard;

TEST_CASE("ARD: rescaled and unrescaled on a two-camp, two-day example", "[validation]") {
    // Day 0: obs 10, 30; sim 20, 20 -> U = S = 40, E = (10 + 10) / 40 = 0.5 both ways.
    // Day 1: obs 0, 50; sim 10, 0 -> U = 50, S = 10, r = 50, 0:
    //        rescaled (50 + 50) / 50 = 2.0, unrescaled (10 + 50) / 50 = 1.2.
    const auto v = compute_ard({{20, 10}, {20, 0}}, {{10, 0}, {30, 50}});
    REQUIRE(v.error_rescaled.size() == 2);
    CHECK(v.error_rescaled[0] == Approx(0.5));
    CHECK(v.error_rescaled[1] == Approx(2.0));
    CHECK(v.error_unrescaled[1] == Approx(1.2));
    CHECK(v.ard_rescaled == Approx(1.25));
    CHECK(v.ard_unrescaled == Approx(0.85));
}

TEST_CASE("ARD: empty simulation and empty observation days", "[validation]") {
    // S = 0: nothing to rescale, every observed person is an error.
    // U = 0: the denominator is max(U, 1) = 1; rescaled sim becomes 0.
    const auto v = compute_ard({{0, 3}, {0, 1}}, {{5, 0}, {5, 0}});
    CHECK(v.error_rescaled[0] == Approx(1.0));
    CHECK(v.error_rescaled[1] == Approx(0.0));
    CHECK(v.error_unrescaled[1] == Approx(4.0));
    CHECK(v.ard_rescaled == Approx(0.5));
}

TEST_CASE("ARD: a perfect simulation scores 0, mismatched shapes are refused", "[validation]") {
    const auto v = compute_ard({{1, 2, 3}, {4, 5, 6}}, {{1, 2, 3}, {4, 5, 6}});
    CHECK(v.ard_rescaled == 0.0);
    CHECK(v.ard_unrescaled == 0.0);
    CHECK_THROWS(compute_ard({{1, 2}}, {{1, 2, 3}}));
    CHECK_THROWS(compute_ard({{1}}, {{1}, {2}}));
}
