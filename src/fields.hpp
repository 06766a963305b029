// Field lists in cut(1) syntax: "1,3-5,7-,-2" or "1 3-5", 1-based.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

namespace relu {

class Fields {
public:
  static constexpr std::uint64_t unbounded =
      std::numeric_limits<std::uint64_t>::max();

  // Every field.
  Fields() = default;

  // Parse a cut-style list, its items separated by commas or blanks; throw
  // std::invalid_argument with a message in cut's words ("fields are
  // numbered from 1", ...) when it is malformed, user text quoted.
  static Fields parse(std::string_view list);

  // The fields of these ranges [first, last], 1 <= first <= last, in any
  // order, overlapping or not.
  static Fields of(std::vector<std::pair<std::uint64_t, std::uint64_t>> list);

  // Whether field n (1-based) is selected.
  bool selected(std::uint64_t n) const noexcept;

  // Walks the list for the fields of one record, asked in increasing order,
  // so that each question costs O(1); rewind() starts the next record. The
  // list must outlive it, as cut keeps its list apart from the walk.
  class Cursor {
  public:
    explicit Cursor(const Fields& fields) noexcept : fields_(&fields) {}

    bool selected(std::uint64_t n) noexcept {
      while (n > fields_->ranges_[at_].last)
        ++at_;
      return n >= fields_->ranges_[at_].first;
    }

    void rewind() noexcept { at_ = 0; }

    // The 0-based rank of field n in the list, for the n that selected()
    // was last asked about and found selected.
    std::uint64_t rank(std::uint64_t n) const noexcept {
      return fields_->ranges_[at_].before + (n - fields_->ranges_[at_].first);
    }

  private:
    const Fields* fields_;
    std::size_t at_ = 0;
  };

  // Whether every field is selected.
  bool every() const noexcept {
    return ranges_[0].first == 1 && ranges_[0].last == unbounded;
  }

  // How many fields are selected, or unbounded for an open range.
  std::uint64_t count() const noexcept;

  // The highest selected field, or unbounded.
  std::uint64_t last() const noexcept {
    return ranges_[ranges_.size() - 2].last;
  }

  // Bit n - 1 set when field n is selected, for fields 1 to 64, so that a
  // scanner can look fields up without the cursor.
  std::uint64_t first_64() const noexcept;

  // How many of a run of fields are selected.
  enum class Tail : std::uint8_t { none, every, some };

  // Which of the fields from 65 on are selected, the rest of first_64.
  Tail beyond_64() const noexcept;

private:
  struct Range {
    std::uint64_t first;
    std::uint64_t last;
    std::uint64_t before = 0; // fields selected in the ranges before it
  };

  // Sorted, disjoint, and closed by a sentinel [unbounded, unbounded] so
  // that a cursor needs no bounds check; no field number reaches it.
  std::vector<Range> ranges_{{1, unbounded, 0},
                             {unbounded, unbounded, unbounded}};
};

} // namespace relu
