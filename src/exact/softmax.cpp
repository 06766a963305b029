// softmax, softmin and log_softmax over a row, and their derivatives: the
// row's special values, the sum of its exponentials in double-double with
// an error bound, that sum again from a more accurate exponential for a row
// the fast path leaves outputs in, and its MPFR enclosure, once per
// precision, for what both leave undecided.
#include "exact/softmax.hpp"

#include "double_double.hpp"
#include "interval.hpp"
#include "kernels.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <mpfr.h>

namespace relu {

using namespace exact;

namespace {

// The formula; softmin is softmax of -x, its derivative negated.
enum class Kind : std::uint8_t {
  softmax,
  softmax_grad,
  log_softmax,
  log_softmax_grad
};

// A row whose special values are settled, with at least two distinct
// finite elements: element j is sign * x[j] (exact), max the largest
// finite one, top the first index of it, finite the count of elements that
// are not -inf.
struct Row {
  std::span<const double> x;
  double sign;
  double max;
  std::size_t top;
  std::size_t finite;

  double value(std::size_t j) const noexcept { return sign * x[j]; }
};

// The output of kind where softmax is exactly y, 0 or 1 (a -inf element,
// a limit): +0 for y (1 - y), which softmin_grad negates.
double at_limit(Kind kind, double y) noexcept {
  switch (kind) {
  case Kind::softmax:
    return y;
  case Kind::softmax_grad:
    return y * (1 - y);
  case Kind::log_softmax:
    return y == 1 ? 0 : -inf;
  case Kind::log_softmax_grad:
    return 1 - y;
  }
  return nan;
}

// Half the smallest subnormal of dtype: an exact value of smaller
// magnitude rounds to zero. For float64 that is 2^-1075, below every
// double but 0, so a test against this bound (below_term in fast_row())
// never passes there.
double half_min(Dtype dtype) noexcept {
  switch (dtype) {
  case Dtype::float64:
    return 0;
  case Dtype::float32:
    return 0x1p-150;
  case Dtype::bfloat16:
    return 0x1p-134;
  case Dtype::float16:
    return 0x1p-25;
  }
  return 0;
}

// A d with e^d below half_min(dtype): e^-746 < 2^-1076.2,
// e^-104.5 < 2^-150.7, e^-93.5 < 2^-134.8, e^-17.5 < 2^-25.2.
double zero_below(Dtype dtype) noexcept {
  switch (dtype) {
  case Dtype::float64:
    return -746;
  case Dtype::float32:
    return -104.5;
  case Dtype::bfloat16:
    return -93.5;
  case Dtype::float16:
    return -17.5;
  }
  return -inf;
}

// The largest element but the one at top (which may equal it).
double second(const Row& row) noexcept {
  double s = -inf;
  for (std::size_t j = 0; j < row.x.size(); ++j)
    if (j != row.top)
      s = std::max(s, row.value(j));
  return s;
}

// Whether T = sum_(j != top) e^(x_j - M) < half_min(dtype), from its
// largest term: T <= (finite - 1) e^d2, d2 = second - M. d2 is rounded
// (RN keeps it within 2^-53 |d2|, which the factor covers; -inf past
// the range) and ln(finite) too (1 covers it). Out of line: called on the
// rare element the fast path leaves, never in the hot loop.
[[gnu::noinline, gnu::cold]] bool tail_below(const Row& row,
                                             Dtype dtype) noexcept {
  const double d2 = second(row) - row.max;
  return d2 * (1 - 0x1p-50) + std::log(static_cast<double>(row.finite)) + 1 <
         zero_below(dtype);
}

// The terms summed by Sum2 (Ogita, Rump and Oishi: the rounded sum in hi,
// the errors of its additions in lo) before the block joins the total.
constexpr std::size_t block = 64;

// T = sum_(j != top) e^(x_j - M) on the fast path, with e^(x_j - M) stored
// as hi[j] + lo[j] for every j, or hi[j] = 0 and lo[j] = x_j - M rounded
// where that is below -exp_max (-inf for a -inf element, or past the
// range). The bound:
//  - each exponential is within hi 2^-75 + 2^-1074: exp_fast() claims
//    2^-72, with margin, over parts that its comment bounds as 2^-82 (the
//    reduction), 2^-75.5 / e^r <= 2^-75.49 (e^r - 1), 2^-106 (the table)
//    and 2^-103 (the products), which sum below 2^-75.3; the his sum to
//    T.hi within 2^-40, so 2^-75 (1 + 2^-30) T.hi + n 2^-1074;
//  - a term left out is below e^-708 < 2^-1021;
//  - Sum2 over m = 64 terms of one sign, its lo part adding 2m values each
//    below (m + 1) 2^-53 of the block's sum, is within
//    2 m (m + 1) 2^-106 < 2^-92.9 of it;
//  - adding a normalized block to the normalized total costs what
//    Approx's sum does, (|a| + |b|) dd_eps.
template <class P>
Approx<P> tail_fast(const Row& row, std::span<double> hi,
                    std::span<double> lo) noexcept {
  const std::size_t n = row.x.size();
  const double neg_max = -row.max;
  double th = 0, tl = 0, err = 0, skipped = 0;
  for (std::size_t start = 0; start < n; start += block) {
    const std::size_t end = std::min(n, start + block);
    double bh = 0, bl = 0;
    for (std::size_t j = start; j < end; ++j) {
      const double v = row.value(j);
      const Dd d = two_sum(v, neg_max);
      if (!(d.hi >= -exp_max)) {
        hi[j] = 0;
        lo[j] = d.hi;
        skipped += v != -inf;
        continue;
      }
      const Approx<P> e = exp_fast<P>(d.hi, d.lo);
      hi[j] = e.hi;
      lo[j] = e.lo;
      if (j == row.top)
        continue;
      const Dd s = two_sum(bh, e.hi);
      bh = s.hi;
      bl += s.lo + e.lo;
    }
    const Dd b = fast_two_sum(bh, bl);
    const Dd s = two_sum(th, b.hi);
    const Dd r = fast_two_sum(s.hi, s.lo + (tl + b.lo));
    err += bh * 0x1p-92 + (th + b.hi) * dd_eps;
    th = r.hi;
    tl = r.lo;
  }
  err += th * 0x1.00001p-75 + static_cast<double>(n) * 0x1p-1074 +
         skipped * 0x1p-1021;
  return {th, tl, err};
}

// ln 2 as a double-double, within 2^-106.
inline constexpr Bounded ln2{0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56,
                             0x1p-106};

// ln(1 + T): log1p_fast(T) itself below 1, where T may be tiny; above, with
// 1 + T = 2^k (1 + m), k ln 2 + log1p_fast(m), m in [0, 1) (or a hair
// below 0 when 1 + T rounds to 2^k from above, which the kernel's series
// takes as it does a tiny positive m). Scaling by 2^-k and subtracting 1
// from a value in [1, 2) are exact.
template <class P> Approx<P> log_sum(const Approx<P>& t) noexcept {
  if (t.hi < 1)
    return log1p_fast(t);
  const Approx<P> s = exactly(1) + t;
  const int k = std::ilogb(s.hi);
  const double scale = std::ldexp(1.0, -k);
  const Dd m = fast_two_sum(s.hi * scale - 1, s.lo * scale);
  return static_cast<double>(k) * Approx<P>(ln2) +
         log1p_fast(Approx<P>{m.hi, m.lo, s.err * scale});
}

// e^(x_j - M) as tail_fast() stored it, with its bound (see there); a
// term left out is below 2^-1021.
template <class P> Approx<P> term(double hi, double lo) noexcept {
  if (hi == 0)
    return {0, 0, 0x1p-1021};
  return {hi, lo, hi * 0x1p-75 + 0x1p-1074};
}

// Decide every output on the fast path from value(i, hi, lo), the exact
// value's approximation with hi and lo as tail_fast() stored them in out
// and lo. What decide() declines is +-0 if tiny(i, hi, lo) proves that it
// rounds to zero, else marked NaN for the slow path. Return how many are.
template <class P, class Value, class Tiny>
std::size_t decide_each(Kind kind, bool negate, Dtype dtype,
                        std::span<double> out, std::span<const double> lo,
                        const Value& value, const Tiny& tiny) noexcept {
  const double limit = at_limit(kind, 0);
  const double zero = kind == Kind::log_softmax || negate ? -0.0 : 0.0;
  std::size_t undecided = 0;
  for (std::size_t i = 0; i < lo.size(); ++i) {
    const double h = out[i], l = lo[i];
    if (h == 0 && l == -inf) {
      // e^(x_i - M) = 0, or below e^-(2^1024).
      out[i] = negate ? -limit : limit;
      continue;
    }
    const Approx<P> a = value(i, h, l);
    if (double y; decide(negate ? -a : a, dtype, y))
      out[i] = y;
    else if (tiny(i, h, l))
      out[i] = zero;
    else {
      out[i] = nan;
      ++undecided;
    }
  }
  return undecided;
}

// The fast path over a row: T, then every output from it, as the slow
// path computes them (slow_value()), each with its bound. out holds the
// exponentials until their outputs replace them; scratch their low parts.
// Return how many outputs are left undecided (marked NaN).
template <class P>
std::size_t fast_row(const Row& row, Kind kind, bool negate, Dtype dtype,
                     std::span<double> out, std::span<double> lo) noexcept {
  const Approx<P> t = tail_fast<P>(row, out, lo);
  const Approx<P> one = exactly(1);
  const Approx<P> s = one + t;
  const std::size_t top = row.top;
  const double hm = half_min(dtype), zb = zero_below(dtype);
  // softmax and its derivative are below e^(x_i - M) <= hi (1 + 2^-52) +
  // 2^-1074 (exp_fast's result is normalized); at top the derivatives are
  // below T.
  const auto below_term = [&](std::size_t i, double h, double l) {
    if (i == top)
      return kind != Kind::softmax && tail_below(row, dtype);
    return h == 0 ? l < zb : h * (1 + 0x1p-50) + 0x1p-1074 < hm;
  };
  const auto at_top = [&](std::size_t i, double, double) {
    return i == top && tail_below(row, dtype);
  };
  switch (kind) {
  case Kind::softmax:
    return decide_each<P>(
        kind, negate, dtype, out, lo,
        [&](std::size_t i, double h, double l) {
          return (i == top ? one : term<P>(h, l)) / s;
        },
        below_term);
  case Kind::softmax_grad: {
    // y (1 - y) = e (S - e) / S^2, and T / S^2 at top: S - e >= 1.
    const Approx<P> ss = s * s;
    return decide_each<P>(
        kind, negate, dtype, out, lo,
        [&](std::size_t i, double h, double l) {
          if (i == top)
            return t / ss;
          const Approx<P> e = term<P>(h, l);
          return e * (s - e) / ss;
        },
        below_term);
  }
  case Kind::log_softmax: {
    // (x_i - M) - ln S: two terms of one sign, so only the top one, -ln S
    // itself, may be tiny.
    const Approx<P> ln_s = log_sum(t);
    return decide_each<P>(
        kind, negate, dtype, out, lo,
        [&](std::size_t i, double, double) {
          if (i == top)
            return -ln_s;
          const Dd d = two_sum(row.value(i), -row.max);
          return Approx<P>{d.hi, d.lo, 0} - ln_s;
        },
        at_top);
  }
  case Kind::log_softmax_grad:
    // 1 - y = (S - e) / S, and T / S at top.
    return decide_each<P>(
        kind, negate, dtype, out, lo,
        [&](std::size_t i, double h, double l) {
          return (i == top ? t : s - term<P>(h, l)) / s;
        },
        at_top);
  }
  return 0;
}

#if defined(__x86_64__) || defined(__i386__)
// fast_row<Fused>, compiled for processors with FMA and flattened, as
// with_fused() is (double_double.hpp).
[[gnu::target("fma"), gnu::flatten]] std::size_t
fast_row_fused(const Row& row, Kind kind, bool negate, Dtype dtype,
               std::span<double> out, std::span<double> lo) noexcept {
  return fast_row<Fused>(row, kind, negate, dtype, out, lo);
}
#else
std::size_t fast_row_fused(const Row& row, Kind kind, bool negate, Dtype dtype,
                           std::span<double> out,
                           std::span<double> lo) noexcept {
  return fast_row<Fused>(row, kind, negate, dtype, out, lo);
}
#endif

// 1/n! for n = 2..4 as double-doubles, each within 2^-106 of it.
inline constexpr std::array<Bounded, 3> inverse_factorials{{
    {0x1p-1, 0, 0},
    {0x1.5555555555555p-3, 0x1.5555555555555p-57, 0x1p-107},
    {0x1.5555555555555p-5, 0x1.5555555555555p-59, 0x1p-109},
}};

// The third part of ln 2 / 128, after ln2_128_hi and ln2_128_lo (the
// three within 2^-170 of it).
inline constexpr double ln2_128_lo2 = 0x1.7b57a079a1934p-118;

// e^(xh + xl) for |xh| <= exp_max, |xl| <= 2^-40 |xh|, to some 2^-97
// relative, for the rows the fast path leaves outputs in: the reduction of
// exp_fast() with ln 2 / 128 in three parts and every step in Approx
// arithmetic, which carries its own bound. x - k ln2/128: k L1 and k L2 are
// exact (two_prod), xh - k L1 too (Sterbenz, as in exp_fast), k L3 within
// 2^-52 of itself; |r| <= 2^-8.5. e^r by its series to r^9, whose
// truncation is below |r|^10 / 10! (1 + 2^-7) < 2^-107: the terms from
// r^5 on as r^5 p(r), p = 1/5! + r/6! + ... + r^4/9! in double (five
// rounded coefficients and roundings, and r's low part left out: within
// 2^-49 |p|, which r^5 < 2^-42.5 brings below 2^-98.6 absolute), the rest
// in Approx Horner; the table's 2^(j/128) within 2^-105 of itself
// (kernels.hpp); scaling by 2^(k >> 7) is exact but for a subnormal low
// part (2^-1074).
// e^x as m 2^e, m in [1/2, 2] or so: the unscaled result of
// exp_accurate(), which reaches x = -746 this way (e >= -1078).
template <class P> struct Scaled {
  Approx<P> m;
  std::int64_t e;
};

template <class P> Scaled<P> exp_parts(double xh, double xl) noexcept {
  constexpr double round_shift = 0x1.8p52;
  const double k =
      P::mul_add(xh, 128 / 0x1.62e42fefa39efp-1, round_shift) - round_shift;
  const Dd a = P::two_prod(k, ln2_128_hi);
  const Dd b = P::two_prod(k, ln2_128_lo);
  const double c = k * ln2_128_lo2;
  const auto point = [](double v) { return Approx<P>{v, 0, 0}; };
  const Approx<P> small = point(xl) - point(a.lo) - point(b.hi) - point(b.lo) -
                          Approx<P>{c, 0, std::fabs(c) * 0x1p-52};
  const Approx<P> r = point(xh - a.hi) + small;
  const Approx<P> one = point(1);
  constexpr std::array<double, 5> tail{1.0 / 120, 1.0 / 720, 1.0 / 5040,
                                       1.0 / 40320, 1.0 / 362880};
  const double p = horner<P>(r.hi, tail);
  Approx<P> q{p, 0, std::fabs(p) * 0x1p-49};
  for (std::size_t n = inverse_factorials.size(); n-- > 0;)
    q = q * r + Approx<P>(inverse_factorials[n]);
  q = q * r + one;
  q = q * r + one;
  q.err += 0x1p-107;
  const auto ki = static_cast<std::int64_t>(k);
  const Dd t = exp2_table()[static_cast<std::size_t>(ki & 127)];
  return {Approx<P>{t.hi, t.lo, t.hi * 0x1p-105} * q, ki >> 7};
}

// 2^e for e in the normal range.
double power_of_two(std::int64_t e) noexcept {
  return std::bit_cast<double>(static_cast<std::uint64_t>(1023 + e) << 52);
}

template <class P> Approx<P> exp_accurate(double xh, double xl) noexcept {
  const Scaled<P> s = exp_parts<P>(xh, xl);
  const double scale = power_of_two(s.e);
  return {s.m.hi * scale, s.m.lo * scale, s.m.err * scale + 0x1p-1074};
}

// Whether every real within a.err of (a.hi + a.lo) 2^e, positive, rounds
// to the same double (e in [-1078, -265]: the range below 2^-960, which
// decide() leaves); if so, store it in out. down and up are as in
// decide(). A result of 2^-1022 or more has the double's precision at any
// scale: down == up decides it, and scaling back is exact. Below 2^-1021
// the doubles are the multiples of 2^-1074: scaled by 2^(e + 1074) (exact)
// the value is H + L within R, below 2^53, and it rounds to the integer n
// nearest to H + L if |(H - n) + L| + R stays below 1/2 (H - n is exact,
// the sum and the step of n within 2^-52).
template <class P>
bool decide_scaled(const Approx<P>& a, std::int64_t e, double& out) noexcept {
  const double err = a.err * (1 + 0x1p-20) + std::fabs(a.hi) * 0x1p-100;
  const double down = a.hi + (a.lo - err);
  const double up = a.hi + (a.lo + err);
  if (!(down > 0x1p-60) || !(up < 4))
    return false;
  if (const double r = down * power_of_two(e + 600) * 0x1p-600;
      down == up && r >= 0x1p-1022) {
    out = r;
    return true;
  }
  const double q = power_of_two(e + 1074);
  const double h = a.hi * q, l = a.lo * q, radius = err * q;
  if (!(h + l + radius < 0x1p53))
    return false;
  double n = std::nearbyint(h);
  double f = (h - n) + l;
  if (std::fabs(f) > 0.5) { // h a half-integer, l past it
    n += f > 0 ? 1 : -1;
    f -= f > 0 ? 1 : -1;
  }
  if (!(std::fabs(f) + radius + 0x1p-50 < 0.5))
    return false;
  out = n * 0x1p-1074;
  return true;
}

// The second tier, for a row the fast path left outputs in (marked NaN in
// out): T again from exp_accurate(), summed in Approx arithmetic (n
// additions, each within (|a| + |b|) 2^-100: n 2^-100 T at most), and each
// output left decided from it as fast_row() does. Not for log_softmax,
// whose ln S (log1p_fast, 2^-66) this would not sharpen. Return how many
// are left.
template <class P>
std::size_t accurate_row(const Row& row, Kind kind, bool negate, Dtype dtype,
                         std::span<double> out) noexcept {
  const std::size_t n = row.x.size();
  const auto exp_at = [&](std::size_t j) {
    const Dd d = two_sum(row.value(j), -row.max);
    return d.hi >= -exp_max ? exp_accurate<P>(d.hi, d.lo)
                            : Approx<P>{0, 0, d.hi == -inf ? 0 : 0x1p-1021};
  };
  const Approx<P> one = exactly(1);
  Approx<P> t = exactly(0);
  for (std::size_t j = 0; j < n; ++j)
    if (j != row.top)
      t = t + exp_at(j);
  const Approx<P> s = one + t;
  const Approx<P> ss = s * s;
  std::size_t left = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isnan(out[i]))
      continue;
    Approx<P> a = exactly(0);
    if (i == row.top) {
      a = kind == Kind::softmax        ? one / s
          : kind == Kind::softmax_grad ? t / ss
                                       : t / s;
    } else {
      const Approx<P> e = exp_at(i);
      a = kind == Kind::softmax        ? e / s
          : kind == Kind::softmax_grad ? e * (s - e) / ss
                                       : (s - e) / s;
    }
    if (double y; decide(negate ? -a : a, dtype, y)) {
      out[i] = y;
      continue;
    }
    // softmax and its derivative below e^-600 (which d < -600 covers,
    // within 2^-52 |d|): subnormal in float64, decided at scale.
    const Dd d = two_sum(row.value(i), -row.max);
    if (dtype == Dtype::float64 && kind != Kind::log_softmax_grad &&
        i != row.top && d.hi < -600 && d.hi >= -746) {
      const Scaled<P> ep = exp_parts<P>(d.hi, d.lo);
      const Approx<P> m =
          kind == Kind::softmax ? ep.m / s : ep.m * (s - exp_at(i)) / ss;
      if (double y; decide_scaled(m, ep.e, y)) {
        out[i] = negate ? -y : y;
        continue;
      }
    }
    ++left;
  }
  return left;
}

