// Correctly rounded smooth and rational rectifiers and their derivatives.
//
// Every function returns the value of its dtype (a double, the default, or a
// narrower one, whose values are doubles too) nearest to the exact real value
// of its formula at its (exact) double arguments, ties to even: the argument x
// is a value of the dtype, and the result is rounded to it once, never through
// the double nearest to it. Overflow gives +-inf, a result that rounds to zero
// keeps the sign of the exact value, and subnormal results are rounded
// correctly. Comparisons at kinks and thresholds are exact. NaN gives NaN of
// the same sign; at +-inf the result is the limit (the sign of a zero limit is
// not promised). Where the exact value is zero the sign of the zero is the one
// the formula gives in IEEE arithmetic (so elu(-0) is -0). Parameters must be
// finite. Pure functions, no I/O; they are pinned by tests/exact/ and checked
// against mpmath through tests/accuracy/probe.cpp.
//
// How each function rounds correctly, in three tiers, which the files of
// src/exact/ follow:
//  1. Shortcuts: NaN, infinities, exact zeros, and the saturated ends where
//     a short argument (in the comment beside each) proves the rounded
//     value (sigmoid(x) = 1 above 37.5, tanh x = x below 2^-27, ...). They
//     open each function, in the file of its group: exponential.cpp (elu,
//     selu, celu), gelu.cpp (gelu, gelu_tanh), logistic.cpp (sigmoid, tanh,
//     tanhshrink, silu, mish, softplus, logsigmoid), rational.cpp
//     (hardswish, hardsigmoid, softsign), and softmax.cpp for the functions
//     over a row (softmax.hpp).
//  2. The fast path: the formula in double-double arithmetic with its own
//     exp/expm1 kernel (and, for gelu, a table of the normal distribution's
//     Mills ratio), carrying a bound on the absolute error; decide()
//     accepts the result when every real within the bound rounds alike.
//     It declines near the subnormal range, and on exact midpoints. The
//     arithmetic and decide() are in double_double.hpp, the kernels shared
//     by several groups in kernels.hpp, each formula in its group's file.
//  3. The slow path, which is always right: MPFR interval arithmetic in a
//     Ziv loop for the transcendental formulas, one exact rounding for the
//     rational ones (interval.hpp).
// A new function takes all three tiers, each with its error analysis; a
// kernel it needs is a template on the product policy, in a header
// (kernels.hpp if other groups may share it), so that with_fused() can
// inline it. Every function takes the dtype to round to (dtype.hpp): the
// tests of decide() and ziv(), round_quotient() and round_sixth() round to
// it once, and a shortcut's value other than the input goes through
// round_near() with the side of the exact value.
#pragma once

#include "dtype.hpp"

