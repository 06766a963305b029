// The scanner decides sign and zero-ness from the digits alone, so that
// relu and its derivative never convert a number; only the rare token near
// the subnormal limit is converted to decide whether it rounds to zero.
#include "number.hpp"

#include <fast_float/fast_float.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

namespace relu {
namespace {

constexpr bool is_digit(char c) noexcept {
  return static_cast<unsigned char>(c - '0') < 10;
}

constexpr bool is_hex_digit(char c) noexcept {
  return is_digit(c) || static_cast<unsigned char>((c | 0x20) - 'a') < 6;
}

constexpr char lower(char c) noexcept { return static_cast<char>(c | 0x20); }

// Match a case-insensitive lowercase word at p.
bool starts_with_word(const char* p, const char* last,
                      std::string_view word) noexcept {
  if (static_cast<std::size_t>(last - p) < word.size())
    return false;
  for (char w : word)
    if (lower(*p++) != w)
      return false;
  return true;
}

// Skip decimal digits, eight at a time where the machine allows: this loop
// is most of the work of relu on a stream of numbers.
const char* skip_digits(const char* p, const char* last) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t ones = 0x0101010101010101;
    while (last - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, 8);
      // Per byte: x = b ^ '0' is 0..9 exactly for digits; the high bit of
      // x or of (x & 0x7f) + 0x76 is set for every other byte.
      std::uint64_t x = word ^ (ones * '0');
      std::uint64_t other =
          (x | ((x & (ones * 0x7f)) + ones * 0x76)) & (ones * 0x80);
      if (other != 0)
        return p + (std::countr_zero(other) >> 3);
      p += 8;
    }
  }
  while (p != last && is_digit(*p))
    ++p;
  return p;
}

const char* skip_hex_digits(const char* p, const char* last) noexcept {
  while (p != last && is_hex_digit(*p))
    ++p;
  return p;
}

// Scan "[+-] digits" at p, after an exponent letter, into exponent and move
// p past it; return false, with p where scanning stopped, if there are no
// digits. Exponents beyond any double's range saturate, so a million-digit
// exponent cannot overflow.
bool scan_exponent(const char*& p, const char* last,
                   long long& exponent) noexcept {
  bool negative = false;
  if (p != last && (*p == '+' || *p == '-'))
    negative = *p++ == '-';
  if (p == last || !is_digit(*p))
    return false;
  long long value = 0;
  for (; p != last && is_digit(*p); ++p)
    if (value < 100'000'000)
      value = value * 10 + (*p - '0');
  exponent = negative ? -value : value;
  return true;
}

// The kind of a nonzero token whose magnitude may round to zero in dtype.
template <Dtype dtype>
Kind kind_by_value(const char* first, const char* last) noexcept {
  const double value =
      parse_number_as(dtype, {first, static_cast<std::size_t>(last - first)});
  if (value == 0)
    return Kind::zero;
  return value < 0 ? Kind::negative : Kind::positive;
}

template <Dtype dtype>
Scan scan_hex(const char* first, const char* p, const char* last) noexcept {
  const char* digits = p;
  const char* q = skip_hex_digits(p, last);
  bool nonzero = false;
  for (const char* d = digits; d != q; ++d)
    nonzero |= *d != '0';
  bool any = q != digits;
  if (q != last && *q == '.') {
    const char* fraction = ++q;
    q = skip_hex_digits(q, last);
    for (const char* d = fraction; d != q; ++d)
      nonzero |= *d != '0';
    any |= q != fraction;
  }
  if (!any)
    return {q, Kind::invalid};
  if (q != last && lower(*q) == 'p') {
    long long exponent = 0;
    if (!scan_exponent(++q, last, exponent))
      return {q, Kind::invalid};
  }
  if (!nonzero)
    return {q, Kind::zero};
  // Hex floats are rare: let the converter judge underflow.
  return {q, kind_by_value<dtype>(first, q)};
}

#if defined(_LIBCPP_VERSION) && _LIBCPP_VERSION < 170000
// libc++ before 17 has no floating-point from_chars. The C library's
// strtod rounds hex floats correctly too (glibc does, in the "C" locale,
// which relu never leaves); it needs a terminated copy.
double parse_hex(const char* p, const char* last) noexcept {
  std::string text = "0x";
  text.append(p, last);
  return std::strtod(text.c_str(), nullptr);
}
#else
// Whether the unsigned hex float [p, last), which from_chars found out of
// range, is at least 1 in magnitude: then it overflowed, else it underflowed.
// Such a number is more than 1000 binary orders of magnitude from 1, so the
// count of integer digits plus the exponent tells without converting.
bool hex_at_least_one(const char* p, const char* last) noexcept {
  while (p != last && *p == '0')
    ++p;
  const char* digits = p;
  p = skip_hex_digits(p, last);
  long long magnitude = p - digits; // in hex digits
  if (magnitude == 0 && p != last && *p == '.') {
    const char* fraction = ++p;
    while (p != last && *p == '0')
      ++p;
    magnitude = -(p - fraction);
  }
  while (p != last && lower(*p) != 'p')
    ++p;
  long long exponent = 0;
  if (p != last && scan_exponent(++p, last, exponent))
    magnitude = magnitude * 4 + exponent;
  return magnitude > 0;
}

// Convert the unsigned hex float [p, last), without its "0x". fast_float
// reads decimals only; hex floats are rare enough for from_chars.
double parse_hex(const char* p, const char* last) noexcept {
  double value = 0;
  auto result = std::from_chars(p, last, value, std::chars_format::hex);
  if (result.ec == std::errc::result_out_of_range) // value is left alone
    value = hex_at_least_one(p, last) ? HUGE_VAL : 0.0;
  return value;
}
#endif

