#include "parallel.hpp"
#include "support.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using relu::test::Delivery;
using relu::test::never;
using relu::test::process;
using relu::test::Result;

// The result of one thread, checked to be that of 2 and 3 threads, and
// that of run_parallel's single thread, for this delivery and random ones.
Result same_as_one_thread(std::string_view input, const relu::Options& options,
                          Delivery how = {}) {
  Result one = process(input, options, 0, how);
  for (unsigned jobs : {1u, 2u, 3u}) {
    CAPTURE(jobs);
    CHECK(process(input, options, jobs, how) == one);
  }
  for (unsigned seed = 1; seed <= 8; ++seed) {
    CAPTURE(seed);
    Delivery random = how;
    random.seed = seed;
    random.max_read = seed * 7;
    random.chunk = how.chunk + seed;
    CHECK(process(input, options, 2, random) == one);
  }
  return one;
}

// Random records of numbers, bad tokens, blanks, CRs and empty lines.
std::string random_records(unsigned seed, std::size_t records,
                           char terminator = '\n') {
  const std::vector<std::string> tokens = {
      "-1.5", "2.25", "-3e-2", "0",  "-0", "nan",   "-inf", "x",      "1,5",
      "",     " ",    "\t",    "\r", "-7", "0x1p3", "-.5",  "abc\xff"};
  std::mt19937 rng(seed);
  std::string text;
  for (std::size_t i = 0; i < records; ++i) {
    std::size_t fields = rng() % 6;
    for (std::size_t f = 0; f < fields; ++f)
      text += tokens[rng() % tokens.size()] + (rng() % 4 ? " " : "  ");
    text += rng() % 5 ? "-2" : "";
    text += terminator;
  }
  return text;
}

// Random CSV records: quoted fields holding delimiters, line breaks, CRs
// and doubled quotes, quoted numbers, and malformed quoting.
std::string random_csv(unsigned seed, std::size_t records) {
  const std::vector<std::string> fields = {
      "-1.5", "\"-2\"", "\"a,b\"", "\"x\ny\"", "\"\r\n\"",    "\"q\"\"\"", "",
      "\"\"", "a\"b",   "\"1\"2",  " 3 ",      "\"\n\n,\n\"", "-0"};
  std::mt19937 rng(seed);
  std::string text;
  for (std::size_t i = 0; i < records; ++i) {
    for (std::size_t f = rng() % 5; f > 0; --f)
      text += fields[rng() % fields.size()] + ",";
    text += rng() % 3 ? "-4\n" : "-4\r\n";
  }
  return text;
}

using relu::InvalidMode;
using relu::Options;

Options leaky(InvalidMode mode = InvalidMode::warn) {
  Options o;
  o.activation.function = relu::find_function("leaky_relu");
  o.invalid = mode;
  return o;
}

} // namespace

