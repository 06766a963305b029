// The fast path's arithmetic: double-doubles and their exact products (by
// FMA or by Dekker's splitting), Approx and its error bound, the rounding
// test decide(), and fast(), which runs a formula with FMA or without.
#pragma once

#include "dtype.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>

namespace relu::exact {

// The limits and the NaN that the functions return.
inline constexpr double inf = std::numeric_limits<double>::infinity();
inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// The fast path: double-double arithmetic with an absolute error bound
// carried along, and a rounding test; when the test cannot decide, the
// caller falls back to the Ziv loop (interval.hpp). It is compiled twice,
// once per way to an exact product (the policy P below), and run with the
// cheaper one that the processor has (see fast()).

// hi + lo, an unevaluated sum, |lo| <= ulp(hi).
struct Dd {
  double hi, lo;
};

// a + b exactly, as its rounding and the error of that (Knuth).
inline Dd two_sum(double a, double b) noexcept {
  const double s = a + b;
  const double bb = s - a;
  return {s, (a - (s - bb)) + (b - bb)};
}

// a + b as a rounded sum and its error, in fewer operations than
// two_sum(). Exact when |a| >= |b| or a == 0.
inline Dd fast_two_sum(double a, double b) noexcept {
  const double s = a + b;
  return {s, b - (s - a)};
}

// a = hi + lo, each of 26 significant bits or fewer, so that products of
// such halves are exact.
inline Dd split(double a) noexcept {
  constexpr double c = 0x1p27 + 1;
  const double t = c * a;
  const double hi = t - (t - a);
  return {hi, a - hi};
}

// a * b exactly (for |a|, |b| < 2^995 and a product far from underflow),
// by Dekker's splitting: std::fma is a slow library call on baseline x86-64.
inline Dd two_prod(double a, double b) noexcept {
  const double p = a * b;
  const Dd x = split(a);
  const Dd y = split(b);
  return {p, ((x.hi * y.hi - p) + x.hi * y.lo + x.lo * y.hi) + x.lo * y.lo};
}

// The two policies of the fast path. Where both products are exact (the
// range above) both return the same pair, p = RN(ab) and ab - p; a b + c
// is rounded twice by one and once by the other, and every bound below
// that counts roundings (each within u = 2^-53 of the value rounded) holds
// for either. Both thus decide only correctly rounded results.
struct Dekker {
  static Dd two_prod(double a, double b) noexcept {
    return exact::two_prod(a, b);
  }

  static double mul_add(double a, double b, double c) noexcept {
    return a * b + c;
  }
};

// One fused multiply-add, exact for the same range (ab - p is a double).
// Only run in code compiled for processors that have it (with_fused()),
// where it is one instruction.
struct Fused {
  static Dd two_prod(double a, double b) noexcept {
    const double p = a * b;
    return {p, __builtin_fma(a, b, -p)};
  }

  static double mul_add(double a, double b, double c) noexcept {
    return __builtin_fma(a, b, c);
  }
};

// The steps of horner() below, one fold expression.
template <class P, std::size_t N, std::size_t... I>
double horner(double x, const std::array<double, N>& c,
              std::index_sequence<I...>) noexcept {
  double p = c[N - 1];
  ((p = P::mul_add(x, p, c[N - 2 - I])), ...);
  return p;
}

// c[0] + x (c[1] + x (c[2] + ...)), by Horner's scheme (unrolled: a loop
// was left rolled).
template <class P, std::size_t N>
double horner(double x, const std::array<double, N>& c) noexcept {
  return horner<P>(x, c, std::make_index_sequence<N - 1>{});
}

// The relative rounding error of one double-double operation, with margin.
inline constexpr double dd_eps = 0x1p-100;

// A double-double approximation with a bound on its absolute error, whose
// products use the policy P.
template <class P> struct Approx {
  double hi, lo, err;

  friend Approx operator+(const Approx& a, const Approx& b) noexcept {
    const Dd s = two_sum(a.hi, b.hi);
    const Dd r = fast_two_sum(s.hi, s.lo + (a.lo + b.lo));
    return {r.hi, r.lo,
            a.err + b.err + (std::fabs(a.hi) + std::fabs(b.hi)) * dd_eps};
  }

  friend Approx operator-(const Approx& a) noexcept {
    return {-a.hi, -a.lo, a.err};
  }

  friend Approx operator-(const Approx& a, const Approx& b) noexcept {
    return a + -b;
  }

  friend Approx operator*(const Approx& a, const Approx& b) noexcept {
    const Dd p = P::two_prod(a.hi, b.hi);
    const Dd r = fast_two_sum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
    const double ma = std::fabs(a.hi), mb = std::fabs(b.hi);
    return {r.hi, r.lo,
            ma * b.err + mb * a.err + a.err * b.err + std::fabs(r.hi) * dd_eps};
  }

  // Approx{a, 0, 0} * b with the terms of a's zero low part and error left
  // out: the same result and bound, in fewer operations.
  friend Approx operator*(double a, const Approx& b) noexcept {
    const Dd p = P::two_prod(a, b.hi);
    const Dd r = fast_two_sum(p.hi, p.lo + a * b.lo);
    return {r.hi, r.lo, std::fabs(a) * b.err + std::fabs(r.hi) * dd_eps};
  }

  // a / b for a b whose error is at most 2^-45 |b| (else never decided).
  // One division: q = a.hi / b.hi need not be correctly rounded, as the
  // remainder a - q b is computed exactly (two_prod, then Sterbenz).
  friend Approx operator/(const Approx& a, const Approx& b) noexcept {
    const double inv = 1 / b.hi;
    const double q = a.hi * inv;
    const Dd p = P::two_prod(q, b.hi);
    const double rem = ((a.hi - p.hi) - p.lo) + (a.lo - q * b.lo);
    const Dd r = fast_two_sum(q, rem * inv);
    const double mi = std::fabs(inv);
    if (!(b.err <= std::fabs(b.hi) * 0x1p-45))
      return {r.hi, r.lo, inf};
    return {r.hi, r.lo,
            (a.err + std::fabs(q) * b.err) * mi * (1 + 0x1p-40) +
                std::fabs(q) * dd_eps};
  }
};

// A constant or an exact value, which takes part in the arithmetic of
// either policy.
struct Bounded {
  double hi, lo, err;

