// The slow path, which is always right: MPFR interval arithmetic, the Ziv
// loop that raises its precision until the rounding is decided, and the
// exact rounding of rational values. Each operation allocates.
#pragma once

#include "dtype.hpp"

#include <mpfr.h>

namespace relu::exact {

// An enclosure [lo, hi] of a real number, both ends of one MPFR precision.
// Every operation rounds lo down and hi up, so the exact value of a formula
// lies inside the result whatever the precision: the error bound is
// rigorous by construction, cancellation included, with no hand-made error
// analysis to get wrong. It is the slow path: each one allocates.
struct Iv {
  explicit Iv(mpfr_prec_t p) noexcept {
    mpfr_init2(lo, p);
    mpfr_init2(hi, p);
  }

  // The point x, exactly: p is at least 53.
  Iv(mpfr_prec_t p, double x) noexcept : Iv(p) {
    mpfr_set_d(lo, x, MPFR_RNDN);
    mpfr_set_d(hi, x, MPFR_RNDN);
  }

  Iv(Iv&& o) noexcept : Iv(MPFR_PREC_MIN) {
    mpfr_swap(lo, o.lo);
    mpfr_swap(hi, o.hi);
  }

  Iv(const Iv&) = delete;
  Iv& operator=(const Iv&) = delete;
  Iv& operator=(Iv&&) = delete;

  ~Iv() {
    mpfr_clear(lo);
    mpfr_clear(hi);
  }

  mpfr_prec_t prec() const noexcept { return mpfr_get_prec(lo); }

  mpfr_t lo, hi;
};

using Unary = int (*)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t);

// Return an enclosure of f over a, for an f increasing there (an MPFR
// function such as mpfr_exp, which rounds in the direction it is given).
Iv increasing(Unary f, const Iv& a) noexcept;

// Return an enclosure of f over a, for an f decreasing there.
Iv decreasing(Unary f, const Iv& a) noexcept;

// Return an enclosure of the sum, the negation, the difference, the
// product, and the quotient (for a divisor that excludes 0), at the wider
// of the two precisions; a double operand is taken exactly.
Iv operator+(const Iv& a, const Iv& b) noexcept;
Iv operator-(const Iv& a) noexcept;
Iv operator-(const Iv& a, const Iv& b) noexcept;
Iv operator*(const Iv& a, const Iv& b) noexcept;
Iv operator/(const Iv& a, const Iv& b) noexcept;
Iv operator+(double a, const Iv& b) noexcept;
Iv operator*(double a, const Iv& b) noexcept;
Iv operator/(double a, const Iv& b) noexcept;
Iv operator/(const Iv& a, double b) noexcept;

// Return enclosures of e^a, e^a - 1, ln(1 + a), sqrt(a) and erfc(a).
Iv exp(const Iv& a) noexcept;
Iv expm1(const Iv& a) noexcept;
Iv log1p(const Iv& a) noexcept;
Iv sqrt(const Iv& a) noexcept;
Iv erfc(const Iv& a) noexcept;

// Return an enclosure of sech(a), for an a that does not straddle 0.
Iv sech(const Iv& a) noexcept;

// Return an enclosure of the decimal number s, read as an exact real.
Iv decimal(mpfr_prec_t p, const char* s) noexcept;

// Return an enclosure of pi.
Iv pi(mpfr_prec_t p) noexcept;

// Return an enclosure of 1 / (1 + e^-z), for a z that does not straddle 0,
// at any z: no exponential overflows.
Iv sigmoid(const Iv& z) noexcept;

// Past this precision the loop gives up and returns the rounding of the
// lower end. Exact and midpoint results are handled before the loop, so
// no input is known to get here.
inline constexpr mpfr_prec_t max_precision = mpfr_prec_t{1} << 17;

// Return v rounded to nearest in dtype, ties to even, subnormals and
// overflow included.
double nearest(Dtype dtype, mpfr_srcptr v) noexcept;

// Return the value that eval(p) encloses for every p, rounded to dtype,
// doubling p from 64 until both ends of the enclosure round alike (Ziv's
// strategy); rounding is monotone, so when both ends round to d every
// value between them does. Both ends rounding to a zero decide its sign
// only when the enclosure excludes the other sign. Kept out of line:
// inlined, its frame and saved registers would cost every call of the
// fast path.
template <class Eval>
[[gnu::noinline, gnu::cold]] double ziv(Dtype dtype, Eval eval) noexcept {
  for (mpfr_prec_t p = 64;; p *= 2) {
    const Iv r = eval(p);
    const double lo = nearest(dtype, r.lo);
    const double hi = nearest(dtype, r.hi);
    if (lo == hi && lo != 0)
      return lo;
    if (lo == 0 && hi == 0) {
      if (mpfr_sgn(r.lo) >= 0 && mpfr_sgn(r.hi) > 0)
        return 0.0;
      if (mpfr_sgn(r.hi) <= 0 && mpfr_sgn(r.lo) < 0)
        return -0.0;
    }
    if (p >= max_precision)
      return lo;
  }
}

// An exact real held at a precision wide enough for it.
struct Exact {
  explicit Exact(double x) noexcept {
    mpfr_init2(v, wide);
    mpfr_set_d(v, x, MPFR_RNDN);
  }

  Exact(const Exact&) = delete;
  Exact& operator=(const Exact&) = delete;

  ~Exact() { mpfr_clear(v); }

  // Enough for a sum of two doubles (2^1024 + 2^-1074 spans 2098 bits) and
  // a product of such a sum and a double.
  static constexpr mpfr_prec_t wide = 2 * 2100 + 64;

  mpfr_t v;
};

// Return num / den correctly rounded to dtype (to nearest, ties to even),
// subnormals included.
double round_quotient(Dtype dtype, mpfr_srcptr num, mpfr_srcptr den) noexcept;

} // namespace relu::exact
