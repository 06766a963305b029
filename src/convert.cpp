#include "convert.hpp"

#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <utility>

namespace relu {

Rule conversion_rule(const Activation& activation, const Format& format,
                     Kind kind) noexcept {
  Rule rule = activation.rule(kind);
  return rule == Rule::keep && !format.shortest() ? Rule::compute : rule;
}

Converter::Converter(const Activation& activation, const Format& format,
                     const std::vector<double>& weights)
    : activation_(activation), format_(format) {
  for (double weight : weights) {
    by_field_.push_back(activation);
    by_field_.back().params.weight = weight;
  }
  // A kind on which the function is constant is evaluated once, at a number
  // of that kind; with a weight per field, a constant may differ by field.
  for (Kind kind : {Kind::negative, Kind::zero, Kind::positive, Kind::nan}) {
    auto at = static_cast<std::size_t>(kind);
    rules_[at] = conversion_rule(activation_, format_, kind);
    if (rules_[at] == Rule::constant && !by_field_.empty())
      rules_[at] = Rule::compute;
    if (rules_[at] != Rule::constant)
      continue;
    double x = kind == Kind::negative   ? -1.0
               : kind == Kind::zero     ? 0.0
               : kind == Kind::positive ? 1.0
                                        : std::nan("");
    const double y = activation_(x);
    if (format_.shortest()) {
      char text[max_shortest];
      constants_[at].assign(text, write_shortest(y, activation_.dtype, text));
    } else {
      constants_[at] = format_.to_string(y);
    }
  }
  // A weight per field is prelu's, which is not settled by ends.
  if (!activation_.function->settled_by_ends(activation_.params,
                                             activation_.derivative) ||
      !by_field_.empty())
    return;
  by_magnitude_.reserve(2 * orders * leads);
  for (Kind kind : {Kind::positive, Kind::negative})
    for (int order = min_order; order <= max_order; ++order)
      for (std::size_t lead = 10; lead < 10 + leads; ++lead)
        by_magnitude_.push_back(
            settle(kind, {static_cast<std::uint8_t>(lead),
                          static_cast<std::int16_t>(order)}));
}

namespace {

// 10^-22 to 10^22, each within half an ulp: the powers up from 1 are exact,
// those below are one division each.
constexpr int max_power = 22;
constexpr std::array<double, 2 * max_power + 1> powers_of_ten = [] {
  std::array<double, 2 * max_power + 1> p{};
  double power = 1;
  for (std::size_t k = 0; k <= max_power; ++k, power *= 10) {
    p[max_power + k] = power;
    p[max_power - k] = 1 / power;
  }
  return p;
}();

constexpr Conversion unsettled{Conversion::What::text, {}, 0};

} // namespace

// The bound's ends settle the numbers between them (settled_by_ends).
Conversion Converter::settle(Kind kind, Magnitude magnitude) const noexcept {
  const int power = magnitude.order - 2;
  static_assert(max_order - 2 <= max_power && min_order - 2 >= -max_power);
  // The ends, each product within an ulp, moved outward by more.
  const double scale =
      powers_of_ten[static_cast<std::size_t>(max_power + power)];
  double lo = magnitude.lead * scale * (1 - 0x1p-50);
  double hi = (magnitude.lead + 1) * scale * (1 + 0x1p-50);
  if (kind == Kind::negative) {
    std::swap(lo, hi);
    lo = -lo;
    hi = -hi;
  }
  // Rounding is monotone: the numbers between the ends round to values
  // between theirs.
  lo = round_to(activation_.dtype, lo);
  hi = round_to(activation_.dtype, hi);
  // The identity's values are not settled by its ends in a narrower
  // dtype, where no text is kept, and threshold is not monotone.
  const bool identity_lo = activation_.identity(lo);
  const bool identity_hi = activation_.identity(hi);
  if (identity_lo && identity_hi && activation_.keeps(lo) && format_.shortest())
    return {Conversion::What::keep, {}, 0};
  const double y = activation_(lo);
  if (identity_lo || identity_hi ||
      std::bit_cast<std::uint64_t>(y) !=
          std::bit_cast<std::uint64_t>(activation_(hi)))
    return unsettled;
  return {Conversion::What::value, {}, y};
}

Conversion Converter::decide(std::string_view token, Kind kind,
                             Magnitude magnitude,
                             std::uint64_t rank) const noexcept {
  auto at = static_cast<std::size_t>(kind);
  switch (rules_[at]) {
  case Rule::keep:
    return {Conversion::What::keep, {}, 0};
  case Rule::constant:
    return {Conversion::What::text, constants_[at], 0};
  case Rule::compute:
    break;
  }
  // lead is 0 unless scan_bounded() found it, which a caller uses where
  // bounded(): the stream's scanners of the other functions cost nothing.
  if (magnitude.lead != 0 && bounded() && magnitude.order >= min_order &&
      magnitude.order <= max_order) {
    const std::size_t order =
        static_cast<std::size_t>(magnitude.order - min_order);
    const Conversion& c =
        by_magnitude_[((kind == Kind::negative) * orders + order) * leads +
                      magnitude.lead - 10];
    if (c.what != Conversion::What::text)
      return c;
  }
  const Activation& a = by_field_.empty() ? activation_ : by_field_[rank];
  double x = parse_number_as(a.dtype, token);
  if (format_.shortest() && a.keeps(x))
    return {Conversion::What::keep, {}, 0};
  return {Conversion::What::value, {}, a(x)};
}

void Converter::write(const Conversion& c, Output& out) {
  if (c.what == Conversion::What::text) {
    out.append(c.text);
    return;
  }
  if (!format_.shortest()) {
    format_.write(c.value, out);
    return;
  }
  // Whole-buffer copies of fixed size: a few moves each, and no call.
  char* first = out.reserve(max_shortest);
  const auto bits = std::bit_cast<std::uint64_t>(c.value);
  if (bits == last_bits_) {
    std::memcpy(first, last_text_.data(), max_shortest);
  } else {
    last_size_ = static_cast<std::size_t>(
        write_shortest(c.value, activation_.dtype, first) - first);
    std::memcpy(last_text_.data(), first, max_shortest);
    last_bits_ = bits;
  }
  out.commit(last_size_);
}

} // namespace relu
