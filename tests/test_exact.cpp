// Expected values: the exact value of each formula computed with mpmath at
// 320 bits (5000 bits for the rational functions and for inputs below
// 2^-400), rounded to double with an exact integer round-half-even on its
// mantissa (subnormals included). Where the exact value is 0 the expected
// sign is the one src/exact/exact.hpp promises.
#include "exact/exact.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double max = std::numeric_limits<double>::max();

// Bitwise equality: tells -0 from +0 and keeps NaN comparable.
bool same(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::isnan(a) && std::isnan(b);
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

using Fn = double (*)(double);

// Input, value, derivative.
struct Row {
  double x, y, dy;
};

void check(Fn f, Fn df, std::initializer_list<Row> rows) {
  for (const Row& row : rows) {
    CAPTURE(row.x);
    CHECK(same(f(row.x), row.y));
    CHECK(same(df(row.x), row.dy));
  }
  CHECK(std::isnan(f(std::nan(""))));
  CHECK(std::isnan(df(std::nan(""))));
}

// Input, parameter (alpha), value, derivative.
struct ParamRow {
  double x, alpha, y, dy;
};

using ParamFn = double (*)(double, double);

void check(ParamFn f, ParamFn df, std::initializer_list<ParamRow> rows) {
  for (const ParamRow& row : rows) {
    CAPTURE(row.x);
    CAPTURE(row.alpha);
    CHECK(same(f(row.x, row.alpha), row.y));
    CHECK(same(df(row.x, row.alpha), row.dy));
  }
  CHECK(std::isnan(f(std::nan(""), 1)));
  CHECK(std::isnan(df(std::nan(""), 1)));
}

} // namespace

