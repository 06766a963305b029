// Eight bytes at a time: a digit run is found with one load and a few
// arithmetic operations per word, and whether any digit is nonzero comes
// from the same word, so a number costs a handful of steps and no calls.
#include "fast_records.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace relu {

void FastTable::set(Kind kind, bool keep, std::string_view text) noexcept {
  Entry& e = entries_[static_cast<std::size_t>(kind) - 1];
  e.keep = keep;
  e.size = static_cast<std::uint8_t>(keep ? 0 : text.size());
  std::copy_n(text.data(), e.size, e.text.data());
  growth_ = 0;
  for (const Entry& entry : entries_)
    growth_ = std::max<std::size_t>(growth_, entry.keep ? 0 : entry.size);
}

namespace {

constexpr std::uint64_t ones = 0x0101010101010101;

// Eight bytes at p, the first in the low byte (the fast path runs on
// little-endian machines only); past limit they read as NUL, which is
// neither a digit nor a separator.
std::uint64_t load(const char* p, const char* limit) noexcept {
  std::uint64_t word = 0;
  if (limit - p >= 8)
    std::memcpy(&word, p, 8);
  else
    std::memcpy(&word, p, static_cast<std::size_t>(limit - p));
  return word;
}

// Copy n bytes without a call for the short spans between replacements:
// two overlapping loads and stores read and write only [src, src + n).
void copy(char* dst, const char* src, std::size_t n) noexcept {
  if (n >= 8 && n <= 16) {
    std::uint64_t a, b;
    std::memcpy(&a, src, 8);
    std::memcpy(&b, src + n - 8, 8);
    std::memcpy(dst, &a, 8);
    std::memcpy(dst + n - 8, &b, 8);
  } else if (n >= 4 && n < 8) {
    std::uint32_t a, b;
    std::memcpy(&a, src, 4);
    std::memcpy(&b, src + n - 4, 4);
    std::memcpy(dst, &a, 4);
    std::memcpy(dst + n - 4, &b, 4);
  } else {
    std::memcpy(dst, src, n);
  }
}

// Scan a digit run at p: move p past it and OR the digits' values
// (0 for '0') into nonzero.
void skip_digits(const char*& p, const char* limit,
                 std::uint64_t& nonzero) noexcept {
  for (;;) {
    // Per byte: x = b ^ '0' is 0..9 exactly for digits; the high bit of
    // x or of (x & 0x7f) + 0x76 is set for every other byte.
    std::uint64_t x = load(p, limit) ^ (ones * '0');
    std::uint64_t other =
        (x | ((x & (ones * 0x7f)) + ones * 0x76)) & (ones * 0x80);
    if (other == 0) {
      nonzero |= x;
      p += 8;
      continue;
    }
    int n = std::countr_zero(other) >> 3;
    nonzero |= x & ((std::uint64_t{1} << (8 * n)) - 1);
    p += n;
    return;
  }
}

} // namespace

// A friend of FastTable, so that the loop reads its entries directly.
struct FastScanner {
  static FastScan run(const char* from, const char* first, const char* last,
                      const char* limit, char* out,
                      const FastTable& table) noexcept {
    // Where the current record started, to go back to when it turns out
    // to need the exact path.
    FastScan done{first, from, out, 0};
    const char* p = first;
    while (p != last) {
      char c = *p;
      if (c == ' ' || c == '\t') {
        ++p;
        continue;
      }
      if (c == '\n') {
        ++p;
        done = {p, from, out, done.records + 1};
        continue;
      }
      const char* token = p;
      p += c == '-' || c == '+';
      const char* digits = p;
      std::uint64_t nonzero = 0;
      skip_digits(p, limit, nonzero);
      if (p == digits)
        return done; // no integer digit: '.5', 'inf', or not a number
      if (*p == '.') {
        const char* fraction = ++p;
        skip_digits(p, limit, nonzero);
        if (p == fraction)
          return done; // '5.', or '5.e3'
      }
      // Up to 256 bytes, the number has fewer than 300 digits, and its
      // sign alone tells whether it is nonzero (see scan_number).
      if ((*p != ' ' && *p != '\t' && *p != '\n') || p - token > 256)
        return done;
      Kind kind = nonzero == 0 ? Kind::zero
                  : c == '-'   ? Kind::negative
                               : Kind::positive;
      const auto& e = table.entries_[static_cast<std::size_t>(kind) - 1];
      if (e.keep)
        continue;
      auto span = static_cast<std::size_t>(token - from);
      copy(out, from, span);
      out += span;
      // The whole padded constant: out has room for max_text more bytes.
      std::memcpy(out, e.text.data(), FastTable::max_text);
      out += e.size;
      from = p;
    }
    return done;
  }
};

FastScan scan_records(const char* from, const char* first, const char* last,
                      const char* limit, char* out,
                      const FastTable& table) noexcept {
  return FastScanner::run(from, first, last, limit, out, table);
}

} // namespace relu
