// The long sweep of parse_number (RELU_LONG_TESTS): 10 million random
// decimals and the midpoints of 500,000 random pairs of doubles, where the
// unit tests try 100,000 and 5,000.
#include "number_oracle.hpp"

#include <doctest/doctest.h>

#include <random>

using namespace number_oracle;

TEST_SUITE("number") {
  TEST_CASE("parse_number rounds as strtod does, 11.5 million tokens") {
    Oracle oracle;
    std::mt19937_64 random(2);
    for (int i = 0; i < 10'000'000; ++i)
      oracle.compare(random_decimal(random));
    for (int i = 0; i < 500'000; ++i) {
      double x = random_midpoint_base(random);
      for (const auto& token : midpoint_tokens(x))
        oracle.compare(i % 2 == 0 ? token : '-' + token);
    }
    CHECK(oracle.differences == 0);
  }
}