#if defined(__x86_64__) || defined(__i386__)
// accurate_row<Fused>, compiled as fast_row_fused() is.
[[gnu::target("fma"), gnu::flatten]] std::size_t
accurate_row_fused(const Row& row, Kind kind, bool negate, Dtype dtype,
                   std::span<double> out) noexcept {
  return accurate_row<Fused>(row, kind, negate, dtype, out);
}
#else
std::size_t accurate_row_fused(const Row& row, Kind kind, bool negate,
                               Dtype dtype, std::span<double> out) noexcept {
  return accurate_row<Fused>(row, kind, negate, dtype, out);
}
#endif

// An enclosure of T at precision p: the exponentials of every element but
// top's and the -inf ones, each end rounded outward, but those whose
// x_j - M, rounded, lies below cut, each of which counts as [0, e^cut]
// (RN is monotone and cut a double, so x_j - M < cut). cut lies
// p + 64 + log2 n bits below T's largest term, so that what is left out
// is far below T's last bit: any cut gives an enclosure, this one a narrow
// one.
Iv tail_enclosure(const Row& row, mpfr_prec_t p, double largest) noexcept {
  const std::size_t n = row.x.size();
  const double bits =
      static_cast<double>(p) + 64 + static_cast<double>(std::bit_width(n));
  const double cut = (largest - row.max) - bits * 0x1.62e42fefa39efp-1;
  Iv t(p);
  mpfr_set_zero(t.lo, 1);
  mpfr_set_zero(t.hi, 1);
  mpfr_t d, e;
  mpfr_init2(d, p);
  mpfr_init2(e, p);
  double left_out = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const double v = row.value(j);
    if (j == row.top || v == -inf)
      continue;
    if (v - row.max < cut) {
      ++left_out;
      continue;
    }
    mpfr_set_d(d, v, MPFR_RNDN);
    mpfr_sub_d(d, d, row.max, MPFR_RNDD);
    mpfr_exp(e, d, MPFR_RNDD);
    mpfr_add(t.lo, t.lo, e, MPFR_RNDD);
    mpfr_set_d(d, v, MPFR_RNDN);
    mpfr_sub_d(d, d, row.max, MPFR_RNDU);
    mpfr_exp(e, d, MPFR_RNDU);
    mpfr_add(t.hi, t.hi, e, MPFR_RNDU);
  }
  if (left_out > 0) {
    mpfr_set_d(d, cut, MPFR_RNDN);
    mpfr_exp(e, d, MPFR_RNDU);
    mpfr_mul_d(e, e, left_out, MPFR_RNDU);
    mpfr_add(t.hi, t.hi, e, MPFR_RNDU);
  }
  mpfr_clear(d);
  mpfr_clear(e);
  return t;
}

