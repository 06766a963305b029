// elu, selu and celu and their derivatives: alpha (e^x - 1) and alpha e^x
// below 0, where selu scales them by lambda and celu divides x by alpha.
#include "double_double.hpp"
#include "exact.hpp"
#include "interval.hpp"
#include "kernels.hpp"

#include <cmath>
#include <mpfr.h>

namespace relu {

using namespace exact;

namespace {

// The decimal constants of the formulas, read as exact reals.
constexpr const char* selu_lambda = "1.0507009873554804934193349852946";
constexpr const char* selu_alpha = "1.6732632423543772848170429916717";

// The exact decimal constants as double-doubles, error below 2^-106.
constexpr Bounded selu_lambda_dd{0x1.0cfabd6a91132p+0, 0x1.6fc7d272f2695p-55,
                                 0x1p-106};
constexpr Bounded selu_scale_dd{0x1.c212cc640f031p+0, 0x1.05161b045a1fep-56,
                                0x1p-105};

// x / alpha as a double-double: relative error below 2^-100, plus 2^-1073
// absolute for a low part lost to underflow. Always inlined: g++ would
// keep it out of line here, and cost each Dekker evaluation of celu a call.
template <class P>
[[gnu::always_inline]] inline Approx<P> quotient(double x,
                                                 double alpha) noexcept {
  const Approx<P> q = Approx<P>(exactly(x)) / exactly(alpha);
  return {q.hi, q.lo, std::fabs(q.hi) * 0x1p-100 + 0x1p-1073};
}

// Whether e^q or e^q - 1 may take the fast path: a q near the subnormal
// range would have lost the low part that the result needs.
template <class P> bool exp_arg_ok(const Approx<P>& q) noexcept {
  return std::fabs(q.hi) <= exp_max && std::fabs(q.hi) >= 0x1p-900;
}

// f(q) computed from q.hi + q.lo, widened for the error dq of q, where f
// is e^q or e^q - 1 and exp_q is e^q: both move by at most
// e^q |dq| (1 + 2|dq|) for |dq| small.
template <class P>
Approx<P> with_arg_error(Approx<P> f, const Approx<P>& q,
                         double exp_q) noexcept {
  f.err += exp_q * q.err * 1.01;
  return f;
}

// e^q - 1, widened for the error of q.
template <class P> Approx<P> expm1_with_arg_error(const Approx<P>& q) noexcept {
  const Approx<P> f = expm1_fast<P>(q.hi, q.lo);
  return with_arg_error(f, q, std::fabs(f.hi + 1));
}

// alpha (e^(x / alpha) - 1), from the quotient's double-double.
template <class P> Approx<P> celu_fast(double x, double alpha) noexcept {
  const Approx<P> q = quotient<P>(x, alpha);
  if (!exp_arg_ok(q))
    return undecided;
  return alpha * expm1_with_arg_error(q);
}

// e^(x / alpha), from the quotient's double-double.
template <class P> Approx<P> celu_grad_fast(double x, double alpha) noexcept {
  const Approx<P> q = quotient<P>(x, alpha);
  if (!exp_arg_ok(q))
    return undecided;
  const Approx<P> e = exp_fast<P>(q.hi, q.lo);
  return with_arg_error(e, q, std::fabs(e.hi));
}

} // namespace

double elu(double x, double alpha, Dtype dtype) noexcept {
  if (std::isnan(x))
    return x;
  if (std::isnan(alpha))
    return nan;
  if (x > 0)
    return x;
  if (x == -inf)
    return round_to(dtype, -alpha);
  if (x == 0 || alpha == 0)
    return alpha * (x == 0 ? x : -1.0);
  // Below -40, 1 - e^x is within 2^-57 of 1: the product rounds to -alpha,
  // from the side of 0.
  if (x < -40)
    return round_near(dtype, -alpha, alpha > 0 ? Side::above : Side::below);
  if (double y; fast(
          dtype, [=]<class P>(P) { return alpha * expm1_fast<P>(x, 0); }, y))
    return y;
  return ziv(dtype, [=](mpfr_prec_t p) { return alpha * expm1(Iv(p, x)); });
}

double elu_grad(double x, double alpha, Dtype dtype) noexcept {
  if (std::isnan(x))
    return x;
  if (std::isnan(alpha))
    return nan;
  if (x > 0)
    return 1;
  if (x == 0 || alpha == 0)
    return round_to(dtype, alpha);
  if (x == -inf)
    return alpha * 0.0;
  if (double y;
      x >= -exp_max &&
      fast(
          dtype, [=]<class P>(P) { return alpha * exp_fast<P>(x, 0); }, y))
    return y;
  return ziv(dtype, [=](mpfr_prec_t p) { return alpha * exp(Iv(p, x)); });
}

double selu(double x, Dtype dtype) noexcept {
  if (std::isnan(x) || x == 0)
    return x;
  if (x == inf)
    return inf;
  // lambda * alpha * (1 - e^x) is within 2^-57 of lambda * alpha, whose
  // double-double low part is 2^-4 ulp: it rounds as lambda * alpha does,
  // from the side of 0.
  if (x < -40)
    return round_near(dtype, -selu_scale_dd.hi, Side::above);
  if (double y; fast(
          dtype,
          [=]<class P>(P) {
            const Approx<P> lambda = selu_lambda_dd;
            return x > 0 ? x * lambda : selu_scale_dd * expm1_fast<P>(x, 0);
          },
          y))
    return y;
  return ziv(dtype, [=](mpfr_prec_t p) {
    const Iv lambda = decimal(p, selu_lambda);
    if (x > 0)
      return lambda * Iv(p, x);
    const Iv scale = lambda * decimal(p, selu_alpha);
    return x == -inf ? -scale : scale * expm1(Iv(p, x));
  });
}

double selu_grad(double x, Dtype dtype) noexcept {
  if (std::isnan(x))
    return x;
  if (x == -inf)
    return 0;
  // The constants' low parts give the side of the exact value.
  if (x > 0)
    return round_near(dtype, selu_lambda_dd.hi, Side::above);
  if (x == 0)
    return round_near(dtype, selu_scale_dd.hi, Side::above);
  if (double y;
      x >= -exp_max &&
      fast(
          dtype, [=]<class P>(P) { return selu_scale_dd * exp_fast<P>(x, 0); },
          y))
    return y;
  return ziv(dtype, [=](mpfr_prec_t p) {
    const Iv lambda = decimal(p, selu_lambda);
    if (x > 0)
      return 1.0 * lambda;
    return lambda * decimal(p, selu_alpha) * exp(Iv(p, x));
  });
}

double celu(double x, double alpha, Dtype dtype) noexcept {
  if (std::isnan(x))
    return x;
  if (std::isnan(alpha) || alpha == 0)
    return nan;
  if (x > 0)
    return x;
  if (x == -inf)
    return alpha > 0 ? round_to(dtype, -alpha) : -inf;
  if (x == 0)
    return alpha * (x / alpha);
  // As for elu: below -40, 1 - e^q is within 2^-57 of 1 (and the rounded
  // quotient is below -40 only if the exact one is).
  if (x / alpha < -40)
    return round_near(dtype, -alpha, Side::above);
  if (double y; fast(
          dtype, [=]<class P>(P) { return celu_fast<P>(x, alpha); }, y))
    return y;
  return ziv(dtype,
             [=](mpfr_prec_t p) { return alpha * expm1(Iv(p, x) / alpha); });
}

double celu_grad(double x, double alpha, Dtype dtype) noexcept {
  if (std::isnan(x))
    return x;
  if (std::isnan(alpha) || alpha == 0)
    return nan;
  if (x > 0 || x == 0)
    return 1;
  if (x == -inf)
    return alpha > 0 ? 0 : inf;
  if (double y; fast(
          dtype, [=]<class P>(P) { return celu_grad_fast<P>(x, alpha); }, y))
    return y;
  return ziv(dtype, [=](mpfr_prec_t p) { return exp(Iv(p, x) / alpha); });
}

} // namespace relu
