// printf conversions are parsed once and printed byte for byte as glibc
// prints them, without ever interpreting user text as a printf format: fmt
// writes the digits of f, e and g; signs, padding, %a, inf and nan are ours.
// The shortest text, relu's default and hot path, skips fmt's formatting
// machinery: Dragonbox's digits, laid out here as fmt's "{}" lays them out.
#include "format.hpp"

#include "dtype.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace relu {
namespace {

constexpr int max_digits = 4; // width and precision stay below 10000

// fmt 9 generates at most 767 significant digits, as many as the exact
// decimal expansion of a double can have (0x1.fffffffffffffp-1022), and then
// writes the zeros glibc writes after them only for %e and for %#g of 1 and
// more: %f and %#g below 1 lose digits beyond that.
constexpr int fmt_max_digits = 767;

// Up to this precision fmt's %f has room for all digits of any double: 309
// before the point and these after it.
constexpr int fmt_max_fixed_precision = fmt_max_digits - (DBL_MAX_10_EXP + 1);

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Read up to max_digits digits at text[i]; return -1 if there are none.
int read_number(std::string_view text, std::size_t& i, std::string_view what) {
  std::size_t start = i;
  int value = 0;
  while (i < text.size() && is_digit(text[i])) {
    if (i - start == max_digits)
      throw std::invalid_argument(std::string(what) + " is too large");
    value = value * 10 + (text[i++] - '0');
  }
  return i == start ? -1 : value;
}

// Append text to out with "%%" turned into "%"; throw at a lone '%'.
void unescape(std::string_view text, std::string& out) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && (i + 1 == text.size() || text[++i] != '%'))
      throw std::invalid_argument("more than one conversion");
    out += text[i];
  }
}

// Write magnitude (finite, not negative) as glibc's %a writes it: a leading
// 1 (0 for zero and subnormals, whose exponent is then -1022), every
// significant hex digit or `precision` of them rounded half to even, and
// the point only before digits or with '#'. fmt 9 would call snprintf,
// whose point follows the C locale.
void write_hex(double magnitude, int precision, bool alt, bool upper,
               fmt::memory_buffer& out) {
  constexpr int fraction_digits = 13; // 52 bits
  auto bits = std::bit_cast<std::uint64_t>(magnitude);
  auto biased = static_cast<int>(bits >> 52);
  std::uint64_t significand = bits & ((std::uint64_t{1} << 52) - 1);
  int exponent = biased != 0 ? biased - 1023 : significand != 0 ? -1022 : 0;
  significand |= std::uint64_t{biased != 0} << 52;
  int digits = fraction_digits;
  if (precision < 0) {
    for (; digits > 0 && (significand & 0xf) == 0; --digits)
      significand >>= 4;
  } else if (precision < fraction_digits) {
    int shift = 4 * (fraction_digits - precision);
    std::uint64_t rest = significand & ((std::uint64_t{1} << shift) - 1);
    std::uint64_t half = std::uint64_t{1} << (shift - 1);
    significand >>= shift;
    // A carry out of the fraction makes the leading digit 2, as in glibc.
    if (rest > half || (rest == half && (significand & 1) != 0))
      ++significand;
    digits = precision;
  }
  const char* hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  out.push_back('0');
  out.push_back(upper ? 'X' : 'x');
  out.push_back(hex[significand >> (4 * digits)]);
  if (digits > 0 || alt)
    out.push_back('.');
  for (int i = digits - 1; i >= 0; --i)
    out.push_back(hex[(significand >> (4 * i)) & 0xf]);
  for (int i = digits; i < precision; ++i)
    out.push_back('0');
  out.push_back(upper ? 'P' : 'p');
  out.push_back(exponent < 0 ? '-' : '+');
  fmt::format_to(fmt::appender(out), FMT_COMPILE("{}"), std::abs(exponent));
}

void append_zeros(int count, fmt::memory_buffer& out) {
  out.resize(out.size() + static_cast<std::size_t>(count));
  std::fill(out.end() - count, out.end(), '0');
}

