// The activation core: the rectifier family, one table row per function
// with everything the rest of the program needs to know about it. Pure
// functions, no I/O; the conventions at 0, NaN and infinities are decided
// here (and in exact/exact.hpp) once and pinned by tests/test_activation.cpp.
#pragma once

#include "dtype.hpp"
#include "exact/exact.hpp"
#include "exact/softmax.hpp"
#include "number.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

namespace relu {

// Return x for x > 0, else +0; NaN stays NaN.
constexpr double relu(double x) noexcept { return x > 0 || x != x ? x : 0.0; }

// Return x for x > 0, else alpha * x in IEEE arithmetic (so alpha = 0 maps
// -inf to NaN, as PyTorch does); NaN stays NaN. That NaN is -nan on every
// processor: IEEE 754 leaves its sign to the processor (x86 sets it, arm64
// clears it).
constexpr double leaky_relu(double x, double alpha) noexcept {
  if (x > 0 || x != x)
    return x;
  const double y = alpha * x;
  return y == y ? y : -std::numeric_limits<double>::quiet_NaN();
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

// Return 0 for |x| <= lambd, else x; NaN stays NaN.
constexpr double hardshrink(double x, double lambd) noexcept {
  return x >= -lambd && x <= lambd ? 0.0 : x;
}

// Return 1 for |x| > lambd, else 0 (0 at both kinks, as PyTorch); NaN
// stays NaN.
constexpr double shrink_grad(double x, double lambd) noexcept {
  return x != x ? x : x < -lambd || x > lambd ? 1.0 : 0.0;
}

// leaky_relu in dtype: alpha * x rounded once, not a double product
// rounded again (alpha * ±inf is ±inf or NaN, in every dtype).
inline double leaky(double x, double alpha, Dtype dtype) noexcept {
  return dtype == Dtype::float64 || x > 0 || !std::isfinite(x)
             ? leaky_relu(x, alpha)
             : round_product(dtype, alpha, x);
}

// Return x - lambd for x > lambd, x + lambd for x < -lambd, each rounded
// once to dtype, else 0; NaN stays NaN.
inline double softshrink(double x, double lambd, Dtype dtype) noexcept {
  if (x > lambd)
    return round_sum(dtype, x, -lambd);
  if (x < -lambd)
    return round_sum(dtype, x, lambd);
  return x != x ? x : 0.0;
}

// Return value for x <= threshold, else x; NaN stays NaN.
constexpr double threshold(double x, double threshold, double value) noexcept {
  return x <= threshold ? value : x;
}

// Return 0 for x <= threshold, else 1 (0 at the threshold, as PyTorch);
// NaN stays NaN.
constexpr double threshold_grad(double x, double threshold) noexcept {
  return x != x ? x : x > threshold ? 1.0 : 0.0;
}

// The parameters of the family, as the doubles they parse to; each
// function reads those it has. These are torch.nn.functional's defaults; a
// function's row may give its own (elu's alpha is 1).
struct Params {
  double alpha = 0.01;
  double min_val = -1;
  double max_val = 1;
  double beta = 1;
  double threshold = 20;
  double lambd = 0.5;
  double value = 0;
  double lower = 1.0 / 8;
  double upper = 1.0 / 3;
  double weight = 0.25;
  bool tanh = false; // gelu: --approximate tanh
};

// rrelu's slope in evaluation mode, (lower + upper) / 2 in double
// arithmetic, as PyTorch computes it.
constexpr double rrelu_slope(const Params& p) noexcept {
  return (p.lower + p.upper) / 2;
}

// The parameters, as bits in Function::params.
namespace param {
inline constexpr std::uint16_t alpha = 1;
inline constexpr std::uint16_t min_val = 2;
inline constexpr std::uint16_t max_val = 4;
inline constexpr std::uint16_t beta = 8;
inline constexpr std::uint16_t threshold = 16;
inline constexpr std::uint16_t approximate = 32;
inline constexpr std::uint16_t lambd = 64;
inline constexpr std::uint16_t value = 128;
inline constexpr std::uint16_t lower = 256;
inline constexpr std::uint16_t upper = 512;
inline constexpr std::uint16_t weight = 1024;
} // namespace param

// Everything the program knows about one parameter: the bit a function's
// row sets to take it, its options and help line, and the member of Params
// its number goes to. --approximate alone takes a word (none or tanh), not
// a number, and has no member.
struct Parameter {
  std::uint16_t bit;
  std::string_view option;     // its long option, "--alpha"
  char short_option = '\0';    // 'a' for -a, or none
  std::string_view value_name; // "A" in "-a, --alpha A"
  std::string_view help;       // its line in --help
  double Params::*member = nullptr;
};

// Every parameter, in the order of --help and --list.
inline constexpr std::array parameters{
    Parameter{.bit = param::alpha,
              .option = "--alpha",
              .short_option = 'a',
              .value_name = "A",
              .help = "alpha: leaky_relu (0.01; implied), elu, celu (1)",
              .member = &Params::alpha},
    Parameter{.bit = param::min_val,
              .option = "--min-val",
              .value_name = "X",
              .help = "hardtanh's lower bound (-1)",
              .member = &Params::min_val},
    Parameter{.bit = param::max_val,
              .option = "--max-val",
              .value_name = "X",
              .help = "hardtanh's upper bound (1)",
              .member = &Params::max_val},
    Parameter{.bit = param::beta,
              .option = "--beta",
              .value_name = "B",
              .help = "softplus's beta (1)",
              .member = &Params::beta},
    Parameter{.bit = param::threshold,
              .option = "--threshold",
              .value_name = "T",
              .help = "softplus's threshold (20), threshold's (required)",
              .member = &Params::threshold},
    Parameter{.bit = param::value,
              .option = "--value",
              .value_name = "V",
              .help = "threshold's value at and below it (required)",
              .member = &Params::value},
    Parameter{.bit = param::lambd,
              .option = "--lambd",
              .value_name = "L",
              .help = "hardshrink's and softshrink's lambda (0.5)",
              .member = &Params::lambd},
    Parameter{.bit = param::lower,
              .option = "--lower",
              .value_name = "L",
              .help = "rrelu's lower slope (0.125)",
              .member = &Params::lower},
    Parameter{.bit = param::upper,
              .option = "--upper",
              .value_name = "U",
              .help = "rrelu's upper slope (1/3)",
              .member = &Params::upper},
    Parameter{.bit = param::weight,
              .option = "--weight",
              .value_name = "W",
              .help = "prelu's weight (0.25), or W1,W2,... one per field",
              .member = &Params::weight},
    Parameter{.bit = param::approximate,
              .option = "--approximate",
              .value_name = "MODE",
              .help = "gelu: none (default) or tanh"},
};

// What a function does with each kind of number. keep: the input text is
// the result; constant: one value for the whole kind; compute: evaluate,
// and keep the text where the function returns its input (Function::keeps).
enum class Rule : std::uint8_t { keep, constant, compute };

// Rules indexed by Kind: invalid (unused), negative, zero, positive, nan.
using Rules = std::array<Rule, 5>;

namespace detail {

constexpr Rule K = Rule::keep;
constexpr Rule C = Rule::constant;
constexpr Rule E = Rule::compute; // evaluate

constexpr bool never(double, const Params&) noexcept { return false; }

constexpr bool unsettled(const Params&, bool) noexcept { return false; }

constexpr bool settled(const Params&, bool) noexcept { return true; }

constexpr bool positive(double x, const Params&) noexcept { return x > 0; }

constexpr std::string_view no_check(const Params&) noexcept { return ""; }

constexpr std::string_view lambd_check(const Params& p) noexcept {
  return p.lambd >= 0 ? "" : "--lambd must not be negative";
}

// A parameter's default where PyTorch gives none: the option is required.
inline constexpr double none = std::numeric_limits<double>::quiet_NaN();

// What most smooth functions do: compute every number, keep NaN's text.
constexpr Rules smooth{E, E, E, E, K};

// Their derivatives compute NaN too (nan or -nan, not the input's text).
constexpr Rules smooth_grad{E, E, E, E, E};

} // namespace detail

// A function over a record: the values of its selected fields in x, the
// results in out, scratch as long as x (src/exact/softmax.hpp).
using RowFunction = void (*)(std::span<const double> x, std::span<double> out,
                             std::span<double> scratch, Dtype dtype) noexcept;

// One member of the family: its names, parameters and formula as --list
// shows them, its value and derivative, and what the stream needs to know
// to skip work: which kinds of number keep their text or give a constant.
struct Function {
  std::string_view name;
  std::string_view alias = ""; // empty if none
  std::uint16_t params = 0;    // param:: bits
  Params defaults = {};        // for the parameters it has
  std::string_view formula;
  // The value and the derivative at x, a value of dtype, rounded once to
  // dtype; null for a function over a record.
  double (*value)(double x, const Params& p, Dtype dtype) noexcept = nullptr;
  double (*derivative)(double x, const Params& p,
                       Dtype dtype) noexcept = nullptr;
  // Whether the value at x is x itself, by the formula's branch: then the
  // input text is written unchanged.
  bool (*keeps)(double x, const Params& p) noexcept = detail::never;
  Rules value_rules = detail::smooth;
  Rules derivative_rules = detail::smooth_grad;
  // Whether, with these parameters, any two numbers lo < hi of one sign
  // settle every number between them, for the value or the derivative: if
  // the text is kept at both, it is kept between; if at neither, and the
  // result is y at both, it is y between. True where the numbers kept are
  // an interval and the result is monotone in |x| outside it, or constant:
  // the converter then decides a number by a bound on its magnitude,
  // without converting it.
  bool (*settled_by_ends)(const Params& p,
                          bool derivative) noexcept = detail::unsettled;
  // Return what is wrong with p for this function, or "" if nothing.
  std::string_view (*check)(const Params& p) noexcept = detail::no_check;
  // A function over the selected fields of a record, as dim=-1 over a
  // matrix read row by row: its value and derivative (the diagonal of the
  // Jacobian). Null for the elementwise functions.
  RowFunction row_value = nullptr;
  RowFunction row_derivative = nullptr;
  // Whether the record's numbers are halves a and b, paired a_i with b_i
  // (glu): there must be an even number of them, and the value has half
  // as many, in a's places.
  bool halves = false;

  // Whether it is a function over a record, not of one number.
  constexpr bool over_record() const noexcept { return row_value != nullptr; }
};

// The family, in torch.nn.functional's names; the first is the default.
inline constexpr std::array functions{
    Function{
        .name = "relu",
        .formula = "max(x, 0)",
        .value = [](double x, const Params&,
                    Dtype) noexcept { return relu(x); },
        .derivative = [](double x, const Params&,
                         Dtype) noexcept { return relu_grad(x); },
        .keeps = detail::positive,
        .value_rules = {detail::E, detail::C, detail::C, detail::K, detail::K},
        .derivative_rules = {detail::E, detail::C, detail::C, detail::C,
                             detail::E}},
    Function{
        .name = "leaky_relu",
        .alias = "leaky",
        .params = param::alpha,
        .formula = "x if x > 0, else alpha*x",
        .value = [](double x, const Params& p,
                    Dtype dtype) noexcept { return leaky(x, p.alpha, dtype); },
        .derivative =
            [](double x, const Params& p, Dtype dtype) noexcept {
              return round_to(dtype, leaky_relu_grad(x, p.alpha));
            },
        .keeps = detail::positive,
        .value_rules = {detail::E, detail::E, detail::E, detail::K, detail::K},
        .derivative_rules = {detail::E, detail::C, detail::C, detail::C,
                             detail::E}},
    Function{
        .name = "relu6",
        .formula = "min(max(x, 0), 6)",
        .value = [](double x, const Params&,
                    Dtype) noexcept { return hardtanh(x, 0, 6); },
        .derivative = [](double x, const Params&,
                         Dtype) noexcept { return hardtanh_grad(x, 0, 6); },
        .keeps = [](double x,
                    const Params&) noexcept { return 0 < x && x < 6; },
        .value_rules = {detail::E, detail::C, detail::C, detail::E, detail::K},
        .derivative_rules = {detail::E, detail::C, detail::C, detail::E,
                             detail::E},
        .settled_by_ends = detail::settled},
    Function{.name = "hardtanh",
             .params = param::min_val | param::max_val,
             .formula = "min(max(x, min_val), max_val)",
             .value =
                 [](double x, const Params& p, Dtype dtype) noexcept {
                   // A bound is a double, not always a value of dtype.
                   return round_to(dtype, hardtanh(x, p.min_val, p.max_val));
                 },
             .derivative =
                 [](double x, const Params& p, Dtype) noexcept {
                   return hardtanh_grad(x, p.min_val, p.max_val);
                 },
             .keeps =
                 [](double x, const Params& p) noexcept {
                   return p.min_val < x && x < p.max_val;
                 },
             // Its derivative is 0, 1, 0 along one sign where both bounds
             // lie on it.
             .settled_by_ends =
                 [](const Params& p, bool derivative) noexcept {
                   return !derivative || (p.min_val <= 0 && 0 <= p.max_val);
                 },
             .check = [](const Params& p) noexcept -> std::string_view {
               return p.min_val < p.max_val
                          ? ""
                          : "--min-val must be below --max-val";
             }},
    Function{.name = "threshold",
             .params = param::threshold | param::value,
             // PyTorch gives no defaults: none means not given.
             .defaults = {.threshold = detail::none, .value = detail::none},
             .formula = "value if x <= threshold, else x",
             .value =
                 [](double x, const Params& p, Dtype dtype) noexcept {
                   // value is a double, not always a value of dtype.
                   return round_to(dtype, threshold(x, p.threshold, p.value));
                 },
             .derivative =
                 [](double x, const Params& p, Dtype) noexcept {
                   return threshold_grad(x, p.threshold);
                 },
             .keeps = [](double x,
                         const Params& p) noexcept { return x > p.threshold; },
             .settled_by_ends = detail::settled,
             .check = [](const Params& p) noexcept -> std::string_view {
               return p.threshold != p.threshold || p.value != p.value
                          ? "threshold needs --threshold and --value (PyTorch "
                            "gives them no defaults)"
                          : "";
             }},
    Function{
        .name = "hardshrink",
        .params = param::lambd,
        .formula = "0 if |x| <= lambd, else x",
        .value = [](double x, const Params& p,
                    Dtype) noexcept { return hardshrink(x, p.lambd); },
        .derivative = [](double x, const Params& p,
                         Dtype) noexcept { return shrink_grad(x, p.lambd); },
        .keeps =
            [](double x, const Params& p) noexcept {
              return x < -p.lambd || x > p.lambd;
            },
        .value_rules = {detail::E, detail::E, detail::C, detail::E, detail::K},
        .derivative_rules = {detail::E, detail::E, detail::C, detail::E,
                             detail::E},
        .settled_by_ends = detail::settled,
        .check = detail::lambd_check},
    Function{
        .name = "softshrink",
        .params = param::lambd,
        .formula = "x - lambd if x > lambd, x + lambd if x < -lambd, else 0",
        .value =
            [](double x, const Params& p, Dtype dtype) noexcept {
              return softshrink(x, p.lambd, dtype);
            },
        .derivative = [](double x, const Params& p,
                         Dtype) noexcept { return shrink_grad(x, p.lambd); },
        // x - 0 is x itself.
        .keeps =
            [](double x, const Params& p) noexcept {
              return p.lambd == 0 && x != 0;
            },
        .value_rules = {detail::E, detail::E, detail::C, detail::E, detail::K},
        .derivative_rules = {detail::E, detail::E, detail::C, detail::E,
                             detail::E},
        .settled_by_ends = detail::settled,
        .check = detail::lambd_check},
    Function{.name = "tanhshrink",
             .formula = "x - tanh(x)",
             .value = [](double x, const Params&,
                         Dtype dtype) noexcept { return tanhshrink(x, dtype); },
             .derivative =
                 [](double x, const Params&, Dtype dtype) noexcept {
                   return tanhshrink_grad(x, dtype);
                 },
             // Beyond 2^53, x - tanh(x) rounds to x (exact/logistic.cpp).
             .keeps =
                 [](double x, const Params&) noexcept {
                   return x > 0x1p53 || x < -0x1p53;
                 }},
    Function{
        .name = "rrelu",
        .params = param::lower | param::upper,
        .formula = "x if x > 0, else (lower + upper)/2*x",
        .value =
            [](double x, const Params& p, Dtype dtype) noexcept {
              return leaky(x, rrelu_slope(p), dtype);
            },
        .derivative =
            [](double x, const Params& p, Dtype dtype) noexcept {
              return round_to(dtype, leaky_relu_grad(x, rrelu_slope(p)));
            },
        .keeps = detail::positive,
        .value_rules = {detail::E, detail::E, detail::E, detail::K, detail::K},
        .derivative_rules = {detail::E, detail::C, detail::C, detail::C,
                             detail::E},
        .check = [](const Params& p) noexcept -> std::string_view {
          return p.lower <= p.upper ? "" : "--lower must not be above --upper";
        }},
    Function{
        .name = "prelu",
        .params = param::weight,
        .formula = "x if x > 0, else weight*x",
        .value = [](double x, const Params& p,
                    Dtype dtype) noexcept { return leaky(x, p.weight, dtype); },
        .derivative =
            [](double x, const Params& p, Dtype dtype) noexcept {
              return round_to(dtype, leaky_relu_grad(x, p.weight));
            },
        .keeps = detail::positive,
        .value_rules = {detail::E, detail::E, detail::E, detail::K, detail::K},
        .derivative_rules = {detail::E, detail::C, detail::C, detail::C,
                             detail::E}},
    Function{
        .name = "elu",
        .params = param::alpha,
        .defaults = {.alpha = 1},
        .formula = "x if x > 0, else alpha*(exp(x) - 1)",
        .value = [](double x, const Params& p,
                    Dtype dtype) noexcept { return elu(x, p.alpha, dtype); },
        .derivative =
            [](double x, const Params& p, Dtype dtype) noexcept {
              return elu_grad(x, p.alpha, dtype);
            },
        .keeps = detail::positive,
        .value_rules = {detail::E, detail::E, detail::E, detail::K, detail::K},
        .derivative_rules = {detail::E, detail::E, detail::C, detail::C,
                             detail::E}},
    Function{
        .name = "selu",
        .formula = "lambda*x if x > 0, else lambda*alpha*(exp(x) - 1)",
        .value = [](double x, const Params&,
                    Dtype dtype) noexcept { return selu(x, dtype); },
        .derivative = [](double x, const Params&,
                         Dtype dtype) noexcept { return selu_grad(x, dtype); },
        .derivative_rules = {detail::E, detail::E, detail::C, detail::C,
                             detail::E}},
    Function{
        .name = "celu",
        .params = param::alpha,
        .defaults = {.alpha = 1},
        .formula = "x if x > 0, else alpha*(exp(x/alpha) - 1)",
        .value = [](double x, const Params& p,
                    Dtype dtype) noexcept { return celu(x, p.alpha, dtype); },
        .derivative =
            [](double x, const Params& p, Dtype dtype) noexcept {
              return celu_grad(x, p.alpha, dtype);
            },
        .keeps = detail::positive,
        .value_rules = {detail::E, detail::E, detail::E, detail::K, detail::K},
        .derivative_rules = {detail::E, detail::E, detail::C, detail::C,
                             detail::E},
        .check = [](const Params& p) noexcept -> std::string_view {
          return p.alpha != 0 ? "" : "--alpha must not be 0 for celu";
        }},
    Function{
        .name = "gelu",
        .params = param::approximate,
        .formula =
            "x*Phi(x); tanh: x/2*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x^3)))",
        .value =
            [](double x, const Params& p, Dtype dtype) noexcept {
              return p.tanh ? gelu_tanh(x, dtype) : gelu(x, dtype);
            },
        .derivative =
            [](double x, const Params& p, Dtype dtype) noexcept {
              return p.tanh ? gelu_tanh_grad(x, dtype) : gelu_grad(x, dtype);
            }},
    Function{.name = "silu",
             .alias = "swish",
             .formula = "x*sigmoid(x)",
             .value = [](double x, const Params&,
                         Dtype dtype) noexcept { return silu(x, dtype); },
             .derivative =
                 [](double x, const Params&, Dtype dtype) noexcept {
                   return silu_grad(x, dtype);
                 }},
    Function{
        .name = "mish",
        .formula = "x*tanh(ln(1 + exp(x)))",
        .value = [](double x, const Params&,
                    Dtype dtype) noexcept { return mish(x, dtype); },
        .derivative = [](double x, const Params&,
                         Dtype dtype) noexcept { return mish_grad(x, dtype); }},
    Function{
        .name = "softplus",
        .params = param::beta | param::threshold,
        .formula = "x if beta*x > threshold, else ln(1 + exp(beta*x))/beta",
        .value =
            [](double x, const Params& p, Dtype dtype) noexcept {
              return softplus(x, p.beta, p.threshold, dtype);
            },
        .derivative =
            [](double x, const Params& p, Dtype dtype) noexcept {
              return softplus_grad(x, p.beta, p.threshold, dtype);
            },
        .keeps =
            [](double x, const Params& p) noexcept {
              return softplus_linear(x, p.beta, p.threshold);
            },
        .check = [](const Params& p) noexcept -> std::string_view {
          return p.beta > 0 ? "" : "--beta must be positive";
        }},
    Function{.name = "hardswish",
             .formula = "x*min(max(x + 3, 0), 6)/6",
             .value = [](double x, const Params&,
                         Dtype dtype) noexcept { return hardswish(x, dtype); },
             .derivative =
                 [](double x, const Params&, Dtype dtype) noexcept {
                   return hardswish_grad(x, dtype);
                 },
             // x * 6 / 6 from 3 on, x itself.
             .keeps = [](double x, const Params&) noexcept { return x >= 3; }},
    Function{
        .name = "hardsigmoid",
        .formula = "min(max(x + 3, 0), 6)/6",
        .value = [](double x, const Params&,
                    Dtype dtype) noexcept { return hardsigmoid(x, dtype); },
        .derivative =
            [](double x, const Params&, Dtype dtype) noexcept {
              return hardsigmoid_grad(x, dtype);
            },
        .settled_by_ends = detail::settled},
    Function{.name = "sigmoid",
             .formula = "1/(1 + exp(-x))",
             .value = [](double x, const Params&,
                         Dtype dtype) noexcept { return sigmoid(x, dtype); },
             .derivative =
                 [](double x, const Params&, Dtype dtype) noexcept {
                   return sigmoid_grad(x, dtype);
                 }},
    Function{
        .name = "tanh",
        .formula = "tanh(x)",
        .value = [](double x, const Params&,
                    Dtype dtype) noexcept { return relu::tanh(x, dtype); },
        .derivative = [](double x, const Params&,
                         Dtype dtype) noexcept { return tanh_grad(x, dtype); }},
    Function{.name = "softsign",
             .formula = "x/(1 + |x|)",
             .value = [](double x, const Params&,
                         Dtype dtype) noexcept { return softsign(x, dtype); },
             .derivative =
                 [](double x, const Params&, Dtype dtype) noexcept {
                   return softsign_grad(x, dtype);
                 }},
    Function{.name = "logsigmoid",
             .formula = "-ln(1 + exp(-x))",
             .value = [](double x, const Params&,
                         Dtype dtype) noexcept { return logsigmoid(x, dtype); },
             .derivative =
                 [](double x, const Params&, Dtype dtype) noexcept {
                   return logsigmoid_grad(x, dtype);
                 }},
    Function{.name = "softmax",
             .formula = "exp(x_i)/sum_j exp(x_j), over the record",
             .row_value = softmax,
             .row_derivative = softmax_grad},
    Function{.name = "softmin",
             .formula = "exp(-x_i)/sum_j exp(-x_j), over the record",
             .row_value = softmin,
             .row_derivative = softmin_grad},
    Function{.name = "log_softmax",
             .formula = "x_i - ln(sum_j exp(x_j)), over the record",
             .row_value = log_softmax,
             .row_derivative = log_softmax_grad},
    Function{.name = "glu",
             .formula = "a_i*sigmoid(b_i), the record halved into a and b",
             .row_value =
                 [](std::span<const double> x, std::span<double> out,
                    std::span<double>, Dtype dtype) noexcept {
                   const std::size_t h = x.size() / 2;
                   for (std::size_t i = 0; i < h; ++i)
                     out[i] = glu(x[i], x[h + i], dtype);
                 },
             .row_derivative =
                 [](std::span<const double> x, std::span<double> out,
                    std::span<double>, Dtype dtype) noexcept {
                   const std::size_t h = x.size() / 2;
                   for (std::size_t i = 0; i < h; ++i) {
                     out[i] = sigmoid(x[h + i], dtype);
                     out[h + i] = glu_grad(x[i], x[h + i], dtype);
                   }
                 },
             .halves = true},
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
  Dtype dtype = Dtype::float64;

  // Evaluate the selected function, or its derivative, at x, a value of
  // dtype, rounded once to dtype; the function is not over a record.
  double operator()(double x) const noexcept {
    return derivative ? function->derivative(x, params, dtype)
                      : function->value(x, params, dtype);
  }

  // What to do with a number of kind k, the kind of its value in dtype
  // (number_scanner()). In a narrower dtype a kept text may hold more
  // digits than the dtype: it is computed and printed instead.
  Rule rule(Kind k) const noexcept {
    const Rules& rules =
        derivative ? function->derivative_rules : function->value_rules;
    const Rule r = rules[static_cast<std::size_t>(k)];
    return r == Rule::keep && dtype != Dtype::float64 ? Rule::compute : r;
  }

  // Evaluate the selected function over a record, or its derivative: the
  // values of its selected fields in x, the results in out.
  void row(std::span<const double> x, std::span<double> out,
           std::span<double> scratch) const noexcept {
    (derivative ? function->row_derivative
                : function->row_value)(x, out, scratch, dtype);
  }

  // Whether a record's numbers must be even in count (glu's halves).
  bool pairs() const noexcept { return function->halves; }

  // Whether the record gets shorter: glu's value writes one number per
  // pair, in the first half's places.
  bool shortens() const noexcept { return function->halves && !derivative; }

  // Whether x is on the branch of the formula that returns x itself.
  bool identity(double x) const noexcept {
    return !derivative && function->keeps(x, params);
  }

  // Whether the result at x is x itself, so that its text is kept.
  bool keeps(double x) const noexcept {
    return dtype == Dtype::float64 && identity(x);
  }
};

} // namespace relu
