#include "number.hpp"
#include "number_oracle.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <random>
#include <string>

using relu::Kind;

TEST_SUITE("number") {
  TEST_CASE("classify accepts every documented form") {
    struct Row {
      const char* token;
      Kind kind;
    };

    for (const auto& row : {
             Row{"1", Kind::positive},
             Row{"-2.5", Kind::negative},
             Row{"+2.5", Kind::positive},
             Row{".5", Kind::positive},
             Row{"5.", Kind::positive},
             Row{"-.5", Kind::negative},
             Row{"1E+3", Kind::positive},
             Row{"1e-3", Kind::positive},
             Row{"2.50", Kind::positive},
             Row{"0", Kind::zero},
             Row{"-0", Kind::zero},
             Row{"0.000", Kind::zero},
             Row{"-0e5", Kind::zero},
             Row{"00012", Kind::positive},
             Row{"inf", Kind::positive},
             Row{"-INF", Kind::negative},
             Row{"Infinity", Kind::positive},
             Row{"-infinity", Kind::negative},
             Row{"nan", Kind::nan},
             Row{"-NaN", Kind::nan},
             Row{"+nan", Kind::nan},
             Row{"0x1.8p3", Kind::positive},
             Row{"-0x1p3", Kind::negative},
             Row{"0X.8P-1", Kind::positive},
             Row{"0x10", Kind::positive},
             Row{"0x0p9", Kind::zero},
             Row{"0x1p-1080", Kind::zero},
             Row{"-0x1p-1074", Kind::negative},
             Row{"1e400", Kind::positive},
             Row{"-1e400", Kind::negative},
             Row{"1e-400", Kind::zero},
             Row{"-1e-400", Kind::zero},
             Row{"5e-324", Kind::positive},
             Row{"3e-324", Kind::positive},
             Row{"2e-324", Kind::zero},
             Row{"-2e-324", Kind::zero},
             Row{"0.00001e-319", Kind::zero},
             Row{"0.0003e-320", Kind::positive},
             Row{"2.4703282292062328e-324", Kind::positive},
             Row{"2.4703282292062327e-324", Kind::zero},
             Row{"1e99999999999999999999", Kind::positive},
             Row{"1e-99999999999999999999", Kind::zero},
         }) {
      const auto& token = row.token;
      const auto& kind = row.kind;
      CAPTURE(token);
      CHECK(relu::classify(token) == kind);
    }
  }

  TEST_CASE("classify refuses everything else") {
    for (const char* token :
         {"",     "-",      "+",       ".",    "-.",  "e5",
          "1e",   "1e+",    "1_000",   "1,5",  "0x",  "0x.",
          "0xp3", "0x1p",   "abc",     "1.5x", "in",  "infinit",
          "infx", "nan(1)", "nanx",    "--1",  "+-1", " 1",
          "1 ",   "1.2.3",  "0x1.8q3", "\xff", "1\r", "١"}) {
      CAPTURE(token);
      CHECK(relu::classify(token) == Kind::invalid);
    }
  }

  TEST_CASE("scan_number stops after the number") {
    struct Row {
      const char* text;
      std::size_t used;
      Kind kind;
    };

    for (const auto& row :
         {Row{"12 3", 2, Kind::positive}, Row{"-1,2", 2, Kind::negative},
          Row{"1.5x", 3, Kind::positive}, Row{"infinite", 3, Kind::positive},
          Row{"1e+", 3, Kind::invalid}, Row{"0x", 2, Kind::invalid}}) {
      const auto& text = row.text;
      const auto& used = row.used;
      const auto& kind = row.kind;
      CAPTURE(text);
      auto s = relu::scan_number(text, text + std::strlen(text));
      CHECK(s.ptr - text == static_cast<std::ptrdiff_t>(used));
      CHECK(s.kind == kind);
    }
  }

  TEST_CASE("parse_number rounds as strtod does") {
    for (const char* token :
         {"1",
          "-2.5",
          ".5",
          "5.",
          "1E+3",
          "0.1",
          "-0.03",
          "2.4703282292062328e-324",
          "1e-400",
          "-1e400",
          "1e308",
          "1.8e308",
          "4.9406564584124654e-324",
          "2.2250738585072011e-308",
          "0x1.8p3",
          "-0x1p-1074",
          "0x1p-1080",
          "0x1p2000",
          "0x0.0001p-1070",
          "-0x10p+99999999999999999999",
          "1e99999999999999999999",
          "-0.00001e-320",
          "0.000000000000000000000000001e-300",
          "100000000000000000000000000000e300",
          "123456789012345678901234567890e-10",
          "9007199254740993", // halfway: rounds to even
          "0.1000000000000000055511151231257827021181583404541015625"}) {
      CAPTURE(token);
      double expected = std::strtod(token, nullptr);
      double got = relu::parse_number(token);
      CHECK(std::bit_cast<std::uint64_t>(got) ==
            std::bit_cast<std::uint64_t>(expected));
    }
    CHECK(relu::parse_number("+7") == 7);
    CHECK(std::signbit(relu::parse_number("-0")));
    CHECK(std::isinf(relu::parse_number("-Infinity")));
    CHECK(std::isnan(relu::parse_number("NaN")));
    CHECK(std::signbit(relu::parse_number("-nan")));
  }

  TEST_CASE("parse_number tells overflow from underflow by magnitude") {
    // Regression: this path used to copy the token for strtod, allocating
    // in a noexcept function (issue 8, item 18).
    std::string zeros(400, '0');
    CHECK(relu::parse_number("1" + zeros) == HUGE_VAL);
    CHECK(relu::parse_number("-0." + zeros + "1") == 0);
    CHECK(std::signbit(relu::parse_number("-0." + zeros + "1")));
    CHECK(relu::parse_number("0x" + zeros + "1p-1100") == 0);
    CHECK(relu::parse_number("-0x1" + zeros + "p-100") == -HUGE_VAL);
  }

  TEST_CASE("parse_number reads a mantissa of a million digits") {
    std::string token = "0." + std::string(1'000'000, '3') + "e1";
    CHECK(relu::classify(token) == Kind::positive);
    CHECK(relu::parse_number(token) == 10.0 / 3);
  }

  // The edges, 100,000 random decimals and the midpoints of 5,000 random
  // pairs of doubles, each exact, just below and just above. The long sweep
  // tries 100 times as many.
  TEST_CASE("parse_number rounds as strtod does, on generated tokens") {
    number_oracle::Oracle oracle;
    for (const auto& token : number_oracle::edges())
      oracle.compare(token);
    for (double x : number_oracle::midpoint_edges())
      for (const auto& token : number_oracle::midpoint_tokens(x))
        oracle.compare(token);
    std::mt19937_64 random(1);
    for (int i = 0; i < 100'000; ++i)
      oracle.compare(number_oracle::random_decimal(random));
    for (int i = 0; i < 5'000; ++i) {
      double x = number_oracle::random_midpoint_base(random);
      for (const auto& token : number_oracle::midpoint_tokens(x))
        oracle.compare(i % 2 == 0 ? token : '-' + token);
    }
    CHECK(oracle.differences == 0);
  }
}