// The order of magnitude (as in scan()) at which a decimal may round to
// zero in dtype: half the smallest subnormal is 2.47e-324 in float64,
// 7.01e-46 in float32, 4.59e-41 in bfloat16 and 2.98e-8 in float16, so a
// value below 10^(order-1) rounds to zero, one from 10^order up does not,
// and only conversion tells in between.
constexpr int zero_order(Dtype dtype) noexcept {
  switch (dtype) {
  case Dtype::float64:
    break;
  case Dtype::float32:
    return -45;
  case Dtype::bfloat16:
    return -40;
  case Dtype::float16:
    return -7;
  }
  return -323;
}

// scan_number() for dtype, and with bounded the magnitude of a nonzero
// decimal: apart, so that the functions that need no magnitude pay nothing
// for it.
template <bool bounded, Dtype dtype>
Scan scan(const char* first, const char* last) noexcept {
  const char* p = first;
  bool negative = false;
  if (p != last && (*p == '+' || *p == '-'))
    negative = *p++ == '-';
  if (p == last)
    return {p, Kind::invalid};
  if (is_digit(*p) || *p == '.') {
    if (*p == '0' && last - p > 1 && lower(p[1]) == 'x')
      return scan_hex<dtype>(first, p + 2, last);
    const char* mantissa = p;
    p = skip_digits(p, last);
    const char* point = p;
    bool any = p != mantissa;
    if (p != last && *p == '.') {
      p = skip_digits(p + 1, last);
      any |= p != point + 1;
    }
    if (!any)
      return {p, Kind::invalid};
    const char* mantissa_end = p;
    long long exponent = 0;
    if (p != last && lower(*p) == 'e') {
      if (!scan_exponent(++p, last, exponent))
        return {p, Kind::invalid};
    }
    const char* leading = mantissa; // the first nonzero digit
    while (leading != mantissa_end && (*leading == '0' || *leading == '.'))
      ++leading;
    if (leading == mantissa_end)
      return {p, Kind::zero};
    const Kind sign = negative ? Kind::negative : Kind::positive;
    // The value lies in [10^(order-1), 10^order). A mantissa without an
    // exponent, shorter than 1 - zero_order bytes, is at least
    // 10^(zero_order + 1).
    constexpr int zero = zero_order(dtype);
    if (!bounded && p == mantissa_end && mantissa_end - mantissa < 1 - zero)
      return {p, sign};
    const long long order =
        (leading < point ? point - leading : -(leading - point - 1)) + exponent;
    if (order < zero)
      return {p, Kind::zero};
    if (order == zero)
      return {p, kind_by_value<dtype>(first, p)};
    if (!bounded || order > 400) // no double is that large: it is inf
      return {p, sign};
    const char* second = leading + 1;
    if (second == point && second != mantissa_end)
      ++second;
    const int lead =
        (*leading - '0') * 10 + (second < mantissa_end ? *second - '0' : 0);
    return {
        p,
        sign,
        {static_cast<std::uint8_t>(lead), static_cast<std::int16_t>(order)}};
  }
  if (starts_with_word(p, last, "inf")) {
    p += 3;
    if (starts_with_word(p, last, "inity"))
      p += 5;
    return {p, negative ? Kind::negative : Kind::positive};
  }
  if (starts_with_word(p, last, "nan"))
    return {p + 3, Kind::nan};
  return {p, Kind::invalid};
}

} // namespace

Scan scan_number(const char* first, const char* last) noexcept {
  return scan<false, Dtype::float64>(first, last);
}

Scan scan_bounded(const char* first, const char* last) noexcept {
  return scan<true, Dtype::float64>(first, last);
}

NumberScanner number_scanner(Dtype dtype, bool bounded) noexcept {
  switch (dtype) {
  case Dtype::float64:
    break;
  case Dtype::float32:
    return bounded ? scan<true, Dtype::float32> : scan<false, Dtype::float32>;
  case Dtype::bfloat16:
    return bounded ? scan<true, Dtype::bfloat16> : scan<false, Dtype::bfloat16>;
  case Dtype::float16:
    return bounded ? scan<true, Dtype::float16> : scan<false, Dtype::float16>;
  }
  return bounded ? scan_bounded : scan_number;
}

Kind classify(std::string_view token) noexcept {
  const char* last = token.data() + token.size();
  Scan s = scan_number(token.data(), last);
  return s.ptr == last ? s.kind : Kind::invalid;
}

double parse_number(std::string_view token) noexcept {
  const char* p = token.data();
  const char* last = p + token.size();
  bool negative = false;
  if (p != last && (*p == '+' || *p == '-'))
    negative = *p++ == '-';
  double value = 0;
  if (last - p > 1 && p[0] == '0' && lower(p[1]) == 'x') {
    value = parse_hex(p + 2, last);
  } else {
    // fast_float is correctly rounded like from_chars, a fifth faster, and
    // needs no help out of range: overflow gives inf and underflow 0, with
    // std::errc() (from_chars reports result_out_of_range and leaves value
    // alone). It reads inf, infinity and nan in any case, as the scanner.
    fast_float::from_chars(p, last, value);
  }
  return negative ? -value : value;
}

// Written apart from parse_number(): as one template for both, g++ left
// fast_float's double parser out of line, 2% more instructions for
// every float64 number (callgrind).
float parse_float(std::string_view token) noexcept {
  const char* p = token.data();
  const char* last = p + token.size();
  bool negative = false;
  if (p != last && (*p == '+' || *p == '-'))
    negative = *p++ == '-';
  float value = 0;
  fast_float::from_chars(p, last, value);
  return negative ? -value : value;
}

} // namespace relu
