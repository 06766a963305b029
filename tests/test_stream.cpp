#include "stream.hpp"
#include "support.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

using relu::test::process;
using relu::test::Result;

constexpr relu::Path paths[] = {relu::Path::exact, relu::Path::swar,
                                relu::Path::sse2, relu::Path::avx2};

// The result, checked to be the same on every path and however the input
// is split: in two at every offset, and byte by byte.
Result run_all_splits(std::string_view input, const relu::Options& options) {
  Result whole = process(input, options, 0, {.chunk = 8});
  std::vector<std::size_t> bytes(input.size());
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = i + 1;
  for (relu::Path path : paths) {
    CAPTURE(path);
    CHECK(process(input, options, 0, {.chunk = 8, .path = path}) == whole);
    CHECK(process(input, options, 0,
                  {.chunk = input.size() + 1, .path = path}) == whole);
    for (std::size_t i = 1; i < input.size(); ++i) {
      CAPTURE(i);
      CHECK(process(input, options, 0,
                    {.chunk = 8, .cuts = {i}, .path = path}) == whole);
      CHECK(process(input, options, 0,
                    {.chunk = input.size(), .cuts = {i}, .path = path}) ==
            whole);
    }
    CHECK(process(input, options, 0,
                  {.chunk = 8, .cuts = bytes, .path = path}) == whole);
  }
  return whole;
}

// Check that every path gives the exact path's result, with reads of 61
// bytes, of 4096, and of the whole input.
void check_paths_agree(std::string_view input, const relu::Options& options) {
  Result want = process(input, options, 0,
                        {.chunk = input.size() + 1, .path = relu::Path::exact});
  for (relu::Path path : paths) {
    for (std::size_t chunk :
         {std::size_t{61}, std::size_t{4096}, input.size() + 1}) {
      CAPTURE(path);
      CAPTURE(chunk);
      CHECK(process(input, options, 0, {.chunk = chunk, .path = path}) == want);
    }
  }
}

using relu::Options;

// --csv, warning about bad fields, on the fields of list.
Options csv_warn(const char* list, bool derivative) {
  auto options = Options{};
  options.csv = true;
  options.delimiter = ',';
  options.fields = relu::Fields::parse(list);
  options.invalid = relu::InvalidMode::warn;
  options.activation.derivative = derivative;
  return options;
}

} // namespace