// The enclosures that every output at one precision shares.
struct Shared {
  Iv t, s, ss, ln_s;
};

// The shared parts for T enclosed in [lo, hi].
Shared shared(Kind kind, mpfr_srcptr lo, mpfr_srcptr hi) noexcept {
  Iv t(mpfr_get_prec(lo));
  mpfr_set(t.lo, lo, MPFR_RNDD);
  mpfr_set(t.hi, hi, MPFR_RNDU);
  Iv s = 1.0 + t;
  Iv ss = s * s;
  Iv ln_s = kind == Kind::log_softmax ? log1p(t) : Iv(t.prec());
  return {std::move(t), std::move(s), std::move(ss), std::move(ln_s)};
}

// An enclosure of output i at t's precision, by the formulas of
// fast_row().
Iv slow_value(const Row& row, Kind kind, std::size_t i,
              const Shared& sh) noexcept {
  if (i == row.top) {
    switch (kind) {
    case Kind::softmax:
      return 1.0 / sh.s;
    case Kind::softmax_grad:
      return sh.t / sh.ss;
    case Kind::log_softmax:
      return -sh.ln_s;
    case Kind::log_softmax_grad:
      return sh.t / sh.s;
    }
  }
  Iv d(sh.t.prec());
  mpfr_set_d(d.lo, row.value(i), MPFR_RNDN);
  mpfr_set_d(d.hi, row.value(i), MPFR_RNDN);
  mpfr_sub_d(d.lo, d.lo, row.max, MPFR_RNDD);
  mpfr_sub_d(d.hi, d.hi, row.max, MPFR_RNDU);
  if (kind == Kind::log_softmax)
    return d - sh.ln_s;
  const Iv e = exp(d);
  if (kind == Kind::softmax)
    return e / sh.s;
  if (kind == Kind::softmax_grad)
    return e * (sh.s - e) / sh.ss;
  return (sh.s - e) / sh.s;
}

