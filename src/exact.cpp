#include "exact.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <mpfr.h>

namespace relu {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// The decimal constants of the formulas, read as exact reals.
constexpr const char* selu_lambda = "1.0507009873554804934193349852946";
constexpr const char* selu_alpha = "1.6732632423543772848170429916717";
constexpr const char* gelu_tanh_k = "0.044715";

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
using Binary = int (*)(mpfr_ptr, mpfr_srcptr, mpfr_srcptr, mpfr_rnd_t);

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

// |a| for an a that does not straddle 0.
Iv abs(const Iv& a) noexcept { return mpfr_sgn(a.lo) >= 0 ? 1.0 * a : -a; }

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

// Past this precision the loop gives up and returns the rounding of the
// lower end. Exact and midpoint results are handled before the loop, so
// no input is known to get here.
constexpr mpfr_prec_t max_precision = mpfr_prec_t{1} << 17;

// Return the double nearest to the value that eval(p) encloses for every p,
// doubling p from 64 until both ends of the enclosure round alike (Ziv's
// strategy). mpfr_get_d rounds to nearest, subnormals and overflow
// included; rounding is monotone, so when both ends round to d every value
// between them does. Both ends rounding to a zero decide its sign only when
// the enclosure excludes the other sign.
template <class Eval> double ziv(Eval eval) noexcept {
  for (mpfr_prec_t p = 64;; p *= 2) {
    const Iv r = eval(p);
    const double lo = mpfr_get_d(r.lo, MPFR_RNDN);
    const double hi = mpfr_get_d(r.hi, MPFR_RNDN);
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

// Return num / den rounded once to double: rounding to odd at 64 bits, then
// to nearest at 53 or fewer bits (subnormals) is a correct rounding, as
// the odd last bit keeps a truncated value off every midpoint.
double round_quotient(mpfr_srcptr num, mpfr_srcptr den) noexcept {
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
  const double d = mpfr_get_d(q, MPFR_RNDN);
  mpfr_clear(q);
  return d;
}

} // namespace

double elu(double x, double alpha) noexcept {
  if (std::isnan(x) || std::isnan(alpha))
    return nan;
  if (x > 0)
    return x;
  if (x == -inf)
    return -alpha;
  if (x == 0 || alpha == 0)
    return alpha * (x == 0 ? x : -1.0);
  return ziv([=](mpfr_prec_t p) { return alpha * expm1(Iv(p, x)); });
}

double elu_grad(double x, double alpha) noexcept {
  if (std::isnan(x) || std::isnan(alpha))
    return nan;
  if (x > 0)
    return 1;
  if (x == 0 || alpha == 0)
    return alpha;
  if (x == -inf)
    return alpha * 0.0;
  return ziv([=](mpfr_prec_t p) { return alpha * exp(Iv(p, x)); });
}

double selu(double x) noexcept {
  if (std::isnan(x) || x == 0)
    return x;
  if (x == inf)
    return inf;
  return ziv([=](mpfr_prec_t p) {
    const Iv lambda = decimal(p, selu_lambda);
    if (x > 0)
      return lambda * Iv(p, x);
    const Iv scale = lambda * decimal(p, selu_alpha);
    return x == -inf ? -scale : scale * expm1(Iv(p, x));
  });
}

double selu_grad(double x) noexcept {
  if (std::isnan(x))
    return x;
  if (x == -inf)
    return 0;
  return ziv([=](mpfr_prec_t p) {
    const Iv lambda = decimal(p, selu_lambda);
    if (x > 0)
      return 1.0 * lambda;
    return lambda * decimal(p, selu_alpha) * exp(Iv(p, x));
  });
}

double celu(double x, double alpha) noexcept {
  if (std::isnan(x) || std::isnan(alpha) || alpha == 0)
    return nan;
  if (x > 0)
    return x;
  if (x == -inf)
    return alpha > 0 ? -alpha : -inf;
  if (x == 0)
    return alpha * (x / alpha);
  return ziv([=](mpfr_prec_t p) { return alpha * expm1(Iv(p, x) / alpha); });
}

double celu_grad(double x, double alpha) noexcept {
  if (std::isnan(x) || std::isnan(alpha) || alpha == 0)
    return nan;
  if (x > 0 || x == 0)
    return 1;
  if (x == -inf)
    return alpha > 0 ? 0 : inf;
  return ziv([=](mpfr_prec_t p) { return exp(Iv(p, x) / alpha); });
}

double gelu(double x) noexcept {
  if (std::isnan(x) || x == 0 || x == inf)
    return x;
  if (x == -inf)
    return -0.0;
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
  return ziv([=](mpfr_prec_t p) { return Iv(p, x) * mish_parts(p, x).t; });
}

double mish_grad(double x) noexcept {
  if (std::isnan(x))
    return x;
  if (x == inf || x == -inf)
    return x > 0 ? 1 : 0;
  return ziv([=](mpfr_prec_t p) {
    const MishParts parts = mish_parts(p, x);
    return parts.t + Iv(p, x) * parts.dt;
  });
}

namespace {

// Whether beta * x > threshold in real arithmetic: the product of two
// doubles is exact at 106 bits.
bool above_threshold(double x, double beta, double threshold) noexcept {
  if (std::isinf(x))
    return x > 0;
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

double softplus(double x, double beta, double threshold) noexcept {
  if (std::isnan(x) || !(beta > 0) || std::isnan(threshold))
    return nan;
  if (above_threshold(x, beta, threshold))
    return x;
  if (x == -inf)
    return 0;
  // For z = beta x >= 0, ln(1 + e^z) = z + ln(1 + e^-z), so the value is
  // x + ln(1 + e^-z) / beta and e^-z cannot overflow.
  return ziv([=](mpfr_prec_t p) {
    const Iv X(p, x);
    const Iv z = beta * X;
    if (x >= 0)
      return X + log1p(exp(-z)) / beta;
    return log1p(exp(z)) / beta;
  });
}

double softplus_grad(double x, double beta, double threshold) noexcept {
  if (std::isnan(x) || !(beta > 0) || std::isnan(threshold))
    return nan;
  if (above_threshold(x, beta, threshold))
    return 1;
  if (x == -inf)
    return 0;
  if (x == 0)
    return 0.5;
  return ziv([=](mpfr_prec_t p) { return sigmoid(beta * Iv(p, x)); });
}

double hardswish(double x) noexcept {
  if (std::isnan(x) || x >= 3)
    return x;
  if (x <= -3)
    return -0.0;
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
  return ziv([=](mpfr_prec_t p) { return sigmoid(Iv(p, x)); });
}

double sigmoid_grad(double x) noexcept {
  if (std::isnan(x))
    return x;
  if (x == 0)
    return 0.25;
  if (std::isinf(x))
    return 0;
  // e^-|x| / (1 + e^-|x|)^2: sigmoid(x)(1 - sigmoid(x)) would cancel.
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
  return ziv([=](mpfr_prec_t p) { return increasing(mpfr_tanh, Iv(p, x)); });
}

double tanh_grad(double x) noexcept {
  if (std::isnan(x))
    return x;
  if (x == 0)
    return 1;
  if (std::isinf(x))
    return 0;
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
  // -ln(1 + e^-x) for x >= 0; x - ln(1 + e^x) below, where e^-x could
  // overflow: two terms of one sign, no cancellation.
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
  return ziv([=](mpfr_prec_t p) { return sigmoid(-Iv(p, x)); });
}

} // namespace relu
