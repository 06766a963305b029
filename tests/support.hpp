// Helpers shared by the unit tests of the stream and of the threads: a
// run of the input through run() or run_parallel(), delivered and taken
// as a test asks, and everything it wrote.
#pragma once

#include "parallel.hpp"
#include "stream.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace relu::test {

// Everything a run wrote: stdout, stderr, and both in the order they were
// written, each message marked, so that a message written before the
// output that precedes it shows; its outcome; and what() of the IoError it
// threw, if any.
struct Result {
  std::string out;
  std::string err;
  std::string both;
  bool aborted = false;
  bool invalid = false;
  std::string error;

  bool operator==(const Result&) const = default;
};

inline constexpr std::size_t never = SIZE_MAX;

// How the input arrives and leaves: reads of up to chunk bytes that stop
// at each offset of cuts, as a pipe might deliver them; then reads of 1 to
// max_read bytes in a seeded random sequence (0: as much as asked for); a
// read error after fail_read bytes; a sink that takes only the first
// full_after bytes, as a full disk does; and the stream's path.
struct Delivery {
  std::size_t chunk = 64;
  std::vector<std::size_t> cuts = {};
  std::size_t max_read = 0;
  unsigned seed = 1;
  std::size_t fail_read = never;
  std::size_t full_after = never;
  Path path = default_path();
};

// Return a reader of input that delivers it as how says.
inline Reader reader(std::string_view input, const Delivery& how) {
  auto at = std::make_shared<std::size_t>(0);
  auto rng = std::make_shared<std::mt19937>(how.seed);
  return [input, how, at, rng](char* buf, std::size_t n) -> std::size_t {
    if (*at >= how.fail_read)
      throw IoError("read error: Input/output error");
    std::size_t k = std::min(n, input.size() - *at);
    auto cut = std::upper_bound(how.cuts.begin(), how.cuts.end(), *at);
    if (cut != how.cuts.end())
      k = std::min(k, *cut - *at);
    if (how.max_read != 0)
      k = std::min(
          k, std::uniform_int_distribution<std::size_t>(1, how.max_read)(*rng));
    k = std::min(k, how.fail_read - *at);
    std::copy_n(input.data() + *at, k, buf);
    *at += k;
    return k;
  };
}

// Run input through run() with one Stream (jobs 0), or through
// run_parallel() with jobs threads, and return what it wrote.
inline Result process(std::string_view input, const Options& options,
                      unsigned jobs, const Delivery& how) {
  Result r;
  Sink sink = [&r, &how](std::string_view s) {
    if (r.out.size() + s.size() > how.full_after) {
      std::size_t room = how.full_after - r.out.size();
      r.out += s.substr(0, room);
      r.both += s.substr(0, room);
      throw IoError("write error: No space left on device");
    }
    r.out += s;
    r.both += s;
  };
  Reporter report = [&r](const Diagnostic& d) {
    std::string line =
        d.field == 0
            ? fmt::format("line {}: {}\n", d.record, d.text)
            : fmt::format("line {}, field {}: {}\n", d.record, d.field, d.text);
    r.err += line;
    r.both += "<" + line + ">";
  };
  try {
    if (jobs == 0) {
      Output out(sink);
      Stream stream(options, out, report);
      stream.use_path(how.path);
      run(stream, out, reader(input, how), how.chunk);
      r.aborted = stream.aborted();
      r.invalid = stream.saw_invalid();
    } else {
      Outcome o = run_parallel(options, sink, report, {reader(input, how), {}},
                               jobs, how.chunk);
      r.aborted = o.aborted;
      r.invalid = o.invalid;
    }
  } catch (const IoError& e) {
    r.error = e.what();
  }
  return r;
}

} // namespace relu::test