namespace relu {

// Return x for x > 0, else alpha * (e^x - 1).
double elu(double x, double alpha, Dtype dtype = Dtype::float64) noexcept;

// Return 1 for x > 0, else alpha * e^x (alpha at 0).
double elu_grad(double x, double alpha, Dtype dtype = Dtype::float64) noexcept;

// Return lambda * x for x > 0, else lambda * alpha * (e^x - 1), with
// PyTorch's constants taken as the exact decimal reals.
double selu(double x, Dtype dtype = Dtype::float64) noexcept;

// Return lambda for x > 0, else lambda * alpha * e^x.
double selu_grad(double x, Dtype dtype = Dtype::float64) noexcept;

// Return x for x > 0, else alpha * (e^(x / alpha) - 1); alpha must not be 0.
double celu(double x, double alpha, Dtype dtype = Dtype::float64) noexcept;

// Return 1 for x > 0, else e^(x / alpha) (1 at 0); alpha must not be 0.
double celu_grad(double x, double alpha, Dtype dtype = Dtype::float64) noexcept;

// Return x * Phi(x), Phi the standard normal distribution function.
double gelu(double x, Dtype dtype = Dtype::float64) noexcept;

// Return Phi(x) + x * phi(x), phi the standard normal density.
double gelu_grad(double x, Dtype dtype = Dtype::float64) noexcept;

// Return (x / 2) * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3))).
double gelu_tanh(double x, Dtype dtype = Dtype::float64) noexcept;

// Return the derivative of gelu_tanh at x.
double gelu_tanh_grad(double x, Dtype dtype = Dtype::float64) noexcept;

// Return x * sigmoid(x).
double silu(double x, Dtype dtype = Dtype::float64) noexcept;

// Return sigmoid(x) * (1 + x * (1 - sigmoid(x))).
double silu_grad(double x, Dtype dtype = Dtype::float64) noexcept;

// Return x * tanh(ln(1 + e^x)).
double mish(double x, Dtype dtype = Dtype::float64) noexcept;

// Return the derivative of mish at x.
double mish_grad(double x, Dtype dtype = Dtype::float64) noexcept;

// Return x when beta * x > threshold, else ln(1 + e^(beta x)) / beta; beta
// must be positive.
double softplus(double x, double beta, double threshold,
                Dtype dtype = Dtype::float64) noexcept;

// Return 1 when beta * x > threshold, else sigmoid(beta * x).
double softplus_grad(double x, double beta, double threshold,
                     Dtype dtype = Dtype::float64) noexcept;

// Return whether beta * x > threshold in real arithmetic: the branch where
// softplus returns x itself.
bool softplus_linear(double x, double beta, double threshold) noexcept;

// Return x * min(max(x + 3, 0), 6) / 6 (-0 for x <= -3, as IEEE gives).
double hardswish(double x, Dtype dtype = Dtype::float64) noexcept;

// Return 0 for x < -3, x / 3 + 1 / 2 for -3 <= x <= 3, 1 for x > 3.
double hardswish_grad(double x, Dtype dtype = Dtype::float64) noexcept;

// Return min(max(x + 3, 0), 6) / 6.
double hardsigmoid(double x, Dtype dtype = Dtype::float64) noexcept;

// Return 1 / 6 for -3 < x < 3, else 0.
double hardsigmoid_grad(double x, Dtype dtype = Dtype::float64) noexcept;

// Return 1 / (1 + e^-x).
double sigmoid(double x, Dtype dtype = Dtype::float64) noexcept;

// Return sigmoid(x) * (1 - sigmoid(x)).
double sigmoid_grad(double x, Dtype dtype = Dtype::float64) noexcept;

// Return the hyperbolic tangent of x.
double tanh(double x, Dtype dtype = Dtype::float64) noexcept;

// Return 1 - tanh(x)^2.
double tanh_grad(double x, Dtype dtype = Dtype::float64) noexcept;

// Return x - tanh(x) (+0 at either zero).
double tanhshrink(double x, Dtype dtype = Dtype::float64) noexcept;

// Return tanh(x)^2, the derivative of tanhshrink.
double tanhshrink_grad(double x, Dtype dtype = Dtype::float64) noexcept;

// Return x / (1 + |x|).
double softsign(double x, Dtype dtype = Dtype::float64) noexcept;

// Return 1 / (1 + |x|)^2.
double softsign_grad(double x, Dtype dtype = Dtype::float64) noexcept;

// Return -ln(1 + e^-x).
double logsigmoid(double x, Dtype dtype = Dtype::float64) noexcept;

// Return sigmoid(-x), the derivative of logsigmoid.
double logsigmoid_grad(double x, Dtype dtype = Dtype::float64) noexcept;

// Return a * sigmoid(b), glu's output for the pair (a, b). At a = +-inf,
// b = -inf it is -NaN (inf * 0, as IEEE's product); elsewhere at +-inf the
// limit.
double glu(double a, double b, Dtype dtype = Dtype::float64) noexcept;

// Return a * sigmoid(b) * (1 - sigmoid(b)), glu's derivative in b (in a it
// is sigmoid(b)); -NaN at a = +-inf, b = +-inf.
double glu_grad(double a, double b, Dtype dtype = Dtype::float64) noexcept;

// Free what evaluations cached for the calling thread (MPFR's constants and
// memory pool). A thread that evaluated calls it before it ends, or the
// cache outlives it unreachable.
void release_thread_caches() noexcept;

} // namespace relu
