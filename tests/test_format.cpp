#include "format.hpp"
#include "format_oracle.hpp"
#include "shortest_oracle.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <stdexcept>
#include <string>

using namespace format_oracle;

namespace {

std::string error(const char* text) {
  try {
    relu::Format::parse(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

} // namespace

TEST_SUITE("format") {
  TEST_CASE("shortest round-trip text") {
    relu::Format shortest;

    struct Row {
      double x;
      const char* text;
    };

    for (const auto& row :
         {Row{-0.03, "-0.03"}, Row{-3 * 0.01, "-0.03"},
          Row{0.1 + 0.2, "0.30000000000000004"}, Row{0.0, "0"}, Row{-0.0, "-0"},
          Row{1e-5, "1e-05"}, Row{1e16, "1e+16"}, Row{123456.0, "123456"},
          Row{5e-324, "5e-324"}, Row{INFINITY, "inf"}, Row{-INFINITY, "-inf"},
          Row{std::nan(""), "nan"}, Row{-std::nan(""), "-nan"}}) {
      const auto& x = row.x;
      const auto& text = row.text;
      CAPTURE(text);
      CHECK(shortest.to_string(x) == text);
    }
  }

  // 38,866 edge values, 300,000 random bit patterns and 100,000 random
  // doubles near the switch of notations: 0.2 s. The long sweep tries 200
  // million.
  TEST_CASE("write_shortest writes what fmt's {} writes") {
    shortest_oracle::Oracle oracle;
    for (double x : shortest_oracle::edges())
      oracle.compare(x);
    std::mt19937_64 random(1);
    for (int i = 0; i < 300'000; ++i)
      oracle.compare(shortest_oracle::random_bits(random));
    for (int i = 0; i < 100'000; ++i)
      oracle.compare(shortest_oracle::random_near_switch(random));
    CHECK(oracle.differences == 0);
  }

  TEST_CASE("write_shortest lays out every form") {
    struct Row {
      double x;
      const char* text;
    };

    for (const auto& row : {
             Row{0.0, "0"},
             Row{-0.0, "-0"},
             Row{INFINITY, "inf"},
             Row{-INFINITY, "-inf"},
             Row{std::nan(""), "nan"},
             Row{-std::nan(""), "-nan"},
             Row{1, "1"},
             Row{-2.5, "-2.5"},
             Row{0.0001, "0.0001"},
             Row{0.00012345, "0.00012345"},
             Row{9.999999999999999e-5, "9.999999999999999e-05"},
             Row{1e-5, "1e-05"},
             Row{1.5e-7, "1.5e-07"},
             Row{123.456, "123.456"},
             Row{1e15, "1000000000000000"},
             Row{1.5e15, "1500000000000000"},
             Row{9999999999999998.0, "9999999999999998"},
             Row{1e16, "1e+16"},
             Row{1.2345e16, "1.2345e+16"},
             Row{1e100, "1e+100"},
             Row{-1e-100, "-1e-100"},
             Row{5e-324, "5e-324"},
             Row{2.2250738585072014e-308, "2.2250738585072014e-308"},
             Row{1.7976931348623157e308, "1.7976931348623157e+308"},
             Row{0x1p53, "9007199254740992"},
         }) {
      const auto& x = row.x;
      const auto& text = row.text;
      CAPTURE(x);
      char buffer[relu::max_shortest];
      char* last = relu::write_shortest(x, buffer);
      CHECK(std::string(buffer, last) == text);
    }
  }

  TEST_CASE("Format::parse formats as printf") {
    struct Row {
      const char* format;
      double x;
      const char* text;
    };

    for (const auto& row : {
             Row{"%.3f", -0.03, "-0.030"}, Row{"%10.4e", 1234.5, "1.2345e+03"},
             Row{"x=%g", 0.5, "x=0.5"},    Row{"%f", 1, "1.000000"},
             Row{"%e", 1, "1.000000e+00"}, Row{"%G", 1e-10, "1E-10"},
             Row{"%a", 1, "0x1p+0"},       Row{"%A", 1, "0X1P+0"},
             Row{"%+.1f", 2, "+2.0"},      Row{"% .1f", 2, " 2.0"},
             Row{"%+ .1f", 2, "+2.0"},     Row{"%-6.1f|", 2, "2.0   |"},
             Row{"%06.1f", -2, "-002.0"},  Row{"%-06.1f|", 2, "2.0   |"},
             Row{"%#.0f", 2, "2."},        Row{"%#g", 1, "1.00000"},
             Row{"%.f", 2.5, "2"},         Row{"%5.1f%%", 50, " 50.0%"},
             Row{"%%%g%%", 1, "%1%"},      Row{"%08f", INFINITY, "     inf"},
             Row{"%F", NAN, "NAN"},        Row{"%-+5.0g|", 2, "+2   |"},
         }) {
      const auto& format = row.format;
      const auto& x = row.x;
      const auto& text = row.text;
      CAPTURE(format);
      CHECK(relu::Format::parse(format).to_string(x) == text);
    }
    CHECK(relu::Format::fixed(2).to_string(1.005) == "1.00");
    CHECK(relu::Format::fixed(0).to_string(-0.4) == "-0");
  }

  TEST_CASE("width pads inf and nan on the left, as printf") {
    struct Row {
      const char* format;
      double x;
      const char* text;
    };

    for (const auto& row : {
             Row{"[%8.2f]", NAN, "[     nan]"},
             Row{"[%8.2f]", INFINITY, "[     inf]"},
             Row{"[%-8.2f]", INFINITY, "[inf     ]"},
             Row{"[%+6E]", -INFINITY, "[  -INF]"},
             Row{"[%+6G]", INFINITY, "[  +INF]"},
             Row{"[% 6a]", NAN, "[   nan]"},
             Row{"[%#6A]", NAN, "[   NAN]"},
             Row{"[%06e]", -INFINITY, "[  -inf]"},
         }) {
      const auto& format = row.format;
      const auto& x = row.x;
      const auto& text = row.text;
      CAPTURE(format);
      CHECK(relu::Format::parse(format).to_string(x) == text);
    }
  }

  TEST_CASE("the 0 flag of %a pads after 0x, as printf") {
    struct Row {
      const char* format;
      double x;
      const char* text;
    };

    for (const auto& row : {
             Row{"%012a", 1, "0x0000001p+0"},
             Row{"%012a", -1.5, "-0x0001.8p+0"},
             Row{"%+012A", 1.5, "+0X0001.8P+0"},
             Row{"%-012a|", 1, "0x1p+0      |"},
             Row{"%.1a", 0x1.08p0, "0x1.0p+0"},
             Row{"%.1a", 0x1.f8p0, "0x2.0p+0"},
             Row{"%a", 5e-324, "0x0.0000000000001p-1022"},
             Row{"%a", 0.0, "0x0p+0"},
         }) {
      const auto& format = row.format;
      const auto& x = row.x;
      const auto& text = row.text;
      CAPTURE(format);
      CHECK(relu::Format::parse(format).to_string(x) == text);
    }
  }

  TEST_CASE("%#g writes the point and zeros as glibc") {
    struct Row {
      const char* format;
      double x;
      const char* text;
    };

    for (const auto& row : {
             Row{"%#.0g", 2.25, "2."},
             Row{"%#G", 123456.789, "123457."},
             Row{"%#.3g", 100, "100."},
             Row{"%#.1g", 0, "0."},
             Row{"%#.2g", 1, "1.0"},
             Row{"%#g", 0, "0.00000"},
             Row{"%#g", 999999.5, "1.e+06"},
             Row{"%#.5G", -99999.5, "-1.E+05"},
             Row{"%#g", 1e6, "1.00000e+06"},
         }) {
      const auto& format = row.format;
      const auto& x = row.x;
      const auto& text = row.text;
      CAPTURE(format);
      CHECK(relu::Format::parse(format).to_string(x) == text);
    }
  }

  TEST_CASE("a negative nan prints -nan, as printf") {
    CHECK(relu::Format::parse("%f").to_string(-std::nan("")) == "-nan");
    CHECK(relu::Format::parse("%+E").to_string(std::nan("")) == "+NAN");
  }

  TEST_CASE("Format::parse refuses all but one floating conversion") {
    struct Row {
      const char* format;
      const char* message;
    };

    for (const auto& row : {
             Row{"", "no conversion"},
             Row{"abc", "no conversion"},
             Row{"%%", "no conversion"},
             Row{"%s", "'%s' is not a floating-point conversion"},
             Row{"%d", "'%d' is not a floating-point conversion"},
             Row{"%n", "'%n' is not a floating-point conversion"},
             Row{"%lf", "'%l' is not a floating-point conversion"},
             Row{"%*f", "'%*' is not a floating-point conversion"},
             Row{"%f %f", "more than one conversion"},
             Row{"%f%", "more than one conversion"},
             Row{"%", "incomplete conversion"},
             Row{"%5.", "incomplete conversion"},
             Row{"%10000f", "width is too large"},
             Row{"%.10000f", "precision is too large"},
         }) {
      const auto& format = row.format;
      const auto& message = row.message;
      CAPTURE(format);
      CHECK(error(format) == message);
    }
  }

  // The full cross product takes 20 s: this sample of 287,232 comparisons
  // has every (type, flags, precision) with three widths, rotated so that
  // every (type, flags, width) and (type, width, precision) appears too, and
  // tries each on the edges and on four values of the pool in turn.
  TEST_CASE("Format::write prints what snprintf prints") {
    auto values = pool();
    Oracle oracle;
    std::size_t turn = 0;
    for (std::size_t t = 0; t < types.size(); ++t)
      for (unsigned flags = 0; flags < flag_sets; ++flags)
        for (int precision = -1; precision <= max_precision; ++precision)
          for (int k = 0; k < 3; ++k) {
            auto width =
                static_cast<int>(t * flag_sets + flags) + precision + 7 * k + 1;
            auto text =
                conversion(flags, width % (max_width + 1), precision, types[t]);
            auto format = relu::Format::parse(text);
            for (double x : edges())
              oracle.compare(text, format, x);
            for (int i = 0; i < 4; ++i)
              oracle.compare(text, format, values[turn++ % values.size()]);
          }
    CHECK(oracle.differences == 0);
  }

  // Regression: precisions of 767 and above lost digits (`relu -p 767 1`
  // printed 766 decimals). fmt 9 stops after 767 significant digits, all a
  // double has, and for %f and %#g below 1 writes none of glibc's zeros.
  TEST_CASE("precision 767 and above: every digit and zero printf writes") {
    Oracle oracle;
    for (char type : types)
      for (const char* flags : {"", "#", "-", "+0"})
        for (int width : {0, 9999})
          for (int precision :
               {458, 459, 765, 766, 767, 768, 1000, 1073, 1074, 1075, 9999}) {
            auto text = fmt::format("%{}{}.{}{}", flags,
                                    width > 0 ? std::to_string(width) : "",
                                    precision, type);
            auto format = relu::Format::parse(text);
            for (double x : edges())
              oracle.compare(text, format, x);
            for (double x :
                 {1.0, 0.1, -0.5, 9.5, 123.456, 1e22, 1e23, 1e300, 1e-4,
                  std::nextafter(1e-4, 0.0), std::nextafter(1.0, 0.0), 999999.5,
                  0x1.fffffffffffffp-1022, 0x1.8p-1074, -2.5e-7 * 0.01})
              oracle.compare(text, format, x);
          }
    CHECK(oracle.differences == 0);
  }
}
