#include "csv.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace {

// Record ends (offsets of terminators outside quotes) and the terminators
// inside quotes before each, from input delivered in pieces that end at
// cuts: field by field with find_separator(), or record by record with
// find_terminator().
struct Ends {
  std::vector<std::size_t> at;
  std::vector<std::uint64_t> lines;
  bool open = false;

  bool operator==(const Ends&) const = default;
};

Ends ends(const std::string& input, const std::vector<std::size_t>& cuts,
          char delimiter, char terminator, bool by_record) {
  relu::csv::Lexer lexer(delimiter, terminator);
  Ends e;
  std::size_t from = 0;
  for (std::size_t cut : cuts) {
    const char* p = input.data() + from;
    const char* end = input.data() + cut;
    for (;;) {
      const char* r = by_record ? lexer.find_terminator(p, end)
                                : lexer.find_separator(p, end);
      if (r == end)
        break;
      lexer.reset();
      if (*r == terminator) {
        e.at.push_back(static_cast<std::size_t>(r - input.data()));
        e.lines.push_back(lexer.take_lines());
      }
      p = r + 1;
    }
    from = cut;
  }
  e.open = lexer.open();
  return e;
}

} // namespace

TEST_SUITE("csv") {
  // The threads cut pieces where find_terminator() says; the exact path
  // reads fields where find_separator() says: they must agree on every
  // record end, whatever the quoting and wherever a read stops.
  TEST_CASE("find_terminator finds the record ends find_separator finds") {
    std::mt19937_64 rng(20261204);
    for (const auto& [delimiter, terminator] :
         {std::pair{',', '\n'}, std::pair{';', '\n'}, std::pair{',', '\0'},
          std::pair{'\t', '\n'}, std::pair{'\r', '\n'}}) {
      const std::string bytes = {'"',  '"', '"', delimiter, terminator,
                                 '\r', 'a', '1', ' '};
      std::uniform_int_distribution<std::size_t> pick(0, bytes.size() - 1);
      for (int i = 0; i < 3000; ++i) {
        std::string input;
        const std::size_t n = rng() % 80;
        for (std::size_t k = 0; k < n; ++k)
          input += bytes[pick(rng)];
        std::vector<std::size_t> cuts;
        for (std::size_t k = 0; k < n; ++k)
          if (rng() % 5 == 0)
            cuts.push_back(k);
        cuts.push_back(n);
        CAPTURE(input);
        CAPTURE(cuts.size());
        CHECK(ends(input, cuts, delimiter, terminator, true) ==
              ends(input, cuts, delimiter, terminator, false));
      }
    }
  }
}
