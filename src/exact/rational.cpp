// hardswish, hardsigmoid and softsign and their derivatives: rational
// functions, whose slow path rounds the exact quotient once, with integers
// where they suffice, else with MPFR.
#include "double_double.hpp"
#include "exact.hpp"
#include "interval.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <mpfr.h>

namespace relu {

using namespace exact;

namespace {

// The fast path declines the rational functions on exact midpoints between
// two doubles, which (x + 3) / 6 and (2x + 3) / 6 hit often (for 5.6% and
// 3.2% of Gaussian x). Their numerators are integers times a power of 2,
// which fit 128 bits unless x is tiny; one integer division then rounds
// them exactly, where MPFR took a microsecond.
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 Uint128;

// x = m 2^e exactly for a finite x, |m| < 2^53.
struct Dyadic {
  std::int64_t m;
  int e;
};

Dyadic dyadic(double x) noexcept {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  const auto biased = static_cast<int>(bits >> 52 & 0x7ff);
  auto m = static_cast<std::int64_t>(bits & ((std::uint64_t{1} << 52) - 1));
  if (biased != 0)
    m |= std::int64_t{1} << 52;
  return {x < 0 ? -m : m, std::max(biased, 1) - 1075};
}

// Return n 2^e / 6 rounded to nearest in dtype, for |n| < 2^127 and a
// result that is 0 (+0, as IEEE's 0 / 6) or normal. With |n| shifted to
// 127 bits, the quotient q has 124 or 125; q >> 62 then has 62 or 63, and
// or-ing into its last bit whether anything was dropped (remainder or
// shifted bits) rounds n / 6 to odd at that precision. Rounding that to
// nearest at 53 bits (the conversion to double) is the correct rounding of
// n / 6, as a value rounded to odd with two bits or more to spare is never
// mistaken for a midpoint; the scaling by a power of 2 is exact for a
// normal result. A narrower dtype takes it rounded to odd again at 53
// bits, exactly a double, and rounds that.
double round_sixth(Dtype dtype, Int128 n, int e) noexcept {
  if (n == 0)
    return 0;
  Uint128 a = static_cast<Uint128>(n < 0 ? -n : n);
  const auto top = static_cast<std::uint64_t>(a >> 64);
  const int width = top != 0
                        ? 128 - std::countl_zero(top)
                        : 64 - std::countl_zero(static_cast<std::uint64_t>(a));
  const int up = 127 - width;
  a <<= up;
  const Uint128 q = a / 6;
  const bool inexact = q * 6 != a || (q & ((Uint128{1} << 62) - 1)) != 0;
  auto odd = static_cast<std::int64_t>(q >> 62) | std::int64_t{inexact};
  int dropped = 62;
  if (dtype != Dtype::float64) {
    constexpr int to_53_bits = 10;
    odd = odd >> to_53_bits |
          std::int64_t{(odd & ((std::int64_t{1} << to_53_bits) - 1)) != 0};
    dropped += to_53_bits;
  }
  const double scale = std::bit_cast<double>(
      static_cast<std::uint64_t>(1023 + e - up + dropped) << 52);
  const double d = static_cast<double>(odd) * scale;
  return round_to(dtype, n < 0 ? -d : d);
}

// x + 3 and 2x + 3 as an integer times 2^e, for x = m 2^e with |x| <= 3:
// then e <= -51, so 3 2^-e is an integer, and |2x + 3| 2^-e <= 9 2^-e is
// below 2^127 for e >= -123.
constexpr int sum_min_exponent = -123;

Int128 plus_three(const Dyadic& d) noexcept {
  return Int128{d.m} + (Int128{3} << -d.e);
}

// x (x + 3) = m (m + 3 2^-e) 2^2e, where |x| < 2^(53 + e): the integer is
// below 2^(53 - e) (3 + 2^(53 + e)), under 2^127 for e >= -71 (and |x| < 3).
constexpr int product_min_exponent = -71;

// 1 / (1 + |x|)^2, from 1 + |x| exactly as a double-double.
template <class P> Approx<P> softsign_grad_fast(double x) noexcept {
  const Approx<P> den = sum(1, std::fabs(x));
  return exactly(1) / (den * den);
}

} // namespace

double hardswish(double x, Dtype dtype) noexcept {
  if (std::isnan(x) || x >= 3)
    return x;
  if (x <= -3)
    return -0.0;
  if (double y; fast(
          dtype,
          [=]<class P>(P) { return x * Approx<P>(sum(x, 3)) / exactly(6); }, y))
    return y;
  if (const Dyadic d = dyadic(x); d.e >= product_min_exponent)
    return round_sixth(dtype, Int128{d.m} * plus_three(d), 2 * d.e);
  Exact num(x);
  mpfr_add_d(num.v, num.v, 3, MPFR_RNDN);
  mpfr_mul_d(num.v, num.v, x, MPFR_RNDN);
  Exact six(6);
  return round_quotient(dtype, num.v, six.v);
}

double hardswish_grad(double x, Dtype dtype) noexcept {
  if (std::isnan(x))
    return x;
  if (x < -3)
    return 0;
  if (x > 3)
    return 1;
  if (double y; fast(
          dtype,
          [=]<class P>(P) { return Approx<P>(sum(2 * x, 3)) / exactly(6); }, y))
    return y;
  if (const Dyadic d = dyadic(x); d.e >= sum_min_exponent)
    return round_sixth(dtype, plus_three({2 * d.m, d.e}), d.e);
  Exact num(2 * x);
  mpfr_add_d(num.v, num.v, 3, MPFR_RNDN);
  Exact six(6);
  return round_quotient(dtype, num.v, six.v);
}

double hardsigmoid(double x, Dtype dtype) noexcept {
  if (std::isnan(x))
    return x;
  if (x <= -3)
    return 0;
  if (x >= 3)
    return 1;
  if (double y; fast(
          dtype, [=]<class P>(P) { return Approx<P>(sum(x, 3)) / exactly(6); },
          y))
    return y;
  if (const Dyadic d = dyadic(x); d.e >= sum_min_exponent)
    return round_sixth(dtype, plus_three(d), d.e);
  Exact num(x);
  mpfr_add_d(num.v, num.v, 3, MPFR_RNDN);
  Exact six(6);
  return round_quotient(dtype, num.v, six.v);
}

double hardsigmoid_grad(double x, Dtype dtype) noexcept {
  if (std::isnan(x))
    return x;
  // IEEE division of exact operands rounds correctly, and 1/6 is no tie of
  // a narrower dtype (its bits alternate).
  return x > -3 && x < 3 ? round_to(dtype, 1.0 / 6.0) : 0.0;
}

double softsign(double x, Dtype dtype) noexcept {
  if (std::isnan(x) || x == 0)
    return x;
  if (std::isinf(x))
    return x > 0 ? 1 : -1;
  // Below 2^-60 in magnitude, x - x|x| rounds to x; above 2^54,
  // 1 - 1/(1 + |x|) rounds to 1.
  if (std::fabs(x) < 0x1p-60 && std::fabs(x) >= fast_min)
    return x;
  if (std::fabs(x) > 0x1p54)
    return x > 0 ? 1 : -1;
  if (double y; fast(
          dtype,
          [=]<class P>(P) {
            return Approx<P>(exactly(x)) / sum(1, std::fabs(x));
          },
          y))
    return y;
  Exact den(std::fabs(x));
  mpfr_add_d(den.v, den.v, 1, MPFR_RNDN);
  Exact num(x);
  return round_quotient(dtype, num.v, den.v);
}

double softsign_grad(double x, Dtype dtype) noexcept {
  if (std::isnan(x))
    return x;
  if (std::isinf(x))
    return 0;
  // Below 2^-55 in magnitude, 1 - 2|x| rounds to 1.
  if (std::fabs(x) < 0x1p-55)
    return 1;
  if (double y;
      std::fabs(x) < 0x1p400 &&
      fast(
          dtype, [=]<class P>(P) { return softsign_grad_fast<P>(x); }, y))
    return y;
  Exact den(std::fabs(x));
  mpfr_add_d(den.v, den.v, 1, MPFR_RNDN);
  mpfr_sqr(den.v, den.v, MPFR_RNDN);
  Exact one(1);
  return round_quotient(dtype, one.v, den.v);
}

} // namespace relu
