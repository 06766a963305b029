// Two scanners of the same records. swar, for any little-endian machine,
// finds a digit run eight bytes at a time and learns from the same words
// whether a digit is nonzero. sse2, x86-64's baseline, and avx2, where the
// processor has it, classify 64 bytes at a time into bitmasks, checks a token
// with a few mask operations and writes its result without a branch that
// depends on its sign; it spends more instructions than swar, but fewer
// mispredicted branches make it about 1.5 times faster.
#include "fast_records.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

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

// Copy n bytes to out and return the end of the copy: the short spans and
// tokens between replacements in one 32-byte move, without a call, where
// 32 bytes can be read at src (out always has room for 32 bytes more).
char* copy_short(char* out, const char* src, std::size_t n,
                 const char* limit) noexcept {
  if (n <= 32 && limit - src >= 32)
    std::memcpy(out, src, 32);
  else
    std::memcpy(out, src, n);
  return out + n;
}

#if defined(__SSE2__)
// Bit i of each mask tells about byte i of a 64-byte window.
struct Masks {
  std::uint64_t sep;     // blank or newline
  std::uint64_t newline; //
  std::uint64_t digit;   // 0-9
  std::uint64_t nonzero; // 1-9
  std::uint64_t dot;     // '.'
};

std::uint64_t bits(__m128i bytes, int at) noexcept {
  return static_cast<std::uint64_t>(
             static_cast<unsigned>(_mm_movemask_epi8(bytes)))
         << at;
}

// The 64 bytes at base, or a copy padded with blanks where fewer can be
// read before limit.
const char* readable(const char* base, const char* limit,
                     char (&padded)[64]) noexcept {
  if (limit - base >= 64)
    return base;
  std::memset(padded, ' ', sizeof padded);
  std::memcpy(padded, base, static_cast<std::size_t>(limit - base));
  return padded;
}

// Bytes from last on read as blanks.
void clip(Masks& m, const char* base, const char* last) noexcept {
  if (last - base < 64) {
    std::uint64_t beyond = ~std::uint64_t{0} << (last - base);
    m.sep |= beyond;
    m.newline &= ~beyond;
  }
}

// Classify the 64 bytes at base; those from last on read as blanks, and
// those from limit on are not read.
Masks window_sse2(const char* base, const char* last,
                  const char* limit) noexcept {
  char padded[64];
  const char* p = readable(base, limit, padded);
  Masks m{};
  for (int at = 0; at < 64; at += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
    __m128i newline = _mm_cmpeq_epi8(x, _mm_set1_epi8('\n'));
    __m128i sep = _mm_or_si128(
        newline, _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')),
                              _mm_cmpeq_epi8(x, _mm_set1_epi8('\t'))));
    // Signed comparisons: bytes from 0x80 are negative, so not digits.
    __m128i below_colon = _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1));
    __m128i digit =
        _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)), below_colon);
    __m128i nonzero =
        _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0')), below_colon);
    m.sep |= bits(sep, at);
    m.newline |= bits(newline, at);
    m.digit |= bits(digit, at);
    m.nonzero |= bits(nonzero, at);
    m.dot |= bits(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')), at);
  }
  clip(m, base, last);
  return m;
}

__attribute__((target("avx2"))) std::uint64_t bits_avx2(__m256i bytes,
                                                        int at) noexcept {
  return static_cast<std::uint64_t>(
             static_cast<unsigned>(_mm256_movemask_epi8(bytes)))
         << at;
}

// The same with AVX2, 32 bytes at a time, for the machines that have it.
__attribute__((target("avx2"))) Masks
window_avx2(const char* base, const char* last, const char* limit) noexcept {
  char padded[64];
  const char* p = readable(base, limit, padded);
  Masks m{};
  for (int at = 0; at < 64; at += 32) {
    __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + at));
    __m256i newline = _mm256_cmpeq_epi8(x, _mm256_set1_epi8('\n'));
    __m256i sep = _mm256_or_si256(
        newline, _mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8(' ')),
                                 _mm256_cmpeq_epi8(x, _mm256_set1_epi8('\t'))));
    __m256i below_colon = _mm256_cmpgt_epi8(_mm256_set1_epi8('9' + 1), x);
    __m256i digit = _mm256_and_si256(
        _mm256_cmpgt_epi8(x, _mm256_set1_epi8('0' - 1)), below_colon);
    __m256i nonzero = _mm256_and_si256(
        _mm256_cmpgt_epi8(x, _mm256_set1_epi8('0')), below_colon);
    __m256i dot = _mm256_cmpeq_epi8(x, _mm256_set1_epi8('.'));
    m.sep |= bits_avx2(sep, at);
    m.newline |= bits_avx2(newline, at);
    m.digit |= bits_avx2(digit, at);
    m.nonzero |= bits_avx2(nonzero, at);
    m.dot |= bits_avx2(dot, at);
  }
  clip(m, base, last);
  return m;
}
#endif

