// The activation core: the rectifier family, one table row per function
// with everything the rest of the program needs to know about it. Pure
// functions, no I/O; the conventions at 0, NaN and infinities are decided
// here (and in exact/exact.hpp) once and pinned by tests/test_activation.cpp.
#pragma once

#include "exact/exact.hpp"
#include "number.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace relu {

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

// Return min(max(x, lo), hi), with +0 for a zero bound reached from below;
// NaN stays NaN.
constexpr double hardtanh(double x, double lo, double hi) noexcept {
  if (x != x)
    return x;
  return x <= lo ? lo + 0.0 : x >= hi ? hi + 0.0 : x;
}

// Return 1 for lo < x < hi, else 0 (0 at both kinks, as PyTorch); NaN stays
// NaN.
constexpr double hardtanh_grad(double x, double lo, double hi) noexcept {
  return x != x ? x : lo < x && x < hi ? 1.0 : 0.0;
}

// The parameters of the family, as the doubles they parse to; each
// function reads those it has.
struct Params {
  double alpha = 0.01;
  double min_val = -1;
  double max_val = 1;
  double beta = 1;
  double threshold = 20;
  bool tanh = false; // gelu: --approximate tanh
};

// The parameters, as bits in Function::params.
namespace param {
inline constexpr std::uint8_t alpha = 1;
inline constexpr std::uint8_t min_val = 2;
inline constexpr std::uint8_t max_val = 4;
inline constexpr std::uint8_t beta = 8;
inline constexpr std::uint8_t threshold = 16;
inline constexpr std::uint8_t approximate = 32;
} // namespace param

// What a function does with each kind of number. keep: the input text is
// the result; constant: one value for the whole kind; compute: evaluate,
// and keep the text where the function returns its input (Function::keeps).
enum class Rule : std::uint8_t { keep, constant, compute };

// Rules indexed by Kind: invalid (unused), negative, zero, positive, nan.
using Rules = std::array<Rule, 5>;

struct Function {
  std::string_view name;
  std::string_view alias; // empty if none
  std::uint8_t params;    // param:: bits
  double default_alpha;   // for functions with param::alpha
  std::string_view formula;
  double (*value)(double x, const Params& p) noexcept;
  double (*derivative)(double x, const Params& p) noexcept;
  // Whether the value at x is x itself, by the formula's branch: then the
  // input text is written unchanged.
  bool (*keeps)(double x, const Params& p) noexcept;
  Rules value_rules;
  Rules derivative_rules;
  // Return what is wrong with p for this function, or "" if nothing.
  std::string_view (*check)(const Params& p) noexcept;
};

namespace detail {

constexpr Rule K = Rule::keep;
constexpr Rule C = Rule::constant;
constexpr Rule E = Rule::compute; // evaluate

constexpr bool never(double, const Params&) noexcept { return false; }

constexpr bool positive(double x, const Params&) noexcept { return x > 0; }

constexpr std::string_view no_check(const Params&) noexcept { return ""; }

} // namespace detail