// Return how many bits of magnitude lie after the binary point, which is
// also how many decimals its exact expansion has.
int fraction_bits(double magnitude) {
  auto bits = std::bit_cast<std::uint64_t>(magnitude);
  auto biased = static_cast<int>(bits >> 52);
  std::uint64_t significand = bits & ((std::uint64_t{1} << 52) - 1);
  if (biased == 0 && significand == 0)
    return 0;
  significand |= std::uint64_t{biased != 0} << 52;
  int exponent = std::max(biased, 1) - 1075 + std::countr_zero(significand);
  return std::max(-exponent, 0);
}

// Write magnitude as %.<precision>f, for precisions where fmt may run out of
// digits. Past the decimals of the exact expansion glibc writes zeros; up to
// them there are at most fmt_max_digits digits, which fmt writes right.
void write_long_fixed(double magnitude, int precision,
                      fmt::memory_buffer& out) {
  int exact = std::min(precision, fraction_bits(magnitude));
  // '#' keeps the point when exact is 0 and zeros follow.
  fmt::format_to(fmt::appender(out), "{:#.{}f}", magnitude, exact);
  append_zeros(precision - exact, out);
}

// Write magnitude with fmt's digits, as glibc's %#g writes it where fmt's
// "{:#g}" differs. When all P significant digits lie before the point, glibc
// ends with the point (123457.), fmt with ".0". A number that rounds up to
// 10^P from below (999999.5, P = 6) glibc writes without the zeros that fmt
// and the C standard keep: 1.e+06, not 1.00000e+06.
void write_alt_general(double magnitude, int precision, bool upper,
                       const fmt::formatter<double>& spec,
                       fmt::memory_buffer& out) {
  int significant = precision < 0 ? 6 : std::max(precision, 1);
  // Doubles lie within 0.5 below 10^P only for P up to 15.
  if (significant <= 15) {
    double power = 1;
    for (int i = 0; i < significant; ++i)
      power *= 10;
    if (magnitude >= power - 0.5 && magnitude < power) {
      fmt::format_to(fmt::appender(out), FMT_COMPILE("1.{}+{:02}"),
                     upper ? 'E' : 'e', significant);
      return;
    }
  }
  fmt::format_context context(fmt::appender(out), {});
  spec.format(magnitude, context);
  // Written as 0.000ddd, all fmt_max_digits digits and no zeros after them.
  if (significant > fmt_max_digits && magnitude >= 1e-4 && magnitude < 1)
    append_zeros(significant - fmt_max_digits, out);
  std::string_view text(out.data(), out.size());
  if (text.ends_with(".0") &&
      text.size() - 2 >= static_cast<std::size_t>(significant))
    out.resize(out.size() - 1);
}

// "00" to "99": digits are written two at a time, as fmt writes them.
constexpr char two_digits[] = "00010203040506070809"
                              "10111213141516171819"
                              "20212223242526272829"
                              "30313233343536373839"
                              "40414243444546474849"
                              "50515253545556575859"
                              "60616263646566676869"
                              "70717273747576777879"
                              "80818283848586878889"
                              "90919293949596979899";

void copy_two_digits(std::uint32_t value, char* p) noexcept {
  std::memcpy(p, &two_digits[2 * value], 2);
}

// 10^0 to 10^17.
constexpr auto powers_of_10 = [] {
  std::array<std::uint64_t, 18> powers{};
  std::uint64_t power = 1;
  for (auto& p : powers) {
    p = power;
    power *= 10;
  }
  return powers;
}();

// Return how many decimal digits value (nonzero, below 10^17) has.
int count_digits(std::uint64_t value) noexcept {
  // With 2^(b-1) <= value < 2^b and t = floor(b log10(2)) (1233/4096 is
  // near enough to log10(2) for b <= 64), 10^(t-1) <= value < 10^(t+1).
  auto t = static_cast<std::size_t>((std::bit_width(value) * 1233) >> 12);
  return static_cast<int>(t) + int{value >= powers_of_10[t]};
}

// Write the 8 digits of value (below 10^8, leading zeros included) at p:
// four independent pairs, in 32-bit arithmetic.
void write_eight_digits(std::uint32_t value, char* p) noexcept {
  std::uint32_t high = value / 10000;
  std::uint32_t low = value % 10000;
  copy_two_digits(high / 100, p);
  copy_two_digits(high % 100, p + 2);
  copy_two_digits(low / 100, p + 4);
  copy_two_digits(low % 100, p + 6);
}

