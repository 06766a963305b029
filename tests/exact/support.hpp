// What the tests of src/exact/ share: bitwise comparison and the checks of
// a function and its derivative over rows of expected values.
//
// Expected values: the exact value of each formula computed with mpmath at
// 320 bits (5000 bits for the rational functions and for inputs below
// 2^-400), rounded to double with an exact integer round-half-even on its
// mantissa (subnormals included). Where the exact value is 0 the expected
// sign is the one src/exact/exact.hpp promises.
#pragma once

#include "exact/exact.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>

namespace exact_test {

inline constexpr double inf = std::numeric_limits<double>::infinity();
inline constexpr double max = std::numeric_limits<double>::max();

// Bitwise equality: tells -0 from +0 and keeps NaN comparable.
inline bool same(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::isnan(a) && std::isnan(b);
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// The functions of exact.hpp, checked in float64.
using Fn = double (*)(double, relu::Dtype);

// Input, value, derivative.
struct Row {
  double x, y, dy;
};

inline void check(Fn f, Fn df, std::initializer_list<Row> rows) {
  for (const Row& row : rows) {
    CAPTURE(row.x);
    CHECK(same(f(row.x, relu::Dtype::float64), row.y));
    CHECK(same(df(row.x, relu::Dtype::float64), row.dy));
  }
  CHECK(std::isnan(f(std::nan(""), relu::Dtype::float64)));
  CHECK(std::isnan(df(std::nan(""), relu::Dtype::float64)));
}

// Input, parameter (alpha), value, derivative.
struct ParamRow {
  double x, alpha, y, dy;
};

using ParamFn = double (*)(double, double, relu::Dtype);

inline void check(ParamFn f, ParamFn df, std::initializer_list<ParamRow> rows) {
  for (const ParamRow& row : rows) {
    CAPTURE(row.x);
    CAPTURE(row.alpha);
    CHECK(same(f(row.x, row.alpha, relu::Dtype::float64), row.y));
    CHECK(same(df(row.x, row.alpha, relu::Dtype::float64), row.dy));
  }
  CHECK(std::isnan(f(std::nan(""), 1, relu::Dtype::float64)));
  CHECK(std::isnan(df(std::nan(""), 1, relu::Dtype::float64)));
}

} // namespace exact_test
