#include "convert.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using relu::Kind;

namespace {

// Decimal texts on and around each kink: the kink itself written many
// ways, its neighbours in double, and nearby decimals of every length.
std::vector<std::string> texts_near(const std::vector<double>& kinks,
                                    std::mt19937_64& rng) {
  std::vector<std::string> texts;
  for (double kink : kinks) {
    for (double k : {kink, -kink}) {
      for (int digits = 1; digits <= 21; ++digits)
        texts.push_back(fmt::format("{:.{}g}", k, digits));
      for (double x :
           {std::nextafter(k, -INFINITY), std::nextafter(k, INFINITY)}) {
        texts.push_back(fmt::format("{:.17g}", x));
        // Leading zeros, and mantissas longer than any double's digits.
        texts.push_back(
            fmt::format("{}00{:.17g}", x < 0 ? "-" : "", std::fabs(x)));
        texts.push_back(fmt::format("{:.40f}", x));
        texts.push_back(fmt::format("{:.29e}", x));
      }
      for (int e = 1; e <= 18; ++e)
        for (double side : {-1.0, 1.0}) {
          const double x = k + side * std::fabs(k) * std::pow(10.0, -e);
          texts.push_back(fmt::format("{:.{}g}", x, e + 2));
          texts.push_back(fmt::format("{:.{}e}", x, e + 1));
        }
    }
    // The same value in other spellings: "6.", "06", "60e-1", ".6e1", "+6".
    const std::string shortest = fmt::format("{}", kink);
    for (const char* spelling : {"{}.", "0{}", "+{}", "{}0e-1", "{}e0"})
      if (shortest.find_first_of(".e") == std::string::npos)
        texts.push_back(
            fmt::vformat(spelling, fmt::make_format_args(shortest)));
    texts.push_back(fmt::format("{:.0f}e-3", kink * 1000));
  }
  // Decimals of 1 to 25 digits at every order the table covers and beyond.
  std::uniform_int_distribution<int> digits(1, 25);
  std::uniform_int_distribution<int> order(-12, 16);
  std::uniform_int_distribution<int> digit(0, 9);
  for (int i = 0; i < 1000; ++i) {
    std::string t = i % 2 ? "-" : "";
    t += static_cast<char>('1' + digit(rng) % 9);
    const int n = digits(rng);
    for (int d = 1; d < n; ++d)
      t += static_cast<char>('0' + digit(rng));
    texts.push_back(fmt::format("{}e{}", t, order(rng) - n + 1));
  }
  return texts;
}

relu::Activation activation(const char* name) {
  relu::Activation a;
  a.function = relu::find_function(name);
  return a;
}

bool same(const relu::Conversion& a, const relu::Conversion& b) {
  return a.what == b.what && a.text == b.text &&
         (a.what != relu::Conversion::What::value ||
          std::bit_cast<std::uint64_t>(a.value) ==
              std::bit_cast<std::uint64_t>(b.value));
}

} // namespace