// The most digits Dragonbox returns for a double.
constexpr int max_significand_digits = 17;

// Write the 17 digits of value (below 10^17, leading zeros included) at p.
// Every significand costs the same three divisions and no loop: the
// digits of x that relu computes nearly always number 16 or 17.
void write_significand(std::uint64_t value, char* p) noexcept {
  std::uint64_t high = value / 100'000'000;
  p[0] = static_cast<char>('0' + high / 100'000'000);
  write_eight_digits(static_cast<std::uint32_t>(high % 100'000'000), p + 1);
  write_eight_digits(static_cast<std::uint32_t>(value % 100'000'000), p + 9);
}

// Write "e", the sign and at least two digits of exponent at p, as fmt
// does; return the end.
char* write_exponent(int exponent, char* p) noexcept {
  *p++ = 'e';
  *p++ = exponent < 0 ? '-' : '+';
  auto magnitude = static_cast<std::uint32_t>(std::abs(exponent));
  if (magnitude >= 100) {
    *p++ = static_cast<char>('0' + magnitude / 100);
    magnitude %= 100;
  }
  copy_two_digits(magnitude, p);
  return p + 2;
}

// Write significand * 10^exponent (significand nonzero, without trailing
// zeros, below 10^17) at p as fmt's "{}" lays out a double, and return the
// end.
char* write_decimal(std::uint64_t significand, int exponent, char* p) noexcept {
  int length = count_digits(significand);
  // The digits are copied from here in pieces of fixed size, which compile
  // to a load and a store each: past the digits come zeros, the trailing
  // zeros of 1234e2 (123400).
  char buffer[max_significand_digits + 32];
  write_significand(significand, buffer);
  std::memset(buffer + max_significand_digits, '0', 32);
  const char* digits = buffer + max_significand_digits - length;
  // x = 0.ddd * 10^point; fmt's exponent (d.dd * 10^e) is point - 1, and
  // fmt writes fixed notation for e in [-4, 16).
  int point = exponent + length;
  if (point < -3 || point > 16) { // 1.234e+20, 5e-324
    *p++ = digits[0];
    *p = '.';
    std::memcpy(p + 1, digits + 1, 16);
    p += length > 1 ? length : 0;
    return write_exponent(point - 1, p);
  }
  if (point >= length) { // 1234e2: 123400, point <= 16
    std::memcpy(p, digits, 16);
    return p + point;
  }
  if (point > 0) { // 1234e-2: 12.34, at most 16 digits on either side
    std::memcpy(p, digits, 16);
    p[point] = '.';
    std::memcpy(p + point + 1, digits + point, 16);
    return p + length + 1;
  }
  // 1234e-6: 0.001234, at most three zeros after the point; the digits
  // overwrite those that are not needed.
  std::memcpy(p, "0.000", 5);
  std::memcpy(p + 2 - point, digits, max_significand_digits);
  return p + 2 - point + length;
}

struct Decimal {
  std::uint64_t significand;
  int exponent;
};

// The shortest decimal that reads back to x (positive, finite) in dtype,
// bfloat16 or float16, and of those the nearest to x: with n digits, the
// decimal nearest to x, or else one of its neighbours where x's interval
// is lopsided (at a power of 2). Both formats need at most 5 digits.
Decimal shortest_narrow(double x, Dtype dtype) noexcept {
  for (int n = 1;; ++n) {
    // d.ddd...e[+-]x, correctly rounded to n digits.
    char text[32];
    *fmt::format_to_n(text, sizeof text - 1, "{:.{}e}", x, n - 1).out = '\0';
    std::uint64_t significand = 0;
    const char* e = text;
    for (; *e != 'e'; ++e)
      if (*e != '.')
        significand = significand * 10 + static_cast<unsigned>(*e - '0');
    const int exponent = std::atoi(e + 1) - (n - 1);
    // The decimal nearest to x, then the one above, then the one below.
    for (std::uint64_t candidate :
         {significand, significand + 1, significand - 1}) {
      if (candidate == 0)
        continue;
      char number[40];
      auto last =
          fmt::format_to_n(number, sizeof number, "{}e{}", candidate, exponent)
              .out;
      if (parse_number_as(
              dtype, {number, static_cast<std::size_t>(last - number)}) == x) {
        std::uint64_t s = candidate;
        int k = exponent;
        for (; s % 10 == 0; s /= 10)
          ++k;
        return {s, k};
      }
    }
  }
}

