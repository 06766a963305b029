// The differential test of --format: printf conversions, the doubles they are
// tried on, and glibc's snprintf as the oracle. Shared by the unit tests (a
// sample) and the long sweep (every conversion).
#pragma once

#include "format.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace format_oracle {

// The conversions the tests build: every subset of the flags, widths 0
// (none) to 20, precisions none and 0 to 20, all types.
constexpr std::string_view flag_chars = "-+ #0";
constexpr unsigned flag_sets = 1U << flag_chars.size();
constexpr int max_width = 20;
constexpr int max_precision = 20;
constexpr std::string_view types = "fFeEgGaA";

inline std::string conversion(unsigned flags, int width, int precision,
                              char type) {
  std::string text = "%";
  for (std::size_t i = 0; i < flag_chars.size(); ++i)
    if ((flags >> i & 1U) != 0)
      text += flag_chars[i];
  if (width > 0)
    text += std::to_string(width);
  if (precision >= 0)
    text += '.' + std::to_string(precision);
  return text + type;
}

// Values every conversion is tried on: the edges of double.
inline std::vector<double> edges() {
  return {
      0.0,       -0.0,         5e-324,       -5e-324,  0x0.fffffffffffffp-1022,
      DBL_MIN,   -DBL_MIN,     DBL_MAX,      -DBL_MAX, INFINITY,
      -INFINITY, std::nan(""), -std::nan("")};
}

// Values conversions take turns on: ties and carries of decimal and hex
// rounding, then random doubles from a fixed seed, half of them of any
// magnitude and half between 2^-40 and 2^60.
inline std::vector<double> pool() {
  std::vector<double> values{
      0.5,         -1.5,     2.5,      9.5,
      99999.5,     0.125,    2.25,     123456.789,
      1e-5,        0.0001,   1e16,     1e21,
      0x1.08p0,    0x1.18p0, 0x1.f8p0, 0x1.fffffffffffffp0,
      0x1.8p-1074, -0.96,    999999.5, 1.0};
  std::mt19937_64 random(20240601);
  for (int i = 0; i < 48; ++i) {
    auto any = std::bit_cast<double>(random());
    if (std::isfinite(any))
      values.push_back(any);
    auto significand = static_cast<double>(random() >> 11) * 0x1p-53;
    auto exponent = static_cast<int>(random() % 101) - 40;
    values.push_back((i % 2 == 0 ? 1 : -1) * std::ldexp(significand, exponent));
  }
  return values;
}

// Compares relu's text with the C library's snprintf (glibc's is the
// reference), byte for byte.
struct Oracle {
  std::size_t differences = 0;

  void compare(const std::string& printf_format, const relu::Format& format,
               double x) {
    // Room for the longest text, %.9999f of -DBL_MAX: 10,310 bytes.
    char expected[1 << 14];
    int size =
        std::snprintf(expected, sizeof expected, printf_format.c_str(), x);
    if (size < 0 || size >= static_cast<int>(sizeof expected))
      FAIL("snprintf needs more room for " << printf_format);
    std::string text = format.to_string(x);
    // Report a handful: a systematic error would bury the log.
    if (text != expected && ++differences <= 20)
      FAIL_CHECK(fmt::format("'{}' of {:a}: relu prints '{}', printf '{}'",
                             printf_format, x, text, expected));
  }
};

} // namespace format_oracle