// The scanners, in one class so that they can be written in their order.
struct FastScanner {
  static FastScan swar(const char* from, const char* first, const char* last,
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
      const auto& e = table.entry(static_cast<std::size_t>(kind) - 1);
      if (e.keep)
        continue;
      out =
          copy_short(out, from, static_cast<std::size_t>(token - from), limit);
      out = copy_short(out, e.text.data(), e.size,
                       e.text.data() + FastTable::max_text);
      from = p;
    }
    return done;
  }

#if defined(__SSE2__)
  template <Masks (*window)(const char*, const char*, const char*) noexcept>
  static FastScan masks(const char* from, const char* first, const char* last,
                        const char* limit, char* out,
                        const FastTable& table) noexcept {
    FastScan done{first, from, out, 0};
    const char* base = first;
    Masks m = window(base, last, limit);
    unsigned rel = 0; // where to look next, from base
    for (;;) {
      // The separators up to the next token, and the records they end.
      std::uint64_t from_rel = rel < 64 ? ~std::uint64_t{0} << rel : 0;
      std::uint64_t ahead = ~m.sep & from_rel;
      auto t = static_cast<unsigned>(std::countr_zero(ahead));
      std::uint64_t newlines =
          m.newline & from_rel &
          (t < 64 ? (std::uint64_t{1} << t) - 1 : ~std::uint64_t{0});
      if (newlines != 0) {
        auto n = 63 - static_cast<unsigned>(std::countl_zero(newlines));
        // Counted bit by bit: x86-64's baseline has no popcount, and a
        // run of separators holds one newline or a few.
        std::uint64_t records = done.records;
        for (; newlines != 0; newlines &= newlines - 1)
          ++records;
        done = {base + n + 1, from, out, records};
      }
      if (ahead == 0) {
        base += 64;
        if (base >= last)
          return done;
        m = window(base, last, limit);
        rel = 0;
        continue;
      }
      // The token [t, e), unless it runs past the window: then the window
      // starts again at the token, which fails only for a token of 64
      // bytes or more.
      std::uint64_t after = m.sep & (~std::uint64_t{0} << t);
      if (after == 0) {
        if (t == 0)
          return done;
        base += t;
        m = window(base, last, limit);
        rel = 0;
        continue;
      }
      auto e = static_cast<unsigned>(std::countr_zero(after));
      const char* token = base + t;
      // An ordinary decimal, [+-] digits [. [digits]]: a sign only in
      // front, a digit after it, at most one point; bytes that are none of
      // these (exponents, hex, letters, CR, NUL) hand the record over. With
      // fewer than 64 digits, the sign tells whether it is nonzero (see
      // scan_number).
      std::uint64_t span =
          ((std::uint64_t{1} << e) - 1) & (~std::uint64_t{0} << t);
      bool sign = *token == '-' || *token == '+';
      std::uint64_t other =
          span & ~(m.digit | m.dot) & ~(static_cast<std::uint64_t>(sign) << t);
      std::uint64_t dots = m.dot & span;
      std::uint64_t first_digit = std::uint64_t{1} << (t + sign);
      if ((other | (dots & (dots - 1)) | (first_digit & ~m.digit)) != 0)
        return done;
      std::size_t kind = (m.nonzero & span) == 0 ? 1 : *token == '-' ? 0 : 2;
      const auto& entry = table.entry(kind);
      out =
          copy_short(out, from, static_cast<std::size_t>(token - from), limit);
      // Without a branch: whether a number keeps its text is as random as
      // its sign.
      auto keep = std::uintptr_t{0} - entry.keep; // 0 or all ones
      auto text = reinterpret_cast<const char*>(
          (reinterpret_cast<std::uintptr_t>(token) & keep) |
          (reinterpret_cast<std::uintptr_t>(entry.text.data()) & ~keep));
      std::size_t size = ((e - t) & keep) | (entry.size & ~keep);
      out = copy_short(out, text, size,
                       entry.keep ? limit
                                  : entry.text.data() + FastTable::max_text);
      from = base + e;
      rel = e;
    }
  }
#endif
};

FastScan scan_swar(const char* from, const char* first, const char* last,
                   const char* limit, char* out,
                   const FastTable& table) noexcept {
  return FastScanner::swar(from, first, last, limit, out, table);
}

#if defined(__SSE2__)
FastScan scan_sse2(const char* from, const char* first, const char* last,
                   const char* limit, char* out,
                   const FastTable& table) noexcept {
  return FastScanner::masks<window_sse2>(from, first, last, limit, out, table);
}

FastScan scan_avx2(const char* from, const char* first, const char* last,
                   const char* limit, char* out,
                   const FastTable& table) noexcept {
  return FastScanner::masks<window_avx2>(from, first, last, limit, out, table);
}
#endif

} // namespace

Scanner scanner(Path path) noexcept {
  switch (path) {
  case Path::exact:
    return nullptr;
  case Path::swar:
    return std::endian::native == std::endian::little ? scan_swar : nullptr;
  case Path::sse2:
#if defined(__SSE2__)
    return scan_sse2;
#else
    return nullptr;
#endif
  case Path::avx2:
#if defined(__SSE2__)
    return __builtin_cpu_supports("avx2") ? scan_avx2 : nullptr;
#else
    return nullptr;
#endif
  }
  return nullptr;
}

} // namespace relu