// The index of x (positive, finite, a value of dtype) among the 2^15
// non-negative values of dtype: its encoding without the sign.
std::size_t encoding(double x, Dtype dtype) noexcept {
  const auto bits = std::bit_cast<std::uint32_t>(static_cast<float>(x));
  if (dtype == Dtype::bfloat16)
    return bits >> 16;
  // float16: 5 exponent bits biased by 15 over 10 fraction bits, or a
  // subnormal's multiple of 2^-24.
  const auto exponent = static_cast<int>(bits >> 23) - 127;
  if (exponent < -14)
    return static_cast<std::size_t>(x * 0x1p24);
  return static_cast<std::size_t>(exponent + 15) << 10 | (bits >> 13 & 0x3ff);
}

// The shortest decimals of bfloat16 and float16 values, found once each:
// the search costs a microsecond, and 2^15 values are all there are. An
// entry holds significand << 16 | (exponent & 0xffff), or 0 until found;
// relaxed atomics, because threads (-j) may fill an entry at once, with
// the same value. Zero pages until used.
std::atomic<std::uint64_t> shortest_cache[2][1 << 15];

Decimal cached_shortest(double x, Dtype dtype) noexcept {
  auto& entry = shortest_cache[dtype == Dtype::float16][encoding(x, dtype)];
  std::uint64_t packed = entry.load(std::memory_order_relaxed);
  if (packed == 0) {
    const Decimal d = shortest_narrow(x, dtype);
    packed = d.significand << 16 |
             static_cast<std::uint16_t>(static_cast<std::int16_t>(d.exponent));
    entry.store(packed, std::memory_order_relaxed);
  }
  return {packed >> 16, static_cast<std::int16_t>(packed & 0xffff)};
}

} // namespace

char* write_shortest(double x, char* first) noexcept {
  return write_shortest(x, Dtype::float64, first);
}

char* write_shortest(double x, Dtype dtype, char* first) noexcept {
  char* p = first;
  if (std::signbit(x)) {
    *p++ = '-';
    x = -x;
  }
  if (!std::isfinite(x)) {
    std::memcpy(p, std::isnan(x) ? "nan" : "inf", 3);
    return p + 3;
  }
  if (x == 0) {
    *p = '0';
    return p + 1;
  }
  // The shortest digits come from the Dragonbox inside fmt's header-only
  // build: detail::dragonbox::to_decimal is fmt's internal API, pinned by
  // Debian's fmt 9.1, and the differential tests against fmt's "{}" notice
  // if it changes. It returns the significand without trailing zeros.
  switch (dtype) {
  case Dtype::float64: {
    auto decimal = fmt::detail::dragonbox::to_decimal(x);
    return write_decimal(decimal.significand, decimal.exponent, p);
  }
  case Dtype::float32: {
    auto decimal = fmt::detail::dragonbox::to_decimal(static_cast<float>(x));
    return write_decimal(decimal.significand, decimal.exponent, p);
  }
  case Dtype::bfloat16:
  case Dtype::float16:
    break;
  }
  Decimal decimal = cached_shortest(x, dtype);
  return write_decimal(decimal.significand, decimal.exponent, p);
}

