// How each function rounds correctly, in three tiers:
//  1. Shortcuts: NaN, infinities, exact zeros, and the saturated ends where
//     a short argument (in the comment beside each) proves the rounded
//     value (sigmoid(x) = 1 above 37.5, tanh x = x below 2^-27, ...).
//  2. The fast path: the formula in double-double arithmetic with its own
//     exp/expm1 kernel (and, for gelu, a table of the normal distribution's
//     Mills ratio), carrying a bound on the absolute error; decide()
//     accepts the result when every real within the bound rounds alike.
//     It declines near the subnormal range, and on exact midpoints.
//  3. The slow path, which is always right: MPFR interval arithmetic in a
//     Ziv loop for the transcendental formulas, one exact rounding for the
//     rational ones.
#include "exact.hpp"

#include "double_double.hpp"
#include "interval.hpp"
#include "kernels.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <limits>
#include <mpfr.h>
#include <string_view>
#include <utility>

namespace relu {

using namespace exact;

namespace {

// The decimal constant of the formula, read as an exact real.
constexpr const char* gelu_tanh_k = "0.044715";

// sigmoid(x) (1 + x sigmoid(-x)); the error bound follows the cancellation
// near the minimum of silu.
template <class P> Approx<P> silu_grad_fast(double x) noexcept {
  const SigmoidPair<P> s = sigmoid_pair<P>(x);
  return s.plus * (exactly(1) + x * s.minus);
}

// tanh(softplus(x)) and its derivative, as mish_parts does it in MPFR.
template <class P> struct MishFast { Approx<P> t, dt; };

template <class P> MishFast<P> mish_fast(double x) noexcept {
  const Approx<P> m = exp_fast<P>(-std::fabs(x), 0);
  const Approx<P> one = exactly(1);
  if (x >= 0) {
    const Approx<P> twice = 2 * m;
    const Approx<P> den = one + twice + twice * m;
    return {one / (one + twice * m / (one + twice)),
            4 * (m * m * (one + m)) / (den * den)};
  }
  const Approx<P> n = m * (exactly(2) + m);
  const Approx<P> den = n + exactly(2);
  return {n / den, 4 * (m * (one + m)) / (den * den)};
}

template <class P> Approx<P> mish_grad_fast(double x) noexcept {
  const MishFast<P> m = mish_fast<P>(x);
  return m.t + x * m.dt;
}

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

const std::array<MillsEntry, mills_size>& mills_table() noexcept {
  static const std::array<MillsEntry, mills_size> table =
      []() __attribute__((cold, noinline)) {
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
  ();
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

// e^-|x| / (1 + e^-|x|)^2: sigmoid(x) (1 - sigmoid(x)) would cancel.
template <class P> Approx<P> sigmoid_grad_fast(double x) noexcept {
  const Approx<P> m = exp_fast<P>(-std::fabs(x), 0);
  const Approx<P> den = exactly(1) + m;
  return m / (den * den);
}

// tanh |x| = -m / (2 + m), m = e^-2|x| - 1: no cancellation.
template <class P> Approx<P> tanh_fast(double x) noexcept {
  const Approx<P> m = expm1_fast<P>(-2 * std::fabs(x), 0);
  const Approx<P> t = -m / (exactly(2) + m);
  return x > 0 ? t : -t;
}

// 4e / (1 + e)^2, e = e^-2|x|.
template <class P> Approx<P> tanh_grad_fast(double x) noexcept {
  const Approx<P> e = exp_fast<P>(-2 * std::fabs(x), 0);
  const Approx<P> den = exactly(1) + e;
  return 4 * e / (den * den);
}

template <class P> Approx<P> softsign_grad_fast(double x) noexcept {
  const Approx<P> den = sum(1, std::fabs(x));
  return exactly(1) / (den * den);
}

// -ln(1 + e^-x) for x >= 0; x - ln(1 + e^x) below, where e^-x could
// overflow: two terms of one sign, no cancellation.
template <class P> Approx<P> logsigmoid_fast(double x) noexcept {
  const Approx<P> l = log1p_fast(exp_fast<P>(-std::fabs(x), 0));
  return x >= 0 ? -l : exactly(x) - l;
}

} // namespace

double gelu(double x) noexcept {
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
  // Below 2^-55 in magnitude, x Phi(x) = x/2 (1 + 0.8x + ...) rounds to x/2.
  if (std::fabs(x) < 0x1p-55 && std::fabs(x) >= fast_min)
    return x / 2;
  if (double y; gelu_fast_range(x) &&
                fast([=]<class P>(P) { return gelu_fast<P>(x); }, y))
    return y;
  // x/2 * erfc(-x/sqrt 2): no cancellation for negative x, where 1 + erf
  // would lose everything.
  return ziv([=](mpfr_prec_t p) {
    const Iv X(p, x);
    return 0.5 * X * erfc(-X / sqrt(Iv(p, 2.0)));
  });
}

double gelu_grad(double x) noexcept {
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
                fast([=]<class P>(P) { return gelu_grad_fast<P>(x); }, y))
    return y;
  return ziv([=](mpfr_prec_t p) {
    const Iv X(p, x);
    const Iv cdf = 0.5 * erfc(-X / sqrt(Iv(p, 2.0)));
    return cdf + X * exp(-(0.5 * X * X)) / sqrt(2.0 * pi(p));
  });
}

namespace {

// sqrt(2/pi) (x + 0.044715 x^3), the argument of tanh in gelu_tanh.
Iv gelu_tanh_arg(mpfr_prec_t p, double x) noexcept {
  const Iv X(p, x);
  return sqrt(2.0 / pi(p)) * (X + decimal(p, gelu_tanh_k) * X * X * X);
}

} // namespace

double gelu_tanh(double x) noexcept {
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
  if (double y; fast([=]<class P>(P) { return x * gelu_tanh_fast<P>(x); }, y))
    return y;
  // (1 + tanh u) / 2 = sigmoid(2u): no cancellation for negative x.
  return ziv([=](mpfr_prec_t p) {
    return Iv(p, x) * sigmoid(2.0 * gelu_tanh_arg(p, x));
  });
}

double gelu_tanh_grad(double x) noexcept {
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
  if (double y; fast([=]<class P>(P) { return gelu_tanh_grad_fast<P>(x); }, y))
    return y;
  // sigmoid(2u) + x u' sech(u)^2 / 2, u' = sqrt(2/pi) (1 + 3k x^2).
  return ziv([=](mpfr_prec_t p) {
    const Iv X(p, x);
    const Iv u = gelu_tanh_arg(p, x);
    const Iv du =
        sqrt(2.0 / pi(p)) * (1.0 + 3.0 * decimal(p, gelu_tanh_k) * X * X);
    const Iv s = sech(u);
    return sigmoid(2.0 * u) + 0.5 * X * du * s * s;
  });
}

double silu(double x) noexcept {
  if (std::isnan(x) || x == 0 || x == inf)
    return x;
  if (x == -inf)
    return -0.0;
  // Above 38, 1 - sigmoid(x) < 2^-54: x sigmoid(x) rounds to x. Below
  // 2^-53 in magnitude, x/2 + x^2/4 + ... rounds to x/2. Below -760 the
  // magnitude is under 2^-1075.
  if (x > 38)
    return x;
  if (std::fabs(x) < 0x1p-53 && std::fabs(x) >= fast_min)
    return x / 2;
  if (x < -760)
    return -0.0;
  if (double y; std::fabs(x) <= exp_max &&
                fast([=]<class P>(P) { return x * sigmoid_fast<P>(x); }, y))
    return y;
  return ziv([=](mpfr_prec_t p) {
    const Iv X(p, x);
    return X * sigmoid(X);
  });
}

double silu_grad(double x) noexcept {
  if (std::isnan(x))
    return x;
  if (x == 0)
    return 0.5;
  if (x == inf || x == -inf)
    return x > 0 ? 1 : 0;
  // Above 45, (x - 1) e^-x < 2^-59: rounds to 1. Below 2^-54 in magnitude,
  // 1/2 + x/2 + ... rounds to 1/2. Below -760, |x| e^x < 2^-1075.
  if (x > 45)
    return 1;
  if (std::fabs(x) < 0x1p-54)
    return 0.5;
  if (x < -760)
    return -0.0;
  if (double y; std::fabs(x) <= exp_max &&
                fast([=]<class P>(P) { return silu_grad_fast<P>(x); }, y))
    return y;
  return ziv([=](mpfr_prec_t p) {
    const Iv X(p, x);
    return sigmoid(X) * (1.0 + X * sigmoid(-X));
  });
}

namespace {

// tanh(ln(1 + e^x)) and its derivative, from m = e^-|x| so that nothing
// overflows: with e = e^x, tanh = e(e+2) / (e(e+2) + 2), which is
// 1 / (1 + 2m^2 / (1 + 2m)) for x >= 0 and 1 / (1 + 2 / (e(e+2))) below;
// the derivative is 4m^2(1+m) / (1+2m+2m^2)^2, resp. 4e(e+1) / (e(e+2)+2)^2.
struct MishParts {
  Iv t, dt;
};

MishParts mish_parts(mpfr_prec_t p, double x) noexcept {
  const Iv m = exp(Iv(p, -std::fabs(x)));
  if (x >= 0) {
    const Iv den = 1.0 + 2.0 * m + 2.0 * m * m;
    return {1.0 / (1.0 + 2.0 * m * m / (1.0 + 2.0 * m)),
            4.0 * m * m * (1.0 + m) / (den * den)};
  }
  const Iv n = m * (2.0 + m);
  const Iv den = n + Iv(p, 2.0);
  return {1.0 / (1.0 + 2.0 / n), 4.0 * m * (1.0 + m) / (den * den)};
}

} // namespace

double mish(double x) noexcept {
  if (std::isnan(x) || x == 0 || x == inf)
    return x;
  if (x == -inf)
    return -0.0;
  // Above 40, 1 - tanh(softplus(x)) < 2 e^-80: rounds to x. Below -760,
  // |x| tanh(softplus(x)) < 2|x| e^x < 2^-1075.
  if (x > 40)
    return x;
  if (x < -760)
    return -0.0;
  if (double y; std::fabs(x) <= exp_max &&
                fast([=]<class P>(P) { return x * mish_fast<P>(x).t; }, y))
    return y;
  return ziv([=](mpfr_prec_t p) { return Iv(p, x) * mish_parts(p, x).t; });
}

double mish_grad(double x) noexcept {
  if (std::isnan(x))
    return x;
  if (x == inf || x == -inf)
    return x > 0 ? 1 : 0;
  // Above 40 the value is 1 within 2^-100; below -760, (1 + x) e^x is
  // negative and below 2^-1075 in magnitude.
  if (x > 40)
    return 1;
  if (x < -760)
    return -0.0;
  if (double y; std::fabs(x) <= exp_max &&
                fast([=]<class P>(P) { return mish_grad_fast<P>(x); }, y))
    return y;
  return ziv([=](mpfr_prec_t p) {
    const MishParts parts = mish_parts(p, x);
    return parts.t + Iv(p, x) * parts.dt;
  });
}

namespace {

// Whether beta * x > threshold in real arithmetic. beta x = p + e exactly
// (two_prod, far from both ends of the exponent range), and p = RN(beta x)
// is above (below) threshold only if beta x is; on a tie e decides.
// Elsewhere the product is exact in MPFR at 106 bits.
bool above_threshold(double x, double beta, double threshold) noexcept {
  if (std::isinf(x))
    return x > 0;
  if (x == 0)
    return 0 > threshold;
  if (std::fabs(x) < 0x1p990 && beta < 0x1p990) {
    if (const Dd z = two_prod(beta, x); std::fabs(z.hi) > 0x1p-900)
      return z.hi > threshold || (z.hi == threshold && z.lo > 0);
  }
  mpfr_t z;
  mpfr_init2(z, 2 * 53);
  mpfr_set_d(z, x, MPFR_RNDN);
  mpfr_mul_d(z, z, beta, MPFR_RNDN);
  const bool above = mpfr_cmp_d(z, threshold) > 0;
  mpfr_clear(z);
  return above;
}

} // namespace

bool softplus_linear(double x, double beta, double threshold) noexcept {
  return !std::isnan(x) && above_threshold(x, beta, threshold);
}

namespace {

// softplus below its threshold on the fast path, if decided. beta x = z
// is exact as a double-double far from both ends of the exponent range.
// Above z = 40, 0 < ln(1 + e^-z) / beta < x e^-z / z < 2^-54 x: rounds to x.
bool softplus_fast(double x, double beta, double& out) noexcept {
  if (!(std::fabs(x) < 0x1p990 && beta < 0x1p990))
    return false;
  const Dd z = x == 0 ? Dd{0, 0} : two_prod(beta, x);
  if (z.hi > 40) {
    out = x;
    return true;
  }
  if (!(std::fabs(z.hi) <= exp_max) ||
      (x != 0 && !(std::fabs(z.hi) >= 0x1p-900)))
    return false;
  return fast(
      [=]<class P>(P) {
        const Approx<P> m =
            z.hi >= 0 ? exp_fast<P>(-z.hi, -z.lo) : exp_fast<P>(z.hi, z.lo);
        // Dividing by beta = 1 (the default) is exact.
        const Approx<P> l =
            beta == 1 ? log1p_fast(m) : log1p_fast(m) / exactly(beta);
        return x >= 0 ? exactly(x) + l : l;
      },
      out);
}

} // namespace

double softplus(double x, double beta, double threshold) noexcept {
  if (std::isnan(x))
    return x;
  if (!(beta > 0) || std::isnan(threshold))
    return nan;
  if (above_threshold(x, beta, threshold))
    return x;
  if (x == -inf)
    return 0;
  // For z = beta x >= 0, ln(1 + e^z) = z + ln(1 + e^-z), so the value is
  // x + ln(1 + e^-z) / beta and e^-z cannot overflow.
  if (double y; softplus_fast(x, beta, y))
    return y;
  return ziv([=](mpfr_prec_t p) {
    const Iv X(p, x);
    const Iv z = beta * X;
    if (x >= 0)
      return X + log1p(exp(-z)) / beta;
    return log1p(exp(z)) / beta;
  });
}

double softplus_grad(double x, double beta, double threshold) noexcept {
  if (std::isnan(x))
    return x;
  if (!(beta > 0) || std::isnan(threshold))
    return nan;
  if (above_threshold(x, beta, threshold))
    return 1;
  if (x == -inf)
    return 0;
  if (x == 0)
    return 0.5;
  // beta x is exact as a double-double while far from both ends of the
  // exponent range.
  if (const Dd z = two_prod(beta, x);
      std::fabs(z.hi) <= exp_max && std::fabs(z.hi) >= 0x1p-900) {
    if (double y;
        fast([=]<class P>(P) { return sigmoid_fast<P>(z.hi, z.lo); }, y))
      return y;
  }
  return ziv([=](mpfr_prec_t p) { return sigmoid(beta * Iv(p, x)); });
}

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

// Return n 2^e / 6 rounded to nearest, for |n| < 2^127 and a result that is
// 0 (+0, as IEEE's 0 / 6) or normal. With |n| shifted to 127 bits, the
// quotient q has 124 or 125; q >> 62 then has at least 62, and or-ing into
// its last bit whether anything was dropped (remainder or shifted bits)
// rounds n / 6 to odd at that precision. Rounding that to nearest at 53
// bits (the conversion to double) is the correct rounding of n / 6, as a
// value rounded to odd with two bits or more to spare is never mistaken
// for a midpoint; the scaling by a power of 2 is exact for a normal result.
double round_sixth(Int128 n, int e) noexcept {
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
  const auto odd = static_cast<std::int64_t>(q >> 62) | std::int64_t{inexact};
  const double scale = std::bit_cast<double>(
      static_cast<std::uint64_t>(1023 + e - up + 62) << 52);
  const double d = static_cast<double>(odd) * scale;
  return n < 0 ? -d : d;
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

} // namespace

double hardswish(double x) noexcept {
  if (std::isnan(x) || x >= 3)
    return x;
  if (x <= -3)
    return -0.0;
  if (double y; fast(
          [=]<class P>(P) { return x * Approx<P>(sum(x, 3)) / exactly(6); }, y))
    return y;
  if (const Dyadic d = dyadic(x); d.e >= product_min_exponent)
    return round_sixth(Int128{d.m} * plus_three(d), 2 * d.e);
  Exact num(x);
  mpfr_add_d(num.v, num.v, 3, MPFR_RNDN);
  mpfr_mul_d(num.v, num.v, x, MPFR_RNDN);
  Exact six(6);
  return round_quotient(num.v, six.v);
}

double hardswish_grad(double x) noexcept {
  if (std::isnan(x))
    return x;
  if (x < -3)
    return 0;
  if (x > 3)
    return 1;
  if (double y; fast(
          [=]<class P>(P) { return Approx<P>(sum(2 * x, 3)) / exactly(6); }, y))
    return y;
  if (const Dyadic d = dyadic(x); d.e >= sum_min_exponent)
    return round_sixth(plus_three({2 * d.m, d.e}), d.e);
  Exact num(2 * x);
  mpfr_add_d(num.v, num.v, 3, MPFR_RNDN);
  Exact six(6);
  return round_quotient(num.v, six.v);
}

double hardsigmoid(double x) noexcept {
  if (std::isnan(x))
    return x;
  if (x <= -3)
    return 0;
  if (x >= 3)
    return 1;
  if (double y;
      fast([=]<class P>(P) { return Approx<P>(sum(x, 3)) / exactly(6); }, y))
    return y;
  if (const Dyadic d = dyadic(x); d.e >= sum_min_exponent)
    return round_sixth(plus_three(d), d.e);
  Exact num(x);
  mpfr_add_d(num.v, num.v, 3, MPFR_RNDN);
  Exact six(6);
  return round_quotient(num.v, six.v);
}

double hardsigmoid_grad(double x) noexcept {
  if (std::isnan(x))
    return x;
  // IEEE division of exact operands rounds correctly.
  return x > -3 && x < 3 ? 1.0 / 6.0 : 0.0;
}

double sigmoid(double x) noexcept {
  if (std::isnan(x))
    return x;
  if (x == 0)
    return 0.5;
  if (std::isinf(x))
    return x > 0 ? 1 : 0;
  // Above 37.5, 1 - sigmoid(x) < e^-37.5 < 2^-54: rounds to 1. Below 2^-54
  // in magnitude, |sigmoid(x) - 1/2| < 2^-56: rounds to 1/2. Below -745.5,
  // sigmoid(x) < e^x < 2^-1075.
  if (x > 37.5)
    return 1;
  if (std::fabs(x) < 0x1p-54)
    return 0.5;
  if (x < -745.5)
    return 0;
  if (double y; std::fabs(x) <= exp_max &&
                fast([=]<class P>(P) { return sigmoid_fast<P>(x); }, y))
    return y;
  return ziv([=](mpfr_prec_t p) { return sigmoid(Iv(p, x)); });
}

double sigmoid_grad(double x) noexcept {
  if (std::isnan(x))
    return x;
  if (x == 0)
    return 0.25;
  if (std::isinf(x))
    return 0;
  // Below 2^-54 in magnitude, 1/4 - x^2/16 rounds to 1/4; above 745.5,
  // the value is below e^-|x| < 2^-1075.
  if (std::fabs(x) < 0x1p-54)
    return 0.25;
  if (std::fabs(x) > 745.5)
    return 0;
  if (double y; std::fabs(x) <= exp_max &&
                fast([=]<class P>(P) { return sigmoid_grad_fast<P>(x); }, y))
    return y;
  return ziv([=](mpfr_prec_t p) {
    const Iv m = exp(Iv(p, -std::fabs(x)));
    const Iv den = 1.0 + m;
    return m / (den * den);
  });
}

double tanh(double x) noexcept {
  if (std::isnan(x) || x == 0)
    return x;
  if (std::isinf(x))
    return x > 0 ? 1 : -1;
  // Below 2^-27 in magnitude, x - x^3/3 rounds to x; above 19.5,
  // 1 - |tanh x| < 2 e^-39 < 2^-55: rounds to +-1.
  if (std::fabs(x) < 0x1p-27)
    return x;
  if (std::fabs(x) > 19.5)
    return x > 0 ? 1 : -1;
  if (double y; fast([=]<class P>(P) { return tanh_fast<P>(x); }, y))
    return y;
  return ziv([=](mpfr_prec_t p) { return increasing(mpfr_tanh, Iv(p, x)); });
}

double tanh_grad(double x) noexcept {
  if (std::isnan(x))
    return x;
  if (x == 0)
    return 1;
  if (std::isinf(x))
    return 0;
  // Below 2^-27 in magnitude, 1 - x^2 rounds to 1; above 375,
  // 4 e^-2|x| < 2^-1075.
  if (std::fabs(x) < 0x1p-27)
    return 1;
  if (std::fabs(x) > 375)
    return 0;
  if (double y; std::fabs(x) <= exp_max / 2 &&
                fast([=]<class P>(P) { return tanh_grad_fast<P>(x); }, y))
    return y;
  // sech(x)^2: 1 - tanh(x)^2 would cancel.
  return ziv([=](mpfr_prec_t p) {
    const Iv s = sech(Iv(p, x));
    return s * s;
  });
}

double softsign(double x) noexcept {
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
  if (double y;
      fast([=]<class P>(
               P) { return Approx<P>(exactly(x)) / sum(1, std::fabs(x)); },
           y))
    return y;
  Exact den(std::fabs(x));
  mpfr_add_d(den.v, den.v, 1, MPFR_RNDN);
  Exact num(x);
  return round_quotient(num.v, den.v);
}

double softsign_grad(double x) noexcept {
  if (std::isnan(x))
    return x;
  if (std::isinf(x))
    return 0;
  // Below 2^-55 in magnitude, 1 - 2|x| rounds to 1.
  if (std::fabs(x) < 0x1p-55)
    return 1;
  if (double y; std::fabs(x) < 0x1p400 &&
                fast([=]<class P>(P) { return softsign_grad_fast<P>(x); }, y))
    return y;
  Exact den(std::fabs(x));
  mpfr_add_d(den.v, den.v, 1, MPFR_RNDN);
  mpfr_sqr(den.v, den.v, MPFR_RNDN);
  Exact one(1);
  return round_quotient(one.v, den.v);
}

double logsigmoid(double x) noexcept {
  if (std::isnan(x) || x == -inf)
    return x;
  if (x == inf)
    return -0.0;
  // Above 745.5, ln(1 + e^-x) < e^-x < 2^-1075; below -40,
  // ln(1 + e^x) < e^x < 2^-57: x - ln(1 + e^x) rounds to x.
  if (x > 745.5)
    return -0.0;
  if (x < -40)
    return x;
  if (double y; std::fabs(x) <= exp_max &&
                fast([=]<class P>(P) { return logsigmoid_fast<P>(x); }, y))
    return y;
  return ziv([=](mpfr_prec_t p) {
    const Iv X(p, x);
    if (x >= 0)
      return -log1p(exp(-X));
    return X - log1p(exp(X));
  });
}

double logsigmoid_grad(double x) noexcept {
  if (std::isnan(x))
    return x;
  if (x == 0)
    return 0.5;
  if (std::isinf(x))
    return x > 0 ? 0 : 1;
  // The mirror image of sigmoid's shortcuts.
  if (x < -37.5)
    return 1;
  if (std::fabs(x) < 0x1p-54)
    return 0.5;
  if (x > 745.5)
    return 0;
  if (double y; std::fabs(x) <= exp_max &&
                fast([=]<class P>(P) { return sigmoid_fast<P>(-x); }, y))
    return y;
  return ziv([=](mpfr_prec_t p) { return sigmoid(-Iv(p, x)); });
}

} // namespace relu
