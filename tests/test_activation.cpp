#include "activation.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
const double not_a_number = std::nan("");

// Bitwise equality: tells -0 from +0 and keeps NaN comparable.
bool same(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::isnan(a) && std::isnan(b);
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

} // namespace

TEST_SUITE("activation") {
  TEST_CASE("relu") {
    struct Row {
      double x, y;
    };

    for (auto [x, y] : {Row{2.5, 2.5}, Row{-3, 0}, Row{0.0, 0.0},
                        Row{-0.0, 0.0}, Row{inf, inf}, Row{-inf, 0.0},
                        Row{5e-324, 5e-324}, Row{-5e-324, 0.0}}) {
      CAPTURE(x);
      CHECK(same(relu::relu(x), y));
    }
    CHECK(std::isnan(relu::relu(not_a_number)));
    CHECK(std::isnan(relu::relu(-not_a_number)));
  }

  TEST_CASE("leaky_relu") {
    struct Row {
      double x, alpha, y;
    };

    for (auto [x, alpha, y] :
         {Row{2.5, 0.01, 2.5}, Row{-3, 0.01, -0.03}, Row{-3, 0.001, -0.003},
          Row{0.0, 0.01, 0.0}, Row{-0.0, 0.01, -0.0}, Row{inf, 0.01, inf},
          Row{-inf, 0.01, -inf}, Row{-2, 0.0, -0.0}, Row{-2, 1.0, -2},
          Row{-2, -0.5, 1.0}, Row{-inf, -0.5, inf}, Row{-1e300, 1e10, -inf}}) {
      CAPTURE(x);
      CAPTURE(alpha);
      CHECK(same(relu::leaky_relu(x, alpha), y));
    }
    CHECK(std::isnan(relu::leaky_relu(not_a_number, 0.01)));
    // alpha = 0 follows IEEE: 0 * -inf is NaN, as in PyTorch.
    CHECK(std::isnan(relu::leaky_relu(-inf, 0.0)));
  }

  TEST_CASE("relu_grad") {
    struct Row {
      double x, y;
    };

    for (auto [x, y] : {Row{2.5, 1}, Row{-3, 0}, Row{0.0, 0}, Row{-0.0, 0},
                        Row{5e-324, 1}, Row{inf, 1}, Row{-inf, 0}}) {
      CAPTURE(x);
      CHECK(same(relu::relu_grad(x), y));
    }
    CHECK(std::isnan(relu::relu_grad(not_a_number)));
  }

  TEST_CASE("leaky_relu_grad") {
    struct Row {
      double x, alpha, y;
    };

    for (auto [x, alpha, y] :
         {Row{2.5, 0.01, 1}, Row{-3, 0.01, 0.01}, Row{0.0, 0.01, 0.01},
          Row{-0.0, 0.2, 0.2}, Row{inf, 0.01, 1}, Row{-inf, 0.01, 0.01},
          Row{-1, 0.0, 0.0}, Row{-1, -2.0, -2.0}}) {
      CAPTURE(x);
      CHECK(same(relu::leaky_relu_grad(x, alpha), y));
    }
    CHECK(std::isnan(relu::leaky_relu_grad(not_a_number, 0.01)));
  }

  TEST_CASE("Activation selects the function") {
    CHECK(relu::Activation{}(-2) == 0);
    CHECK(relu::Activation{true, false, 0.5}(-2) == -1);
    CHECK(relu::Activation{false, true, 0.5}(-2) == 0);
    CHECK(relu::Activation{true, true, 0.5}(-2) == 0.5);
    CHECK(relu::Activation{}.alpha == 0.01);
    static_assert(relu::Activation{true, false, 0.5}(4) == 4);
  }
}