// The family, in torch.nn.functional's names; the first is the default.
inline constexpr std::array functions{
    Function{"relu",
             "",
             0,
             0,
             "max(x, 0)",
             [](double x, const Params&) noexcept { return relu(x); },
             [](double x, const Params&) noexcept { return relu_grad(x); },
             detail::positive,
             {detail::E, detail::C, detail::C, detail::K, detail::K},
             {detail::E, detail::C, detail::C, detail::C, detail::E},
             detail::no_check},
    Function{"leaky_relu",
             "leaky",
             param::alpha,
             0.01,
             "x if x > 0, else alpha*x",
             [](double x, const Params& p) noexcept {
               return leaky_relu(x, p.alpha);
             },
             [](double x, const Params& p) noexcept {
               return leaky_relu_grad(x, p.alpha);
             },
             detail::positive,
             {detail::E, detail::E, detail::E, detail::K, detail::K},
             {detail::E, detail::C, detail::C, detail::C, detail::E},
             detail::no_check},
    Function{
        "relu6",
        "",
        0,
        0,
        "min(max(x, 0), 6)",
        [](double x, const Params&) noexcept { return hardtanh(x, 0, 6); },
        [](double x, const Params&) noexcept { return hardtanh_grad(x, 0, 6); },
        [](double x, const Params&) noexcept { return 0 < x && x < 6; },
        {detail::E, detail::C, detail::C, detail::E, detail::K},
        {detail::E, detail::C, detail::C, detail::E, detail::E},
        detail::no_check},
    Function{"hardtanh",
             "",
             param::min_val | param::max_val,
             0,
             "min(max(x, min_val), max_val)",
             [](double x, const Params& p) noexcept {
               return hardtanh(x, p.min_val, p.max_val);
             },
             [](double x, const Params& p) noexcept {
               return hardtanh_grad(x, p.min_val, p.max_val);
             },
             [](double x, const Params& p) noexcept {
               return p.min_val < x && x < p.max_val;
             },
             {detail::E, detail::E, detail::E, detail::E, detail::K},
             {detail::E, detail::E, detail::E, detail::E, detail::E},
             [](const Params& p) noexcept -> std::string_view {
               return p.min_val < p.max_val
                          ? ""
                          : "--min-val must be below --max-val";
             }},
    Function{
        "elu",
        "",
        param::alpha,
        1.0,
        "x if x > 0, else alpha*(exp(x) - 1)",
        [](double x, const Params& p) noexcept { return elu(x, p.alpha); },
        [](double x, const Params& p) noexcept { return elu_grad(x, p.alpha); },
        detail::positive,
        {detail::E, detail::E, detail::E, detail::K, detail::K},
        {detail::E, detail::E, detail::C, detail::C, detail::E},
        detail::no_check},
    Function{"selu",
             "",
             0,
             0,
             "lambda*x if x > 0, else lambda*alpha*(exp(x) - 1)",
             [](double x, const Params&) noexcept { return selu(x); },
             [](double x, const Params&) noexcept { return selu_grad(x); },
             detail::never,
             {detail::E, detail::E, detail::E, detail::E, detail::K},
             {detail::E, detail::E, detail::C, detail::C, detail::E},
             detail::no_check},
    Function{
        "celu",
        "",
        param::alpha,
        1.0,
        "x if x > 0, else alpha*(exp(x/alpha) - 1)",
        [](double x, const Params& p) noexcept { return celu(x, p.alpha); },
        [](double x, const Params& p) noexcept {
          return celu_grad(x, p.alpha);
        },
        detail::positive,
        {detail::E, detail::E, detail::E, detail::K, detail::K},
        {detail::E, detail::E, detail::C, detail::C, detail::E},
        [](const Params& p) noexcept -> std::string_view {
          return p.alpha != 0 ? "" : "--alpha must not be 0 for celu";
        }},
    Function{"gelu",
             "",
             param::approximate,
             0,
             "x*Phi(x); tanh: x/2*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x^3)))",
             [](double x, const Params& p) noexcept {
               return p.tanh ? gelu_tanh(x) : gelu(x);
             },
             [](double x, const Params& p) noexcept {
               return p.tanh ? gelu_tanh_grad(x) : gelu_grad(x);
             },
             detail::never,
             {detail::E, detail::E, detail::E, detail::E, detail::K},
             {detail::E, detail::E, detail::E, detail::E, detail::E},
             detail::no_check},
    Function{"silu",
             "swish",
             0,
             0,
             "x*sigmoid(x)",
             [](double x, const Params&) noexcept { return silu(x); },
             [](double x, const Params&) noexcept { return silu_grad(x); },
             detail::never,
             {detail::E, detail::E, detail::E, detail::E, detail::K},
             {detail::E, detail::E, detail::E, detail::E, detail::E},
             detail::no_check},
    Function{"mish",
             "",
             0,
             0,
             "x*tanh(ln(1 + exp(x)))",
             [](double x, const Params&) noexcept { return mish(x); },
             [](double x, const Params&) noexcept { return mish_grad(x); },
             detail::never,
             {detail::E, detail::E, detail::E, detail::E, detail::K},
             {detail::E, detail::E, detail::E, detail::E, detail::E},
             detail::no_check},
    Function{"softplus",
             "",
             param::beta | param::threshold,
             0,
             "x if beta*x > threshold, else ln(1 + exp(beta*x))/beta",
             [](double x, const Params& p) noexcept {
               return softplus(x, p.beta, p.threshold);
             },
             [](double x, const Params& p) noexcept {
               return softplus_grad(x, p.beta, p.threshold);
             },
             [](double x, const Params& p) noexcept {
               return softplus_linear(x, p.beta, p.threshold);
             },
             {detail::E, detail::E, detail::E, detail::E, detail::K},
             {detail::E, detail::E, detail::E, detail::E, detail::E},
             [](const Params& p) noexcept -> std::string_view {
               return p.beta > 0 ? "" : "--beta must be positive";
             }},
    Function{"hardswish",
             "",
             0,
             0,
             "x*min(max(x + 3, 0), 6)/6",
             [](double x, const Params&) noexcept { return hardswish(x); },
             [](double x, const Params&) noexcept { return hardswish_grad(x); },
             // x * 6 / 6 from 3 on, x itself.
             [](double x, const Params&) noexcept { return x >= 3; },
             {detail::E, detail::E, detail::E, detail::E, detail::K},
             {detail::E, detail::E, detail::E, detail::E, detail::E},
             detail::no_check},
    Function{
        "hardsigmoid",
        "",
        0,
        0,
        "min(max(x + 3, 0), 6)/6",
        [](double x, const Params&) noexcept { return hardsigmoid(x); },
        [](double x, const Params&) noexcept { return hardsigmoid_grad(x); },
        detail::never,
        {detail::E, detail::E, detail::E, detail::E, detail::K},
        {detail::E, detail::E, detail::E, detail::E, detail::E},
        detail::no_check},
    Function{"sigmoid",
             "",
             0,
             0,
             "1/(1 + exp(-x))",
             [](double x, const Params&) noexcept { return sigmoid(x); },
             [](double x, const Params&) noexcept { return sigmoid_grad(x); },
             detail::never,
             {detail::E, detail::E, detail::E, detail::E, detail::K},
             {detail::E, detail::E, detail::E, detail::E, detail::E},
             detail::no_check},
    Function{"tanh",
             "",
             0,
             0,
             "tanh(x)",
             [](double x, const Params&) noexcept { return relu::tanh(x); },
             [](double x, const Params&) noexcept { return tanh_grad(x); },
             detail::never,
             {detail::E, detail::E, detail::E, detail::E, detail::K},
             {detail::E, detail::E, detail::E, detail::E, detail::E},
             detail::no_check},
    Function{"softsign",
             "",
             0,
             0,
             "x/(1 + |x|)",
             [](double x, const Params&) noexcept { return softsign(x); },
             [](double x, const Params&) noexcept { return softsign_grad(x); },
             detail::never,
             {detail::E, detail::E, detail::E, detail::E, detail::K},
             {detail::E, detail::E, detail::E, detail::E, detail::E},
             detail::no_check},
    Function{
        "logsigmoid",
        "",
        0,
        0,
        "-ln(1 + exp(-x))",
        [](double x, const Params&) noexcept { return logsigmoid(x); },
        [](double x, const Params&) noexcept { return logsigmoid_grad(x); },
        detail::never,
        {detail::E, detail::E, detail::E, detail::E, detail::K},
        {detail::E, detail::E, detail::E, detail::E, detail::E},
        detail::no_check},
};

// Return the function called name (or by its alias), or nullptr.
constexpr const Function* find_function(std::string_view name) noexcept {
  for (const auto& f : functions)
    if (f.name == name || (!f.alias.empty() && f.alias == name))
      return &f;
  return nullptr;
}

// Which member of the family to evaluate, and how.
struct Activation {
  const Function* function = &functions[0];
  Params params;
  bool derivative = false;

  // Evaluate the selected function, or its derivative, at x.
  double operator()(double x) const noexcept {
    return derivative ? function->derivative(x, params)
                      : function->value(x, params);
  }

  // What to do with a number of kind k.
  Rule rule(Kind k) const noexcept {
    const Rules& rules =
        derivative ? function->derivative_rules : function->value_rules;
    return rules[static_cast<std::size_t>(k)];
  }

  // Whether the result at x is x itself, so that its text is kept.
  bool keeps(double x) const noexcept {
    return !derivative && function->keeps(x, params);
  }
};

} // namespace relu