// The rounding in dtype of the reals just below v, an MPFR number: of v's
// neighbour below at 64 more bits. No tie of dtype lies strictly between
// the two, as every tie (54 bits or fewer) at v's exponent is a number of
// that precision.
double nearest_below(Dtype dtype, mpfr_srcptr v) noexcept {
  mpfr_t b;
  mpfr_init2(b, mpfr_get_prec(v) + 64);
  mpfr_set(b, v, MPFR_RNDN);
  mpfr_nextbelow(b);
  const double d = nearest(dtype, b);
  mpfr_clear(b);
  return d;
}

// The rounding in dtype of the reals just above v, as nearest_below().
double nearest_above(Dtype dtype, mpfr_srcptr v) noexcept {
  mpfr_t a;
  mpfr_init2(a, mpfr_get_prec(v) + 64);
  mpfr_set(a, v, MPFR_RNDN);
  mpfr_nextabove(a);
  const double d = nearest(dtype, a);
  mpfr_clear(a);
  return d;
}

// How an output moves as T grows: T's enclosure is [T_lo, T_hi] with
// T > T_lo strictly, as the row has an element below its maximum, whose
// term e^(x_j - M) is transcendental (rounded down) or bounded below by 0.
// A monotone output is enclosed from its values at T_lo and T_hi, which
// its formula's repeated S no longer widens, and the exact value cannot
// reach its value at T_lo. That settles a tie of the dtype which only a
// term too small for any precision breaks (511/512 in bfloat16 for 512
// equal elements and one far below them).
enum class Trend : std::uint8_t { falls, rises, unknown };

