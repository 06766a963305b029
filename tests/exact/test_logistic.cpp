// sigmoid, tanh, silu, mish, softplus, logsigmoid and glu's pair
// (src/exact/logistic.cpp), against the expected values that support.hpp
// describes.
#include "exact/exact.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace exact_test;

TEST_SUITE("exact") {
  TEST_CASE("silu") {
    check(
        relu::silu, relu::silu_grad,
        {{0.0, 0.0, 0.5},
         {-0.0, -0.0, 0.5},
         {inf, inf, 1.0},
         {-inf, -0.0, 0.0},
         {0x1p-1074, 0x1p-1074, 0.5},
         {-0x1p-1074, -0.0, 0.5},
         {1.0, 0x1.764d4f5d5a2bdp-1, 0x1.daf7a11be73a2p-1},
         {-1.0, -0x1.136561454ba86p-2, 0x1.2842f720c62f1p-4},
         // Next to the minimum of silu, where silu' cancels.
         {-0x1.474973c84120bp+0, -0x1.1d25cf210482ep-2, 0x1.b7d7537967aa7p-56},
         {-745.0, -0x1aap-1074, -0x1a9p-1074},
         {-746.0, -0x9dp-1074, -0x9dp-1074},
         {40.0, 40.0, 0x1.0000000000001p+0}});
  }

  TEST_CASE("mish") {
    // mish'(0) = tanh(ln 2) = 3/5.
    check(
        relu::mish, relu::mish_grad,
        {{0.0, 0.0, 0x1.3333333333333p-1},
         {-0.0, -0.0, 0x1.3333333333333p-1},
         {inf, inf, 1.0},
         {-inf, -0.0, 0.0},
         {0x1p-1074, 0x1p-1074, 0x1.3333333333333p-1},
         {-0x1p-1074, -0x1p-1074, 0x1.3333333333333p-1},
         {1.0, 0x1.baee2d0adc5e7p-1, 0x1.0c8da341a5e7ap+0},
         {-1.0, -0x1.36aedf68a4413p-2, 0x1.e51a89bbcbcb1p-5},
         {-0x1.313f25afbcf19p+0, -0x1.3c41729153cb5p-2, 0x1.13110eec74c07p-16},
         {-745.0, -0x1aap-1074, -0x1a9p-1074},
         {30.0, 30.0, 1.0},
         {max, max, 1.0}});
  }

  TEST_CASE("softplus") {
    struct SoftplusRow {
      double x, beta, threshold, y, dy;
    };

    for (const SoftplusRow& row : {
             SoftplusRow{inf, 1.0, 20.0, inf, 1.0},
             SoftplusRow{-inf, 1.0, 20.0, 0.0, 0.0},
             SoftplusRow{1.0, 1.0, 20.0, 0x1.5031eafefb049p+0,
                         0x1.764d4f5d5a2bdp-1},
             SoftplusRow{-1.0, 1.0, 20.0, 0x1.40c7abfbec124p-2,
                         0x1.136561454ba86p-2},
             // At the threshold the formula still applies; just above it,
             // x itself.
             SoftplusRow{20.0, 1.0, 20.0, 0x1.400000008da43p+4,
                         0x1.ffffffee4b79bp-1},
             SoftplusRow{0x1.4000000000001p+4, 1.0, 20.0, 0x1.4000000000001p+4,
                         1.0},
             SoftplusRow{-800.0, 1.0, 20.0, 0.0, 0.0},
             SoftplusRow{0.0, 2.0, 3.0, 0x1.62e42fefa39efp-2, 0.5},
             SoftplusRow{-0.0, 2.0, 3.0, 0x1.62e42fefa39efp-2, 0.5},
             SoftplusRow{1.0, 2.0, 3.0, 0x1.103f2d54301d5p+0,
                         0x1.c2f7d5a8a79cap-1},
             SoftplusRow{1.5, 2.0, 3.0, 0x1.86381c3f0115cp+0,
                         0x1.e7b7cbc36fabcp-1},
             SoftplusRow{2.0, 2.0, 3.0, 2.0, 1.0},
             // beta * x rounds to the threshold in both rows: exactly it is
             // 20 + 2^-49.98 in the first, 3 - 2^-53 in the second.
             SoftplusRow{200.0, 0.1, 20.0, 200.0, 1.0},
             SoftplusRow{10.0, 0.3, 3.0, 0x1.452ec23480e77p+3,
                         0x1.e7b7cbc36fabcp-1},
             // beta * x = 1e-10 is below the threshold, ln 2 / beta
             // overflows.
             SoftplusRow{1e300, 1e-310, 20.0, inf, 0x1.0000000036f9cp-1},
         }) {
      CAPTURE(row.x);
      CAPTURE(row.beta);
      CHECK(same(relu::softplus(row.x, row.beta, row.threshold), row.y));
      CHECK(same(relu::softplus_grad(row.x, row.beta, row.threshold), row.dy));
    }
    CHECK(std::isnan(relu::softplus(std::nan(""), 1, 20)));
    CHECK(std::isnan(relu::softplus_grad(std::nan(""), 1, 20)));
  }

  TEST_CASE("sigmoid") {
    check(relu::sigmoid, relu::sigmoid_grad,
          {{0.0, 0.5, 0.25},
           {-0.0, 0.5, 0.25},
           {inf, 1.0, 0.0},
           {-inf, 0.0, 0.0},
           {0x1p-1074, 0.5, 0.25},
           {-0x1p-1074, 0.5, 0.25},
           {1.0, 0x1.764d4f5d5a2bdp-1, 0x1.92a946fa34394p-3},
           {-1.0, 0x1.136561454ba86p-2, 0x1.92a946fa34394p-3},
           {37.0, 0x1.fffffffffffffp-1, 0x1.898471fca6054p-54},
           {40.0, 1.0, 0x1.39792499b1a24p-58},
           {-745.0, 0x1p-1074, 0x1p-1074},
           {-746.0, 0.0, 0.0}});
  }

  TEST_CASE("tanh") {
    check(relu::tanh, relu::tanh_grad,
          {{0.0, 0.0, 1.0},
           {-0.0, -0.0, 1.0},
           {inf, 1.0, 0.0},
           {-inf, -1.0, 0.0},
           {0x1p-1074, 0x1p-1074, 1.0},
           {-0x1p-1074, -0x1p-1074, 1.0},
           {1.0, 0x1.85efab514f394p-1, 0x1.ae0dc0f990c45p-2},
           {-1.0, -0x1.85efab514f394p-1, 0x1.ae0dc0f990c45p-2},
           {0x1p-27, 0x1p-27, 1.0},
           {20.0, 1.0, 0x1.39792499b1a24p-56},
           {400.0, 1.0, 0.0}});
  }

  TEST_CASE("tanhshrink") {
    // Each shortcut's edge (2^-359, 19.5, 40, 2^53, 2^-538), the series'
    // end at 1/4, subnormal values left to the Ziv loop (2^-340, 2^-537),
    // and x - tanh(x) = x^3/3 rounded where the terms after it vanish.
    check(relu::tanhshrink, relu::tanhshrink_grad,
          {{0.0, 0.0, 0.0},
           {-0.0, 0.0, 0.0},
           {inf, inf, 1.0},
           {-inf, -inf, 1.0},
           {0x1p-1074, 0.0, 0.0},
           {0x1p-359, 0.0, 0x1p-718},
           {-0x1.fffffffffffffp-360, -0.0, 0x1.ffffffffffffep-719},
           {0x1p-358, 0.0, 0x1p-716},
           {0x1p-340, 0x1.5555555555555p-1022, 0x1p-680},
           {0x1p-320, 0x1.5555555555555p-962, 0x1p-640},
           {0x1p-100, 0x1.5555555555555p-302, 0x1p-200},
           {0x1p-30, 0x1.5555555555555p-92, 0x1p-60},
           {0x1.fffffffffffffp-3, 0x1.4d02b2cbc6f40p-8, 0x1.eb65fad3e93e1p-5},
           {0.25, 0x1.4d02b2cbc6f42p-8, 0x1.eb65fad3e93e3p-5},
           {-0.25, -0x1.4d02b2cbc6f42p-8, 0x1.eb65fad3e93e3p-5},
           {1.0, 0x1.e84152bac31afp-3, 0x1.28f91f83379dep-1},
           {-1.0, -0x1.e84152bac31afp-3, 0x1.28f91f83379dep-1},
           {19.5, 18.5, 1.0},
           {0x1.3800000000001p+4, 0x1.2800000000001p+4, 1.0},
           {40.0, 39.0, 1.0},
           {0x1.4000000000001p+5, 0x1.3800000000001p+5, 1.0},
           {0x1p53, 0x1.fffffffffffffp+52, 1.0},
           // x - 1 + (1 - tanh x): above the midpoint x - 1.
           {0x1.0000000000001p+53, 0x1.0000000000001p+53, 1.0},
           {0x1p-538, 0.0, 0.0},
           {0x1p-537, 0.0, 0x1p-1074},
           {0x1p-480, 0.0, 0x1p-960}});
  }

  TEST_CASE("logsigmoid") {
    constexpr double ln2 = 0x1.62e42fefa39efp-1;
    check(relu::logsigmoid, relu::logsigmoid_grad,
          {{0.0, -ln2, 0.5},
           {-0.0, -ln2, 0.5},
           {inf, -0.0, 0.0},
           {-inf, -inf, 1.0},
           {0x1p-1074, -ln2, 0.5},
           {-0x1p-1074, -ln2, 0.5},
           {1.0, -0x1.40c7abfbec124p-2, 0x1.136561454ba86p-2},
           {-1.0, -0x1.5031eafefb049p+0, 0x1.764d4f5d5a2bdp-1},
           {40.0, -0x1.39792499b1a24p-58, 0x1.39792499b1a24p-58},
           {800.0, -0.0, 0.0},
           {-800.0, -800.0, 1.0}});
  }
  TEST_CASE("glu's pair: a sigmoid(b), and a sigmoid'(b)") {
    // Rows are a, b, glu, its derivative in b (from mpmath at 4000 bits):
    // the shortcuts' edges (b = 37.5, -1455), b past the fast path's
    // exponential (-750, -1000, -1454: Ziv), subnormal results, and b = 0,
    // where a/2 and a/4 are ties or not.
    check(relu::glu, relu::glu_grad,
          {{1.0, 2.0, 0x1.c2f7d5a8a79cap-1, 0x1.ae0dc0f990c45p-4},
           {-2.0, 3.0, -0x1.e7b7cbc36fabcp+0, -0x1.72165282c6f72p-4},
           {1e308, -750.0, 0x1.18a3a06cc90b9p-59, 0x1.18a3a06cc90b9p-59},
           {-1e308, -1000.0, -0x1.5fd953cf798fep-420, -0x1.5fd953cf798fep-420},
           {1e308, -1454.0, 0x1p-1074, 0x1p-1074},
           {5.0, -1455.5, 0.0, 0.0},
           {-5.0, 1455.5, -5.0, -0.0},
           {0x1p-1074, 0.0, 0.0, 0.0},
           {0x3p-1074, 0.0, 0x2p-1074, 0x1p-1074},
           {0x1p-1000, -50.0, 0x4p-1074, 0x4p-1074},
           {1.0, 37.4, 0x1.fffffffffffffp-1, 0x1.07c8570407bb7p-54},
           {1.0, 37.5, 1.0, 0x1.dd5c566301ec7p-55},
           {-1.5, -1e-300, -0.75, -0.375},
           {-0.0, 1.0, -0.0, -0.0},
           {inf, 0.0, inf, inf},
           {-inf, inf, -inf, -std::nan("")},
           {inf, -inf, -std::nan(""), -std::nan("")},
           {-3.0, inf, -3.0, -0.0},
           {-3.0, -inf, -0.0, -0.0}});
    CHECK(std::isnan(relu::glu(1, std::nan(""))));
    CHECK(std::isnan(relu::glu_grad(1, std::nan(""))));
  }
}
