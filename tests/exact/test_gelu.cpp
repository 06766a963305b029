// gelu and gelu_tanh (src/exact/gelu.cpp), against the expected values
// that support.hpp describes.
#include "exact/exact.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

using namespace exact_test;

TEST_SUITE("exact") {
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
}