Trend trend(const Row& row, Kind kind, std::size_t i, const Iv& t,
            bool negate) noexcept {
  Trend trend = Trend::falls; // softmax and log_softmax
  if (kind == Kind::log_softmax_grad) {
    trend = Trend::rises; // 1 - e/(1 + T)
  } else if (kind == Kind::softmax_grad && i == row.top) {
    // y (1 - y) with y = 1/(1 + T) rises with y below 1/2, so falls as T
    // grows past 1; the other way below 1.
    trend = mpfr_cmp_ui(t.lo, 1) > 0   ? Trend::falls
            : mpfr_cmp_ui(t.hi, 1) < 0 ? Trend::rises
                                       : Trend::unknown;
  } // elsewhere softmax_grad's y = e/(1 + T) < 1/2: y (1 - y) falls
  if (!negate || trend == Trend::unknown)
    return trend;
  return trend == Trend::falls ? Trend::rises : Trend::falls;
}

// Whether both ends of r round alike in dtype, as ziv() tests them; if so,
// or past max_precision, store the rounding in out. An output that rises
// with T cannot reach r.lo, one that falls cannot reach r.hi: that end
// stands for the reals just inside it.
bool settle(Dtype dtype, const Iv& r, Trend trend, double& out) noexcept {
  const double lo =
      trend == Trend::rises ? nearest_above(dtype, r.lo) : nearest(dtype, r.lo);
  const double hi =
      trend == Trend::falls ? nearest_below(dtype, r.hi) : nearest(dtype, r.hi);
  if (lo == hi && lo != 0) {
    out = lo;
    return true;
  }
  if (lo == 0 && hi == 0) {
    if (mpfr_sgn(r.lo) >= 0 && mpfr_sgn(r.hi) > 0) {
      out = 0.0;
      return true;
    }
    if (mpfr_sgn(r.hi) <= 0 && mpfr_sgn(r.lo) < 0) {
      out = -0.0;
      return true;
    }
  }
  if (r.prec() >= max_precision) {
    out = lo;
    return true;
  }
  return false;
}