TEST_SUITE("convert") {
  TEST_CASE("scan_bounded finds the first two digits and the order") {
    struct Row {
      const char* text;
      int lead;
      int order;
    };

    for (const auto& row :
         {Row{"6", 60, 1}, Row{"6.", 60, 1}, Row{"06", 60, 1},
          Row{"0.05", 50, -1}, Row{".5", 50, 0}, Row{"-12.5e3", 12, 5},
          Row{"99.99", 99, 2}, Row{"1e-9", 10, -8}, Row{"60e-1", 60, 1},
          Row{"1.0", 10, 1}, Row{"1e399", 10, 400}, Row{"0x1p3", 0, 0},
          Row{"inf", 0, 0}, Row{"nan", 0, 0}, Row{"0.000", 0, 0},
          Row{"1e401", 0, 0}}) {
      const std::string_view text = row.text;
      CAPTURE(text);
      const auto s = relu::scan_bounded(text.data(), text.data() + text.size());
      CHECK(s.ptr == text.data() + text.size());
      CHECK(s.magnitude.lead == row.lead);
      if (row.lead != 0)
        CHECK(s.magnitude.order == row.order);
    }
  }

  // The table by magnitude is a shortcut: what it decides must be what
  // converting the number decides, on the kinks and beside them.
  TEST_CASE("a decision by magnitude is the decision by value") {
    struct Row {
      const char* function;
      relu::Params params;
      std::vector<double> kinks;
    };

    std::vector<Row> rows;
    relu::Params shifted;
    shifted.min_val = -0.25;
    shifted.max_val = 6e-3;
    shifted.threshold = 1.5;
    shifted.value = 1.5; // the value at the threshold itself
    shifted.lambd = 1e-7;
    relu::Params narrow; // one sign: the derivative is 0, 1, 0 there
    narrow.min_val = 1;
    narrow.max_val = 1.05;
    relu::Params far;
    far.threshold = -2;
    far.value = 7;
    far.lambd = 123.5;
    for (const auto& row :
         {Row{"relu6", {}, {6, 0.5}}, Row{"hardtanh", {}, {1, 0.5}},
          Row{"hardtanh", narrow, {1, 1.05}},
          Row{"hardtanh", shifted, {0.25, 6e-3, 0.5}},
          Row{"threshold", {}, {20, 1}}, Row{"threshold", shifted, {1.5, 1}},
          Row{"threshold", far, {2, 7}}, Row{"hardshrink", {}, {0.5, 1}},
          Row{"hardshrink", shifted, {1e-7, 1}},
          Row{"hardshrink", far, {123.5, 10}}, Row{"softshrink", {}, {0.5}},
          Row{"softshrink", far, {123.5}}, Row{"hardsigmoid", {}, {3, 1}}})
      rows.push_back(row);
    // Kinks anywhere in a bound, and on its ends as the double nearest the
    // decimal and its neighbours, where the table's own rounding shows.
    std::mt19937_64 rng(20261204);
    std::uniform_int_distribution<int> lead(10, 99);
    std::uniform_int_distribution<int> order(-10, 14);
    std::uniform_int_distribution<int> pick(0, 3);
    for (int i = 0; i < 300; ++i) {
      const double scale = std::pow(10.0, order(rng) - 2);
      const int first = lead(rng);
      const double end = first * scale;
      const double k = i % 4 == 0 ? end * 1.00731
                       : i % 4 == 1
                           ? end
                           : std::nextafter(end, i % 4 == 2 ? 0 : 1e300);
      relu::Params p;
      p.min_val = i % 3 ? -k : k / 2;
      p.max_val = k;
      p.threshold = i % 2 ? k : -k;
      // threshold's value at the top of k's bound: equal ends, though the
      // numbers above k between them are not the value.
      const int value = pick(rng);
      p.value = value == 0 ? 0.75 : value == 1 ? (first + 1) * scale : k;
      p.lambd = k;
      const char* names[] = {"hardtanh", "threshold", "hardshrink",
                             "softshrink"};
      rows.push_back({names[pick(rng)], p, {k, 0.75}});
    }
    // In a narrower dtype the table's ends are rounded to it, nothing is
    // kept, and threshold's value may equal an end's: every dtype in turn.
    for (const auto& row : rows) {
      const auto texts = texts_near(row.kinks, rng);
      for (bool derivative : {false, true})
        for (const auto& format : {relu::Format(), relu::Format::fixed(3)})
          for (relu::Dtype dtype :
               {relu::Dtype::float64, relu::Dtype::float32,
                relu::Dtype::bfloat16, relu::Dtype::float16}) {
            relu::Activation activation = ::activation(row.function);
            activation.params = row.params;
            activation.derivative = derivative;
            activation.dtype = dtype;
            const relu::Converter converter(activation, format);
            const auto scan = relu::number_scanner(dtype, true);
            CAPTURE(row.function);
            CAPTURE(row.params.max_val);
            CAPTURE(derivative);
            CAPTURE(relu::dtype_name(dtype));
            for (const auto& text : texts) {
              const auto s = scan(text.data(), text.data() + text.size());
              REQUIRE(s.ptr == text.data() + text.size());
              if (!same(converter.decide(text, s.kind, s.magnitude),
                        converter.decide(text, s.kind)))
                FAIL_CHECK(text);
            }
          }
    }
  }

  TEST_CASE("only the functions settled by their ends use a table") {
    relu::Activation relu6;
    relu6.function = relu::find_function("relu6");
    CHECK(relu::Converter(relu6, {}).bounded());
    relu6.derivative = true;
    CHECK(relu::Converter(relu6, {}).bounded());
    relu::Activation hardtanh = activation("hardtanh");
    hardtanh.params.min_val = 1;
    hardtanh.params.max_val = 2;
    CHECK(relu::Converter(hardtanh, {}).bounded());
    hardtanh.derivative = true;
    CHECK_FALSE(relu::Converter(hardtanh, {}).bounded());
    relu6.dtype = relu::Dtype::float16;
    CHECK(relu::Converter(relu6, {}).bounded());
    for (const char* name : {"relu", "leaky_relu", "prelu", "gelu", "elu"})
      CHECK_FALSE(relu::Converter(activation(name), {}).bounded());
  }
}
