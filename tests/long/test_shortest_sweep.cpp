// The long sweep of write_shortest (RELU_LONG_TESTS): 100 million random bit
// patterns and 100 million random doubles near the switch of notations,
// where the unit tests try 400,000.
#include "shortest_oracle.hpp"

#include <doctest/doctest.h>

#include <random>

using namespace shortest_oracle;

TEST_SUITE("format.shortest") {
  TEST_CASE("write_shortest writes what fmt's {} writes, 200 million") {
    Oracle oracle;
    for (double x : edges())
      oracle.compare(x);
    std::mt19937_64 random(2);
    for (int i = 0; i < 100'000'000; ++i)
      oracle.compare(random_bits(random));
    for (int i = 0; i < 100'000'000; ++i)
      oracle.compare(random_near_switch(random));
    CHECK(oracle.differences == 0);
  }
}