// The slow path for the outputs marked NaN: a Ziv loop over the whole row,
// from 128 bits (the fast path had some 70), T enclosed once per precision
// for every output left.
[[gnu::noinline, gnu::cold]] void slow_row(const Row& row, Kind kind,
                                           bool negate, Dtype dtype,
                                           std::span<double> out) noexcept {
  const double largest = second(row);
  for (mpfr_prec_t p = 128;; p *= 2) {
    const Iv t = tail_enclosure(row, p, largest);
    const Shared whole = shared(kind, t.lo, t.hi);
    const Shared at_lo = shared(kind, t.lo, t.lo);
    const Shared at_hi = shared(kind, t.hi, t.hi);
    bool left = false;
    for (std::size_t i = 0; i < row.x.size(); ++i) {
      if (!std::isnan(out[i]))
        continue;
      const Trend to = trend(row, kind, i, t, negate);
      Iv v = slow_value(row, kind, i, whole);
      if (to != Trend::unknown) {
        // Monotone in T: from the values at its ends (before negation,
        // which reverses the trend).
        const Iv a = slow_value(row, kind, i, at_lo);
        const Iv b = slow_value(row, kind, i, at_hi);
        const bool up = (to == Trend::rises) != negate;
        mpfr_set(v.lo, up ? a.lo : b.lo, MPFR_RNDD);
        mpfr_set(v.hi, up ? b.hi : a.hi, MPFR_RNDU);
      }
      if (!(negate ? settle(dtype, -v, to, out[i])
                   : settle(dtype, v, to, out[i])))
        left = true;
    }
    if (!left)
      return;
  }
}

