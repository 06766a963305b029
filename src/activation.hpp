// The activation core: ReLU, leaky ReLU and their derivatives on IEEE
// doubles. Pure functions, no I/O; the conventions at 0, NaN and infinities
// are decided here once and pinned by tests/test_activation.cpp.
#pragma once

namespace relu {

// Default slope of leaky ReLU below zero, as in PyTorch.
inline constexpr double default_alpha = 0.01;

// Return x for x > 0, else +0; NaN stays NaN.
constexpr double relu(double x) noexcept { return x > 0 || x != x ? x : 0.0; }

// Return x for x > 0, else alpha * x in IEEE arithmetic (so alpha = 0 maps
// -inf to NaN, as PyTorch does); NaN stays NaN.
constexpr double leaky_relu(double x, double alpha) noexcept {
  return x > 0 || x != x ? x : alpha * x;
}

// Return 1 for x > 0, else 0: the left derivative at 0, as PyTorch and JAX
// use. NaN stays NaN.
constexpr double relu_grad(double x) noexcept {
  return x != x ? x : x > 0 ? 1.0 : 0.0;
}

// Return 1 for x > 0, else alpha (the left derivative at 0). NaN stays NaN.
constexpr double leaky_relu_grad(double x, double alpha) noexcept {
  return x != x ? x : x > 0 ? 1.0 : alpha;
}

// Which member of the family to evaluate, and how.
struct Activation {
  bool leaky = false;
  bool derivative = false;
  double alpha = default_alpha;

  // Evaluate the selected function at x.
  constexpr double operator()(double x) const noexcept {
    if (derivative)
      return leaky ? leaky_relu_grad(x, alpha) : relu_grad(x);
    return leaky ? leaky_relu(x, alpha) : relu(x);
  }
};

} // namespace relu