TEST_SUITE("stream") {
  TEST_CASE("values, fields and separators") {
    auto leaky = Options{};
    leaky.activation.function = relu::find_function("leaky_relu");
    auto grad = Options{};
    grad.activation.derivative = true;
    auto leaky_grad = leaky;
    leaky_grad.activation.derivative = true;
    auto csv = Options{};
    csv.delimiter = ',';
    auto csv_f2 = csv;
    csv_f2.fields = relu::Fields::parse("2-");
    csv_f2.header = 1;
    auto csv_f13 = csv;
    csv_f13.fields = relu::Fields::parse("1,3");
    auto nul_f2 = Options{};
    nul_f2.delimiter = '\0';
    nul_f2.fields = relu::Fields::parse("2");
    auto f2 = Options{};
    f2.fields = relu::Fields::parse("2");
    auto nul = Options{};
    nul.terminator = '\0';
    auto fixed = Options{};
    fixed.format = relu::Format::fixed(2);
    auto grad_fixed = grad;
    grad_fixed.format = relu::Format::fixed(2);
    auto grad_wide = grad; // constants too long for the fast path's table
    grad_wide.format = relu::Format::fixed(40);

    struct Row {
      std::string name;
      relu::Options options;
      std::string in;
      std::string out;
    };

    for (const auto& row : std::vector<Row>{
             {"relu", Options{}, "2.50\n-3\n1e3\n", "2.50\n0\n1e3\n"},
             {"zeros", Options{}, "0\n-0\n0.000\n", "0\n0\n0\n"},
             {"nan and inf", Options{}, "NaN\n-inf\ninf\n", "NaN\n0\ninf\n"},
             {"no final newline", Options{}, "-1\n-2", "0\n0"},
             {"blank runs", Options{}, "  -1 \t 2\t-3  \n", "  0 \t 2\t0  \n"},
             {"blank lines", Options{}, "\n\n-1\n\n", "\n\n0\n\n"},
             {"crlf", Options{}, "-1\r\n2 -3\r\n", "0\r\n2 0\r\n"},
             {"cr at end", Options{}, "-1\r", "0\r"},
             {"cr after blank", Options{}, "-1 \r\n", "0 \r\n"},
             {"leaky", leaky, "-3\n2.50\n-0\n0\n-inf\n",
              "-0.03\n2.50\n-0\n0\n-inf\n"},
             {"grad", grad, "-3\n2.5\n0\nnan\n-nan\n", "0\n1\n0\nnan\n-nan\n"},
             {"leaky grad", leaky_grad, "-3 0 7", "0.01 0.01 1"},
             {"csv", csv, "-1,,2, -3 ,\n", "0,,2, 0 ,\n"},
             {"csv crlf", csv, "-1,-2\r\n-3,\r\n", "0,0\r\n0,\r\n"},
             {"csv blank field", csv, "-1,  ,-2\n", "0,  ,0\n"},
             {"csv header fields", csv_f2, "a,b\n-1,-2,-3\n", "a,b\n-1,0,0\n"},
             {"fields", f2, "-1 -2 -3\n-4\n", "-1 0 -3\n-4\n"},
             {"nul records", nul, std::string("-1\n2\0-3\0", 8),
              std::string("0\n2\0000\0", 6)},
             {"format", fixed, "-1 2.5 nan\n", "0.00 2.50 nan\n"},
             // Records the fast path takes, and ones it hands over whole.
             {"signed zeros", Options{}, "-0 +0.000 -00.0 +7\n", "0 0 0 +7\n"},
             {"long digit runs", Options{},
              "-123456789012345678.90123456789 0.00000000000000000001\n",
              "0 0.00000000000000000001\n"},
             {"other syntax", Options{}, "-1 .5\n-2 5.\n-3 1e3\n-4 0x1p3\n",
              "0 .5\n0 5.\n0 1e3\n0 0x1p3\n"},
             {"more syntax", Options{}, "-1 -.5\n-2 -inf\n-3 +5.e1\n-4\n",
              "0 0\n0 0\n0 +5.e1\n0\n"},
             {"mixed records", Options{}, "-1 2\n-3\t4\r\n\t-5 -6  \n",
              "0 2\n0\t4\r\n\t0 0  \n"},
             {"long token", Options{},
              "-0." + std::string(300, '0') + "1 -1\n-2\n", "0 0\n0\n"},
             {"csv field list", csv_f13,
              "-1,7\x80\r,-2,x\n3,-4\r\n-5,\0,-6\r\n",
              "0,7\x80\r,0,x\n3,-4\r\n0,\0,0\r\n"},
             {"csv empty fields", csv_f13, ",1,-2\n-3,,\n,,\n",
              ",1,0\n0,,\n,,\n"},
             {"nul delimiter", nul_f2, std::string("-1\0-2\0-3\n", 9),
              std::string("-1\0"
                          "0\0-3\n",
                          8)},
             {"grad many a line", grad,
              "-1 2 -3 4 -5 6 +7 -8.5 9\n0 1 -0 2 3 4 5 6 7\n",
              "0 1 0 1 0 1 1 0 1\n0 1 0 1 1 1 1 1 1\n"},
             {"grad format", grad_fixed, "-1 2 0\n", "0.00 1.00 0.00\n"},
             {"grad wide format", grad_wide, "-1 2\n",
              "0." + std::string(40, '0') + " 1." + std::string(40, '0') +
                  "\n"},
             {"leaky grad constants", leaky_grad, "-1 -2 0 3\n-4 5\n",
              "0.01 0.01 0.01 1\n0.01 1\n"},
         }) {
      const auto& name = row.name;
      const auto& options = row.options;
      const auto& in = row.in;
      const auto& out = row.out;
      CAPTURE(name);
      Result r = run_all_splits(in, options);
      CHECK(r.out == out);
      CHECK(r.err == "");
      CHECK(!r.invalid);
    }
  }

  TEST_CASE("invalid modes") {
    const std::string in = "1 -2\n3 x\xff -4\n-5\n";
    const std::string message = "line 2, field 2: invalid number: 'x\\xff'\n";

    struct Row {
      relu::InvalidMode mode;
      const char* out;
      std::string err;
      bool aborted;
    };

    for (const auto& row : std::vector<Row>{
             {relu::InvalidMode::abort, "1 0\n3 ", message, true},
             {relu::InvalidMode::fail, "1 0\n3 x\xff 0\n0\n", message, false},
             {relu::InvalidMode::warn, "1 0\n3 x\xff 0\n0\n", message, false},
             {relu::InvalidMode::ignore, "1 0\n3 x\xff 0\n0\n", "", false},
         }) {
      const auto& mode = row.mode;
      const auto& out = row.out;
      const auto& err = row.err;
      const auto& aborted = row.aborted;
      auto options = Options{};
      options.invalid = mode;
      Result r = run_all_splits(in, options);
      CHECK(r.out == out);
      CHECK(r.err == err);
      CHECK(r.aborted == aborted);
      CHECK(r.invalid);
    }
  }

  TEST_CASE("records the fast paths hand over") {
    // Tokens that look like ordinary decimals in part, among good ones, so
    // that a fast path must hand over exactly their records.
    auto options = Options{};
    options.invalid = relu::InvalidMode::warn;
    using namespace std::literals;
    Result r = run_all_splits("-1 1.2.3 -2\n-3 1-2 -.\n- -4\n+-5 -6\n"
                              "-7 8. .9 -1x -1\x80 \0 -8\n-9\n"sv,
                              options);
    CHECK(r.out == "0 1.2.3 0\n0 1-2 -.\n- 0\n+-5 0\n"
                   "0 8. .9 -1x -1\x80 \0 0\n0\n"sv);
    CHECK(r.err == "line 1, field 2: invalid number: '1.2.3'\n"
                   "line 2, field 2: invalid number: '1-2'\n"
                   "line 2, field 3: invalid number: '-.'\n"
                   "line 3, field 1: invalid number: '-'\n"
                   "line 4, field 1: invalid number: '+-5'\n"
                   "line 5, field 4: invalid number: '-1x'\n"
                   "line 5, field 5: invalid number: '-1\\x80'\n"
                   "line 5, field 6: invalid number: '\\x00'\n");
  }

  TEST_CASE("every path gives the same output on long mixed input") {
    // Tokens of every length around the fast paths' 8- and 64-byte steps,
    // good and bad, so that windows and reads end anywhere in them.
    std::string in;
    std::uint32_t state = 12345;
    auto next = [&state](std::uint32_t n) {
      state = state * 1103515245 + 12345;
      return (state >> 8) % n;
    };
    const std::string odd[] = {"1e3", ".5",    "5.", "-inf",  "nan", "\r",
                               "x",   "0x1p3", "-",  "1.2.3", "\x80"};
    for (int record = 0; record < 3000; ++record) {
      for (std::uint32_t field = next(6); field-- > 0;) {
        in += std::string(next(3), ' ') + (next(2) ? "\t" : "");
        if (next(40) == 0) {
          in += odd[next(11)];
          continue;
        }
        in += std::string_view("-+").substr(next(3), 1);
        for (std::uint32_t d = 1 + next(next(8) == 0 ? 70 : 12); d-- > 0;)
          in += static_cast<char>('0' + (next(3) ? next(10) : 0));
        if (next(2))
          in += '.' + std::string(next(20), "0123456789"[next(10)]);
      }
      in += next(10) ? "\n" : " \n";
    }
    for (auto invalid : {relu::InvalidMode::ignore, relu::InvalidMode::warn}) {
      for (bool derivative : {false, true}) {
        auto options = Options{};
        options.invalid = invalid;
        options.activation.derivative = derivative;
        check_paths_agree(in, options);
      }
    }
  }

  TEST_CASE("in a narrower dtype a number's kind is that of its value there") {
    // relu' is 1 at a positive value and 0 at -0 and +0: a decimal near
    // the dtype's zero limit, with and without an exponent, with leading
    // zeros and at every length around the fast paths' five-byte test,
    // must take the constant of the kind its value has in the dtype.
    std::vector<std::string> tokens;
    for (std::string_view sign : {"", "-", "+"})
      for (std::string_view digits : {"1", "3", "7", "298", "701", "459"})
        for (std::size_t zeros = 0; zeros <= 52; ++zeros) {
          const std::string fraction =
              fmt::format("{}{}", std::string(zeros, '0'), digits);
          tokens.push_back(fmt::format("{}0.{}", sign, fraction));
          tokens.push_back(fmt::format("{}000.{}", sign, fraction));
          tokens.push_back(fmt::format("{}{}e-{}", sign, digits, zeros));
        }
    for (relu::Dtype dtype :
         {relu::Dtype::float32, relu::Dtype::bfloat16, relu::Dtype::float16}) {
      CAPTURE(relu::dtype_name(dtype));
      std::string in;
      std::string want;
      for (std::size_t i = 0; i < tokens.size(); ++i) {
        const char* separator = i % 7 == 6 ? "\n" : " ";
        in += tokens[i] + separator;
        want += relu::parse_number_as(dtype, tokens[i]) > 0 ? "1" : "0";
        want += separator;
      }
      auto options = Options{};
      options.activation.derivative = true;
      options.activation.dtype = dtype;
      check_paths_agree(in, options);
      CHECK(process(in, options, 0, {}).out == want);
    }
  }

  TEST_CASE("invalid tokens in delimited fields keep their blanks") {
    auto options = Options{};
    options.delimiter = ';';
    options.invalid = relu::InvalidMode::warn;
    Result r = run_all_splits("1; 2 3 ;-1\r\n", options);
    CHECK(r.out == "1; 2 3 ;0\r\n");
    CHECK(r.err == "line 1, field 2: invalid number: '2 3'\n");
  }

  TEST_CASE("csv: quoted fields, malformed quoting, at every split") {
    struct Row {
      std::string list; // --fields
      relu::InvalidMode invalid;
      std::string in;
      std::string out;
      std::string err;
    };

    const auto warn = relu::InvalidMode::warn;
    const auto abort = relu::InvalidMode::abort;
    const std::vector<Row> rows = {
        // Quotes hold delimiters, line breaks and doubled quotes.
        {"2", warn, "\"a,b\",-1\n", "\"a,b\",0\n", ""},
        {"2", warn, "\"a\nb\",-1\n-2,-3\n", "\"a\nb\",0\n-2,0\n", ""},
        {"2", warn, "\"a\"\"\",-1,\"\"\"\"\n", "\"a\"\"\",0,\"\"\"\"\n", ""},
        {"1-", warn, "\"-1\",\" -2 \",\"\",\"\"\"\"\r\n",
         "\"0\",\" 0 \",\"\",\"\"\"\"\r\n",
         "line 1, field 4: invalid number: '\"\"\"\"'\n"},
        {"1-", warn, "\"-1\"\r\n\"2\"", "\"0\"\r\n\"2\"", ""},
        {"1-", warn, "\"1\r\n\",2\n", "\"1\r\n\",2\n",
         "line 1, field 1: invalid number: '\"1\\x0d\\x0a\"'\n"},
        // Malformed quoting, selected and not.
        {"1-", warn, "ab\"c,\"1\"5,-1\n", "ab\"c,\"1\"5,0\n",
         "line 1, field 1: quote inside an unquoted field: 'ab\"c'\n"
         "line 1, field 2: text after a closing quote: '\"1\"5'\n"},
        {"3", warn, "ab\"c,\"1\"5,-1\n", "ab\"c,\"1\"5,0\n", ""},
        {"2", warn, "x,-1\n\"y\n,-2\n", "x,0\n\"y\n,-2\n",
         "line 2, field 1: quote not closed at the end of the input\n"},
        {"1", warn, "-1,x\n\"y\n,-2\n", "0,x\n\"y\n,-2\n",
         "line 2, field 1: quote not closed at the end of the input\n"},
        {"1", abort, "-1\n\"y\n,-2\n", "0\n",
         "line 2, field 1: quote not closed at the end of the input\n"},
        {"1", abort, "-1\nab\"c,-2\n-3\n", "0\n",
         "line 2, field 1: quote inside an unquoted field: 'ab\"c'\n"},
        // Lines are counted where records begin.
        {"2", warn, "\"a\nb\nc\",-1\nd,x\n", "\"a\nb\nc\",0\nd,x\n",
         "line 4, field 2: invalid number: 'x'\n"},
        {"3", warn, "\"a\nb\",\"c\nd\",x\ne,f,y\n",
         "\"a\nb\",\"c\nd\",x\ne,f,y\n",
         "line 1, field 3: invalid number: 'x'\n"
         "line 4, field 3: invalid number: 'y'\n"},
    };
    for (const auto& row : rows) {
      CAPTURE(row.in);
      CAPTURE(row.list);
      auto options = Options{};
      options.csv = true;
      options.delimiter = ',';
      options.fields = relu::Fields::parse(row.list);
      options.invalid = row.invalid;
      Result r = run_all_splits(row.in, options);
      CHECK(r.out == row.out);
      CHECK(r.err == row.err);
    }
  }

  TEST_CASE("csv: every path agrees on records with and without quotes") {
    std::mt19937 rng(7);
    const std::vector<std::string> fields = {
        "-1.5", "2",    "-0",     "\"-2\"", "\"a,b\"", "\"x\ny\"", "",
        "\"\"", "a\"b", "\"1\"2", "-3\r",   "x",       "0.25",     "+7"};
    std::string in;
    for (int i = 0; i < 3000; ++i) {
      for (std::size_t f = rng() % 6; f > 0; --f)
        in += fields[rng() % (i % 7 == 0 ? fields.size() : 3)] + ",";
      in += "-4\n";
    }
    for (const char* list : {"1-", "2", "1,3-"}) {
      for (bool derivative : {false, true}) {
        CAPTURE(list);
        check_paths_agree(in, csv_warn(list, derivative));
      }
    }
  }

  TEST_CASE("csv: every path agrees on quoted fields of every length") {
    // Quoted fields around the 64-byte windows of the fast paths, with
    // delimiters, CR, LF and doubled quotes inside at any offset, and every
    // kind of malformed quoting, so that quotes straddle windows, reads and
    // blocks, and messages must name the same lines.
    std::mt19937 rng(2026);
    auto pick = [&rng](std::size_t n) { return rng() % n; };
    auto quoted = [&] {
      std::string text = "\"";
      // A quote inside is written doubled.
      constexpr std::string_view inside = "ab,\n\r\"x 9-.";
      for (std::size_t n = pick(4) == 0 ? pick(200) : pick(12); n > 0; --n) {
        const char c = inside[pick(inside.size())];
        text += c == '"' ? std::string("\"\"") : std::string(1, c);
      }
      return text + "\"";
    };
    const std::vector<std::string> odd = {
        "a\"b",   "\"a\"b",  " \"a\"", "\"a\" ", "\"a\"\r",       "a\"b,c\"",
        "\"-1\"", "\" 2 \"", "\"\"",   "-3\r",   "\"x\"\"\"y\"\""};
    // At every offset of the first windows: a closing quote, a doubled
    // one, text after a closing quote, and a quote inside an unquoted
    // field, the last two with a quote and a delimiter after them, which
    // the exact path reads as data and a separator.
    std::string in;
    for (std::size_t k = 0; k < 140; ++k) {
      const std::string a(k, 'a');
      for (const char* format : {"\"{}\",-1\n", "\"{}\"\"b\",-1\n",
                                 "\"{}\"x\"y,z\",-1\n", "{}\"b,c\",-1\n"})
        in += fmt::format(fmt::runtime(format), a);
    }
    for (int record = 0; record < 1500; ++record) {
      const bool clean = pick(5) != 0;
      for (std::size_t f = 1 + pick(pick(20) == 0 ? 70 : 6); f > 0; --f) {
        if (pick(3) == 0)
          in += quoted();
        else if (!clean && pick(4) == 0)
          in += odd[pick(odd.size())];
        else
          in += std::to_string(static_cast<int>(pick(200)) - 100);
        in += f > 1 ? "," : "";
      }
      in += pick(30) == 0 ? "\r\n" : "\n";
    }
    for (const std::string& tail : {std::string(), std::string("\"-1,\n2\n")}) {
      for (const char* list : {"1-", "2,4-", "3", "70-"}) {
        for (bool derivative : {false, true}) {
          CAPTURE(list);
          CAPTURE(tail);
          check_paths_agree(in + tail, csv_warn(list, derivative));
        }
      }
    }
  }

  TEST_CASE("csv: a quoted text field of any length streams through") {
    auto options = Options{};
    options.csv = true;
    options.delimiter = ',';
    options.fields = relu::Fields::parse("2");
    const std::string text = "\"" + std::string(3 * relu::max_field, 'x') +
                             "\n,\"\"" + std::string(100, ',') + "\"";
    const std::string in = text + ",-1\n";
    Result r = process(in, options, 0, {.chunk = 4096});
    CHECK(r.out == text + ",0\n");
    CHECK(r.err.empty());
  }

  TEST_CASE("a delimiter that can occur in a number ends the field") {
    struct Row {
      char delimiter;
      std::string in;
      std::string out;
    };

    // Regression: the scanner read past such a delimiter (issue 8, item 1).
    for (const auto& row : std::vector<Row>{
             {'.', "-1.-2\n", "0.0\n"},
             {'.', "-1..-2\n", "0..0\n"},
             {'-', "-1--2\n", "-1--2\n"},
             {'e', "-1e-2\n", "0e0\n"},
             {'5', "-15-2\n", "050\n"},
             {'+', "-1+-2e+3\n", "0+-2e+3\n"},
             {'x', "-0x1p3x-2\n", "0x1p3x0\n"},
             {'p', "-0x1p3p-2\n", "0p3p0\n"},
             {'n', "-inf\n", "-inf\n"},
             {'i', "-inf,-nan\n", "-inf,-nan\n"},
             {' ', "-1  -2\n", "0  0\n"},
             {'0', "-10-20\n", "0000\n"},
         }) {
      const auto& delimiter = row.delimiter;
      const auto& in = row.in;
      const auto& out = row.out;
      CAPTURE(delimiter);
      auto options = Options{};
      options.delimiter = delimiter;
      options.invalid = relu::InvalidMode::ignore;
      CHECK(run_all_splits(in, options).out == out);
    }
  }

  TEST_CASE("every byte can be the delimiter") {
    // Tokens whose pieces, split at any byte, are numbers or not: each field
    // must be exactly what lies between two delimiters.
    const std::vector<std::string> tokens = {
        "-1.5e-3", "-0x1.8p+1", "-inf", "-nan", " -7 ", "+0.25", "-9"};
    for (int byte = 0; byte < 256; ++byte) {
      auto d = static_cast<char>(byte);
      if (d == '\n')
        continue;
      CAPTURE(byte);
      std::string record;
      for (const auto& token : tokens)
        record += token + d;
      record.pop_back();
      std::string want;
      std::size_t start = 0;
      for (;;) {
        std::size_t stop = std::min(record.find(d, start), record.size());
        std::string field = record.substr(start, stop - start);
        std::size_t first = 0, last = field.size();
        auto blank = [d](char c) { return c != d && (c == ' ' || c == '\t'); };
        while (first < last && blank(field[first]))
          ++first;
        while (last > first && blank(field[last - 1]))
          --last;
        relu::Kind kind =
            relu::classify(std::string_view(field).substr(first, last - first));
        bool zero = kind == relu::Kind::negative || kind == relu::Kind::zero;
        want +=
            zero ? field.substr(0, first) + "0" + field.substr(last) : field;
        if (stop == record.size())
          break;
        want += d;
        start = stop + 1;
      }
      auto options = Options{};
      options.delimiter = d;
      options.invalid = relu::InvalidMode::ignore;
      for (relu::Path path : paths) {
        CAPTURE(path);
        CHECK(process(record + "\n", options, 0, {.chunk = 8, .path = path})
                  .out == want + "\n");
        CHECK(process(record + "\n", options, 0,
                      {.chunk = 8, .cuts = {1, 3, 7, 8, 9, 20}, .path = path})
                  .out == want + "\n");
        CHECK(process(record + "\n" + record + "\n", options, 0,
                      {.chunk = 1000, .path = path})
                  .out == want + "\n" + want + "\n");
      }
    }
  }

  TEST_CASE("delimited records with a field list on every path") {
    // Fields of every kind, each selected or not, and delimiters among
    // bytes that numbers hold or not: the fast paths must take exactly the
    // records the exact path converts the same way.
    std::uint32_t state = 2024;
    auto next = [&state](std::uint32_t n) {
      state = state * 1103515245 + 12345;
      return (state >> 8) % n;
    };
    const std::string odd[] = {"1e3",
                               ".5",
                               "5.",
                               "-inf",
                               "nan",
                               "\r",
                               "x",
                               "0x1p3",
                               "-",
                               "1.2.3",
                               "\x80",
                               std::string(1, '\0'),
                               "",
                               " ",
                               " -1",
                               "-2 ",
                               "\t3",
                               "1-2",
                               "+-1",
                               "--1",
                               std::string(70, '7'),
                               std::string(150, 'a')};
    auto field = [&]() {
      std::string f;
      if (next(8) == 0)
        return odd[next(std::size(odd))];
      f += std::string_view("-+").substr(next(3), 1);
      for (std::uint32_t d = 1 + next(next(8) == 0 ? 70 : 8); d-- > 0;)
        f += static_cast<char>('0' + (next(3) ? next(10) : 0));
      if (next(2))
        f += '.' + std::string(1 + next(6), "0123456789"[next(10)]);
      return f;
    };
    const char* lists[] = {nullptr, "2-",    "1,3,5", "1",
                           "3-",    "2,64-", "2,65",  "60-70"};
    for (char d : {',', ';', '\0', '\x80', 'e', '\r', '|', '5', '.', '-'}) {
      std::string in;
      for (int record = 0; record < 400; ++record) {
        std::uint32_t fields = next(10) == 0 ? 60 + next(10) : next(8);
        for (std::uint32_t n = 0; n < fields; ++n) {
          std::string f = field();
          std::replace(f.begin(), f.end(), d, '7');
          in += f;
          if (n + 1 < fields)
            in += d;
        }
        in += next(10) ? "\n" : "\r\n";
      }
      for (const char* list : lists) {
        for (bool derivative : {false, true}) {
          CAPTURE(static_cast<int>(static_cast<unsigned char>(d)));
          CAPTURE(list);
          CAPTURE(derivative);
          auto options = Options{};
          options.delimiter = d;
          options.invalid = relu::InvalidMode::warn;
          options.activation.derivative = derivative;
          if (list != nullptr)
            options.fields = relu::Fields::parse(list);
          options.header = next(2);
          check_paths_agree(in, options);
        }
      }
    }
  }

  TEST_CASE("records at the fast path's 64 KiB block boundary") {
    // A record ends just before, at and just after a block's end, or is
    // longer than a block; and the window runs to the end of the data.
    for (std::size_t shift : {0u, 1u, 2u, 3u, 5u, 9u, 63u, 64u, 65u}) {
      for (bool delimited : {false, true}) {
        CAPTURE(shift);
        CAPTURE(delimited);
        std::string in(shift, delimited ? ',' : ' ');
        const std::string rows[] = {"-1,2,-3.5", "12,-0.25,x", "0,-0,+7"};
        for (std::size_t i = 0; in.size() < 3 * 65536; ++i) {
          std::string row = rows[i % 3];
          if (!delimited)
            std::replace(row.begin(), row.end(), ',', ' ');
          in += row + "\n";
          if (i == 5000)
            in += std::string(70000, 'a') + "\n";
        }
        in += "-9";
        auto options = Options{};
        if (delimited) {
          options.delimiter = ',';
          options.fields = relu::Fields::parse("1,2");
        }
        options.invalid = relu::InvalidMode::ignore;
        Result want =
            process(in, options, 0,
                    {.chunk = in.size() + 1, .path = relu::Path::exact});
        for (relu::Path path : paths) {
          CAPTURE(path);
          CHECK(process(in, options, 0,
                        {.chunk = in.size() + 1, .path = path}) == want);
          CHECK(process(in, options, 0,
                        {.chunk = 128 * 1024,
                         .cuts = {65536 + shift},
                         .path = path}) == want);
        }
      }
    }
  }

  TEST_CASE("a field longer than max_field is invalid and streams through") {
    std::string big(relu::max_field + 10, '7');
    std::string in = "-1 " + big + " -2\n-3\n";
    auto options = Options{};
    options.invalid = relu::InvalidMode::warn;
    Result r = process(in, options, 0, {.chunk = 8});
    CHECK(r.out == "0 " + big + " 0\n0\n");
    CHECK(r.err.starts_with("line 1, field 2: field longer than 1 MiB: '777"));
    options.invalid = relu::InvalidMode::abort;
    r = process(in, options, 0, {.chunk = 8});
    CHECK(r.out == "0 ");
    CHECK(r.aborted);
  }

  TEST_CASE("the field limit is exact whatever the read sizes") {
    // Regression: the limit depended on where reads ended (issue 8, item 2).
    constexpr std::size_t limit = relu::max_field;

    struct Row {
      const char* name;
      std::optional<char> delimiter;
      std::string before; // the field is '-' and ones, then this
      std::string after;
    };

    for (const auto& row : std::vector<Row>{
             {"blank", std::nullopt, "-3 ", "\n"},
             {"blank crlf", std::nullopt, "", "\r\n"},
             {"blank last", std::nullopt, "", ""},
             {"blank cr last", std::nullopt, "", "\r"},
             {"delimited", ',', "-3,", ",-4\n"},
             {"delimited crlf", ',', "", "\r\n"},
             {"delimited last", ',', "", ""},
         }) {
      const auto& name = row.name;
      const auto& delimiter = row.delimiter;
      const auto& before = row.before;
      const auto& after = row.after;
      for (std::size_t size : {limit - 1, limit, limit + 1, limit + 2}) {
        for (std::size_t chunk : {std::size_t{4096}, size - 1, size, size + 1,
                                  size + 2, 3 * size}) {
          CAPTURE(name);
          CAPTURE(size);
          CAPTURE(chunk);
          std::string field(size, '1');
          field[0] = '-';
          std::string in = before + field + after;
          auto options = Options{};
          options.delimiter = delimiter;
          options.invalid = relu::InvalidMode::warn;
          Result r = process(in, options, 0, {.chunk = chunk});
          // before is "" or a negative number and its separator.
          std::string head = before.empty() ? "" : before.substr(2);
          if (!before.empty())
            head.insert(0, 1, '0');
          std::string tail = after == ",-4\n" ? ",0\n" : after;
          if (size <= limit) {
            CHECK(r.out == head + "0" + tail);
            CHECK(r.err == "");
          } else {
            CHECK(r.out == head + field + tail);
            CHECK(r.err == fmt::format("line 1, field {}: field longer than 1 "
                                       "MiB: '-{}'...\n",
                                       before.empty() ? 1 : 2,
                                       std::string(63, '1')));
          }
        }
      }
    }
  }

  TEST_CASE("diagnostics quote the token and cut it short") {
    auto options = Options{};
    options.invalid = relu::InvalidMode::warn;
    std::string token = "'\\" + std::string(100, 'a');
    Result r = process(token + "\n", options, 0, {.chunk = 8});
    CHECK(r.err == "line 1, field 1: invalid number: '\\'\\\\" +
                       std::string(62, 'a') + "'...\n");
  }
}