// num / den rounded to dtype, for integers below 2^52: q = RN(num / den)
// leaves a remainder num - q den that is a double, so the fused
// multiply-add gives it exactly, and its sign is the side of q the
// quotient lies on. Larger ones go through MPFR (exact at 128 bits).
double quotient(Dtype dtype, double num, double den) noexcept {
  if (den < 0x1p52) {
    const double q = num / den;
    const double rem = std::fma(-q, den, num);
    return round_near(dtype, q,
                      rem > 0   ? Side::above
                      : rem < 0 ? Side::below
                                : Side::at);
  }
  mpfr_t n, d;
  mpfr_init2(n, 128);
  mpfr_init2(d, 128);
  mpfr_set_d(n, num, MPFR_RNDN);
  mpfr_set_d(d, den, MPFR_RNDN);
  const double q = round_quotient(dtype, n, d);
  mpfr_clear(n);
  mpfr_clear(d);
  return q;
}

// The output of kind where every finite element is equal, k of them:
// softmax 1/k and log_softmax -ln k, their derivatives (k - 1) / k^2 and
// (k - 1) / k. The rational ones are rounded exactly, as they may be ties
// (511 / 2^18 is one in bfloat16), which no Ziv loop settles; k^2 is exact
// below 2^26, and -ln k takes the fast path first.
double equal_value(Kind kind, double k, Dtype dtype) noexcept {
  switch (kind) {
  case Kind::softmax:
    return quotient(dtype, 1, k);
  case Kind::softmax_grad:
    if (k < 0x1p26)
      return quotient(dtype, k - 1, k * k);
    break;
  case Kind::log_softmax:
    if (k == 1)
      return 0;
    if (double y; fast(
            dtype,
            [k]<class P>(P) {
              return -log_sum<P>(Approx<P>{k - 1, 0, 0});
            },
            y))
      return y;
    return ziv(dtype,
               [k](mpfr_prec_t p) { return -increasing(mpfr_log, Iv(p, k)); });
  case Kind::log_softmax_grad:
    return quotient(dtype, k - 1, k);
  }
  mpfr_t n, d;
  mpfr_init2(n, 128);
  mpfr_init2(d, 128);
  mpfr_set_d(n, k - 1, MPFR_RNDN);
  mpfr_set_d(d, k, MPFR_RNDN);
  mpfr_mul_d(d, d, k, MPFR_RNDN);
  const double q = round_quotient(dtype, n, d);
  mpfr_clear(n);
  mpfr_clear(d);
  return q;
}

