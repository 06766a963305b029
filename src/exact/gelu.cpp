// gelu and gelu_tanh and their derivatives: x Phi(x), whose tail Phi(-t)
// comes from a table of the normal distribution's Mills ratio, and
// x sigmoid(2u) for the tanh approximation.
#include "double_double.hpp"
#include "exact.hpp"
#include "interval.hpp"
#include "kernels.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <mpfr.h>

namespace relu {

using namespace exact;

namespace {

// The Mills ratio R(t) = Phi(-t) / phi(t) = int_0^inf e^(-tu - u^2/2) du
// is smooth and slowly varying where Phi(-t) itself falls like e^(-t^2/2),
// so it takes a table: around each t0 = i/8, i in [0, 296] (t up to 37),
// its Taylor coefficients a_n = R^(n)(t0) / n! to n = 13, stored times
// 1 / sqrt(2 pi) (which spares gelu a product), the first five as
// double-doubles. Built once on first use (in about 1.5 ms), with MPFR at
// 192 bits and no erfc, which MPFR takes milliseconds for at large t:
//  - R(37) from 64 levels of Laplace's continued fraction
//    1 / (t + 1 / (t + 2 / (t + 3 / ...))), good to 2^-370 (mpmath);
//  - R' = tR - 1 gives a_1 = t0 a_0 - 1 and
//    (n + 1) a_(n+1) = t0 a_n + a_(n-1). The recurrence cancels, by up to
//    2^38 for a_0..a_4 and 2^104 for the rest (mpmath), which leaves them
//    far more than the 107 and 53 bits they are stored with;
//  - R(t0 - 1/8) = sum |a_n| 8^-n, all terms positive (R^(n) has the sign
//    of (-1)^n, R being a Laplace transform), summed until they fall below
//    2^-200 of the sum. Going down in t, an error in R(t0) reaches
//    R(t0 - 1/8) scaled by e^(1/128 - t0/8) < 1 (it moves along e^(t^2/2),
//    the solution of R' = tR), so the errors do not build up.
// tests/accuracy/mills_bounds.py recomputes the constants marked (mpmath)
// here and in mills_fast. Each entry, dumped once, was its coefficient
// times 1 / sqrt(2 pi) (at 192 bits, within 2^-190) rounded to
// double-double (within 2^-107) or to double.
constexpr double mills_step = 0.125;
constexpr std::size_t mills_head = 5;
constexpr std::size_t mills_terms = 14;
constexpr std::size_t mills_size = 297;

struct MillsEntry {
  std::array<Dd, mills_head> head;
  std::array<double, mills_terms - mills_head> tail;
};

// The entries of mills_table(), computed as described above. Cold and out
// of line, like the builders of the kernels' tables, or the flattening in
// with_fused() would take it into gelu's hot code.
[[gnu::cold, gnu::noinline]] std::array<MillsEntry, mills_size>
build_mills_table() noexcept {
  std::array<MillsEntry, mills_size> t{};
  constexpr mpfr_prec_t prec = 192;
  mpfr_t r, a, prev, next, v, c, w;
  for (mpfr_ptr m : {r, a, prev, next, v, c, w})
    mpfr_init2(m, prec);
  // c = 1 / sqrt(2 pi), which the stored coefficients carry.
  mpfr_const_pi(c, MPFR_RNDN);
  mpfr_mul_2ui(c, c, 1, MPFR_RNDN);
  mpfr_rec_sqrt(c, c, MPFR_RNDN);
  const double top = static_cast<double>(t.size() - 1) * mills_step;
  mpfr_set_d(r, top, MPFR_RNDN);
  for (unsigned long k = 64; k > 0; --k) {
    mpfr_ui_div(r, k, r, MPFR_RNDN);
    mpfr_add_d(r, r, top, MPFR_RNDN);
  }
  mpfr_ui_div(r, 1, r, MPFR_RNDN);
  for (std::size_t i = t.size(); i-- > 0;) {
    const double t0 = static_cast<double>(i) * mills_step;
    mpfr_set(a, r, MPFR_RNDN);
    mpfr_set_si(prev, -1, MPFR_RNDN);
    // a holds a_n, prev a_(n-1), r the sum so far of R(t0 - 1/8).
    for (std::size_t n = 0;; ++n) {
      mpfr_mul(w, a, c, MPFR_RNDN);
      if (n < mills_head) {
        t[i].head[n] = to_dd(w, v);
      } else if (n < mills_terms) {
        t[i].tail[n - mills_head] = mpfr_get_d(w, MPFR_RNDN);
      }
      if (n > 0) {
        mpfr_div_2ui(v, a, 3 * n, MPFR_RNDN);
        mpfr_abs(v, v, MPFR_RNDN);
        mpfr_add(r, r, v, MPFR_RNDN);
        if (n >= mills_terms && mpfr_get_exp(v) < mpfr_get_exp(r) - 200)
          break;
      }
      // prev starts as a_(-1) = -1, which makes n = 0 read a_1 = t0 a_0 - 1.
      mpfr_mul_d(next, a, t0, MPFR_RNDN);
      mpfr_add(next, next, prev, MPFR_RNDN);
      mpfr_div_ui(next, next, n + 1, MPFR_RNDN);
      mpfr_swap(prev, a);
      mpfr_swap(a, next);
    }
  }
  for (mpfr_ptr m : {r, a, prev, next, v, c, w})
    mpfr_clear(m);
  return t;
}

// The table, built once on first use (a function-local static: no mutable
// global).
const std::array<MillsEntry, mills_size>& mills_table() noexcept {
  static const std::array<MillsEntry, mills_size> table = build_mills_table();
  return table;
}

// R(t) / sqrt(2 pi) for t in [0, 37], relative error below 2^-72: scaling
// the coefficients changes no relative bound below. With t0 the grid
// point nearest to t, h = t - t0 is exact (Sterbenz, or h = t) and
// |h| <= 1/16 + 2^-40. The terms alternate in sign: (-1)^n R^(n) > 0, as
// R is a Laplace transform; so sum |a_n| |h|^n = R(t0 - |h|), at most
// 1.1 R(t) (mpmath). In units of R(t), over every entry (mpmath): the
// truncation after h^13, below |R^(14)(t0 - |h|)| |h|^14 / 14!, and the
// tail a_5.. in double (the rounding of its entries and Horner's gamma_16
// bound) stay below 2^-72.7 together. The head, the rounding of its
// double-double entries included, adds below 2^-100. It is Horner's scheme
// compensated (Graillat, Langlois and Louvet): s runs the plain recurrence
// s = a_j + h s, and c = h c + (the exact errors of that product and sum
// from two_prod and two_sum, and the entry's low part), so that s + c would
// be exact but for c's own roundings (at most three on any term); s no
// longer waits for a double-double normalization at each step. As
// |h s| <= |a_j| / 16 (mpmath), |c| stays below 2.4 u |a_j| (u = 2^-53),
// c's roundings cost below 3u (|h c| + |the errors| + |lo of a_j|)
// < 7u^2 |a_j| < 2^-103 |a_j| per step, and reach the result times |h|^j:
// below 2^-103 * 1.1 R(t) together. The final fast_two_sum is exact
// (|c| << |s|).
template <class P> Approx<P> mills_fast(double t) noexcept {
  const auto i = static_cast<std::size_t>(t * (1 / mills_step) + 0.5);
  const MillsEntry& e = mills_table()[i];
  const double h = t - static_cast<double>(i) * mills_step;
  double s = horner<P>(h, e.tail), c = 0;
  for (std::size_t n = e.head.size(); n-- > 0;) {
    const Dd m = P::two_prod(h, s);
    const Dd r = two_sum(e.head[n].hi, m.hi);
    s = r.hi;
    c = h * c + (m.lo + r.lo + e.head[n].lo);
  }
  const Dd sum = fast_two_sum(s, c);
  return {sum.hi, sum.lo, sum.hi * 0x1p-72};
}

// 1 / sqrt(2 pi) as a double-double.
constexpr Bounded inv_sqrt_2pi{0x1.9884533d43651p-2, -0x1.cbc0d30ebfd15p-56,
                               0x1p-108};

// e^(-t^2 / 2) and R(t) / sqrt(2 pi), whose product is phi(t) R(t) =
// Phi(-t), for t in [2^-55, 37]: t^2 is exact as a double-double (two_prod,
// far from underflow), and so is its half, the argument of exp_fast.
template <class P> struct NormalTail { Approx<P> exp, mills; };

template <class P> NormalTail<P> normal_tail(double t) noexcept {
  const Dd sq = P::two_prod(t, t);
  return {exp_fast<P>(-0.5 * sq.hi, -0.5 * sq.lo), mills_fast<P>(t)};
}

// Where the fast path of gelu and gelu_grad runs: above 37 the results lie
// below 2^-960, where decide() would decline anyway.
bool gelu_fast_range(double x) noexcept {
  return std::fabs(x) >= 0x1p-55 && std::fabs(x) <= 37;
}

// x Phi(x): x phi R below 0, so that tiny results keep their relative
// accuracy, and x (1 - phi R) above, where phi R <= 1/2 cannot cancel.
template <class P> Approx<P> gelu_fast(double x) noexcept {
  const NormalTail<P> n = normal_tail<P>(std::fabs(x));
  const Approx<P> tail = n.exp * n.mills;
  return x * (x < 0 ? tail : exactly(1) - tail);
}

// Phi(x) + x phi(x) = phi (R - t) below 0 and 1 - phi (R - t) above, with
// t = |x|, phi (R - t) = e^(-t^2 / 2) (R / sqrt(2 pi) - t / sqrt(2 pi));
// R - t crosses 0 at t = 0.7518, and the absolute error bound follows the
// cancellation there.
template <class P> Approx<P> gelu_grad_fast(double x) noexcept {
  const double t = std::fabs(x);
  const NormalTail<P> n = normal_tail<P>(t);
  const Approx<P> d = n.exp * (n.mills - t * Approx<P>(inv_sqrt_2pi));
  return x < 0 ? d : exactly(1) - d;
}

// The decimal constant of gelu_tanh, read as an exact real.
constexpr const char* gelu_tanh_k = "0.044715";

// 2 sqrt(2/pi) and that constant as double-doubles, with their errors.
constexpr Bounded gelu_tanh_twice_c{0x1.9884533d43651p+0,
                                    -0x1.cbc0d30ebfd15p-54, 0x1p-104};
constexpr Bounded gelu_tanh_k_dd{0x1.6e4e26d4801f7p-5, 0x1.441355475a31ap-59,
                                 0x1p-110};

// z = 2u = 2 sqrt(2/pi) (x + 0.044715 x^3), the constants as double-doubles.
template <class P> Approx<P> gelu_tanh_z(double x) noexcept {
  const Approx<P> c = gelu_tanh_twice_c;
  const Approx<P> k = gelu_tanh_k_dd;
  return c * (exactly(x) + k * (x * (x * Approx<P>(exactly(x)))));
}

// sigmoid(2u): the argument carries its own error into the result through
// sigmoid' = sigmoid (1 - sigmoid) <= sigmoid.
template <class P> Approx<P> gelu_tanh_fast(double x) noexcept {
  const Approx<P> z = gelu_tanh_z<P>(x);
  if (std::fabs(z.hi) > exp_max)
    return undecided;
  Approx<P> s = sigmoid_fast<P>(z.hi, z.lo);
  s.err += std::fabs(s.hi) * z.err * 1.01;
  return s;
}

// The derivative of x sigmoid(z): S + w S T with S = sigmoid(z),
// T = sigmoid(-z), w = x z'(x) = x 2 sqrt(2/pi) (1 + 3k x^2). It moves with z
// by S T (1 + (T - S) w), at most S T (1 + |w|): that bounds what the error
// of z adds.
template <class P> Approx<P> gelu_tanh_grad_fast(double x) noexcept {
  const Approx<P> z = gelu_tanh_z<P>(x);
  if (std::fabs(z.hi) > exp_max)
    return undecided;
  const SigmoidPair<P> s = sigmoid_pair<P>(z.hi, z.lo);
  const Approx<P> st = s.plus * s.minus;
  const Approx<P> c = gelu_tanh_twice_c;
  const Approx<P> k = gelu_tanh_k_dd;
  const Approx<P> w =
      x * (c * (exactly(1) + 3 * (k * (x * Approx<P>(exactly(x))))));
  Approx<P> d = s.plus + w * st;
  d.err += std::fabs(st.hi) * (1 + std::fabs(w.hi)) * z.err * 1.01;
  return d;
}

// sqrt(2/pi) (x + 0.044715 x^3), the argument of tanh in gelu_tanh.
Iv gelu_tanh_arg(mpfr_prec_t p, double x) noexcept {
  const Iv X(p, x);
  return sqrt(2.0 / pi(p)) * (X + decimal(p, gelu_tanh_k) * X * X * X);
}

} // namespace

double gelu(double x, Dtype dtype) noexcept {
  if (std::isnan(x) || x == 0 || x == inf)
    return x;
  if (x == -inf)
    return -0.0;
  // Above 10, x Phi(-x) < 2^-54 x: x Phi(x) rounds to x. Below -38.6,
  // |x| Phi(x) < phi(x) < 2^-1075 (Mills' ratio; phi(x) = 2^-1075 at
  // |x| = 38.58).
  if (x > 10)
    return x;
  if (x < -38.6)
    return -0.0;
  // Below 2^-55 in magnitude, x Phi(x) = x/2 (1 + 0.8x + ...) rounds to x/2,
  // from below.
  if (std::fabs(x) < 0x1p-55 && std::fabs(x) >= fast_min)
    return round_near(dtype, x / 2, Side::above);
  if (double y; gelu_fast_range(x) &&
                fast(
                    dtype, [=]<class P>(P) { return gelu_fast<P>(x); }, y))
    return y;
  // x/2 * erfc(-x/sqrt 2): no cancellation for negative x, where 1 + erf
  // would lose everything.
  return ziv(dtype, [=](mpfr_prec_t p) {
    const Iv X(p, x);
    return 0.5 * X * erfc(-X / sqrt(Iv(p, 2.0)));
  });
}

double gelu_grad(double x, Dtype dtype) noexcept {
  if (std::isnan(x))
    return x;
  if (x == 0)
    return 0.5;
  if (x == inf || x == -inf)
    return x > 0 ? 1 : 0;
  // Above 10, 0 < gelu'(x) - 1 < x phi(x) < 2^-70: rounds to 1. Below
  // -38.7 the value is negative and |x| phi(x) < 2^-1075 (equality at
  // |x| = 38.67).
  if (x > 10)
    return 1;
  if (x < -38.7)
    return -0.0;
  // Below 2^-55 in magnitude, 1/2 + 0.8x + ... rounds to 1/2.
  if (std::fabs(x) < 0x1p-55)
    return 0.5;
  if (double y; gelu_fast_range(x) &&
                fast(
                    dtype, [=]<class P>(P) { return gelu_grad_fast<P>(x); }, y))
    return y;
  return ziv(dtype, [=](mpfr_prec_t p) {
    const Iv X(p, x);
    const Iv cdf = 0.5 * erfc(-X / sqrt(Iv(p, 2.0)));
    return cdf + X * exp(-(0.5 * X * X)) / sqrt(2.0 * pi(p));
  });
}

double gelu_tanh(double x, Dtype dtype) noexcept {
  if (std::isnan(x) || x == 0 || x == inf)
    return x;
  if (x == -inf)
    return -0.0;
  // Above 10, 2u > 87 and x sigmoid(2u) rounds to x; below -21.55,
  // |x| e^(2u) < 2^-1075 (solved with mpmath: -21.5470754...).
  if (x > 10)
    return x;
  if (x < -21.55)
    return -0.0;
  if (double y; fast(
          dtype, [=]<class P>(P) { return x * gelu_tanh_fast<P>(x); }, y))
    return y;
  // (1 + tanh u) / 2 = sigmoid(2u): no cancellation for negative x.
  return ziv(dtype, [=](mpfr_prec_t p) {
    return Iv(p, x) * sigmoid(2.0 * gelu_tanh_arg(p, x));
  });
}

double gelu_tanh_grad(double x, Dtype dtype) noexcept {
  if (std::isnan(x))
    return x;
  if (x == 0)
    return 0.5;
  if (x == inf || x == -inf)
    return x > 0 ? 1 : 0;
  // Above 10 the value is 1 within 2^-100; below -21.6, |w| e^(2u) (w as
  // in gelu_tanh_grad_fast) is under 2^-1075 (solved with mpmath:
  // -21.5927...) and the value negative.
  if (x > 10)
    return 1;
  if (x < -21.6)
    return -0.0;
  if (double y; fast(
          dtype, [=]<class P>(P) { return gelu_tanh_grad_fast<P>(x); }, y))
    return y;
  // sigmoid(2u) + x u' sech(u)^2 / 2, u' = sqrt(2/pi) (1 + 3k x^2).
  return ziv(dtype, [=](mpfr_prec_t p) {
    const Iv X(p, x);
    const Iv u = gelu_tanh_arg(p, x);
    const Iv du =
        sqrt(2.0 / pi(p)) * (1.0 + 3.0 * decimal(p, gelu_tanh_k) * X * X);
    const Iv s = sech(u);
    return sigmoid(2.0 * u) + 0.5 * X * du * s * s;
  });
}

} // namespace relu
