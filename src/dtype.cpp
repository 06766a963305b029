// Rounding to a narrower dtype once. A double r nearest to an exact value v
// (or v itself) rounds to the dtype as v does, unless r is a tie of the
// dtype, halfway between two of its values: every dtype's tie is a double,
// and the only double within half an ulp of v is r, so no other tie lies
// between them. At a tie the side of v decides, which a text's value gives
// by strtod with directed rounding, and a product by its exact error
// (fma): the product is then rounded to odd, which keeps its side, since
// a double has more than two bits beyond every narrower dtype's.
#include "dtype.hpp"

#include "number.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cfenv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace relu {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

// A binary format narrower than double: bits of precision, the exponent
// of its smallest normal value, and its largest finite value.
struct Layout {
  int precision;
  int min_exponent;
  double max;
};

constexpr std::array<Layout, 4> layouts{{
    {53, -1022, 0x1.fffffffffffffp1023},
    {24, -126, 0x1.fffffep127},
    {8, -126, 0x1.fep127},
    {11, -14, 0x1.ffcp15},
}};

constexpr std::array<std::string_view, 4> names{"float64", "float32",
                                                "bfloat16", "float16"};

const Layout& layout(Dtype dtype) noexcept {
  return layouts[static_cast<std::size_t>(dtype)];
}

// The exponent of x's last bit in dtype, its quantum, for x a normal
// double (the dtypes' values and ties all are).
int quantum_exponent(const Layout& l, double x) noexcept {
  const auto biased =
      static_cast<int>(std::bit_cast<std::uint64_t>(x) >> 52 & 0x7ff);
  return std::max(biased - 1023, l.min_exponent) - (l.precision - 1);
}

bool is_normal_double(double x) noexcept {
  return (std::bit_cast<std::uint64_t>(x) >> 52 & 0x7ff) != 0;
}

// Whether x, finite and not zero, is halfway between two values of dtype
// (or at its overflow threshold, halfway above its largest value): the
// bits of its significand below the quantum are one half of it.
bool is_tie(const Layout& l, double x) noexcept {
  if (!is_normal_double(x))
    return false; // far below every dtype's smallest tie
  const auto bits = std::bit_cast<std::uint64_t>(x);
  const int exponent = static_cast<int>(bits >> 52 & 0x7ff) - 1023;
  const int below = quantum_exponent(l, x) - (exponent - 52);
  if (below > 53)
    return false; // below half the quantum
  const std::uint64_t significand =
      (bits & ((std::uint64_t{1} << 52) - 1)) | std::uint64_t{1} << 52;
  const std::uint64_t half = std::uint64_t{1} << (below - 1);
  return (significand & ((half << 1) - 1)) == half;
}

// Where the value of token (a number) lies from the double x: rounded down
// it is below x, or up, above.
Side compare(std::string_view token, double x) {
  const std::string text(token);
  const int mode = std::fegetround();
  std::fesetround(FE_UPWARD);
  const double up = std::strtod(text.c_str(), nullptr);
  std::fesetround(FE_DOWNWARD);
  const double down = std::strtod(text.c_str(), nullptr);
  std::fesetround(mode);
  return up > x ? Side::above : down < x ? Side::below : Side::at;
}

// Whether x lies halfway between two values of dtype, or at its overflow
// threshold: where rounding x to the dtype cannot stand for rounding the
// exact value that x is nearest to.
bool is_tie(Dtype dtype, double x) noexcept {
  return dtype != Dtype::float64 && x != 0 && std::isfinite(x) &&
         is_tie(layout(dtype), x);
}

// The exact value r + error (r a rounding of it to nearest, error a double)
// rounded to odd: r truncated toward zero, its last bit set, which keeps
// the side of every narrower dtype's tie, as a double has more than two
// bits beyond each.
double to_odd(double r, double error) noexcept {
  if (error == 0)
    return r;
  auto bits = std::bit_cast<std::uint64_t>(r);
  if ((error < 0) == (r > 0))
    --bits; // |r| is above the exact magnitude
  return std::bit_cast<double>(bits | 1);
}

