// How a computed value is printed: the shortest text that reads back to the
// same double, or a user's printf-style format with one floating conversion.
#pragma once

#include "output.hpp"

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace relu {

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

  // Append x, formatted, to out.
  void write(double x, Output& out);

  // Return x formatted, for text computed once.
  std::string to_string(double x);

private:
  std::string prefix_;
  std::string suffix_;
  bool shortest_ = true;
  // The conversion, parsed once into fmt's own specification.
  fmt::formatter<double> conversion_;
};

} // namespace relu
