// sigmoid, tanh, tanhshrink, silu, mish, softplus, logsigmoid and glu's
// pair and their derivatives: the functions built on the logistic function
// 1 / (1 + e^-x).
#include "double_double.hpp"
#include "exact.hpp"
#include "interval.hpp"
#include "kernels.hpp"

#include <cmath>
#include <limits>
#include <mpfr.h>

namespace relu {

using namespace exact;

namespace {

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

// x - tanh x = x^3 (b0 + b1 u + b2 u^2 + ...), u = x^2, for |x| < 1/4,
// where x - tanh_fast(x) would cancel up to 2^-72 * 3 / x^2 relative. The
// b_n are tanh's Taylor coefficients negated (|b_n+1 / b_n| < 0.406): b0 to
// b3 in double-double (to 2^-106 relative), b4 to b15 in double by Horner
// at the rounded u, good to 2^-49 |b4| < 2^-55.8 with the rounding of u;
// the terms from b16 on add below 2^-70 |b4| to that tail. u's low part is
// exact wherever the result can be decided (|x| >= 2^-320, x^2 normal).
template <class P> Approx<P> tanhshrink_series(double x) noexcept {
  constexpr Bounded b0{0x1.5555555555555p-2, 0x1.5555555555555p-56, 0x1p-107};
  constexpr Bounded b1{-0x1.1111111111111p-3, -0x1.1111111111111p-59, 0x1p-108};
  constexpr Bounded b2{0x1.ba1ba1ba1ba1cp-5, -0x1.7917917917918p-59, 0x1p-110};
  constexpr Bounded b3{-0x1.664f4882c10fap-6, 0x1.9a5288b6c44fdp-63, 0x1p-111};
  constexpr std::array<double, 12> tail{
      0x1.226e355e6c23dp-7,   -0x1.d6d3d0e157de0p-9,  0x1.7da36452b75e3p-10,
      -0x1.3558248036744p-11, 0x1.f57d7734d1664p-13,  -0x1.967e18afcafadp-14,
      0x1.497d8eea25259p-15,  -0x1.0b132d39a6050p-16, 0x1.b0f72d3ee24e9p-18,
      -0x1.5ef2da474e5b7p-19, 0x1.1c77df95c1c0dp-20,  -0x1.cd299de4ae6bbp-22};
  const Dd sq = P::two_prod(x, x);
  const Approx<P> u{sq.hi, sq.lo, 0};
  const Approx<P> t{horner<P>(sq.hi, tail), 0, 0x1p-55};
  return x * (u * (b0 + u * (b1 + u * (b2 + u * (b3 + u * t)))));
}

// x - tanh x: from the series near 0, else the difference, which cancels
// by at most 2^5.6 from 1/4 on.
template <class P> Approx<P> tanhshrink_fast(double x) noexcept {
  if (std::fabs(x) < 0.25)
    return tanhshrink_series<P>(x);
  return exactly(x) - tanh_fast<P>(x);
}

// -ln(1 + e^-x) for x >= 0; x - ln(1 + e^x) below, where e^-x could
// overflow: two terms of one sign, no cancellation.
template <class P> Approx<P> logsigmoid_fast(double x) noexcept {
  const Approx<P> l = log1p_fast(exp_fast<P>(-std::fabs(x), 0));
  return x >= 0 ? -l : exactly(x) - l;
}

} // namespace

double silu(double x, Dtype dtype) noexcept {
  if (std::isnan(x) || x == 0 || x == inf)
    return x;
  if (x == -inf)
    return -0.0;
  // Above 38, 1 - sigmoid(x) < 2^-54: x sigmoid(x) rounds to x. Below
  // 2^-53 in magnitude, x/2 + x^2/4 + ... rounds to x/2, from below. Below
  // -760 the magnitude is under 2^-1075.
  if (x > 38)
    return x;
  if (std::fabs(x) < 0x1p-53 && std::fabs(x) >= fast_min)
    return round_near(dtype, x / 2, Side::above);
  if (x < -760)
    return -0.0;
  if (double y;
      std::fabs(x) <= exp_max &&
      fast(
          dtype, [=]<class P>(P) { return x * sigmoid_fast<P>(x); }, y))
    return y;
  return ziv(dtype, [=](mpfr_prec_t p) {
    const Iv X(p, x);
    return X * sigmoid(X);
  });
}

double silu_grad(double x, Dtype dtype) noexcept {
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
                fast(
                    dtype, [=]<class P>(P) { return silu_grad_fast<P>(x); }, y))
    return y;
  return ziv(dtype, [=](mpfr_prec_t p) {
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

double mish(double x, Dtype dtype) noexcept {
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
  if (double y;
      std::fabs(x) <= exp_max &&
      fast(
          dtype, [=]<class P>(P) { return x * mish_fast<P>(x).t; }, y))
    return y;
  return ziv(dtype,
             [=](mpfr_prec_t p) { return Iv(p, x) * mish_parts(p, x).t; });
}

double mish_grad(double x, Dtype dtype) noexcept {
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
                fast(
                    dtype, [=]<class P>(P) { return mish_grad_fast<P>(x); }, y))
    return y;
  return ziv(dtype, [=](mpfr_prec_t p) {
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
bool softplus_fast(double x, double beta, Dtype dtype, double& out) noexcept {
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
      dtype,
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

double softplus(double x, double beta, double threshold, Dtype dtype) noexcept {
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
  if (double y; softplus_fast(x, beta, dtype, y))
    return y;
  return ziv(dtype, [=](mpfr_prec_t p) {
    const Iv X(p, x);
    const Iv z = beta * X;
    if (x >= 0)
      return X + log1p(exp(-z)) / beta;
    return log1p(exp(z)) / beta;
  });
}

double softplus_grad(double x, double beta, double threshold,
                     Dtype dtype) noexcept {
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
    if (double y; fast(
            dtype, [=]<class P>(P) { return sigmoid_fast<P>(z.hi, z.lo); }, y))
      return y;
  }
  return ziv(dtype, [=](mpfr_prec_t p) { return sigmoid(beta * Iv(p, x)); });
}

double sigmoid(double x, Dtype dtype) noexcept {
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
                fast(
                    dtype, [=]<class P>(P) { return sigmoid_fast<P>(x); }, y))
    return y;
  return ziv(dtype, [=](mpfr_prec_t p) { return sigmoid(Iv(p, x)); });
}

double sigmoid_grad(double x, Dtype dtype) noexcept {
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
  if (double y;
      std::fabs(x) <= exp_max &&
      fast(
          dtype, [=]<class P>(P) { return sigmoid_grad_fast<P>(x); }, y))
    return y;
  return ziv(dtype, [=](mpfr_prec_t p) {
    const Iv m = exp(Iv(p, -std::fabs(x)));
    const Iv den = 1.0 + m;
    return m / (den * den);
  });
}

double tanh(double x, Dtype dtype) noexcept {
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
  if (double y; fast(
          dtype, [=]<class P>(P) { return tanh_fast<P>(x); }, y))
    return y;
  return ziv(dtype,
             [=](mpfr_prec_t p) { return increasing(mpfr_tanh, Iv(p, x)); });
}

double tanh_grad(double x, Dtype dtype) noexcept {
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
                fast(
                    dtype, [=]<class P>(P) { return tanh_grad_fast<P>(x); }, y))
    return y;
  // sech(x)^2: 1 - tanh(x)^2 would cancel.
  return ziv(dtype, [=](mpfr_prec_t p) {
    const Iv s = sech(Iv(p, x));
    return s * s;
  });
}

double tanhshrink(double x, Dtype dtype) noexcept {
  if (std::isnan(x) || std::isinf(x))
    return x;
  if (x == 0)
    return 0.0; // x - tanh x is +0 at either zero in IEEE arithmetic
  const double a = std::fabs(x);
  // Below 2^-359, |x - tanh x| < |x|^3 / 3 < 2^-1077: rounds to a zero.
  if (a < 0x1p-359)
    return std::copysign(0.0, x);
  // Above 2^53 the value lies between x -+ 1 and x, and the double next to
  // x on that side is at least 2 away: rounds to x.
  if (a > 0x1p53)
    return x;
  // Above 40, 1 - |tanh x| < 2 e^-80 < 2^-114: the value is x -+ 1 (exact
  // below 2^53), moved toward x by far less than any ulp of it.
  if (a > 40)
    return round_near(dtype, x - std::copysign(1.0, x),
                      x > 0 ? Side::above : Side::below);
  if (double y; fast(
          dtype, [=]<class P>(P) { return tanhshrink_fast<P>(x); }, y))
    return y;
  // The enclosure's width follows the cancellation: Ziv's loop raises the
  // precision until it is narrow enough (about 2 log2(1/|x|) + 64 bits).
  return ziv(dtype, [=](mpfr_prec_t p) {
    const Iv v(p, x);
    return v - increasing(mpfr_tanh, v);
  });
}

double tanhshrink_grad(double x, Dtype dtype) noexcept {
  if (std::isnan(x))
    return x;
  if (std::isinf(x))
    return 1;
  // Below 2^-538 (zeros too), tanh(x)^2 < x^2 < 2^-1076: rounds to +0;
  // above 19.5, 1 - tanh(x)^2 < 4 e^-39 < 2^-54: rounds to 1.
  if (std::fabs(x) < 0x1p-538)
    return 0.0;
  if (std::fabs(x) > 19.5)
    return 1;
  if (double y; fast(
          dtype,
          [=]<class P>(P) {
            const Approx<P> t = tanh_fast<P>(x);
            return t * t;
          },
          y))
    return y;
  return ziv(dtype, [=](mpfr_prec_t p) {
    const Iv t = increasing(mpfr_tanh, Iv(p, std::fabs(x)));
    return t * t;
  });
}

double logsigmoid(double x, Dtype dtype) noexcept {
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
  if (double y;
      std::fabs(x) <= exp_max &&
      fast(
          dtype, [=]<class P>(P) { return logsigmoid_fast<P>(x); }, y))
    return y;
  return ziv(dtype, [=](mpfr_prec_t p) {
    const Iv X(p, x);
    if (x >= 0)
      return -log1p(exp(-X));
    return X - log1p(exp(X));
  });
}

double logsigmoid_grad(double x, Dtype dtype) noexcept {
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
                fast(
                    dtype, [=]<class P>(P) { return sigmoid_fast<P>(-x); }, y))
    return y;
  return ziv(dtype, [=](mpfr_prec_t p) { return sigmoid(-Iv(p, x)); });
}

// glu's pair (a, b): 1 - sigmoid(b) < e^-37.5 < 2^-54 above 37.5, so
// a sigmoid(b) rounds to a (the gap below a double is at least |a| 2^-53);
// below -1455, |a| sigmoid(b) < 2^1024 e^b < 2^-1075.
double glu(double a, double b, Dtype dtype) noexcept {
  if (std::isnan(a))
    return a;
  if (std::isnan(b))
    return b;
  if (std::isinf(a))
    return b == -inf ? -std::numeric_limits<double>::quiet_NaN() : a;
  if (a == 0 || b > 37.5)
    return a;
  if (b < -1455)
    return std::copysign(0.0, a);
  if (b == 0)
    return round_product(dtype, a, 0.5);
  if (double y;
      std::fabs(b) <= exp_max &&
      fast(
          dtype, [=]<class P>(P) { return a * sigmoid_fast<P>(b); }, y))
    return y;
  return ziv(dtype,
             [=](mpfr_prec_t p) { return Iv(p, a) * sigmoid(Iv(p, b)); });
}

// sigmoid(b) (1 - sigmoid(b)) < e^-|b|: below 2^-1075 / |a| past 1455.
double glu_grad(double a, double b, Dtype dtype) noexcept {
  if (std::isnan(a))
    return a;
  if (std::isnan(b))
    return b;
  if (std::isinf(a))
    return std::isinf(b) ? -std::numeric_limits<double>::quiet_NaN() : a;
  if (a == 0)
    return a;
  if (std::fabs(b) > 1455)
    return std::copysign(0.0, a);
  if (b == 0)
    return round_product(dtype, a, 0.25);
  if (double y;
      std::fabs(b) <= exp_max &&
      fast(
          dtype, [=]<class P>(P) { return a * sigmoid_grad_fast<P>(b); }, y))
    return y;
  return ziv(dtype, [=](mpfr_prec_t p) {
    const Iv m = exp(Iv(p, -std::fabs(b)));
    const Iv den = 1.0 + m;
    return Iv(p, a) * (m / (den * den));
  });
}

} // namespace relu
