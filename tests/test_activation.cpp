#include "activation.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

using relu::Dtype;

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

    for (const auto& row : {Row{2.5, 2.5}, Row{-3, 0}, Row{0.0, 0.0},
                            Row{-0.0, 0.0}, Row{inf, inf}, Row{-inf, 0.0},
                            Row{5e-324, 5e-324}, Row{-5e-324, 0.0}}) {
      const auto& x = row.x;
      const auto& y = row.y;
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

    for (const auto& row :
         {Row{2.5, 0.01, 2.5}, Row{-3, 0.01, -0.03}, Row{-3, 0.001, -0.003},
          Row{0.0, 0.01, 0.0}, Row{-0.0, 0.01, -0.0}, Row{inf, 0.01, inf},
          Row{-inf, 0.01, -inf}, Row{-2, 0.0, -0.0}, Row{-2, 1.0, -2},
          Row{-2, -0.5, 1.0}, Row{-inf, -0.5, inf}, Row{-1e300, 1e10, -inf}}) {
      const auto& x = row.x;
      const auto& alpha = row.alpha;
      const auto& y = row.y;
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

    for (const auto& row : {Row{2.5, 1}, Row{-3, 0}, Row{0.0, 0}, Row{-0.0, 0},
                            Row{5e-324, 1}, Row{inf, 1}, Row{-inf, 0}}) {
      const auto& x = row.x;
      const auto& y = row.y;
      CAPTURE(x);
      CHECK(same(relu::relu_grad(x), y));
    }
    CHECK(std::isnan(relu::relu_grad(not_a_number)));
  }

  TEST_CASE("leaky_relu_grad") {
    struct Row {
      double x, alpha, y;
    };

    for (const auto& row :
         {Row{2.5, 0.01, 1}, Row{-3, 0.01, 0.01}, Row{0.0, 0.01, 0.01},
          Row{-0.0, 0.2, 0.2}, Row{inf, 0.01, 1}, Row{-inf, 0.01, 0.01},
          Row{-1, 0.0, 0.0}, Row{-1, -2.0, -2.0}}) {
      const auto& x = row.x;
      const auto& alpha = row.alpha;
      const auto& y = row.y;
      CAPTURE(x);
      CHECK(same(relu::leaky_relu_grad(x, alpha), y));
    }
    CHECK(std::isnan(relu::leaky_relu_grad(not_a_number, 0.01)));
  }

  TEST_CASE("hardtanh and relu6") {
    struct Row {
      double x, lo, hi, y, dy;
    };

    for (const auto& row :
         {Row{0.5, -1, 1, 0.5, 1}, Row{-1, -1, 1, -1, 0}, Row{1, -1, 1, 1, 0},
          Row{-2, -1, 1, -1, 0}, Row{inf, -1, 1, 1, 0}, Row{-inf, -1, 1, -1, 0},
          Row{-0.0, -1, 1, -0.0, 1}, Row{3, 0, 6, 3, 1}, Row{6, 0, 6, 6, 0},
          Row{7, 0, 6, 6, 0}, Row{0.0, 0, 6, 0.0, 0}, Row{-0.0, 0, 6, 0.0, 0},
          Row{-5, 0, 6, 0.0, 0}, Row{-5, -0.0, 6, 0.0, 0}}) {
      const auto& x = row.x;
      const auto& lo = row.lo;
      const auto& hi = row.hi;
      const auto& y = row.y;
      const auto& dy = row.dy;
      CAPTURE(x);
      CAPTURE(lo);
      CHECK(same(relu::hardtanh(x, lo, hi), y));
      CHECK(same(relu::hardtanh_grad(x, lo, hi), dy));
    }
    CHECK(std::isnan(relu::hardtanh(not_a_number, -1, 1)));
    CHECK(std::isnan(relu::hardtanh_grad(not_a_number, -1, 1)));
    static_assert(relu::hardtanh(8, 0, 6) == 6);
  }

  TEST_CASE("threshold, hardshrink and softshrink, at and around the kinks") {
    // Worked from the formulas: the kinks belong to the inner piece, whose
    // derivative is 0 there, as PyTorch's backward gives.
    struct Row {
      double x, param, y, dy;
    };

    for (const Row& row : {
             Row{0.5, 0.5, -7, 0},
             Row{0.25, 0.5, -7, 0},
             Row{0.75, 0.5, 0.75, 1},
             Row{-inf, 0.5, -7, 0},
             Row{inf, 0.5, inf, 1},
             Row{-0.0, -1, -0.0, 1},
             Row{-0.0, 0, -7, 0},
         }) {
      CAPTURE(row.x);
      CHECK(same(relu::threshold(row.x, row.param, -7), row.y));
      CHECK(same(relu::threshold_grad(row.x, row.param), row.dy));
    }
    for (const Row& row : {
             Row{0.5, 0.5, 0.0, 0},
             Row{-0.5, 0.5, 0.0, 0},
             Row{0.75, 0.5, 0.75, 1},
             Row{-0.75, 0.5, -0.75, 1},
             Row{-0.0, 0.5, 0.0, 0},
             Row{-0.0, 0, 0.0, 0},
             Row{-inf, 0.5, -inf, 1},
             Row{1e-300, 0, 1e-300, 1},
         }) {
      CAPTURE(row.x);
      CHECK(same(relu::hardshrink(row.x, row.param), row.y));
      CHECK(same(relu::shrink_grad(row.x, row.param), row.dy));
    }
    for (const Row& row : {
             Row{0.5, 0.5, 0.0, 0},
             Row{-0.5, 0.5, 0.0, 0},
             Row{0.75, 0.5, 0.25, 1},
             Row{-0.75, 0.5, -0.25, 1},
             Row{0.7, 0.5, 0.7 - 0.5, 1},
             Row{-0.0, 0.5, 0.0, 0},
             Row{inf, 0.5, inf, 1},
             Row{-inf, 0.5, -inf, 1},
             Row{1e300, 0.5, 1e300, 1},
         }) {
      CAPTURE(row.x);
      CHECK(same(relu::softshrink(row.x, row.param, Dtype::float64), row.y));
    }
    // In a narrower dtype the exact difference is rounded once. Here it lies
    // 2^-60 beside a bfloat16 tie, which a double would round to, and then
    // to even, the other way.
    CHECK(relu::softshrink(1 + 0x1p-7, 0x1p-8 - 0x1p-60, Dtype::bfloat16) ==
          1 + 0x1p-7);
    CHECK(relu::softshrink(1 + 0x1p-6, 0x1p-8 + 0x1p-60, Dtype::bfloat16) ==
          1 + 0x1p-7);
    for (double x : {not_a_number}) {
      CHECK(std::isnan(relu::threshold(x, 0, 1)));
      CHECK(std::isnan(relu::threshold_grad(x, 0)));
      CHECK(std::isnan(relu::hardshrink(x, 0.5)));
      CHECK(std::isnan(relu::shrink_grad(x, 0.5)));
      CHECK(std::isnan(relu::softshrink(x, 0.5, Dtype::float64)));
    }
  }

  TEST_CASE("find_function knows every name and alias") {
    for (const auto& f : relu::functions) {
      CAPTURE(f.name);
      CHECK(relu::find_function(f.name) == &f);
      if (!f.alias.empty())
        CHECK(relu::find_function(f.alias) == &f);
    }
    CHECK(relu::find_function("leaky")->name == "leaky_relu");
    CHECK(relu::find_function("swish")->name == "silu");
    CHECK(relu::find_function("") == nullptr);
    CHECK(relu::find_function("gel") == nullptr);
    CHECK(relu::functions.size() == 27);
  }

  TEST_CASE("a constant rule holds for every number of its kind") {
    // The stream evaluates such a function once per kind; check that the
    // table does not claim a constant where the function varies.
    const std::vector<std::pair<relu::Kind, std::vector<double>>> kinds = {
        {relu::Kind::negative,
         {-5e-324, -1e-300, -0.5, -1, -3, -6, -1e300, -inf}},
        {relu::Kind::zero, {0.0, -0.0}},
        {relu::Kind::positive, {5e-324, 1e-300, 0.5, 1, 3, 6, 7, 1e300, inf}},
    };
    for (const auto& f : relu::functions) {
      if (f.over_record())
        continue; // tested with the stream
      for (bool derivative : {false, true}) {
        relu::Activation a{&f, f.defaults, derivative};
        for (const auto& entry : kinds) {
          const auto& kind = entry.first;
          const auto& xs = entry.second;
          if (a.rule(kind) != relu::Rule::constant)
            continue;
          CAPTURE(f.name);
          CAPTURE(derivative);
          CAPTURE(static_cast<int>(kind));
          for (double x : xs) {
            CAPTURE(x);
            CHECK(same(a(x), a(xs.front())));
          }
        }
      }
    }
  }

  TEST_CASE("keep rules and keeps() say when the result is the input") {
    for (const auto& f : relu::functions) {
      if (f.over_record())
        continue; // tested with the stream
      relu::Activation a{&f, f.defaults, false};
      CAPTURE(f.name);
      CHECK(a.rule(relu::Kind::nan) == relu::Rule::keep);
      for (double x : {-7.0, -3.0, -1.0, -0.0, 0.0, 0.5, 1.0, 3.0, 6.0, 25.0,
                       1e300, inf}) {
        CAPTURE(x);
        bool kept = a.rule(x > 0   ? relu::Kind::positive
                           : x < 0 ? relu::Kind::negative
                                   : relu::Kind::zero) == relu::Rule::keep ||
                    a.keeps(x);
        if (kept)
          CHECK(same(a(x), x));
      }
    }
  }

  TEST_CASE("NaN gives NaN with its sign, for every function and parameter") {
    // Parameter sets that reach every branch a parameter enters: the
    // defaults, and unusual but valid values of each parameter.
    const std::vector<relu::Params> parameter_sets = {
        {},
        {.alpha = 0.5},
        {.alpha = -2},
        {.alpha = 0},
        {.alpha = 1e300},
        {.min_val = -3, .max_val = 0.5},
        {.beta = 3, .threshold = -1},
        {.beta = 1e-300, .threshold = 0},
        {.tanh = true},
    };
    for (const auto& f : relu::functions) {
      if (f.over_record())
        continue; // tested with the stream
      for (bool derivative : {false, true}) {
        for (relu::Params p : parameter_sets) {
          relu::Activation a{&f, p, derivative};
          if (!f.check(p).empty())
            continue;
          for (double x : {not_a_number, -not_a_number}) {
            CAPTURE(f.name);
            CAPTURE(derivative);
            CAPTURE(p.alpha);
            CAPTURE(p.beta);
            CAPTURE(std::signbit(x));
            const double y = a(x);
            CHECK(std::isnan(y));
            CHECK(std::signbit(y) == std::signbit(x));
          }
        }
      }
    }
  }

  TEST_CASE("a slope of zero at -inf gives -nan on every processor") {
    // IEEE 754 leaves the sign of the NaN that 0 * inf makes to the
    // processor: x86 sets it, arm64 clears it.
    struct Row {
      std::string_view name;
      relu::Params params;
    };

    for (const Row& row :
         {Row{"leaky_relu", {.alpha = 0.0}}, Row{"leaky_relu", {.alpha = -0.0}},
          Row{"rrelu", {.lower = 0.0, .upper = 0.0}},
          Row{"prelu", {.weight = -0.0}}}) {
      for (Dtype dtype :
           {Dtype::float64, Dtype::float32, Dtype::bfloat16, Dtype::float16}) {
        const relu::Activation a{relu::find_function(row.name), row.params,
                                 false, dtype};
        CAPTURE(row.name);
        CAPTURE(row.params.alpha);
        CAPTURE(row.params.weight);
        CAPTURE(static_cast<int>(dtype));
        const double y = a(-inf);
        CHECK(std::isnan(y));
        CHECK(std::signbit(y));
      }
    }
  }

  TEST_CASE("parameters: one row each, one bit each, every bit used") {
    std::uint16_t seen = 0;
    for (const auto& p : relu::parameters) {
      CAPTURE(p.option);
      CHECK((p.bit & (p.bit - 1)) == 0);
      CHECK((seen & p.bit) == 0);
      CHECK(p.option.starts_with("--"));
      seen |= p.bit;
    }
    std::uint16_t used = 0;
    for (const auto& f : relu::functions)
      used |= f.params;
    CHECK(used == seen);
    CHECK(relu::find_function("elu")->defaults.alpha == 1);
    CHECK(relu::find_function("leaky")->defaults.alpha == 0.01);
  }

  TEST_CASE("parameter checks") {
    relu::Params p;
    CHECK(relu::find_function("hardtanh")->check(p) == "");
    p.min_val = 1;
    CHECK(relu::find_function("hardtanh")->check(p) ==
          "--min-val must be below --max-val");
    p.alpha = 0;
    CHECK(relu::find_function("celu")->check(p) ==
          "--alpha must not be 0 for celu");
    CHECK(relu::find_function("elu")->check(p) == "");
    p.beta = 0;
    CHECK(relu::find_function("softplus")->check(p) ==
          "--beta must be positive");
  }

  TEST_CASE("Activation selects the function") {
    const auto* leaky = relu::find_function("leaky_relu");
    CHECK(relu::Activation{}(-2) == 0);
    CHECK(relu::Activation{leaky, {.alpha = 0.5}, false}(-2) == -1);
    CHECK(relu::Activation{nullptr == leaky ? leaky : &relu::functions[0],
                           {.alpha = 0.5},
                           true}(-2) == 0);
    CHECK(relu::Activation{leaky, {.alpha = 0.5}, true}(-2) == 0.5);
    CHECK(relu::Activation{}.params.alpha == 0.01);
    CHECK(relu::Activation{}.function->name == "relu");
  }
}
