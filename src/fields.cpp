// Parsing of field lists; the error messages follow GNU cut's.
#include "fields.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace relu {
namespace {

// Parse a field number; empty text is "absent" (0).
std::uint64_t field_number(std::string_view text, std::string_view list) {
  std::uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      throw std::invalid_argument("invalid field value '" + std::string(text) +
                                  "' in '" + std::string(list) + "'");
    auto digit = static_cast<std::uint64_t>(c - '0');
    // The largest number stays below unbounded, which marks open ranges.
    if (n > (Fields::unbounded - 1 - digit) / 10)
      throw std::invalid_argument("field number '" + std::string(text) +
                                  "' is too large");
    n = n * 10 + digit;
  }
  if (!text.empty() && n == 0)
    throw std::invalid_argument("fields are numbered from 1");
  return n;
}

} // namespace

Fields Fields::parse(std::string_view list) {
  if (list.empty())
    throw std::invalid_argument("the list of fields is empty");
  std::vector<Range> ranges;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = std::min(list.find(',', start), list.size());
    std::string_view item = list.substr(start, comma - start);
    std::size_t dash = item.find('-');
    Range r{};
    if (dash == std::string_view::npos) {
      r.first = r.last = field_number(item, list);
      if (item.empty())
        throw std::invalid_argument("empty field in '" + std::string(list) +
                                    "'");
    } else {
      std::uint64_t lo = field_number(item.substr(0, dash), list);
      std::uint64_t hi = field_number(item.substr(dash + 1), list);
      if (lo == 0 && hi == 0)
        throw std::invalid_argument("invalid range with no endpoint: -");
      r.first = lo == 0 ? 1 : lo;
      r.last = hi == 0 ? unbounded : hi;
      if (r.first > r.last)
        throw std::invalid_argument("invalid decreasing range '" +
                                    std::string(item) + "'");
    }
    ranges.push_back(r);
    start = comma + 1;
  }
  std::sort(ranges.begin(), ranges.end(),
            [](Range a, Range b) { return a.first < b.first; });
  Fields fields;
  fields.ranges_.clear();
  for (Range r : ranges) {
    if (!fields.ranges_.empty() && r.first - 1 <= fields.ranges_.back().last)
      fields.ranges_.back().last = std::max(fields.ranges_.back().last, r.last);
    else
      fields.ranges_.push_back(r);
  }
  fields.ranges_.push_back({unbounded, unbounded});
  return fields;
}

} // namespace relu
