// Catch2's main(): one translation unit for the whole test program.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