  template <class P> constexpr operator Approx<P>() const noexcept {
    return {hi, lo, err};
  }
};

// x itself, with no error.
constexpr Bounded exactly(double x) noexcept { return {x, 0, 0}; }

// a + b exactly.
inline Bounded sum(double a, double b) noexcept {
  const Dd s = two_sum(a, b);
  return {s.hi, s.lo, 0};
}

// An Approx that decide() never accepts.
inline constexpr Bounded undecided{0, 0, inf};

// Results below this magnitude are left to the slow path: near the
// subnormal range the low parts of double-doubles lose bits.
inline constexpr double fast_min = 0x1p-960;

// Whether every real within a.err of a.hi + a.lo rounds to the same value
// of dtype; if so, store it in out. The error is widened to cover the
// rounding of the two sums below, so that down and up are the doubles
// nearest to reals below and above every value within the bound; rounding
// is monotone, so two ends that round alike decide every value between.
// In a narrower dtype a double that is not one of its ties rounds as the
// reals nearest to it do (dtype.hpp). So the test rounds the doubles next
// to down and up, outward: they round alike only if no tie lies between
// them, and then down and up are no ties and round alike too. Both ends
// have one sign, so that a zero's sign is decided as well.
template <class P>
bool decide(const Approx<P>& a, Dtype dtype, double& out) noexcept {
  const double e = a.err * (1 + 0x1p-20) + std::fabs(a.hi) * 0x1p-100;
  const double down = a.hi + (a.lo - e);
  const double up = a.hi + (a.lo + e);
  if (dtype == Dtype::float64) {
    if (down != up || !(std::fabs(down) >= fast_min) || std::isinf(down))
      return false;
    out = down;
    return true;
  }
  if (!(std::fabs(down) >= fast_min) || std::isinf(down) || std::isinf(up) ||
      std::signbit(down) != std::signbit(up))
    return false;
  const bool negative = down < 0;
  const auto step = [](double x, std::int64_t by) {
    return std::bit_cast<double>(std::bit_cast<std::int64_t>(x) + by);
  };
  out = round_to(dtype, step(negative ? up : down, -1)); // toward 0
  return out == round_to(dtype, step(negative ? down : up, 1));
}

#if defined(__x86_64__) || defined(__i386__)
// decide(f(Fused{}), dtype, out), compiled for processors with FMA. Flattened
// so that the whole fast path is inlined into it: a Fused::two_prod left out of
// line would be compiled for baseline x86-64, a call to fma(). (clang 14
// flattens one level only: its build, the fuzz target's, stays right but calls
// fma().) It inlines only what its translation unit sees, which is why every
// kernel of the fast path is a template on P in a header.
template <class F>
[[gnu::target("fma"), gnu::flatten]] bool with_fused(Dtype dtype, const F& f,
                                                     double& out) noexcept {
  return decide(f(Fused{}), dtype, out);
}
#else
// decide(f(Fused{}), dtype, out), run only where the target's baseline
// has FMA.
template <class F>
bool with_fused(Dtype dtype, const F& f, double& out) noexcept {
  return decide(f(Fused{}), dtype, out);
}
#endif

// Whether the fast path uses fused multiply-adds: where the processor has
// them, unless the environment says RELU_FMA=off (to test Dekker's products
// on any machine).
bool fused() noexcept;

// Whether the fast path f, a generic callable taking the policy, decides
// the result in dtype; if so, store it in out.
template <class F> bool fast(Dtype dtype, const F& f, double& out) noexcept {
  return fused() ? with_fused(dtype, f, out) : decide(f(Dekker{}), dtype, out);
}

} // namespace relu::exact
