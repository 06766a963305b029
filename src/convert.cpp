#include "convert.hpp"

#include <bit>
#include <cmath>
#include <cstring>

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
}

Conversion Converter::decide(std::string_view token, Kind kind,
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
