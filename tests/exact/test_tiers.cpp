// Where the tiers of src/exact/ meet, over every group of functions: the
// shortcuts next to where the fast path saturates, and hard cases, which
// the fast path leaves to the Ziv loop.
#include "exact/double_double.hpp"
#include "exact/exact.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <string_view>

using namespace exact_test;
using relu::Dtype;

TEST_SUITE("exact") {
  TEST_CASE("fused: the fast path's products, by processor and RELU_FMA") {
    const char* env = std::getenv("RELU_FMA");
    const bool off = env != nullptr && std::string_view(env) == "off";
    // exact.dekker runs this suite with RELU_FMA=off.
    if (off)
      CHECK_FALSE(relu::exact::fused());
#if defined(__aarch64__)
    // Every aarch64 processor has FMA: no run-time check turns it off.
    CHECK(relu::exact::fused() == !off);
#endif
  }

  TEST_CASE("shortcuts where the fast path saturates") {
    struct Edge {
      Fn f;
      double x, y;
    };

    const Fn elu = [](double x, relu::Dtype to) { return relu::elu(x, 1, to); };
    // Below its threshold, above beta x = 40.
    const Fn softplus_to_50 = [](double x, relu::Dtype to) {
      return relu::softplus(x, 1, 50, to);
    };
    for (const Edge& row : {
             Edge{relu::sigmoid, 0x1.2c00000000001p+5, 1.0},
             Edge{relu::sigmoid, 0x1.2b33333333333p+5, 0x1.fffffffffffffp-1},
             Edge{relu::silu, 0x1.3000000000001p+5, 0x1.3000000000001p+5},
             Edge{relu::tanh, 0x1.3800000000001p+4, 1.0},
             Edge{relu::tanh, 19.0, 0x1.fffffffffffffp-1},
             Edge{relu::gelu_tanh, -21.3, -0x5f4200ee5p-1074},
             Edge{relu::gelu_tanh, -21.5, -0x39p-1074},
             Edge{relu::gelu_tanh, -21.6, -0.0},
             Edge{relu::gelu, 10.5, 10.5},
             Edge{relu::gelu, -38.55, -0x2p-1074},
             Edge{relu::gelu, -38.61, -0.0},
             Edge{relu::gelu_grad, 10.5, 1.0},
             Edge{relu::gelu_grad, -38.65, -0x1p-1074},
             Edge{relu::gelu_grad, -38.71, -0.0},
             Edge{relu::gelu_tanh_grad, -21.5, -0x167ep-1074},
             Edge{relu::gelu_tanh_grad, -21.7, -0.0},
             Edge{relu::gelu_tanh_grad, 10.5, 1.0},
             Edge{relu::logsigmoid, -40.5, -40.5},
             Edge{relu::logsigmoid, 745.0, -0x1p-1074},
             Edge{relu::logsigmoid, 746.0, -0.0},
             Edge{softplus_to_50, 41.0, 41.0},
             Edge{softplus_to_50, 39.0, 0x1.38p+5},
             Edge{relu::softsign, 0x1.0000000000001p+54, 1.0},
             Edge{relu::softsign, 0x1p+53, 0x1.fffffffffffffp-1},
             Edge{relu::hardswish, -1.5, -0.375},
             Edge{elu, -40.0, -1.0},
             Edge{elu, -39.0, -1.0},
         }) {
      CAPTURE(row.x);
      CHECK(same(row.f(row.x, relu::Dtype::float64), row.y));
    }
  }

  TEST_CASE("hard cases: the exact value lies within 5e-4 ulp of a midpoint") {
    // Found by sampling 6000 inputs per function with mpmath and keeping
    // those nearest a midpoint; the comment gives that distance.
    struct Hard {
      Fn f;
      double x, y;
    };

    const Fn elu = [](double x, relu::Dtype to) { return relu::elu(x, 1, to); };
    const Fn softplus = [](double x, relu::Dtype to) {
      return relu::softplus(x, 1, 20, to);
    };
    for (const Hard& row : {
             Hard{relu::sigmoid, 0x1.68130632ab908p+3, 0x1.fffe4c90c8885p-1},
             Hard{relu::silu, 0x1.fc7b5afcb415p+0, 0x1.bf21bd7845dcfp+0},
             Hard{relu::silu, 0x1.be93a29a7a94p+4, 0x1.be93a29a7920fp+4},
             Hard{relu::gelu, 0x1.2ed151173d0a4p+2, 0x1.2ed13afaa68dbp+2},
             Hard{relu::gelu_grad, -0x1.2f789fc1efd22p+2,
                  -0x1.8e570019e8874p-16},
             Hard{relu::tanh, 0x1.992bebe5db2fcp+1, 0x1.fe4a3d4998d04p-1},
             Hard{relu::mish_grad, 0x1.04da583b90b2ap+3, 0x1.00002aa14701cp+0},
             Hard{relu::logsigmoid, 0x1.576df8d63d744p+4,
                  -0x1.06032551908ep-31},
             Hard{elu, -0x1.97cb2f736494p-1, -0x1.19216928ca089p-1},
             Hard{softplus, -0x1.c0979110c24cep+4, 0x1.771b195b01815p-41},
             Hard{softplus, 0x1.089f8810420fcp+3, 0x1.08a1a153b5d3bp+3},
             Hard{relu::gelu_tanh_grad, 0x1.90f9b12ae81bp+1,
                  0x1.0208b99bc1a3cp+0},
             Hard{relu::silu_grad, -0x1.3e17accf424ep+1, -0x1.97a0d2965a419p-4},
             Hard{relu::tanh_grad, 0x1.06239b7bc6e2ep+3, 0x1.4950c82726527p-22},
             // 6e-5 and 2e-4 ulp: the series, and the difference.
             Hard{relu::tanhshrink, 0x1.7f1d4905daa36p-40,
                  0x1.1e03113d455fcp-120},
             Hard{relu::tanhshrink_grad, -0x1.2394ce77f4c15p+1,
                  0x1.eaee8df2bbf7ap-1},
             Hard{relu::tanhshrink_grad, 0x1.86a88e69f9180p-2,
                  0x1.0f5e716d04684p-3},
         }) {
      CAPTURE(row.x);
      CHECK(same(row.f(row.x, relu::Dtype::float64), row.y));
    }
  }
  TEST_CASE("narrower dtypes: where the double nearest to the value is a tie") {
    // Each row's double result is halfway between two values of the dtype,
    // so rounding it again would go the wrong way (or by chance the right
    // one); each tier must round the exact value. Worked by hand: the
    // comments give the exact value's side.
    struct Narrow {
      Fn f;
      Dtype dtype;
      double x, y;
    };

    const Fn elu_tie = [](double x, Dtype to) {
      return relu::elu(x, 1 + 3 * 0x1p-8, to); // a bfloat16 tie
    };
    for (const Narrow& row : {
             // The issue's: 1/2 - 0x1.8p-25 + (a term near 2^-72 > 0);
             // the fast path declines, Ziv's loop decides.
             Narrow{relu::sigmoid, Dtype::float32, -0x1.8p-23, 0x1.fffffep-2},
             // Shortcuts: x/2 + x^2/4 (silu), x/2 + x^2 phi(0) (gelu).
             Narrow{relu::silu, Dtype::float32, 0x1p-149, 0x1p-149},
             Narrow{relu::silu, Dtype::float32, -0x1p-149, -0.0},
             Narrow{relu::silu, Dtype::bfloat16, 0x1p-133, 0x1p-133},
             Narrow{relu::gelu, Dtype::float32, 0x1p-149, 0x1p-149},
             Narrow{relu::gelu, Dtype::float32, -0x1p-149, -0.0},
             // gelu_tanh has no such shortcut: the fast path declines,
             // and Ziv's loop rounds ends just above and below the tie.
             Narrow{relu::gelu_tanh, Dtype::float32, 0x1p-149, 0x1p-149},
             Narrow{relu::gelu_tanh, Dtype::float32, -0x1p-149, -0.0},
             // -alpha (1 - e^x), from the side of 0, and the limit -alpha
             // itself, to even.
             Narrow{elu_tie, Dtype::bfloat16, -50.0, -(1 + 0x1p-7)},
             Narrow{elu_tie, Dtype::bfloat16, -inf, -(1 + 0x1p-6)},
             // (x + 3) / 6 exactly a float16 tie: to even, by round_sixth.
             Narrow{relu::hardsigmoid, Dtype::float16, 3 * 0x1p-11, 0.5},
             Narrow{relu::hardsigmoid, Dtype::float16, 9 * 0x1p-11,
                    0.5 + 0x1p-10},
         }) {
      CAPTURE(row.x);
      CAPTURE(relu::dtype_name(row.dtype));
      CHECK(same(row.f(row.x, row.dtype), row.y));
    }
  }
}
