// softmax, softmin and log_softmax over a row, and the diagonals of their
// Jacobians, every output correctly rounded.
//
// Each output is the exact real value of its formula at the row's exact
// double values, rounded once to dtype (to nearest, ties to even,
// subnormals and overflow included): no rounding of a sum or of an
// exponential reaches it. The row's values are values of the dtype.
//
// Special values, for the row as a whole (softmin takes them from -x):
//  - a NaN anywhere: every output NaN;
//  - two or more +inf, or every value -inf: every output NaN (no limit);
//  - one +inf: the limit, softmax 1 there and 0 elsewhere (log_softmax 0
//    and -inf);
//  - -inf elements: e^-inf = 0, so softmax 0 and log_softmax -inf there,
//    the other outputs from the other elements alone.
// The derivatives take their formula on the values above (softmax 1 or 0:
// y (1 - y) = 0; log_softmax' = 1 - y). Zeros: an underflowing softmax is
// +0; softmax_grad's zeros, exact or underflowing, are +0 and softmin_grad's
// -0, as IEEE gives -y (1 - y) on y = 0 or 1; log_softmax is +0 where it
// is exactly 0 (x - x, a single finite element, or at the +inf of a limit)
// and -0 where it rounds to 0; log_softmax_grad is +0 where its y is 1. The
// exact value is a rational number only where every finite element is equal
// (Lindemann-Weierstrass), which is computed exactly.
//
// How (src/exact/softmax.cpp): the row is shifted by its maximum M, so
// with T = sum over the other elements of e^(x_j - M), the sum is 1 + T and
// T keeps its relative accuracy when one term dominates (log_softmax of the
// maximum is -ln(1 + T), by log1p). The fast path sums T in double-double
// with an error bound (some 2^-75 relative) and decides each output with
// decide(), or proves that it rounds to zero. A row with an output left
// takes a second tier, T again from a more accurate exponential (2^-97),
// which also rounds subnormal float64 outputs of softmax and its
// derivative at scale; what it leaves (near-ties, log_softmax, which skips
// it, and what T's own underflow blurs) goes to an MPFR Ziv loop that
// encloses T once per precision for every output left: a row costs O(n)
// MPFR work per precision at most, never O(n^2).
//
// Every function takes x (n >= 1 values), writes out (n values, not
// overlapping x) and overwrites scratch (n doubles or more). It allocates
// only in MPFR: on the slow path, and for a row whose finite elements are
// all equal, rounded exactly.
#pragma once

#include "dtype.hpp"

#include <span>

namespace relu {

// Write e^(x_i) / sum_j e^(x_j) to out[i].
void softmax(std::span<const double> x, std::span<double> out,
             std::span<double> scratch, Dtype dtype = Dtype::float64) noexcept;

// Write y_i (1 - y_i), y = softmax(x), to out[i].
void softmax_grad(std::span<const double> x, std::span<double> out,
                  std::span<double> scratch,
                  Dtype dtype = Dtype::float64) noexcept;

// Write softmax(-x)_i to out[i].
void softmin(std::span<const double> x, std::span<double> out,
             std::span<double> scratch, Dtype dtype = Dtype::float64) noexcept;

// Write -y_i (1 - y_i), y = softmin(x), to out[i].
void softmin_grad(std::span<const double> x, std::span<double> out,
                  std::span<double> scratch,
                  Dtype dtype = Dtype::float64) noexcept;

// Write x_i - ln sum_j e^(x_j) to out[i].
void log_softmax(std::span<const double> x, std::span<double> out,
                 std::span<double> scratch,
                 Dtype dtype = Dtype::float64) noexcept;

// Write 1 - softmax(x)_i to out[i].
void log_softmax_grad(std::span<const double> x, std::span<double> out,
                      std::span<double> scratch,
                      Dtype dtype = Dtype::float64) noexcept;

} // namespace relu
