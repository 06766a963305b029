// hardswish, hardsigmoid and softsign (src/exact/rational.cpp), against
// the expected values that support.hpp describes.
#include "exact/exact.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

using namespace exact_test;

TEST_SUITE("exact") {
  TEST_CASE("hardswish") {
    check(
        relu::hardswish, relu::hardswish_grad,
        {{0.0, 0.0, 0.5},
         {-0.0, -0.0, 0.5},
         {inf, inf, 1.0},
         {-inf, -0.0, 0.0},
         // x/2 + x^2/6 just below the midpoint 2^-1075: rounds to -0.
         {-0x1p-1074, -0.0, 0.5},
         {0x1p-1074, 0x1p-1074, 0.5},
         {1.0, 0x1.5555555555555p-1, 0x1.aaaaaaaaaaaabp-1},
         {-1.0, -0x1.5555555555555p-2, 0x1.5555555555555p-3},
         {-3.0, -0.0, -0.5},
         {-0x1.8000000000001p+1, -0.0, 0.0},
         {-0x1.7ffffffffffffp+1, -0x1.fffffffffffffp-53, -0x1.ffffffffffffdp-2},
         {3.0, 3.0, 1.5},
         {0x1.8000000000001p+1, 0x1.8000000000001p+1, 1.0},
         {0x1.7ffffffffffffp+1, 0x1.7ffffffffffffp+1, 0x1.7ffffffffffffp+0},
         {0.1, 0x1.a740da740da74p-5, 0x1.1111111111111p-1}});
  }

  TEST_CASE("hardsigmoid") {
    constexpr double sixth = 0x1.5555555555555p-3;
    check(relu::hardsigmoid, relu::hardsigmoid_grad,
          {{0.0, 0.5, sixth},
           {-0.0, 0.5, sixth},
           {inf, 1.0, 0.0},
           {-inf, 0.0, 0.0},
           {0x1p-1074, 0.5, sixth},
           {-0x1p-1074, 0.5, sixth},
           {1.0, 0x1.5555555555555p-1, sixth},
           {-1.0, 0x1.5555555555555p-2, sixth},
           {-3.0, 0.0, 0.0},
           {3.0, 1.0, 0.0},
           {-0x1.7ffffffffffffp+1, 0x1.5555555555555p-54, sixth},
           {0.1, 0x1.0888888888889p-1, sixth}});
  }

  TEST_CASE("softsign") {
    check(relu::softsign, relu::softsign_grad,
          {{0.0, 0.0, 1.0},
           {-0.0, -0.0, 1.0},
           {inf, 1.0, 0.0},
           {-inf, -1.0, 0.0},
           {0x1p-1074, 0x1p-1074, 1.0},
           {-0x1p-1074, -0x1p-1074, 1.0},
           {1.0, 0.5, 0.25},
           {-1.0, -0.5, 0.25},
           {3.0, 0.75, 0x1p-4},
           {max, 1.0, 0.0},
           {0x1p-60, 0x1p-60, 1.0}});
  }

  TEST_CASE("exact midpoints of the rational functions round to even") {
    // (x + 3) / 6 and (2x + 3) / 6 land on a midpoint between two doubles
    // for 5.6% and 3.2% of Gaussian x (found with Python's fractions); the
    // first two rows of each round up, the last down.
    struct Midpoint {
      Fn f;
      double x, y;
    };

    for (const Midpoint& row : {
             Midpoint{relu::hardsigmoid, 0x1.46ca7b6998364p-3,
                      0x1.0d9dc5246657ap-1},
             Midpoint{relu::hardsigmoid, 0x1.1b729e2173f35p-1,
                      0x1.2f3dc50593534p-1},
             Midpoint{relu::hardsigmoid, 0x1.64a8304e58dfbp-1,
                      0x1.3b715d6264254p-1},
             Midpoint{relu::hardswish_grad, 0x1.d860ce27c18a5p-2,
                      0x1.4ebacd06a041cp-1},
             Midpoint{relu::hardswish_grad, -0x1.f01d5d296fc4fp-3,
                      0x1.ad5070791809ep-2},
             Midpoint{relu::hardswish_grad, 0x1.126e3351a14c3p-2,
                      0x1.2dbd088d9ae20p-1},
         }) {
      CAPTURE(row.x);
      CHECK(same(row.f(row.x, relu::Dtype::float64), row.y));
    }
  }
}
