// The differential test of parse_number: generated tokens of every form the
// scanner accepts, and glibc's strtod (correctly rounded, C locale) as the
// oracle, bit for bit. Shared by the unit tests (a sample) and the long
// sweep.
#pragma once

#include "number.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cfloat>
#include <climits>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace number_oracle {

// Tokens at the edges: every spelling of inf and nan, zeros, the forms of
// the point, exponents beyond any range, the limits of double, and hex
// floats (converted by from_chars, not fast_float) around over- and
// underflow.
inline std::vector<std::string> edges() {
  return {"inf",
          "-Infinity",
          "+INF",
          "iNfInItY",
          "nan",
          "-NaN",
          "+NAN",
          "0",
          "-0",
          "+0",
          "0.",
          ".0",
          "-.0e5",
          "-0.0e-999",
          "000",
          "00012",
          "-0001.5000",
          "1.",
          ".5",
          "-5.e-1",
          "1E+3",
          "1e0000000000000000000000005",
          "1e99999999999999999999",
          "-1e-99999999999999999999",
          "0.000000000000000000000000001e-300",
          "1.7976931348623157e308",
          "1.7976931348623158e308",
          "1.7976931348623159e308",
          "-1.8e308",
          "2.2250738585072011e-308",
          "2.2250738585072014e-308",
          "4.9406564584124654e-324",
          "2.4703282292062328e-324",
          "2.4703282292062327e-324",
          "-2e-324",
          "9007199254740993",
          "18446744073709551615",
          "18446744073709551616",
          "0x1p-1074",
          "0x1p-1075",
          "0x1.0000000000001p-1075",
          "-0x1p-1076",
          "0x1.fffffffffffffp1023",
          "0x1.fffffffffffff7ffp1023",
          "0x1.fffffffffffff8p1023",
          "-0x1p1024",
          "0X.8P-1",
          "0x10"};
}

// A random token of 1 to 800 significant digits (log-uniformly many),
// sometimes with leading zeros, the point anywhere (".5" and "5." too) or
// absent, any sign, and usually an exponent that puts the value anywhere
// from below the smallest subnormal to beyond DBL_MAX, 1e±400 included.
inline std::string random_decimal(std::mt19937_64& random) {
  std::string token;
  const char* signs[] = {"", "-", "+"};
  token += signs[random() % 3];
  std::uniform_real_distribution<double> log_digits(0, std::log(800.5));
  auto digits = static_cast<int>(std::exp(log_digits(random)));
  auto zeros = static_cast<int>(random() % 4 == 0 ? random() % 6 : 0);
  int size = zeros + digits;
  int point = size; // digits before the point
  bool has_point = random() % 4 != 0;
  if (has_point)
    point = static_cast<int>(random() % static_cast<unsigned>(size + 1));
  for (int i = 0; i < size; ++i) {
    if (has_point && i == point)
      token += '.';
    token += static_cast<char>('0' + (i < zeros ? 0 : random() % 10));
  }
  if (has_point && point == size)
    token += '.';
  if (random() % 4 == 0)
    return token;
  // The decimal magnitude to aim at: anywhere, or near the edges of the
  // range (overflow, the subnormals, underflow, 1e±400).
  int magnitude = 0;
  switch (random() % 4) {
  case 0:
    magnitude = static_cast<int>(random() % 650) - 335;
    break;
  case 1:
    magnitude = static_cast<int>(random() % 10) + 304;
    break;
  case 2:
    magnitude = static_cast<int>(random() % 22) - 330;
    break;
  default:
    magnitude = static_cast<int>(random() % 41) - 420;
    if (random() % 2 == 0)
      magnitude = -magnitude;
  }
  int exponent = magnitude - point;
  token += random() % 2 == 0 ? 'e' : 'E';
  if (exponent < 0)
    token += '-';
  else if (random() % 2 == 0)
    token += '+';
  if (random() % 8 == 0)
    token += '0';
  token += std::to_string(std::abs(exponent));
  return token;
}

// The exact decimal expansion of the midpoint between x (finite, not
// negative) and the next double up, and that expansion lowered and raised
// by one unit in its last place: a tie, and the values just below and just
// above it. x86's long double holds the 54-bit midpoint exactly, and glibc
// prints it exactly; 780 decimals hold every digit of any double's midpoint.
inline std::vector<std::string> midpoint_tokens(double x) {
  static_assert(LDBL_MANT_DIG >= 54, "long double must hold a midpoint");
  int exponent = std::max(x == 0 ? INT_MIN : std::ilogb(x), DBL_MIN_EXP - 1);
  long double midpoint =
      static_cast<long double>(x) + std::ldexp(1.0L, exponent - 53);
  char text[900];
  std::snprintf(text, sizeof text, "%.780Le", midpoint);
  std::string exact = text;
  auto e = exact.find('e');
  std::string mantissa = exact.substr(0, e);
  std::string below = mantissa;
  std::size_t i = below.size() - 1;
  for (; below[i] == '0' || below[i] == '.'; --i)
    if (below[i] == '0')
      below[i] = '9';
  --below[i];
  return {exact, below + exact.substr(e), mantissa + "1" + exact.substr(e)};
}

// A random x for midpoint_tokens: any finite double, a subnormal, or one
// near 1.
inline double random_midpoint_base(std::mt19937_64& random) {
  switch (random() % 3) {
  case 0:
    return std::bit_cast<double>(random() % 0x7ff0000000000000);
  case 1:
    return std::bit_cast<double>(random() % 0x0010000000000000);
  default:
    return std::bit_cast<double>(0x3ff0000000000000 +
                                 random() % 0x0010000000000000);
  }
}

// Doubles whose midpoints are edges: zero and the smallest subnormal (ties
// to 0 and away from it), the largest subnormal, the smallest normal,
// DBL_MAX (its midpoint with 2^1024 overflows), 1 and 2^53.
inline std::vector<double> midpoint_edges() {
  return {0.0,     DBL_TRUE_MIN, 0x0.fffffffffffffp-1022,
          DBL_MIN, DBL_MAX,      std::nextafter(DBL_MAX, 0.0),
          1.0,     0x1p53,       0.1};
}

// Compares parse_number with strtod, bit for bit, and the scanner's kind
// with the value's sign.
struct Oracle {
  std::size_t differences = 0;

  void compare(const std::string& token) {
    relu::Kind kind = relu::classify(token);
    double got = relu::parse_number(token);
    // The tests run in the C locale, where strtod's point is '.'.
    double expected = std::strtod(token.c_str(), nullptr);
    relu::Kind kind_of_value = std::isnan(expected) ? relu::Kind::nan
                               : expected == 0      ? relu::Kind::zero
                               : expected < 0       ? relu::Kind::negative
                                                    : relu::Kind::positive;
    bool same = std::bit_cast<std::uint64_t>(got) ==
                std::bit_cast<std::uint64_t>(expected);
    // Report a handful: a systematic error would bury the log.
    if ((!same || kind != kind_of_value) && ++differences <= 20)
      FAIL_CHECK(fmt::format("'{}': parse_number {:a}, strtod {:a}; kind {}, "
                             "by value {}",
                             token, got, expected, static_cast<int>(kind),
                             static_cast<int>(kind_of_value)));
  }
};

} // namespace number_oracle
