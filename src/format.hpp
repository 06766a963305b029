// How a computed value is printed: the shortest text that reads back to the
// same double, or a user's printf-style format with one floating conversion.
#pragma once

#include "dtype.hpp"
#include "output.hpp"

#include <fmt/format.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace relu {

// The room write_shortest() needs: the text has at most 24 bytes
// (-2.2250738585072014e-308), and fixed-size copies may scribble after it.
inline constexpr std::size_t max_shortest = 40;

// Write x at first as fmt 9's "{}" writes a double, and return the end of
// the text: the shortest digits that read back to x, in fixed notation for
// decimal exponents from -4 to 15 (0.0001, 123456, 1234.5) and otherwise as
// d[.ddd]e+XX with two or three exponent digits (1e-05, 1e+16); no trailing
// ".0"; -0, inf, -inf, nan and -nan by the sign bit. [first, first +
// max_shortest) must be writable.
char* write_shortest(double x, char* first) noexcept;

// The same for x, a value of dtype: the shortest digits that read back to
// x in dtype (the nearest to x of those).
char* write_shortest(double x, Dtype dtype, char* first) noexcept;

class Format {
public:
  // Shortest round-trip text, as fmt's "{}".
  Format() = default;

  // Parse a printf-style format: literal text with exactly one conversion
  // %[-+ #0][width][.precision](f|F|e|E|g|G|a|A), width and precision below
  // 10000, and "%%" for a percent sign. Throw std::invalid_argument saying
  // what is wrong otherwise; the text is never handed to printf.
  static Format parse(std::string_view printf_format);

  // The format of --precision n: "%.nf".
  static Format fixed(int precision);

  bool shortest() const noexcept { return shortest_; }

  // Append x, formatted byte for byte as glibc's printf would, to out.
  void write(double x, Output& out) const;

  // Return x formatted, for text computed once.
  std::string to_string(double x) const;

private:
  bool hex() const noexcept { return type_ == 'a' || type_ == 'A'; }

  // Return |x| as the conversion writes it, without sign and padding; the
  // text is in digits or static.
  std::string_view magnitude(double x, fmt::memory_buffer& digits) const;

  std::string prefix_;
  std::string suffix_;
  bool shortest_ = true;
  // printf's flags and width, applied by write() itself: fmt pads inf and
  // nan on the other side, and puts the zeros of %0a before its "0x".
  char positive_sign_ = '\0'; // '+' or ' ' before a non-negative value
  bool left_ = false;
  bool zero_pad_ = false; // '0' without '-'
  std::size_t width_ = 0;
  // The conversion.
  char type_ = 'g';
  bool alt_ = false;
  int precision_ = -1; // none given
  // f, e and g of |x|: fmt's own specification, parsed once.
  fmt::formatter<double> digits_;
};

} // namespace relu