TEST_SUITE("stream") {
  TEST_CASE("a function over a record: held until it ends, at every split") {
    // softmax([0, 0]) = 1/2 and softmax([0, ln 4]) = [1/5, 4/5] up to the
    // rounding of ln 4's text; a bad field leaves its record as it came.
    const std::string in = "0 0\n  0\t0 \n7 x\xff 8\n-inf 3\n5\n\nnan 1\n0 0";
    const std::string message = "line 3, field 2: invalid number: 'x\\xff'\n";

    struct Row {
      relu::InvalidMode mode;
      std::string out;
      std::string err;
      bool aborted;
    };

    const std::string after = "0 1\n1\n\nnan nan\n0.5 0.5";
    for (const Row& row : std::vector<Row>{
             {relu::InvalidMode::abort, "0.5 0.5\n  0.5\t0.5 \n", message,
              true},
             {relu::InvalidMode::fail,
              "0.5 0.5\n  0.5\t0.5 \n7 x\xff 8\n" + after, message, false},
             {relu::InvalidMode::ignore,
              "0.5 0.5\n  0.5\t0.5 \n7 x\xff 8\n" + after, "", false},
         }) {
      CAPTURE(row.mode);
      auto options = Options{};
      options.activation.function = relu::find_function("softmax");
      options.invalid = row.mode;
      Result r = run_all_splits(in, options);
      CHECK(r.out == row.out);
      CHECK(r.err == row.err);
      CHECK(r.aborted == row.aborted);
      for (unsigned jobs : {2u, 3u})
        for (std::size_t chunk : {std::size_t{5}, std::size_t{64}})
          CHECK(process(in, options, jobs, {.chunk = chunk}) == r);
    }
  }

  TEST_CASE("a function over a record: csv, field lists, CRLF, header") {
    // Only the selected fields form the vector; empty ones are no element;
    // quotes stay around a converted number; a CR before the end stays;
    // line breaks in an unselected quoted field count once, however the
    // record is cut.
    auto options = Options{};
    options.activation.function = relu::find_function("log_softmax");
    options.csv = true;
    options.delimiter = ',';
    options.header = 1;
    options.fields = relu::Fields::parse("2-");
    options.invalid = relu::InvalidMode::warn;
    const std::string in = "id,a,b,c\r\n"
                           "\"q\n\n\",0,0\r\n"
                           "r1,0,\"0\",\r\n"
                           "\"r,2\",1,\"x\",3\r\n"
                           "r3,5\r\n"
                           "r4,\"unclosed,0";
    Result r = run_all_splits(in, options);
    CHECK(r.out == "id,a,b,c\r\n"
                   "\"q\n\n\",-0.6931471805599453,-0.6931471805599453\r\n"
                   "r1,-0.6931471805599453,\"-0.6931471805599453\",\r\n"
                   "\"r,2\",1,\"x\",3\r\n"
                   "r3,0\r\n"
                   "r4,\"unclosed,0");
    CHECK(r.err == "line 6, field 3: invalid number: '\"x\"'\n"
                   "line 8, field 2: quote not closed at the end of the "
                   "input\n");
    for (unsigned jobs : {2u, 3u})
      CHECK(process(in, options, jobs, {.chunk = 7}) == r);
  }

  TEST_CASE("glu: b's fields go with the separator before them") {
    // glu(1, 0) = 1/2, glu(4, 0) = 2, glu(2, 0) = 1; -2 sigmoid(3), 1
    // sigmoid(2) and -2 sigmoid'(3) from mpmath. A header loses the names
    // of b, unless -g; an odd count leaves the record as it came.
    struct Row {
      std::string name;
      std::string fields;
      bool csv;
      char terminator;
      bool derivative;
      std::string in;
      std::string out;
      std::string err;
    };

    for (const Row& row : std::vector<Row>{
             {"blank", "1-", false, '\n', false,
              "a1  a2 b1 b2\n 1  -2 0 3 \n1 2 3\n4 0\n",
              "a1  a2\n 0.5  -1.9051482536448665 \n1 2 3\n2\n",
              "line 3: glu needs an even number of numbers, not 3\n"},
             {"csv", "2-3", true, '\n', false,
              "id,a,\"b,1\",note\r\n\"r,1\",\"2\",\" 0 \",z\r\nr2,,5,\r\n",
              "id,a,note\r\n\"r,1\",\"1\",z\r\nr2,,5,\r\n",
              "line 3: glu needs an even number of numbers, not 1\n"},
             {"nul", "1-", false, '\0', false, std::string("h\ni\0001\n2\0", 8),
              std::string("h\0000.8807970779778824\0", 21), ""},
             {"derivative", "1-", false, '\n', true, "a1 a2 b1 b2\n1 -2 0 3\n",
              "a1 a2 b1 b2\n0.5 0.9525741268224333 0.25 -0.09035331946182426\n",
              ""},
         }) {
      CAPTURE(row.name);
      auto options = Options{};
      options.activation.function = relu::find_function("glu");
      options.activation.derivative = row.derivative;
      options.csv = row.csv;
      if (row.csv)
        options.delimiter = ',';
      options.terminator = row.terminator;
      options.header = 1;
      options.fields = relu::Fields::parse(row.fields);
      options.invalid = relu::InvalidMode::warn;
      Result r = run_all_splits(row.in, options);
      CHECK(r.out == row.out);
      CHECK(r.err == row.err);
      for (unsigned jobs : {2u, 3u})
        CHECK(process(row.in, options, jobs, {.chunk = 7}) == r);
    }
  }

  TEST_CASE("a function over a record: a record over max_record streams") {
    auto options = Options{};
    options.activation.function = relu::find_function("softmax");
    options.invalid = relu::InvalidMode::warn;
    std::string in;
    while (in.size() <= relu::max_record)
      in += "0 ";
    const std::string first = in + "\n";
    in = first + "1 1\n";
    for (std::size_t chunk : {std::size_t{4096}, std::size_t{128 * 1024}}) {
      CAPTURE(chunk);
      Result r = process(in, options, 0, {.chunk = chunk});
      CHECK(r.out.size() == first.size() + 8); // no 16 MiB on failure
      CHECK((r.out == first + "0.5 0.5\n"));
      CHECK(r.err == "line 1: record longer than 16 MiB\n");
    }
  }
}
