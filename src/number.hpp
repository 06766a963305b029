// Number syntax: recognise the tokens relu accepts as numbers, tell their
// sign without converting them, and convert them exactly when needed.
#pragma once

#include "dtype.hpp"

#include <cstdint>
#include <string_view>

namespace relu {

// What a token is, as far as the activation functions care.
enum class Kind : std::uint8_t { invalid, negative, zero, positive, nan };

// A bound on a decimal's magnitude from its text: |x| lies in
// [lead, lead + 1] * 10^(order - 2), lead being its first two significant
// digits (10 to 99). It lets a piecewise function decide most numbers
// without converting them. lead 0: unknown (hex floats, inf, zero, and
// exponents beyond any double's range).
struct Magnitude {
  std::uint8_t lead = 0;
  std::int16_t order = 0;
};

struct Scan {
  const char* ptr; // first byte after the number (or where scanning stopped)
  Kind kind;       // Kind::invalid when no complete number starts at first
  Magnitude magnitude = {}; // scan_bounded(): of a nonzero decimal
};

// Scan the number at the start of [first, last). Accepted syntax, locale-free:
//   [+-] ( digits [. [digits]] | . digits ) [ (e|E) [+-] digits ]
//   [+-] 0 (x|X) ( hex [. [hex]] | . hex ) [ (p|P) [+-] digits ]
//   [+-] ( inf | infinity | nan )              in any case
// The kind is that of the value strtod would give: 1e-400 is zero, 1e400 is
// positive. A token is a number only if ptr reaches its end.
Scan scan_number(const char* first, const char* last) noexcept;

// scan_number(), with the magnitude of a nonzero decimal too.
Scan scan_bounded(const char* first, const char* last) noexcept;

// scan_number() or scan_bounded() for numbers rounded to dtype: the kind is
// that of the value in dtype, where 1e-50 is zero in float32 and 1e-8 in
// float16.
using NumberScanner = Scan (*)(const char* first, const char* last) noexcept;
NumberScanner number_scanner(Dtype dtype, bool bounded) noexcept;

// Classify a whole token: Kind::invalid unless all of it is one number.
Kind classify(std::string_view token) noexcept;

// Convert a token that classify() accepts, rounding to nearest as strtod
// does (overflow gives ±inf, underflow ±0).
double parse_number(std::string_view token) noexcept;

// Convert a token that classify() accepts and that is not a hex float to
// the nearest float, straight from its text (overflow gives ±inf, underflow
// ±0).
float parse_float(std::string_view token) noexcept;

} // namespace relu