TEST_SUITE("exact") {
  TEST_CASE("elu") {
    check(relu::elu, relu::elu_grad,
          {{0.0, 1.0, 0.0, 1.0},
           {-0.0, 1.0, -0.0, 1.0},
           {inf, 1.0, inf, 1.0},
           {-inf, 1.0, -1.0, 0.0},
           {0x1p-1074, 1.0, 0x1p-1074, 1.0},
           {-0x1p-1074, 1.0, -0x1p-1074, 1.0},
           {-1.0, 1.0, -0x1.43a54e4e98864p-1, 0x1.78b56362cef38p-2},
           {-40.0, 1.0, -1.0, 0x1.39792499b1a24p-58},
           {-800.0, 1.0, -1.0, 0.0},
           {-1.0, -0.5, 0x1.43a54e4e98864p-2, -0x1.78b56362cef38p-3},
           {-0x1p-1074, -0.5, 0.0, -0.5},
           {-0x1p-60, 1e-300, -0x2adc4p-1074, 0x1.56e1fc2f8f359p-997},
           {-1000.0, 1e-300, -0x1.56e1fc2f8f359p-997, 0.0},
           {-1.0, 0.0, -0.0, 0.0}});
  }

  TEST_CASE("selu") {
    // lambda and lambda * alpha rounded once.
    constexpr double lambda = 0x1.0cfabd6a91132p+0;
    constexpr double scale = 0x1.c212cc640f031p+0;
    check(relu::selu, relu::selu_grad,
          {{0.0, 0.0, scale},
           {-0.0, -0.0, scale},
           {inf, inf, lambda},
           {-inf, -scale, 0.0},
           {0x1p-1074, 0x1p-1074, lambda},
           {-0x1p-1074, -0x2p-1074, scale},
           {1.0, lambda, lambda},
           {-1.0, -0x1.1c802bd5f1cb4p+0, 0x1.4b25411c3a6fap-1},
           {max, inf, lambda},
           {-40.0, -scale, 0x1.138efb90e5f63p-57}});
  }

  TEST_CASE("celu") {
    check(relu::celu, relu::celu_grad,
          {{0.0, 2.0, 0.0, 1.0},
           {-0.0, 2.0, -0.0, 1.0},
           {inf, 2.0, inf, 1.0},
           {-inf, 2.0, -2.0, 0.0},
           {-inf, -1.0, -inf, inf},
           {-1.0, 2.0, -0x1.92e9a0720d3ecp-1, 0x1.368b2fc6f960ap-1},
           {-0x1.56e1fc2f8f359p-997, 2.0, -0x1.56e1fc2f8f359p-997, 1.0},
           {-1.0, -1.0, -0x1.b7e151628aed3p+0, 0x1.5bf0a8b145769p+1},
           {-800.0, -1.0, -inf, inf}});
    CHECK(std::isnan(relu::celu(-1, 0)));
  }

  TEST_CASE("gelu") {
    check(
        relu::gelu, relu::gelu_grad,
        {{0.0, 0.0, 0.5},
         {-0.0, -0.0, 0.5},
         {inf, inf, 1.0},
         {-inf, -0.0, 0.0},
         {0x1p-1074, 0x1p-1074, 0.5},
         {-0x1p-1074, -0.0, 0.5},
         {1.0, 0x1.aec4bd120d37dp-1, 0x1.155429a56cca6p+0},
         {-1.0, -0x1.44ed0bb7cb20bp-3, -0x1.55429a56cca59p-4},
         // Next to the minimum of gelu, where gelu' cancels.
         {-0x1.80ead1930996cp-1, -0x1.5c19dd4b1a3fbp-3, 0x1.0ea518b02f389p-32},
         {-38.0, -0x84474d57p-1074, -0x13a2944007p-1074},
         {-39.0, -0.0, -0.0},
         {9.0, 9.0, 1.0},
         // Both sides of the small-input shortcuts.
         {0x1p-55, 0x1p-56, 0.5},
         {0x1.fffffffffffffp-56, 0x1.fffffffffffffp-57, 0.5},
         {-0x1p-55, -0x1p-56, 0.5},
         // Halfway between grid points of the Mills ratio table, where the
         // series runs farthest, and near both ends of the table.
         {0x1p-4, 0x1.0cc2023b25766p-5, 0x1.197fc45c02e23p-1},
         {-0x1p-4, -0x1.e67bfb89b5133p-6, 0x1.cd007747fa3bap-2},
         {3.1875, 0x1.97b50ddc4f4d3p+1, 0x1.01d7493699cb0p+0},
         {-3.1875, -0x1.2bc88ec2cb582p-9, -0x1.d7493699cb04dp-8},
         {-10.0, -0x1.7079362639d51p-74, -0x1.cc81080c0cc8cp-71},
         {-20.3125, -0x1.080405b993a74p-299, -0x1.4f2c1c46713cdp-295},
         {-36.0, -0x1.bfd0452322264p-937, -0x1.f7ca269db1707p-932},
         {-36.0625, -0x1.78db9bdb1cd69p-940, -0x1.a8b35c5add0fap-935},
         {-37.0, -0x1.1bbe62e6f3e25p-989, -0x1.48140b7e8d68cp-984},
         {10.0, 10.0, 1.0}});
  }

  TEST_CASE("gelu_tanh") {
    check(relu::gelu_tanh, relu::gelu_tanh_grad,
          {{0.0, 0.0, 0.5},
           {-0.0, -0.0, 0.5},
           {inf, inf, 1.0},
           {-inf, -0.0, 0.0},
           {0x1p-1074, 0x1p-1074, 0.5},
           {-0x1p-1074, -0.0, 0.5},
           {1.0, 0x1.aeb0b772a3ae1p-1, 0x1.153d225adc389p+0},
           {-1.0, -0x1.453d22357147ap-3, -0x1.53d225adc388ep-4},
           {-10.0, -0x1.47c8fd5284feap-123, -0x1.d53013e7e8581p-119},
           {-30.0, -0.0, -0.0},
           {5.0, 0x1.3fffff09eb96p+2, 0x1.000019f192fc7p+0}});
  }

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

  TEST_CASE("shortcuts where the fast path saturates") {
    struct Edge {
      Fn f;
      double x, y;
    };

    const Fn elu = [](double x) { return relu::elu(x, 1); };
    // Below its threshold, above beta x = 40.
    const Fn softplus_to_50 = [](double x) { return relu::softplus(x, 1, 50); };
    for (const Edge& row : {
             Edge{relu::sigmoid, 0x1.2c00000000001p+5, 1.0},
             Edge{relu::sigmoid, 0x1.2b33333333333p+5, 0x1.fffffffffffffp-1},
             Edge{relu::silu, 0x1.3000000000001p+5, 0x1.3000000000001p+5},
             Edge{relu::tanh, 0x1.3800000000001p+4, 1.0},
             Edge{relu::tanh, 19.0, 0x1.fffffffffffffp-1},
             Edge{relu::gelu_tanh, -21.3, -0x5f4200ee5p-1074},
             Edge{relu::gelu_tanh, -21.5, -0x39p-1074},
             Edge{relu::gelu_tanh, -21.6, -0.0},
             Edge{relu::gelu, 10.5, 10.5},
             Edge{relu::gelu, -38.55, -0x2p-1074},
             Edge{relu::gelu, -38.61, -0.0},
             Edge{relu::gelu_grad, 10.5, 1.0},
             Edge{relu::gelu_grad, -38.65, -0x1p-1074},
             Edge{relu::gelu_grad, -38.71, -0.0},
             Edge{relu::gelu_tanh_grad, -21.5, -0x167ep-1074},
             Edge{relu::gelu_tanh_grad, -21.7, -0.0},
             Edge{relu::gelu_tanh_grad, 10.5, 1.0},
             Edge{relu::logsigmoid, -40.5, -40.5},
             Edge{relu::logsigmoid, 745.0, -0x1p-1074},
             Edge{relu::logsigmoid, 746.0, -0.0},
             Edge{softplus_to_50, 41.0, 41.0},
             Edge{softplus_to_50, 39.0, 0x1.38p+5},
             Edge{relu::softsign, 0x1.0000000000001p+54, 1.0},
             Edge{relu::softsign, 0x1p+53, 0x1.fffffffffffffp-1},
             Edge{relu::hardswish, -1.5, -0.375},
             Edge{elu, -40.0, -1.0},
             Edge{elu, -39.0, -1.0},
         }) {
      CAPTURE(row.x);
      CHECK(same(row.f(row.x), row.y));
    }
  }

  TEST_CASE("hard cases: the exact value lies within 5e-4 ulp of a midpoint") {
    // Found by sampling 6000 inputs per function with mpmath and keeping
    // those nearest a midpoint; the comment gives that distance.
    struct Hard {
      Fn f;
      double x, y;
    };

    const Fn elu = [](double x) { return relu::elu(x, 1); };
    const Fn softplus = [](double x) { return relu::softplus(x, 1, 20); };
    for (const Hard& row : {
             Hard{relu::sigmoid, 0x1.68130632ab908p+3, 0x1.fffe4c90c8885p-1},
             Hard{relu::silu, 0x1.fc7b5afcb415p+0, 0x1.bf21bd7845dcfp+0},
             Hard{relu::silu, 0x1.be93a29a7a94p+4, 0x1.be93a29a7920fp+4},
             Hard{relu::gelu, 0x1.2ed151173d0a4p+2, 0x1.2ed13afaa68dbp+2},
             Hard{relu::gelu_grad, -0x1.2f789fc1efd22p+2,
                  -0x1.8e570019e8874p-16},
             Hard{relu::tanh, 0x1.992bebe5db2fcp+1, 0x1.fe4a3d4998d04p-1},
             Hard{relu::mish_grad, 0x1.04da583b90b2ap+3, 0x1.00002aa14701cp+0},
             Hard{relu::logsigmoid, 0x1.576df8d63d744p+4,
                  -0x1.06032551908ep-31},
             Hard{elu, -0x1.97cb2f736494p-1, -0x1.19216928ca089p-1},
             Hard{softplus, -0x1.c0979110c24cep+4, 0x1.771b195b01815p-41},
             Hard{softplus, 0x1.089f8810420fcp+3, 0x1.08a1a153b5d3bp+3},
             Hard{relu::gelu_tanh_grad, 0x1.90f9b12ae81bp+1,
                  0x1.0208b99bc1a3cp+0},
             Hard{relu::silu_grad, -0x1.3e17accf424ep+1, -0x1.97a0d2965a419p-4},
             Hard{relu::tanh_grad, 0x1.06239b7bc6e2ep+3, 0x1.4950c82726527p-22},
         }) {
      CAPTURE(row.x);
      CHECK(same(row.f(row.x), row.y));
    }
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
      CHECK(same(row.f(row.x), row.y));
    }
  }
}
