// The slow path's MPFR operations: enclosures with each end rounded
// outward, the exact rounding of a quotient, and the release of MPFR's
// caches.
#include "interval.hpp"

#include "exact.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <initializer_list>

namespace relu::exact {
namespace {

using Binary = int (*)(mpfr_ptr, mpfr_srcptr, mpfr_srcptr, mpfr_rnd_t);

// The hull of f over the four corners of a x b: an enclosure for * always,
// and for / when b excludes 0, since both are monotone in each argument
// there. A NaN corner (0 * inf) makes the result NaN, never decided.
Iv corners(Binary f, const Iv& a, const Iv& b) noexcept {
  Iv r(std::max(a.prec(), b.prec()));
  mpfr_t t;
  mpfr_init2(t, r.prec());
  bool first = true;
  for (mpfr_srcptr u : {a.lo, a.hi}) {
    for (mpfr_srcptr v : {b.lo, b.hi}) {
      f(t, u, v, MPFR_RNDD);
      if (first || mpfr_nan_p(t) || mpfr_less_p(t, r.lo))
        mpfr_set(r.lo, t, MPFR_RNDN);
      f(t, u, v, MPFR_RNDU);
      if (first || mpfr_nan_p(t) || mpfr_greater_p(t, r.hi))
        mpfr_set(r.hi, t, MPFR_RNDN);
      first = false;
    }
  }
  mpfr_clear(t);
  if (mpfr_nan_p(r.lo) || mpfr_nan_p(r.hi))
    mpfr_set_nan(r.lo);
  return r;
}

// |a| for an a that does not straddle 0.
Iv abs(const Iv& a) noexcept { return mpfr_sgn(a.lo) >= 0 ? 1.0 * a : -a; }

} // namespace

Iv increasing(Unary f, const Iv& a) noexcept {
  Iv r(a.prec());
  f(r.lo, a.lo, MPFR_RNDD);
  f(r.hi, a.hi, MPFR_RNDU);
  return r;
}

Iv decreasing(Unary f, const Iv& a) noexcept {
  Iv r(a.prec());
  f(r.lo, a.hi, MPFR_RNDD);
  f(r.hi, a.lo, MPFR_RNDU);
  return r;
}

Iv operator+(const Iv& a, const Iv& b) noexcept {
  Iv r(std::max(a.prec(), b.prec()));
  mpfr_add(r.lo, a.lo, b.lo, MPFR_RNDD);
  mpfr_add(r.hi, a.hi, b.hi, MPFR_RNDU);
  return r;
}

Iv operator-(const Iv& a) noexcept {
  Iv r(a.prec());
  mpfr_neg(r.lo, a.hi, MPFR_RNDN);
  mpfr_neg(r.hi, a.lo, MPFR_RNDN);
  return r;
}

Iv operator-(const Iv& a, const Iv& b) noexcept { return a + -b; }

Iv operator*(const Iv& a, const Iv& b) noexcept {
  return corners(mpfr_mul, a, b);
}

Iv operator/(const Iv& a, const Iv& b) noexcept {
  return corners(mpfr_div, a, b);
}

Iv operator+(double a, const Iv& b) noexcept { return Iv(b.prec(), a) + b; }

Iv operator*(double a, const Iv& b) noexcept { return Iv(b.prec(), a) * b; }

Iv operator/(double a, const Iv& b) noexcept { return Iv(b.prec(), a) / b; }

Iv operator/(const Iv& a, double b) noexcept { return a / Iv(a.prec(), b); }

Iv exp(const Iv& a) noexcept { return increasing(mpfr_exp, a); }

Iv expm1(const Iv& a) noexcept { return increasing(mpfr_expm1, a); }

Iv log1p(const Iv& a) noexcept { return increasing(mpfr_log1p, a); }

Iv sqrt(const Iv& a) noexcept { return increasing(mpfr_sqrt, a); }

Iv erfc(const Iv& a) noexcept { return decreasing(mpfr_erfc, a); }

// sech on an a that does not straddle 0 (decreasing in |a|).
Iv sech(const Iv& a) noexcept { return decreasing(mpfr_sech, abs(a)); }

Iv decimal(mpfr_prec_t p, const char* s) noexcept {
  Iv r(p);
  mpfr_set_str(r.lo, s, 10, MPFR_RNDD);
  mpfr_set_str(r.hi, s, 10, MPFR_RNDU);
  return r;
}

Iv pi(mpfr_prec_t p) noexcept {
  Iv r(p);
  mpfr_const_pi(r.lo, MPFR_RNDD);
  mpfr_const_pi(r.hi, MPFR_RNDU);
  return r;
}

// 1 / (1 + e^-z) for a z that does not straddle 0, written so that no
// exponential can overflow.
Iv sigmoid(const Iv& z) noexcept {
  if (mpfr_sgn(z.lo) >= 0)
    return 1.0 / (1.0 + exp(-z));
  return 1.0 / (1.0 + 1.0 / exp(z));
}

// A double with more than two bits beyond dtype's precision, rounded to
// odd (truncated, its last bit set if anything was dropped), rounds to
// nearest in dtype as the exact value does: the odd last bit keeps it off
// every midpoint of the dtype on the exact value's side. Truncation keeps a
// tiny value's sign, and far below the dtypes' subnormals.
double nearest(Dtype dtype, mpfr_srcptr v) noexcept {
  if (dtype == Dtype::float64)
    return mpfr_get_d(v, MPFR_RNDN);
  double d = mpfr_get_d(v, MPFR_RNDZ);
  if (std::isfinite(d) && mpfr_cmp_d(v, d) != 0)
    d = std::bit_cast<double>(std::bit_cast<std::uint64_t>(d) | 1);
  return round_to(dtype, d);
}

// num / den rounded to odd at 64 bits, then to nearest at the dtype's
// precision (53 or fewer bits, subnormals) is a correct rounding, as the
// odd last bit keeps the truncated value off every midpoint.
double round_quotient(Dtype dtype, mpfr_srcptr num, mpfr_srcptr den) noexcept {
  constexpr mpfr_prec_t odd_precision = 64;
  mpfr_t q;
  mpfr_init2(q, odd_precision);
  if (mpfr_div(q, num, den, MPFR_RNDZ) != 0 &&
      mpfr_min_prec(q) < odd_precision) {
    if (mpfr_sgn(q) > 0)
      mpfr_nextabove(q);
    else
      mpfr_nextbelow(q);
  }
  const double d = nearest(dtype, q);
  mpfr_clear(q);
  return d;
}

} // namespace relu::exact

namespace relu {

void release_thread_caches() noexcept {
  mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
}

} // namespace relu
