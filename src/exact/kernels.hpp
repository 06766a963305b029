// The fast path's kernels, which several groups of functions share: e^x,
// e^x - 1, ln(1 + m) and the logistic function in double-double arithmetic,
// each with its error bound, and the tables of 2^(j/128) and ln they read.
#pragma once

#include "double_double.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <mpfr.h>

namespace relu::exact {

// Return x as a double-double: x rounded to double, then the rest rounded.
// rest, which may be x itself, must have x's precision or more; it is
// overwritten. For the tables built with MPFR.
Dd to_dd(mpfr_srcptr x, mpfr_ptr rest) noexcept;

// Return the table of exp2_table(), computed with MPFR (kernels.cpp).
[[gnu::cold, gnu::noinline]] std::array<Dd, 128> build_exp2_table() noexcept;

// 2^(j/128) for j in [0, 128), to double-double precision. Built once with
// MPFR on first use (a function-local static: no mutable global). The
// builders of this table and the two others are cold and out of line, or
// the flattening in with_fused() would take them in too, doubling the size
// of its hot code. The accessor itself is inline, so that the fast path
// tests the static's guard without a call; an inline function's static is
// one object in the whole program, built once.
inline const std::array<Dd, 128>& exp2_table() noexcept {
  static const std::array<Dd, 128> table = build_exp2_table();
  return table;
}

// ln 2 / 128 as a double-double.
inline constexpr double ln2_128_hi = 0x1.62e42fefa39efp-8;
inline constexpr double ln2_128_lo = 0x1.abc9e3b39803fp-63;

// Where e^x is taken to be normal: |x| <= exp_max.
inline constexpr double exp_max = 708;

// e^r - 1 for |r| <= ln 2 / 256 (r = rh + rl), relative error below 2^-67:
// the Taylor series to r^7 (truncation below 2^-83 |r|), with r + r^2/2 in
// double-double and the terms from r^3 on in double, whose rounding errors
// stay below 5 * 2^-53 * |r|^3 / 6 < 2^-70 |r|. Always inlined: whether
// a kernel's inner parts inline must not depend on which file instantiates
// it, as the linker keeps any one file's copy of exp_fast<Dekker>.
template <class P>
[[gnu::always_inline]] inline Dd expm1_small(double rh, double rl) noexcept {
  // 1/n! for n = 3..7, each rounded to double.
  constexpr std::array<double, 5> c{1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720,
                                    1.0 / 5040};
  const Dd sq = P::two_prod(rh, rh);
  const Dd head = fast_two_sum(rh, 0.5 * sq.hi);
  const double cubic = sq.hi * rh * horner<P>(rh, c);
  const double tail = head.lo + rl + 0.5 * sq.lo + rh * rl + cubic;
  return fast_two_sum(head.hi, tail);
}

// e^(xh + xl) for |xh| <= exp_max, |xl| <= 2^-40 |xh|. Write x = k ln2/128
// + r, |r| <= ln2/256: k ln2_128_hi is exact (two_prod) and xh minus it is
// exact (Sterbenz), so r carries only the error of k ln2_128_lo (below
// 2^17 * 2^-115 < 2^-98 absolute) and the roundings of the small terms
// xl - k ln2_128_lo - (the low part of k ln2_128_hi), all below 2^-30.4:
// under 2^-82 absolute, relative in e^x. The sums of small terms are
// grouped to shorten the chain of dependent operations, not to gain
// accuracy. e^r - 1 is good to 2^-67 |r| <= 2^-75, the table to 2^-106,
// the final products to 2^-103: 2^-72 relative covers it all with margin.
// A subnormal low part costs at most 2^-1074 absolute.
template <class P> Approx<P> exp_fast(double xh, double xl) noexcept {
  // Round to an integer by adding and removing 1.5 * 2^52 (|k| < 2^18):
  // std::nearbyint is a library call on baseline x86-64.
  constexpr double round_shift = 0x1.8p52;
  const double k =
      P::mul_add(xh, 128 / 0x1.62e42fefa39efp-1, round_shift) - round_shift;
  const Dd kl = P::two_prod(k, ln2_128_hi);
  const Dd rr = two_sum(xh - kl.hi, (xl - k * ln2_128_lo) - kl.lo);
  const Dd p = expm1_small<P>(rr.hi, rr.lo);
  const auto ki = static_cast<std::int64_t>(k);
  const Dd t = exp2_table()[static_cast<std::size_t>(ki & 127)];
  const Dd q = P::two_prod(t.hi, p.hi);
  const Dd h = fast_two_sum(t.hi, q.hi);
  const Dd e =
      fast_two_sum(h.hi, h.lo + (q.lo + t.hi * p.lo + t.lo + t.lo * p.hi));
  const double scale =
      std::bit_cast<double>(static_cast<std::uint64_t>(1023 + (ki >> 7)) << 52);
  const double hi = e.hi * scale;
  return {hi, e.lo * scale, std::fabs(hi) * 0x1p-72 + 0x1p-1074};
}

// e^x - 1 for |xh| <= exp_max: below ln2/256 it is the series itself,
// relative error 2^-67; above, e^x - 1 from exp_fast (no cancellation worth
// a bit there: |e^x - 1| >= 2^-9).
template <class P> Approx<P> expm1_fast(double xh, double xl) noexcept {
  if (std::fabs(xh) < 0x1.6p-9) {
    const Dd p = expm1_small<P>(xh, xl);
    return {p.hi, p.lo, std::fabs(p.hi) * 0x1p-67};
  }
  return exp_fast<P>(xh, xl) - exactly(1);
}

// For c = 1 + j/128, j in [0, 128]: inv = 1/c rounded to double, and
// -ln(inv) (of that double, so the reduction below is exact) as a
// double-double. Built once with MPFR on first use, like exp2_table().
struct LogEntry {
  double inv;
  Dd neg_log;
};

// Return the table of log_table(), computed with MPFR (kernels.cpp).
[[gnu::cold, gnu::noinline]] std::array<LogEntry, 129>
build_log_table() noexcept;

// The table of LogEntry for j in [0, 128].
inline const std::array<LogEntry, 129>& log_table() noexcept {
  static const std::array<LogEntry, 129> table = build_log_table();
  return table;
}

// ln(1 + m) for an m in [0, 1]. With y = 1 + m and c = 1 + j/128 nearest
// to y, r = y inv - 1 is exact but for one rounding (two_prod, then
// Sterbenz) and |r| <= 2^-8 + 2^-52; ln y = -ln(inv) + ln(1 + r), the
// latter by its series to r^10 (truncation below 2^-80 |r|), with
// r - r^2/2 in double-double and the rest in double (rounding below
// 2^-68 |r|): 2^-66 |r| covers it. The table adds 2^-106 relative, and the
// error of m passes through with slope 1/(1 + m) <= 1.
template <class P> Approx<P> log1p_fast(const Approx<P>& m) noexcept {
  // y = y.hi + y.lo + m.lo: folding m.lo into y.lo would lose it when m is
  // tiny (then y.lo is m.hi and r must be m itself).
  const Dd y = fast_two_sum(1, m.hi);
  const auto j = static_cast<std::size_t>((y.hi - 1) * 128 + 0.5);
  const LogEntry& e = log_table()[j];
  const Dd p = P::two_prod(y.hi, e.inv);
  const Dd r0 = two_sum(p.hi - 1, p.lo + y.lo * e.inv);
  // Normalized, so that the series may drop r^2 r.lo.
  const Dd r = fast_two_sum(r0.hi, r0.lo + m.lo * e.inv);
  // Rounding p.lo + y.lo inv costs up to 2^-105 absolute, which is not
  // relative to a small r; for j = 0 (inv = 1) nothing is rounded.
  const double reduction_err = j == 0 ? 0 : 0x1p-103;
  const Dd sq = P::two_prod(r.hi, r.hi);
  const Dd head = fast_two_sum(r.hi, -0.5 * sq.hi);
  const double rh = r.hi;
  // (-1)^(n+1) / n for n = 3..10, each rounded to double.
  constexpr std::array<double, 8> c{1.0 / 3, -1.0 / 4, 1.0 / 5, -1.0 / 6,
                                    1.0 / 7, -1.0 / 8, 1.0 / 9, -1.0 / 10};
  const double cubic = sq.hi * rh * horner<P>(rh, c);
  const double tail = head.lo + r.lo - 0.5 * sq.lo - rh * r.lo + cubic;
  const Dd series = fast_two_sum(head.hi, tail);
  const Approx<P> sum =
      Approx<P>{e.neg_log.hi, e.neg_log.lo,
                std::fabs(e.neg_log.hi) * 0x1p-106} +
      Approx<P>{series.hi, series.lo, std::fabs(rh) * 0x1p-66 + reduction_err};
  return {sum.hi, sum.lo, sum.err + m.err};
}

// 1 / (1 + e^-z) for z = zh + zl, |zh| <= exp_max, from m = e^-|z| so
// nothing overflows.
template <class P> Approx<P> sigmoid_fast(double zh, double zl = 0) noexcept {
  const Approx<P> m = zh >= 0 ? exp_fast<P>(-zh, -zl) : exp_fast<P>(zh, zl);
  const Approx<P> one = exactly(1);
  return zh >= 0 ? one / (one + m) : m / (one + m);
}

// sigmoid(x) and sigmoid(-x) from one exponential.
template <class P> struct SigmoidPair { Approx<P> plus, minus; };

template <class P>
SigmoidPair<P> sigmoid_pair(double zh, double zl = 0) noexcept {
  const Approx<P> m = zh >= 0 ? exp_fast<P>(-zh, -zl) : exp_fast<P>(zh, zl);
  const Approx<P> inv = exactly(1) / (exactly(1) + m);
  const Approx<P> small = m * inv;
  return zh >= 0 ? SigmoidPair<P>{inv, small} : SigmoidPair<P>{small, inv};
}

} // namespace relu::exact