// Every function of softmax.hpp: softmax of sign * x, by kind, negated for
// softmin_grad.
void evaluate(std::span<const double> x, std::span<double> out,
              std::span<double> scratch, Dtype dtype, Kind kind,
              bool mirror) noexcept {
  assert(!x.empty() && out.size() >= x.size() && scratch.size() >= x.size());
  const std::size_t n = x.size();
  out = out.first(n);
  const double sign = mirror ? -1 : 1;
  const bool negate = mirror && kind == Kind::softmax_grad;
  double max = -inf, min = inf;
  std::size_t top = 0, finite = 0, plus_inf = 0, inf_at = 0;
  bool has_nan = false;
  for (std::size_t j = 0; j < n; ++j) {
    const double v = sign * x[j];
    if (std::isnan(v)) {
      has_nan = true;
    } else if (v == inf) {
      ++plus_inf;
      inf_at = j;
    } else if (v != -inf) {
      ++finite;
      if (v > max) {
        max = v;
        top = j;
      }
      min = std::min(min, v);
    }
  }
  if (has_nan || plus_inf > 1 || (plus_inf == 0 && finite == 0)) {
    std::fill(out.begin(), out.end(), nan);
    return;
  }
  const auto fill = [&](double at_max, double elsewhere, std::size_t at) {
    for (std::size_t j = 0; j < n; ++j)
      out[j] = j == at ? at_max : elsewhere;
  };
  const double to = negate ? -1 : 1;
  if (plus_inf == 1) {
    fill(to * at_limit(kind, 1), to * at_limit(kind, 0), inf_at);
    return;
  }
  if (min == max) {
    const double y = equal_value(kind, static_cast<double>(finite), dtype);
    for (std::size_t j = 0; j < n; ++j)
      out[j] = to * (sign * x[j] == -inf ? at_limit(kind, 0) : y);
    return;
  }
  const Row row{x, sign, max, top, finite};
  const std::span<double> lo = scratch.first(n);
  const bool fma = fused();
  if ((fma ? fast_row_fused(row, kind, negate, dtype, out, lo)
           : fast_row<Dekker>(row, kind, negate, dtype, out, lo)) == 0)
    return;
  if (kind != Kind::log_softmax &&
      (fma ? accurate_row_fused(row, kind, negate, dtype, out)
           : accurate_row<Dekker>(row, kind, negate, dtype, out)) == 0)
    return;
  slow_row(row, kind, negate, dtype, out);
}

} // namespace

void softmax(std::span<const double> x, std::span<double> out,
             std::span<double> scratch, Dtype dtype) noexcept {
  evaluate(x, out, scratch, dtype, Kind::softmax, false);
}

void softmax_grad(std::span<const double> x, std::span<double> out,
                  std::span<double> scratch, Dtype dtype) noexcept {
  evaluate(x, out, scratch, dtype, Kind::softmax_grad, false);
}

void softmin(std::span<const double> x, std::span<double> out,
             std::span<double> scratch, Dtype dtype) noexcept {
  evaluate(x, out, scratch, dtype, Kind::softmax, true);
}

void softmin_grad(std::span<const double> x, std::span<double> out,
                  std::span<double> scratch, Dtype dtype) noexcept {
  evaluate(x, out, scratch, dtype, Kind::softmax_grad, true);
}

void log_softmax(std::span<const double> x, std::span<double> out,
                 std::span<double> scratch, Dtype dtype) noexcept {
  evaluate(x, out, scratch, dtype, Kind::log_softmax, false);
}

void log_softmax_grad(std::span<const double> x, std::span<double> out,
                      std::span<double> scratch, Dtype dtype) noexcept {
  evaluate(x, out, scratch, dtype, Kind::log_softmax_grad, false);
}

} // namespace relu
