// elu, selu and celu (src/exact/exponential.cpp), against the expected
// values that support.hpp describes.
#include "exact/exact.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace exact_test;

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
}
