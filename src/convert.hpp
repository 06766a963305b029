// The converter between the stream and the activation core: for each
// numeric field, decide whether its text stays, which constant replaces it,
// or which value is computed and printed. The stream knows only records and
// fields; what a function does with a number is decided here, from the
// function's row in the activation table.
#pragma once

#include "activation.hpp"
#include "format.hpp"
#include "number.hpp"
#include "output.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace relu {

// What replaces one number.
struct Conversion {
  enum class What : unsigned char { keep, text, value };
  What what;
  std::string_view text; // What::text
  double value;          // What::value: to be printed
};

// What the converter does with a number of kind: the function's rule, but
// --format prints even the values that would keep their text.
Rule conversion_rule(const Activation& activation, const Format& format,
                     Kind kind) noexcept;

class Converter {
public:
  // weights: prelu's, one per selected field in field order, or none.
  Converter(const Activation& activation, const Format& format,
            const std::vector<double>& weights = {});

  // Decide what replaces token, a number of the given kind and magnitude
  // (as the scanner found them) in the selected field of rank (0-based, in
  // field order): nothing (its text stays), a constant text, or a computed
  // value.
  Conversion decide(std::string_view token, Kind kind, Magnitude magnitude = {},
                    std::uint64_t rank = 0) const noexcept;

  // Whether decide() answers for every number of kind without reading its
  // text: it keeps the text, or replaces it by a constant.
  bool by_kind(Kind kind) const noexcept {
    return rules_[static_cast<std::size_t>(kind)] != Rule::compute;
  }

  // The dtype numbers are read in and results rounded to.
  Dtype dtype() const noexcept { return activation_.dtype; }

  // Evaluate a function over a record on its numbers x, into out.
  void row(std::span<const double> x, std::span<double> out,
           std::span<double> scratch) const noexcept {
    activation_.row(x, out, scratch);
  }

  // The function over a record in use, and how it treats its numbers.
  const Activation& activation() const noexcept { return activation_; }

  // Append the replacement c to out; c is not What::keep.
  void write(const Conversion& c, Output& out);

  // Whether decide() uses a number's magnitude: the caller should scan
  // with scan_bounded().
  bool bounded() const noexcept { return !by_magnitude_.empty(); }

private:
  // The orders and leads of the table by magnitude: a number outside them
  // (or with lead 0, unknown) is converted.
  static constexpr int min_order = -8;
  static constexpr int max_order = 12;
  static constexpr std::size_t leads = 90; // 10 to 99
  static constexpr std::size_t orders = max_order - min_order + 1;
  Conversion settle(Kind kind, Magnitude magnitude) const noexcept;

  Activation activation_;
  // With one weight per field, the activation of each field, by rank.
  std::vector<Activation> by_field_;
  Format format_;
  std::array<Rule, 5> rules_;            // by Kind, with --format folded in
  std::array<std::string, 5> constants_; // by Kind, for Rule::constant
  // settle() at each sign, order and lead in range; What::text: unsettled.
  std::vector<Conversion> by_magnitude_;
  // The last value printed as the shortest text, by its bits, and that
  // text: the piecewise-linear functions print the same bound (relu6's 6,
  // hardtanh's -1 and 1, hardsigmoid's 0 and 1) over long runs of input.
  std::uint64_t last_bits_ = 0;
  std::array<char, max_shortest> last_text_{'0'};
  std::size_t last_size_ = 1;
};

} // namespace relu
