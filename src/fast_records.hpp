// The fast path of the stream processor: whole newline-ended records whose
// converted fields are ordinary decimals ([+-]digits[.digits]), where each
// number's replacement depends on its kind alone. Anything else stops it
// at the start of the record, which the exact path then takes.
#pragma once

#include "fields.hpp"
#include "number.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace relu {

// The replacements of the fast path's numbers, by Kind (negative, zero,
// positive): keep the text, or write a constant of at most max_text bytes.
class FastTable {
public:
  static constexpr std::size_t max_text = 32;

  // Set what replaces numbers of kind: keep is their own text, else text,
  // which fits max_text.
  void set(Kind kind, bool keep, std::string_view text) noexcept;

  // The most output bytes one number of at least one byte can add beyond
  // its own length.
  std::size_t growth() const noexcept { return growth_; }

  // Whether every number is kept or replaced by one byte.
  bool one_byte() const noexcept { return one_byte_; }

  // What replaces a number: keep its text, or size bytes of text.
  struct Entry {
    bool keep = true;
    std::uint8_t size = 0;
    std::array<char, max_text> text{};
  };

  // The entry of kind negative (0), zero (1) or positive (2).
  const Entry& entry(std::size_t index) const noexcept {
    return entries_[index];
  }

  // Whether the kinds are those of values in a dtype narrower than
  // float64, where a decimal rounds to zero far above double's limit
  // (below 7.01e-46 in float32, 2.98e-8 in float16): then a number whose
  // first five bytes are zeros, points and signs (less than 0.001) takes
  // the exact path, which tells.
  bool narrow() const noexcept { return narrow_; }

  void set_narrow(bool narrow) noexcept { narrow_ = narrow; }

private:
  std::array<Entry, 3> entries_{}; // by Kind - 1
  std::size_t growth_ = 0;
  bool one_byte_ = true;
  bool narrow_ = false;
};

// How the fast path splits a record into fields, and which it converts:
// runs of blanks, every field; or single delimiters, the fields of a list,
// quoted as in RFC 4180 (csv) or not.
struct FastFields {
  bool delimited = false;
  char delimiter = '\0';
  bool csv = false;
  std::uint64_t first_64 = ~std::uint64_t{0}; // as Fields::first_64
  Fields::Tail beyond_64 = Fields::Tail::every;

  // Whether the fast path can split fields at delimiter: a byte that
  // occurs in no ordinary decimal, is not a blank (those are trimmed from
  // fields) and does not end records.
  static bool can_split_at(char delimiter) noexcept;

  // Whether field n (0-based) is known to be selected or not; records with
  // one that is not take the exact path.
  bool known(std::uint64_t n) const noexcept {
    return n < 64 || beyond_64 != Fields::Tail::some;
  }

  // Whether field n (0-based), a known one, is selected.
  bool selected(std::uint64_t n) const noexcept {
    return n < 64 ? (first_64 >> n & 1) != 0 : beyond_64 == Fields::Tail::every;
  }
};

// How records are scanned. exact: the scanner of every number syntax,
// field by field; swar (eight bytes at a time), sse2 and avx2 (64 bytes at
// a time, x86-64): fast paths for whole records of ordinary decimals, and of
// well-quoted CSV where no quoted field is converted, which hand every other
// record to the exact path.
enum class Path : std::uint8_t { exact, swar, sse2, avx2 };

// How far a scanner got: in is the start of the first record it did not
// take (or last), from the start of the input not yet in out, records how
// many records it took, and quoted_lines how many newlines those records
// hold inside quotes (csv).
struct FastScan {
  const char* in;
  const char* from;
  char* out;
  std::uint64_t records;
  std::uint64_t quoted_lines;
};

// A scanner processes the records of [first, last), split into fields as
// fields says; first is a record's start (blank-separated, it may also be
// a token's start or a blank inside a record, and with csv it is outside
// quotes), and last follows a newline (with csv, maybe one inside quotes:
// records end only at newlines outside). It writes to out the replacements and
// the input from `from` (at most first) that precede them; input after the last
// replacement is left for the caller to copy, from FastScan::from. out must
// have room for (last - from) + growth() * ((last - first) / 2 + 1) +
// FastTable::max_text bytes. Bytes up to limit (at least last) may be read.
using Scanner = FastScan (*)(const char* from, const char* first,
                             const char* last, const char* limit, char* out,
                             const FastTable& table,
                             const FastFields& fields) noexcept;

// The scanner of a fast path, or nullptr for Path::exact and for a path
// this machine lacks.
Scanner scanner(Path path) noexcept;

// The fastest path this machine has, unless the environment variable
// RELU_SIMD names another that it has ("off" for the exact path, "swar",
// "sse2", "avx2"), for measurements and to rule a fast path out; read once.
Path default_path() noexcept;

} // namespace relu
