#include "dtype.hpp"
#include "format.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

using relu::Dtype;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

// Whether a and b are the same double, zeros by sign and NaN by sign.
bool same(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b) ||
         (std::isnan(a) && std::isnan(b) && std::signbit(a) == std::signbit(b));
}

std::string shortest(double x, Dtype dtype) {
  char text[relu::max_shortest];
  return {text, relu::write_shortest(x, dtype, text)};
}

} // namespace

TEST_SUITE("dtype") {
  TEST_CASE("names and PyTorch's aliases, spelled exactly") {
    CHECK(relu::dtype_named("float64") == Dtype::float64);
    CHECK(relu::dtype_named("double") == Dtype::float64);
    CHECK(relu::dtype_named("float32") == Dtype::float32);
    CHECK(relu::dtype_named("float") == Dtype::float32);
    CHECK(relu::dtype_named("bfloat16") == Dtype::bfloat16);
    CHECK(relu::dtype_named("float16") == Dtype::float16);
    CHECK(relu::dtype_named("half") == Dtype::float16);
    for (const char* name : {"", "Float32", "fp16", "float8", "bf16", " half"})
      CHECK_FALSE(relu::dtype_named(name).has_value());
  }

  TEST_CASE("text rounds once, straight to the dtype") {
    struct Row {
      Dtype dtype;
      const char* text;
      double want;
    };

    const Row rows[] = {
        // The example: 1 + 2^-8 + 2^-60, whose nearest double is
        // the tie 1 + 2^-8.
        {Dtype::bfloat16,
         "1.003906250000000000867361737988403547205962240695953369140625",
         1.0078125},
        {Dtype::bfloat16, "1.00390625", 1},        // the tie itself: to even
        {Dtype::bfloat16, "1.01171875", 1.015625}, // 1 + 3 * 2^-8: to even
        {Dtype::bfloat16, "0x1.01p0", 1},
        {Dtype::bfloat16, "0x1.0100000000000000001p0", 1.0078125},
        {Dtype::bfloat16, "-0x1.00fffffffffffffffffp0", -1},
        // float32: 1 + 2^-24 is a tie, and the text decides its side.
        {Dtype::float32, "1.000000059604644775390625", 1},
        {Dtype::float32, "1.000000059604644775390625000000000001", 1 + 0x1p-23},
        {Dtype::float32, "1.000000059604644775390624999999999999", 1},
        {Dtype::float32, "0.1", 0x1.99999ap-4},
        // Subnormals, and half the smallest one, a tie with zero.
        {Dtype::float16, "2.98023223876953125e-8", 0},
        {Dtype::float16, "2.980232238769531250001e-8", 0x1p-24},
        {Dtype::float16, "-2.98023223876953125e-8", -0.0},
        {Dtype::float16, "8.94069671630859375e-8", 0x1p-23}, // 1.5 * 2^-24
        {Dtype::float32, "1e-46", 0},
        {Dtype::float32, "1e-45", 0x1p-149},
        {Dtype::bfloat16, "1e-45", 0},
        {Dtype::bfloat16, "9e-41", 0x1p-133},
        // Overflow: at the largest value plus half its ulp, and below.
        {Dtype::float16, "65519.99999999999999999", 65504},
        {Dtype::float16, "65520", inf},
        {Dtype::float16, "-7e4", -inf},
        {Dtype::float32, "340282356779733661637539395458142568448", inf},
        {Dtype::float32, "3.4028235677973366e38", 0x1.fffffep127},
        {Dtype::bfloat16, "3.3961775292304e38", 0x1.fep127},
        {Dtype::bfloat16, "3.3961775292305e38", inf},
        {Dtype::float32, "-inf", -inf},
        {Dtype::float32, "1e400", inf},
        {Dtype::float64, "0.1", 0.1},
    };
    for (const Row& row : rows) {
      CAPTURE(std::string(row.text));
      CAPTURE(relu::dtype_name(row.dtype));
      CHECK(same(relu::parse_number_as(row.dtype, row.text), row.want));
    }
  }

  TEST_CASE("a double far above a dtype rounds to its infinity") {
    // celu --alpha -1.5 at -1020.5 is -4.4e295: float16 printed -nan, as
    // rounding added a constant 2^(q + 52) that overflowed.
    for (Dtype d : {Dtype::float32, Dtype::bfloat16, Dtype::float16}) {
      CAPTURE(relu::dtype_name(d));
      for (double x : {0x1p1000, 0x1.fffffffffffffp1023, 4.4e295, 0x1p128}) {
        CHECK(relu::round_to(d, x) == inf);
        CHECK(relu::round_to(d, -x) == -inf);
      }
    }
  }

  TEST_CASE("NaN keeps its sign in every dtype") {
    for (Dtype d : {Dtype::float32, Dtype::bfloat16, Dtype::float16}) {
      CHECK(same(relu::parse_number_as(d, "-nan"),
                 -std::numeric_limits<double>::quiet_NaN()));
      CHECK(same(relu::round_to(d, std::numeric_limits<double>::quiet_NaN()),
                 std::numeric_limits<double>::quiet_NaN()));
    }
  }

  TEST_CASE("a product rounds once: against long double, where it is exact") {
    // A double times a float16 value has at most 64 bits, which x87's long
    // double holds exactly, and a cast to float rounds that once.
    // Half the products are made to land near a tie of float32: a is
    // m / b for a tie m, so that the double product is often m itself.
    std::mt19937_64 rng(17);
    std::uniform_real_distribution<double> unit(0.5, 1);
    long ties = 0;
    for (int i = 0; i < 200000; ++i) {
      const double b = relu::round_to(
          Dtype::float16, std::ldexp(unit(rng), static_cast<int>(rng() % 20)));
      double a = std::ldexp(unit(rng), static_cast<int>(rng() % 80) - 40);
      if (i % 2 == 0) {
        const double m =
            static_cast<float>(a) + std::ldexp(1, std::ilogb(a) - 24);
        a = m / b;
      }
      const auto exact = static_cast<long double>(a) * b;
      const auto want = static_cast<double>(static_cast<float>(exact));
      ties += static_cast<double>(static_cast<float>(a * b)) != want;
      CHECK(same(relu::round_product(Dtype::float32, a, b), want));
    }
    // Products rounded twice differ there: the test reaches the ties.
    CHECK(ties > 1000);
    // A tie of float32 made by the double product: alpha near (1 + 2^-24)/3.
    const double alpha = (1 + 0x1p-24) / 3;
    const auto exact = static_cast<long double>(alpha) * 3;
    CHECK(alpha * 3 == 1 + 0x1p-24);
    CHECK(same(relu::round_product(Dtype::float32, alpha, 3),
               static_cast<double>(static_cast<float>(exact))));
    CHECK(same(relu::round_product(Dtype::float16, 0x1p-40, -0x1p-40), -0.0));
    CHECK(same(relu::round_product(Dtype::bfloat16, 1e300, 1e10), inf));
  }

  TEST_CASE("the shortest text that reads back in the dtype") {
    struct Row {
      Dtype dtype;
      double x;
      const char* text;
    };

    const Row rows[] = {
        {Dtype::float32, 0x1.99999ap-4, "0.1"},
        {Dtype::float32, 0x1.fffffep127, "3.4028235e+38"},
        {Dtype::float32, 0x1p-149, "1e-45"},
        {Dtype::bfloat16, 0x1.34p-2, "0.3"}, // 0.30078125
        {Dtype::bfloat16, 1.0078125, "1.01"},
        {Dtype::bfloat16, 0x1.fep127, "3.39e+38"},
        {Dtype::bfloat16, 0x1p-133, "9e-41"},
        {Dtype::float16, 65504, "65500"},
        {Dtype::float16, 0x1p-24, "6e-08"},
        {Dtype::float16, -0x1.554p-2, "-0.3333"},
        {Dtype::float16, 1024, "1024"},
        {Dtype::float16, -0.0, "-0"},
        {Dtype::float16, -inf, "-inf"},
    };
    for (const Row& row : rows) {
      CAPTURE(row.x);
      CAPTURE(relu::dtype_name(row.dtype));
      CHECK(shortest(row.x, row.dtype) == row.text);
      CHECK(same(relu::parse_number_as(row.dtype, shortest(row.x, row.dtype)),
                 row.x));
    }
  }

  TEST_CASE("every float16 and bfloat16 value reads back from its text") {
    for (Dtype d : {Dtype::bfloat16, Dtype::float16}) {
      for (std::uint32_t bits = 0; bits < 0x10000; bits += 7) {
        const double x =
            d == Dtype::bfloat16
                ? static_cast<double>(std::bit_cast<float>(bits << 16))
                : static_cast<double>(
                      std::ldexp(static_cast<double>(bits & 0x3ff) +
                                     ((bits >> 10 & 0x1f) != 0 ? 1024 : 0),
                                 std::max<int>(bits >> 10 & 0x1f, 1) - 25)) *
                      ((bits & 0x8000) != 0 ? -1 : 1);
        if ((d == Dtype::float16 && (bits >> 10 & 0x1f) == 0x1f) ||
            std::isnan(x))
          continue;
        CAPTURE(bits);
        CHECK(same(relu::parse_number_as(d, shortest(x, d)), x));
      }
    }
  }
}
