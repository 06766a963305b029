// Benchmark of src/exact/exact.hpp: nanoseconds per value of each correctly
// rounded function against the plain libm formula it replaces, on
// log-uniform inputs with |x| in [2^-8, 2^8] and either sign, plus the share
// of calls slow enough (over 2000 cycles) to have taken the MPFR path.
// Not built by default: `cmake --build build --target exact_bench`, then
// `build/tests/exact_bench [COUNT [NAME...]]` (only the functions named).
#include "exact/exact.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string_view>
#include <vector>
#include <x86intrin.h>

namespace {

using Fn = double (*)(double);

struct Case {
  const char* name;
  Fn exact, plain;
};

constexpr double sqrt1_2 = 0x1.6a09e667f3bcdp-1;

double plain_sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

const Case cases[] = {
    {"elu", [](double x) { return relu::elu(x, 1); },
     [](double x) { return x > 0 ? x : std::expm1(x); }},
    {"elu_grad", [](double x) { return relu::elu_grad(x, 1); },
     [](double x) { return x > 0 ? 1 : std::exp(x); }},
    {"selu", [](double x) { return relu::selu(x); },
     [](double x) {
       return x > 0 ? 1.0507009873554805 * x
                    : 1.7580993408473766 * std::expm1(x);
     }},
    {"selu_grad", [](double x) { return relu::selu_grad(x); },
     [](double x) {
       return x > 0 ? 1.0507009873554805 : 1.7580993408473766 * std::exp(x);
     }},
    {"celu", [](double x) { return relu::celu(x, 0.5); },
     [](double x) { return x > 0 ? x : 0.5 * std::expm1(x / 0.5); }},
    {"celu_grad", [](double x) { return relu::celu_grad(x, 0.5); },
     [](double x) { return x > 0 ? 1 : std::exp(x / 0.5); }},
    {"gelu", [](double x) { return relu::gelu(x); },
     [](double x) { return 0.5 * x * std::erfc(-x * sqrt1_2); }},
    {"gelu_grad", [](double x) { return relu::gelu_grad(x); },
     [](double x) {
       return 0.5 * std::erfc(-x * sqrt1_2) +
              x * std::exp(-0.5 * x * x) * 0.3989422804014327;
     }},
    {"gelu_tanh", [](double x) { return relu::gelu_tanh(x); },
     [](double x) {
       return 0.5 * x *
              (1 + std::tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
     }},
    {"gelu_tanh_grad", [](double x) { return relu::gelu_tanh_grad(x); },
     [](double x) {
       const double u = 0.7978845608028654 * (x + 0.044715 * x * x * x);
       const double t = std::tanh(u);
       return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * 0.7978845608028654 *
                                  (1 + 3 * 0.044715 * x * x);
     }},
    {"silu", [](double x) { return relu::silu(x); },
     [](double x) { return x / (1 + std::exp(-x)); }},
    {"silu_grad", [](double x) { return relu::silu_grad(x); },
     [](double x) {
       const double s = plain_sigmoid(x);
       return s * (1 + x * (1 - s));
     }},
    {"mish", [](double x) { return relu::mish(x); },
     [](double x) { return x * std::tanh(std::log1p(std::exp(x))); }},
    {"mish_grad", [](double x) { return relu::mish_grad(x); },
     [](double x) {
       const double sp = std::log1p(std::exp(x));
       const double t = std::tanh(sp);
       return t + x * (1 - t * t) * plain_sigmoid(x);
     }},
    {"softplus", [](double x) { return relu::softplus(x, 1, 20); },
     [](double x) { return x > 20 ? x : std::log1p(std::exp(x)); }},
    {"softplus_grad", [](double x) { return relu::softplus_grad(x, 1, 20); },
     [](double x) { return x > 20 ? 1 : plain_sigmoid(x); }},
    {"hardswish", [](double x) { return relu::hardswish(x); },
     [](double x) { return x * std::min(std::max(x + 3, 0.0), 6.0) / 6; }},
    {"hardswish_grad", [](double x) { return relu::hardswish_grad(x); },
     [](double x) { return x < -3  ? 0
                           : x > 3 ? 1
                                   : x / 3 + 0.5; }},
    {"hardsigmoid", [](double x) { return relu::hardsigmoid(x); },
     [](double x) { return std::min(std::max(x + 3, 0.0), 6.0) / 6; }},
    {"hardsigmoid_grad", [](double x) { return relu::hardsigmoid_grad(x); },
     [](double x) { return x > -3 && x < 3 ? 1.0 / 6 : 0; }},
    {"sigmoid", [](double x) { return relu::sigmoid(x); }, plain_sigmoid},
    {"sigmoid_grad", [](double x) { return relu::sigmoid_grad(x); },
     [](double x) {
       const double s = plain_sigmoid(x);
       return s * (1 - s);
     }},
    {"tanh", [](double x) { return relu::tanh(x); },
     [](double x) { return std::tanh(x); }},
    {"tanhshrink", [](double x) { return relu::tanhshrink(x); },
     [](double x) { return x - std::tanh(x); }},
    {"tanhshrink_grad", [](double x) { return relu::tanhshrink_grad(x); },
     [](double x) {
       const double t = std::tanh(x);
       return t * t;
     }},
    {"tanh_grad", [](double x) { return relu::tanh_grad(x); },
     [](double x) {
       const double t = std::tanh(x);
       return 1 - t * t;
     }},
    {"softsign", [](double x) { return relu::softsign(x); },
     [](double x) { return x / (1 + std::fabs(x)); }},
    {"softsign_grad", [](double x) { return relu::softsign_grad(x); },
     [](double x) {
       const double d = 1 + std::fabs(x);
       return 1 / (d * d);
     }},
    {"logsigmoid", [](double x) { return relu::logsigmoid(x); },
     [](double x) { return -std::log1p(std::exp(-x)); }},
    {"logsigmoid_grad", [](double x) { return relu::logsigmoid_grad(x); },
     [](double x) { return plain_sigmoid(-x); }},
};

// Best of three passes, in nanoseconds per value.
double time_per_value(Fn f, const std::vector<double>& xs) {
  double best = 1e300;
  for (int pass = 0; pass < 3; ++pass) {
    double sink = 0;
    const auto start = std::chrono::steady_clock::now();
    for (double x : xs)
      sink += f(x);
    const std::chrono::duration<double, std::nano> took =
        std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count() / static_cast<double>(xs.size()));
    if (sink == 42) // keeps the loop from being optimised away
      std::puts("");
  }
  return best;
}

// The share of calls over 2000 cycles: the MPFR fallback takes several
// microseconds, the fast path a few dozen nanoseconds.
double slow_share(Fn f, const std::vector<double>& xs) {
  std::size_t slow = 0;
  double sink = 0;
  for (double x : xs) {
    const unsigned long long start = __rdtsc();
    sink += f(x);
    slow += __rdtsc() - start > 2000;
  }
  if (sink == 42)
    std::puts("");
  return static_cast<double>(slow) / static_cast<double>(xs.size());
}

} // namespace

int main(int argc, char** argv) {
  const std::size_t count =
      argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 2000000;
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> exponent(-8, 8);
  std::vector<double> xs(count);
  for (double& x : xs)
    x = std::exp2(exponent(rng)) * (rng() & 1 ? 1 : -1);
  std::printf("%-17s %9s %9s %7s %9s\n", "function", "exact ns", "libm ns",
              "ratio", "slow %");
  const std::vector<std::string_view> only(argv + std::min(argc, 2),
                                           argv + argc);
  for (const Case& c : cases) {
    if (!only.empty() && std::ranges::find(only, c.name) == only.end())
      continue;
    const double exact = time_per_value(c.exact, xs);
    const double plain = time_per_value(c.plain, xs);
    std::printf("%-17s %9.1f %9.1f %7.2f %9.4f\n", c.name, exact, plain,
                exact / plain, 100 * slow_share(c.exact, xs));
  }
}