// Whether a number token is a hex float: 0x after the sign.
bool is_hex(std::string_view token) noexcept {
  if (!token.empty() && (token[0] == '-' || token[0] == '+'))
    token.remove_prefix(1);
  return token.size() > 1 && token[0] == '0' && (token[1] | 0x20) == 'x';
}

// The double next to x on the side given, or x itself.
double toward(double x, Side side) noexcept {
  return side == Side::at ? x
                          : std::nextafter(x, side == Side::above ? inf : -inf);
}

} // namespace

std::optional<Dtype> dtype_named(std::string_view name) noexcept {
  for (Dtype d :
       {Dtype::float64, Dtype::float32, Dtype::bfloat16, Dtype::float16})
    if (name == names[static_cast<std::size_t>(d)])
      return d;
  if (name == "double")
    return Dtype::float64;
  if (name == "float")
    return Dtype::float32;
  if (name == "half")
    return Dtype::float16;
  return std::nullopt;
}

std::string_view dtype_name(Dtype dtype) noexcept {
  return names[static_cast<std::size_t>(dtype)];
}

double round_half(Dtype dtype, double x) noexcept {
  const Layout& l = layout(dtype);
  auto bits = std::bit_cast<std::uint64_t>(x);
  const int exponent = static_cast<int>(bits >> 52 & 0x7ff) - 1023;
  if (exponent >= l.min_exponent && exponent <= 1023) {
    // A normal value of the dtype: round the significand's bits to nearest,
    // ties to even, by adding half the quantum (less one unless the last
    // kept bit is odd) and clearing what is dropped. A carry steps the
    // exponent, which is right, and past the largest value is caught below.
    const int dropped = 53 - l.precision;
    bits += (std::uint64_t{1} << (dropped - 1)) - 1 + (bits >> dropped & 1);
    bits &= ~((std::uint64_t{1} << dropped) - 1);
    const double r = std::bit_cast<double>(bits);
    return std::fabs(r) > l.max ? std::copysign(inf, x) : r;
  }
  if (x == 0 || !std::isfinite(x))
    return x;
  // Subnormal in the dtype: adding c = 2^(q + 52), q the quantum's exponent,
  // rounds |x| < c to a multiple of 2^q, to even; subtracting it is exact. The
  // sign is x's, also where the sum rounds to c and the difference to +0.
  const double c = std::bit_cast<double>(
      static_cast<std::uint64_t>(
          quantum_exponent(l, is_normal_double(x) ? x : 0x1p-1022) + 52 + 1023)
      << 52);
  const double r = std::copysign((std::fabs(x) + c) - c, x);
  return std::fabs(r) > l.max ? std::copysign(inf, x) : r;
}

double round_near(Dtype dtype, double r, Side side) noexcept {
  return round_to(dtype, is_tie(dtype, r) ? toward(r, side) : r);
}

double round_product(Dtype dtype, double a, double b) noexcept {
  const double p = a * b;
  // Below 2^-900 every narrower dtype rounds the product to a zero of its
  // sign, and above it the error is a double.
  if (dtype == Dtype::float64 || !std::isfinite(p) || std::fabs(p) < 0x1p-900)
    return round_to(dtype, p);
  return round_to(dtype, to_odd(p, std::fma(a, b, -p)));
}

double round_sum_narrower(Dtype dtype, double a, double b) noexcept {
  const double s = a + b;
  if (!std::isfinite(s))
    return round_to(dtype, s);
  // The error of the sum, exactly (Knuth's two_sum).
  const double bb = s - a;
  return round_to(dtype, to_odd(s, (a - (s - bb)) + (b - bb)));
}

double parse_number_as(Dtype dtype, std::string_view token) noexcept {
  // fast_float rounds a decimal text to float once; a hex float's digits
  // may run past a double's.
  if (dtype == Dtype::float32 && !is_hex(token))
    return parse_float(token);
  const double x = parse_number(token);
  if (dtype == Dtype::float64 || !is_tie(dtype, x))
    return round_to(dtype, x);
  return round_near(dtype, x, compare(token, x));
}

} // namespace relu
