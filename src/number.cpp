// The scanner decides sign and zero-ness from the digits alone, so that
// relu and its derivative never convert a number; only the rare token near
// the subnormal limit is converted to decide whether it rounds to zero.
#include "number.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
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

const char* skip_digits(const char* p, const char* last) noexcept {
  while (p != last && is_digit(*p))
    ++p;
  return p;
}

const char* skip_hex_digits(const char* p, const char* last) noexcept {
  while (p != last && is_hex_digit(*p))
    ++p;
  return p;
}

// Scan "[+-] digits" after an exponent letter; exponents beyond any double's
// range saturate, so a million-digit exponent cannot overflow.
Scan scan_exponent(const char* p, const char* last,
                   long long& exponent) noexcept {
  bool negative = false;
  if (p != last && (*p == '+' || *p == '-'))
    negative = *p++ == '-';
  if (p == last || !is_digit(*p))
    return {p, Kind::invalid};
  long long value = 0;
  for (; p != last && is_digit(*p); ++p)
    if (value < 100'000'000)
      value = value * 10 + (*p - '0');
  exponent = negative ? -value : value;
  return {p, Kind::zero};
}

// The kind of a nonzero token whose magnitude may round to zero.
Kind kind_by_value(const char* first, const char* last) noexcept {
  double value = parse_number({first, static_cast<std::size_t>(last - first)});
  if (value == 0)
    return Kind::zero;
  return value < 0 ? Kind::negative : Kind::positive;
}

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
    Scan e = scan_exponent(q + 1, last, exponent);
    if (e.kind == Kind::invalid)
      return e;
    q = e.ptr;
  }
  if (!nonzero)
    return {q, Kind::zero};
  // Hex floats are rare: let the converter judge underflow.
  return {q, kind_by_value(first, q)};
}

} // namespace

Scan scan_number(const char* first, const char* last) noexcept {
  const char* p = first;
  bool negative = false;
  if (p != last && (*p == '+' || *p == '-'))
    negative = *p++ == '-';
  if (p == last)
    return {p, Kind::invalid};
  if (is_digit(*p) || *p == '.') {
    if (*p == '0' && last - p > 1 && lower(p[1]) == 'x')
      return scan_hex(first, p + 2, last);
    const char* integer = p;
    while (p != last && *p == '0')
      ++p;
    const char* significant = p;
    p = skip_digits(p, last);
    bool any = p != integer;
    bool nonzero = p != significant;
    // The value lies in [10^(magnitude-1), 10^magnitude).
    long long magnitude = p - significant;
    if (p != last && *p == '.') {
      const char* fraction = ++p;
      if (!nonzero) {
        while (p != last && *p == '0')
          ++p;
        magnitude = -(p - fraction);
        nonzero = p != last && is_digit(*p);
      }
      p = skip_digits(p, last);
      any |= p != fraction;
    }
    if (!any)
      return {p, Kind::invalid};
    if (p != last && lower(*p) == 'e') {
      long long exponent = 0;
      Scan e = scan_exponent(p + 1, last, exponent);
      if (e.kind == Kind::invalid)
        return e;
      p = e.ptr;
      magnitude += exponent;
    }
    if (!nonzero)
      return {p, Kind::zero};
    // Half the smallest subnormal is 2.47e-324: below 1e-324 everything
    // rounds to zero, from 1e-323 up nothing does; between, convert.
    if (magnitude < -323)
      return {p, Kind::zero};
    if (magnitude == -323)
      return {p, kind_by_value(first, p)};
    return {p, negative ? Kind::negative : Kind::positive};
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
  auto format = std::chars_format::general;
  if (last - p > 1 && p[0] == '0' && lower(p[1]) == 'x') {
    p += 2;
    format = std::chars_format::hex;
  }
  double value = 0;
  auto [ptr, ec] = std::from_chars(p, last, value, format);
  if (ec == std::errc::result_out_of_range) {
    // from_chars leaves value alone on overflow and underflow; strtod rounds
    // them as documented. The program never calls setlocale, so strtod
    // reads '.' as the radix character.
    std::string copy(token);
    value = std::abs(std::strtod(copy.c_str(), nullptr));
  }
  return negative ? -value : value;
}

} // namespace relu
