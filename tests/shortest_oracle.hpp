// The differential test of write_shortest: the doubles where its layout can
// go wrong, random ones, and fmt's "{}" (what relu printed before) as the
// oracle. Shared by the unit tests (a sample) and the long sweep.
#pragma once

#include "format.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace shortest_oracle {

// Append x and its neighbours up to `steps` doubles away on either side.
inline void add_with_neighbours(double x, int steps, std::vector<double>& out) {
  out.push_back(x);
  double below = x, above = x;
  for (int i = 0; i < steps; ++i) {
    below = std::nextafter(below, -INFINITY);
    above = std::nextafter(above, INFINITY);
    out.push_back(below);
    out.push_back(above);
  }
}

// The double nearest to a decimal text.
inline double decimal(const std::string& text) {
  return std::strtod(text.c_str(), nullptr);
}

// The double nearest to `digits` random significant digits (nonzero at both
// ends) with the first `point` places left of the decimal point.
inline double random_decimal(int digits, int point, std::mt19937_64& random) {
  std::string text = "0.";
  for (int i = 0; i < digits; ++i) {
    auto digit = random() % 10;
    if (digit == 0 && (i == 0 || i == digits - 1))
      digit = 1 + random() % 9;
    text += static_cast<char>('0' + digit);
  }
  return decimal(text + "e" + std::to_string(point));
}

// Values where the layout changes or a digit count is extreme, each also
// negated: special values, zeros, subnormals, the limits of double, every
// power of 2 and of 10 with their neighbours, integers around 2^53, and
// significands of 1 to 17 digits with the point at and around every place
// where fmt switches between fixed and exponential notation (decimal
// exponents -5, -4, 15 and 16).
inline std::vector<double> edges() {
  std::vector<double> values{0.0,
                             INFINITY,
                             std::nan(""),
                             5e-324,
                             0x1p-1073,
                             0x1.8p-1074,
                             DBL_MIN,
                             DBL_MAX,
                             0x0.fffffffffffffp-1022,
                             1e-323,
                             2.5e-323,
                             0x0.8000000000001p-1022,
                             DBL_TRUE_MIN * 123456789.0};
  for (int e = -1074; e <= 1023; ++e)
    add_with_neighbours(std::ldexp(1.0, e), 2, values);
  for (int e = -324; e <= 308; ++e)
    add_with_neighbours(decimal("1e" + std::to_string(e)), 2, values);
  for (int k = -70; k <= 70; ++k)
    values.push_back(0x1p53 + k * 2.0);
  add_with_neighbours(0x1p53, 4, values);
  add_with_neighbours(0x1p54, 4, values);
  std::mt19937_64 random(20261127);
  for (int point = -7; point <= 19; ++point)
    for (int digits = 1; digits <= 17; ++digits)
      for (int trial = 0; trial < 4; ++trial)
        add_with_neighbours(random_decimal(digits, point, random), 1, values);
  for (double x :
       {9.9999999999999995e-5, 9.999999999999999e-5, 1e-4,
        0.00010000000000000002, 9999999999999998.0, 1e16, 9.999999999999999e15,
        1.0000000000000002e16, 123456789e7, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3})
    add_with_neighbours(x, 3, values);
  std::size_t positive = values.size();
  for (std::size_t i = 0; i < positive; ++i)
    values.push_back(-values[i]);
  return values;
}

// A random double of any bit pattern: every exponent equally likely, NaNs
// and infinities included.
inline double random_bits(std::mt19937_64& random) {
  return std::bit_cast<double>(random());
}

// A random double near fmt's switch between notations: 1 to 17 significant
// digits (as many as its shortest text will mostly have), the first of
// them from 10^-8 to 10^19, either sign.
inline double random_near_switch(std::mt19937_64& random) {
  auto digits = static_cast<int>(1 + random() % 17);
  auto point = static_cast<int>(random() % 28) - 7;
  double x = random_decimal(digits, point, random);
  return random() % 2 == 0 ? x : -x;
}

// Compares write_shortest with fmt::format("{}", x), byte for byte.
struct Oracle {
  std::size_t differences = 0;

  void compare(double x) {
    char text[relu::max_shortest];
    char* last = relu::write_shortest(x, text);
    std::string expected = fmt::format("{}", x);
    // Report a handful: a systematic error would bury the log.
    if (std::string(text, last) != expected && ++differences <= 20)
      FAIL_CHECK(fmt::format("{:a} ({:016x}): write_shortest '{}', fmt '{}'", x,
                             std::bit_cast<std::uint64_t>(x),
                             std::string(text, last), expected));
  }
};

} // namespace shortest_oracle