TEST_SUITE("parallel") {
  TEST_CASE("conversions_cost") {
    Options fixed;
    fixed.format = relu::Format::fixed(2);
    Options gelu;
    gelu.activation.function = relu::find_function("gelu");
    Options grad;
    grad.activation.derivative = true;
    Options leaky_grad = leaky();
    leaky_grad.activation.derivative = true;
    CHECK(!relu::conversions_cost(Options{}));
    CHECK(!relu::conversions_cost(grad));
    CHECK(!relu::conversions_cost(leaky_grad));
    CHECK(relu::conversions_cost(leaky()));
    CHECK(relu::conversions_cost(fixed));
    CHECK(relu::conversions_cost(gelu));
  }

  TEST_CASE("the output, messages and status of one thread") {
    Options header = leaky();
    header.header = 3;
    Options csv = leaky();
    csv.delimiter = ',';
    csv.fields = relu::Fields::parse("2-");
    Options nul = leaky();
    nul.terminator = '\0';
    Options fixed = leaky();
    fixed.format = relu::Format::parse("%12.3f");
    Options silu = leaky();
    silu.activation.function = relu::find_function("silu");
    Options quoted = leaky();
    quoted.csv = true;
    quoted.delimiter = ',';
    quoted.fields = relu::Fields::parse("2-");
    Options quoted_header = quoted;
    quoted_header.header = 2;

    struct Row {
      const char* name;
      Options options;
      std::string in;
    };

    for (auto mode : {InvalidMode::abort, InvalidMode::fail, InvalidMode::warn,
                      InvalidMode::ignore}) {
      for (auto& row : std::vector<Row>{
               {"leaky", leaky(), random_records(1, 300)},
               {"no final newline", leaky(), random_records(2, 50) + "-1 x"},
               {"final cr", leaky(), "-1\n-2\r"},
               {"header", header, random_records(3, 100)},
               {"fields", csv, "a,b\n" + random_records(4, 100)},
               {"nul", nul, random_records(5, 100, '\0')},
               {"format", fixed, random_records(6, 100)},
               {"silu", silu, random_records(7, 40)},
               {"empty", leaky(), ""},
               {"csv", quoted, random_csv(9, 300)},
               {"csv header", quoted_header,
                "\"a\nb\",\"\n\"\n" + random_csv(10, 50)},
               {"csv open quote", quoted, random_csv(11, 100) + "\"-1,\n-2\n"},
               {"csv one long record", quoted,
                "\"" + std::string(500, '\n') + "\"," + random_csv(12, 3)},
               {"one long record", leaky(), random_records(8, 200, ' ')},
           }) {
        CAPTURE(row.name);
        CAPTURE(static_cast<int>(mode));
        row.options.invalid = mode;
        same_as_one_thread(row.in, row.options);
      }
    }
  }

  TEST_CASE("abort writes everything before the bad field, nothing after") {
    std::string good;
    for (int i = 0; i < 2000; ++i)
      good += fmt::format("{} -{}.5\n", i, i);
    Result r = same_as_one_thread(good + "7 x -1\n" + good,
                                  leaky(InvalidMode::abort), {.chunk = 256});
    CHECK(r.aborted);
    CHECK(r.err == "line 2001, field 2: invalid number: 'x'\n");
    CHECK(r.out.ends_with("1999 -19.995\n7 "));
  }

  TEST_CASE("output longer than a piece may hold") {
    Options wide = leaky();
    wide.format = relu::Format::parse("%300.1f");
    Result r = same_as_one_thread(random_records(9, 200), wide);
    CHECK(r.out.size() > 4 * 64 * 10);
  }

  TEST_CASE("fields at the 1 MiB limit") {
    for (std::size_t size : {relu::max_field - 1, relu::max_field,
                             relu::max_field + 1, relu::max_field + 2}) {
      for (auto mode : {InvalidMode::abort, InvalidMode::warn}) {
        CAPTURE(size);
        std::string field(size, '1');
        field[0] = '-';
        std::string in = "-1 2\n-3 " + field + " -4\r\n-5\n" + field;
        Result one = process(in, leaky(mode), 0, {.chunk = 4096});
        for (std::size_t chunk : {std::size_t{4096}, std::size_t{65536}}) {
          CAPTURE(chunk);
          CHECK(process(in, leaky(mode), 2, {.chunk = chunk}) == one);
          CHECK(process(in, leaky(mode), 2,
                        {.chunk = chunk, .max_read = 3000, .seed = 3}) == one);
        }
        CHECK(one.invalid == (size > relu::max_field));
      }
    }
  }

  TEST_CASE("write and read errors come where they come on one thread") {
    std::string in = random_records(10, 300);
    for (auto mode : {InvalidMode::abort, InvalidMode::warn}) {
      for (std::size_t at : {std::size_t{0}, std::size_t{1}, std::size_t{100},
                             std::size_t{1000}, std::size_t{3000}}) {
        CAPTURE(at);
        Result full = same_as_one_thread(in, leaky(mode), {.full_after = at});
        CHECK((full.aborted ||
               full.error == "write error: No space left on device"));
        Result broken = same_as_one_thread(in, leaky(mode), {.fail_read = at});
        CHECK((broken.aborted ||
               broken.error == "read error: Input/output error"));
      }
    }
  }

  TEST_CASE("an abort ends a read that waits for a slow producer") {
    // The input stays open after a bad field: the run must not wait for it.
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::string in = "-1\n-2 x\n-3\n";
    REQUIRE(::write(fds[1], in.data(), in.size()) ==
            static_cast<ssize_t>(in.size()));
    std::string out, err;
    relu::Outcome o = relu::run_parallel(
        leaky(InvalidMode::abort), [&out](std::string_view s) { out += s; },
        [&err](const relu::Diagnostic& d) { err += d.text; },
        relu::fd_source(fds[0]), 2, 64);
    CHECK(o.aborted);
    CHECK(out == "-0.01\n-0.02 ");
    CHECK(err == "invalid number: 'x'");
    ::close(fds[0]);
    ::close(fds[1]);
  }
}