Format Format::parse(std::string_view text) {
  std::size_t percent = 0;
  while ((percent = text.find('%', percent)) != std::string_view::npos &&
         percent + 1 < text.size() && text[percent + 1] == '%')
    percent += 2;
  if (percent == std::string_view::npos)
    throw std::invalid_argument("no conversion");
  Format f;
  unescape(text.substr(0, percent), f.prefix_);
  std::size_t i = percent + 1;
  bool left = false, plus = false, space = false, alt = false, zero = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '-')
      left = true;
    else if (c == '+')
      plus = true;
    else if (c == ' ')
      space = true;
    else if (c == '#')
      alt = true;
    else if (c == '0')
      zero = true;
    else
      break;
  }
  int width = read_number(text, i, "width");
  int precision = -1;
  if (i < text.size() && text[i] == '.') {
    ++i;
    precision = std::max(read_number(text, i, "precision"), 0);
  }
  if (i == text.size())
    throw std::invalid_argument("incomplete conversion");
  char type = text[i];
  if (std::string_view("fFeEgGaA").find(type) == std::string_view::npos)
    throw std::invalid_argument(
        fmt::format("'{}' is not a floating-point conversion",
                    text.substr(percent, i + 1 - percent)));
  unescape(text.substr(i + 1), f.suffix_);
  // printf's rules: '-' overrides '0', '+' overrides ' '.
  f.positive_sign_ = plus ? '+' : space ? ' ' : '\0';
  f.left_ = left;
  f.zero_pad_ = zero && !left;
  f.width_ = static_cast<std::size_t>(std::max(width, 0));
  f.type_ = type;
  f.alt_ = alt;
  f.precision_ = precision;
  if (!f.hex()) {
    std::string spec = alt ? "#" : "";
    if (precision >= 0)
      spec += '.' + std::to_string(precision);
    spec += type;
    fmt::format_parse_context context(spec);
    f.digits_.parse(context);
  }
  f.shortest_ = false;
  return f;
}

Format Format::fixed(int precision) {
  return parse("%." + std::to_string(precision) + "f");
}

void Format::write(double x, Output& out) const {
  if (shortest()) {
    char* first = out.reserve(max_shortest);
    out.commit(static_cast<std::size_t>(write_shortest(x, first) - first));
    return;
  }
  fmt::memory_buffer digits; // inline storage: no allocation below 500 bytes
  std::string_view body = magnitude(x, digits);
  char sign = std::signbit(x) ? '-' : positive_sign_;
  std::size_t size = std::size_t{sign != '\0'} + body.size();
  std::size_t padding = width_ > size ? width_ - size : 0;
  // printf pads inf and nan with blanks even with '0', and puts the zeros
  // after the sign and after the "0x" of %a.
  bool finite = std::isfinite(x);
  bool zeros = zero_pad_ && finite;
  std::size_t radix_prefix = finite && hex() ? 2 : 0;
  char* first = out.reserve(prefix_.size() + padding + size + suffix_.size());
  char* last = std::copy(prefix_.begin(), prefix_.end(), first);
  if (!left_ && !zeros)
    last = std::fill_n(last, padding, ' ');
  if (sign != '\0')
    *last++ = sign;
  last = std::copy_n(body.begin(), radix_prefix, last);
  if (zeros)
    last = std::fill_n(last, padding, '0');
  last = std::copy(body.begin() + radix_prefix, body.end(), last);
  if (left_)
    last = std::fill_n(last, padding, ' ');
  last = std::copy(suffix_.begin(), suffix_.end(), last);
  out.commit(static_cast<std::size_t>(last - first));
}

std::string_view Format::magnitude(double x, fmt::memory_buffer& digits) const {
  bool upper = type_ >= 'A' && type_ <= 'Z';
  if (std::isnan(x))
    return upper ? "NAN" : "nan";
  if (std::isinf(x))
    return upper ? "INF" : "inf";
  if (hex()) {
    write_hex(std::fabs(x), precision_, alt_, upper, digits);
  } else if ((type_ == 'f' || type_ == 'F') &&
             precision_ > fmt_max_fixed_precision) {
    write_long_fixed(std::fabs(x), precision_, digits);
  } else if (alt_ && (type_ == 'g' || type_ == 'G')) {
    write_alt_general(std::fabs(x), precision_, upper, digits_, digits);
  } else {
    fmt::format_context context(fmt::appender(digits), {});
    digits_.format(std::fabs(x), context);
  }
  return {digits.data(), digits.size()};
}

std::string Format::to_string(double x) const {
  std::string text;
  Output out([&text](std::string_view s) { text += s; });
  write(x, out);
  out.flush();
  return text;
}

} // namespace relu
