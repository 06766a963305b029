// Parsing of field lists: the syntax and the error messages are GNU cut's
// (set_fields of coreutils 9.1), which reads the list left to right and
// reports the first thing wrong.
#include "fields.hpp"

#include "quote.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace relu {
namespace {

// As in cut, blanks separate items as commas do: -f '1 3' is -f 1,3.
bool is_separator(char c) { return c == ',' || c == ' ' || c == '\t'; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

[[noreturn]] void fail(const std::string& message) {
  throw std::invalid_argument(message);
}

// Add the digit at list[i] to n; a number must stay below unbounded, which
// marks open ranges.
void accumulate(std::uint64_t& n, std::string_view list, std::size_t i) {
  auto digit = static_cast<std::uint64_t>(list[i] - '0');
  if (n > (Fields::unbounded - 1 - digit) / 10) {
    std::size_t start = i;
    while (start > 0 && is_digit(list[start - 1]))
      --start;
    std::size_t end = i;
    while (end < list.size() && is_digit(list[end]))
      ++end;
    fail("field number " + quote(list.substr(start, end - start)) +
         " is too large");
  }
  n = n * 10 + digit;
}

// Parse the item at list[i] ("3", "3-5", "7-", "-2"), leaving i at the
// separator or the end after it; return its first and last field.
std::pair<std::uint64_t, std::uint64_t> parse_item(std::string_view list,
                                                   std::size_t& i) {
  std::uint64_t low = 0, high = 0;
  bool has_low = false, has_high = false, dash = false;
  for (; i < list.size() && !is_separator(list[i]); ++i) {
    if (list[i] == '-') {
      if (dash)
        fail("invalid field range");
      if (has_low && low == 0)
        fail("fields are numbered from 1");
      dash = true;
    } else if (is_digit(list[i])) {
      accumulate(dash ? high : low, list, i);
      (dash ? has_high : has_low) = true;
    } else {
      fail("invalid field value " + quote(list.substr(i)));
    }
  }
  // An empty item is field 0 to cut.
  if (!dash && low == 0)
    fail("fields are numbered from 1");
  if (!dash)
    return {low, low};
  if (!has_low && !has_high)
    fail("invalid range with no endpoint: -");
  std::uint64_t first = has_low ? low : 1;
  if (has_high && high < first)
    fail("invalid decreasing range");
  return {first, has_high ? high : Fields::unbounded};
}

} // namespace

Fields Fields::parse(std::string_view list) {
  if (list.empty())
    fail("the list of fields is empty");
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (std::size_t i = 0;; ++i) {
    ranges.push_back(parse_item(list, i));
    if (i == list.size())
      break;
  }
  return of(std::move(ranges));
}

Fields Fields::of(std::vector<std::pair<std::uint64_t, std::uint64_t>> list) {
  std::sort(list.begin(), list.end());
  Fields fields;
  fields.ranges_.clear();
  for (auto [first, last] : list) {
    if (!fields.ranges_.empty() && first - 1 <= fields.ranges_.back().last)
      fields.ranges_.back().last = std::max(fields.ranges_.back().last, last);
    else
      fields.ranges_.push_back({first, last});
  }
  fields.ranges_.push_back({unbounded, unbounded});
  for (std::size_t i = 1; i < fields.ranges_.size(); ++i) {
    const Range& r = fields.ranges_[i - 1];
    fields.ranges_[i].before =
        r.last == unbounded ? unbounded : r.before + (r.last - r.first + 1);
  }
  return fields;
}

std::uint64_t Fields::count() const noexcept { return ranges_.back().before; }

bool Fields::selected(std::uint64_t n) const noexcept {
  auto range = std::partition_point(ranges_.begin(), ranges_.end(),
                                    [n](Range r) { return r.last < n; });
  return n >= range->first;
}

std::uint64_t Fields::first_64() const noexcept {
  std::uint64_t mask = 0;
  for (Range r : ranges_) {
    if (r.first > 64)
      break;
    std::uint64_t last = std::min<std::uint64_t>(r.last, 64);
    // Bits r.first - 1 to last - 1, without shifting by 64.
    mask |= (~std::uint64_t{0} >> (64 - (last - r.first + 1))) << (r.first - 1);
  }
  return mask;
}

Fields::Tail Fields::beyond_64() const noexcept {
  for (Range r : ranges_) {
    if (r.last <= 64)
      continue;
    if (r.first == unbounded)
      return Tail::none; // the sentinel
    return r.first <= 65 && r.last == unbounded ? Tail::every : Tail::some;
  }
  return Tail::none;
}

} // namespace relu
