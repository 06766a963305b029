// Two scanners of the same records. swar, for any little-endian machine,
// finds a digit run eight bytes at a time and learns from the same words
// whether a digit is nonzero. sse2, x86-64's baseline, and avx2, where the
// processor has it, classify 64 bytes at a time into bitmasks and check
// every token of the window at once with a few mask operations, so that
// only the numbers to replace cost a step each, and no branch depends on
// the tokens' lengths or on kept numbers' signs; avx2 packs a window with
// many numbers to replace by one byte each (-g) in a few shuffles instead.
#include "fast_records.hpp"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace relu {

bool FastFields::can_split_at(char delimiter) noexcept {
  return std::string_view("0123456789.+- \t\n").find(delimiter) ==
         std::string_view::npos;
}

void FastTable::set(Kind kind, bool keep, std::string_view text) noexcept {
  Entry& e = entries_[static_cast<std::size_t>(kind) - 1];
  e.keep = keep;
  e.size = static_cast<std::uint8_t>(keep ? 0 : text.size());
  std::copy_n(text.data(), e.size, e.text.data());
  growth_ = 0;
  one_byte_ = true;
  for (const Entry& entry : entries_) {
    growth_ = std::max<std::size_t>(growth_, entry.keep ? 0 : entry.size);
    one_byte_ &= entry.keep || entry.size == 1;
  }
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

// The length below which a gap between replacements, starting at most
// distance bytes before limit, is copied as 32 bytes in one move, without
// a call (out always has room for 32 bytes more): 0 near limit.
std::size_t short_gaps(std::ptrdiff_t distance) noexcept {
  return distance >= 32 ? 33 : 0;
}

#if defined(__SSE2__)
// Bit i of each mask tells about byte i of a 64-byte window.
struct Masks {
  std::uint64_t sep;     // newline or a separator byte
  std::uint64_t newline; //
  std::uint64_t digit;   // 0-9
  std::uint64_t nonzero; // 1-9
  std::uint64_t dot;     // '.'
  std::uint64_t sign;    // '+' or '-'
  std::uint64_t minus;   // '-'
  std::uint64_t quote;   // '"', with csv
};

// How to classify the 64 bytes at base, of which those from last on read
// as nothing at all and those from limit on are not read: separators are
// newline and the bytes a and b.
using Window = Masks (*)(const char* base, const char* last, const char* limit,
                         char a, char b) noexcept;

std::uint64_t bits(__m128i bytes, int at) noexcept {
  return static_cast<std::uint64_t>(
             static_cast<unsigned>(_mm_movemask_epi8(bytes)))
         << at;
}

// The 64 bytes at base, or a copy padded with NULs where fewer can be
// read before limit.
const char* readable(const char* base, const char* limit,
                     char (&padded)[64]) noexcept {
  if (limit - base >= 64)
    return base;
  std::memset(padded, 0, sizeof padded);
  std::memcpy(padded, base, static_cast<std::size_t>(limit - base));
  return padded;
}

// Bytes from last on are nothing: not even separators, so that the scan
// stops at the final newline.
void clip(Masks& m, const char* base, const char* last) noexcept {
  if (last - base < 64) {
    std::uint64_t before = ~(~std::uint64_t{0} << (last - base));
    for (std::uint64_t* mask : {&m.sep, &m.newline, &m.digit, &m.nonzero,
                                &m.dot, &m.sign, &m.minus, &m.quote})
      *mask &= before;
  }
}

template <bool csv>
Masks window_sse2(const char* base, const char* last, const char* limit, char a,
                  char b) noexcept {
  char padded[64];
  const char* p = readable(base, limit, padded);
  Masks m{};
  for (int at = 0; at < 64; at += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
    __m128i newline = _mm_cmpeq_epi8(x, _mm_set1_epi8('\n'));
    __m128i sep = _mm_or_si128(
        newline, _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(a)),
                              _mm_cmpeq_epi8(x, _mm_set1_epi8(b))));
    // Signed comparisons: bytes from 0x80 are negative, so not digits.
    __m128i below_colon = _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1));
    __m128i digit =
        _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)), below_colon);
    __m128i nonzero =
        _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0')), below_colon);
    __m128i minus = _mm_cmpeq_epi8(x, _mm_set1_epi8('-'));
    __m128i sign = _mm_or_si128(minus, _mm_cmpeq_epi8(x, _mm_set1_epi8('+')));
    m.sep |= bits(sep, at);
    m.newline |= bits(newline, at);
    m.digit |= bits(digit, at);
    m.nonzero |= bits(nonzero, at);
    m.dot |= bits(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')), at);
    m.sign |= bits(sign, at);
    m.minus |= bits(minus, at);
    if constexpr (csv)
      m.quote |= bits(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), at);
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
template <bool csv>
__attribute__((target("avx2"))) Masks
window_avx2(const char* base, const char* last, const char* limit, char a,
            char b) noexcept {
  char padded[64];
  const char* p = readable(base, limit, padded);
  Masks m{};
  for (int at = 0; at < 64; at += 32) {
    __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + at));
    __m256i newline = _mm256_cmpeq_epi8(x, _mm256_set1_epi8('\n'));
    __m256i sep = _mm256_or_si256(
        newline, _mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8(a)),
                                 _mm256_cmpeq_epi8(x, _mm256_set1_epi8(b))));
    __m256i below_colon = _mm256_cmpgt_epi8(_mm256_set1_epi8('9' + 1), x);
    __m256i digit = _mm256_and_si256(
        _mm256_cmpgt_epi8(x, _mm256_set1_epi8('0' - 1)), below_colon);
    __m256i nonzero = _mm256_and_si256(
        _mm256_cmpgt_epi8(x, _mm256_set1_epi8('0')), below_colon);
    __m256i dot = _mm256_cmpeq_epi8(x, _mm256_set1_epi8('.'));
    __m256i minus = _mm256_cmpeq_epi8(x, _mm256_set1_epi8('-'));
    __m256i sign =
        _mm256_or_si256(minus, _mm256_cmpeq_epi8(x, _mm256_set1_epi8('+')));
    m.sep |= bits_avx2(sep, at);
    m.newline |= bits_avx2(newline, at);
    m.digit |= bits_avx2(digit, at);
    m.nonzero |= bits_avx2(nonzero, at);
    m.dot |= bits_avx2(dot, at);
    m.sign |= bits_avx2(sign, at);
    m.minus |= bits_avx2(minus, at);
    if constexpr (csv)
      m.quote |= bits_avx2(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('"')), at);
  }
  clip(m, base, last);
  return m;
}

// The fields of a window that are converted: bytes are theirs, starts
// their first bytes (for an empty field, the separator that ends it), and
// bad marks the start of a field the scan cannot judge.
struct Tokens {
  std::uint64_t bytes;
  std::uint64_t starts;
  std::uint64_t bad;
};

// A bit set in each token that is not an ordinary decimal and in none of
// the others, from the conditions that make [+-] digits [. digits]: a sign
// only in front, a digit after it, a digit after each point and no second point
// after the fraction's digits; bytes that are none of these (exponents, hex,
// letters, blanks, CR, NUL) are bad anywhere.
std::uint64_t not_decimal(const Masks& m, const Tokens& t) noexcept {
  std::uint64_t signed_start = t.starts & m.sign;
  // Adding a fraction's first digit carries through its digits to the
  // byte after them.
  std::uint64_t after_fraction = (m.digit + ((m.dot << 1) & m.digit));
  return t.bad | (t.bytes & ~(m.digit | m.dot | m.sign)) |
         (t.bytes & m.sign & ~t.starts) |
         (t.starts & ~m.digit & ~signed_start) |
         ((signed_start << 1) & ~m.digit) |
         (t.bytes & m.dot & (~(m.digit >> 1) | after_fraction));
}

// Writes to out the first n bytes at p whose bits are set in keep, those
// at the bits of as and bs replaced by a and b, and returns the end of
// what it wrote; it may write 8 bytes beyond.
using Pack = char* (*)(char* out, const char* p, unsigned n, std::uint64_t keep,
                       std::uint64_t as, char a, std::uint64_t bs,
                       char b) noexcept;

// For each 8-bit mask, the byte indices that pshufb gathers to the front
// for the bytes whose bits are set.
constexpr auto gather = [] {
  std::array<std::uint64_t, 256> indices{};
  for (unsigned mask = 0; mask < 256; ++mask) {
    unsigned n = 0;
    for (unsigned i = 0; i < 8; ++i)
      if ((mask >> i & 1) != 0)
        indices[mask] |= std::uint64_t{i} << (8 * n++);
  }
  return indices;
}();

// 0xff in the bytes whose bits are set in the 16-bit mask bits.
__attribute__((target("avx2"))) __m128i byte_mask(std::uint64_t bits) noexcept {
  __m128i v = _mm_set1_epi16(static_cast<short>(bits & 0xffff));
  v = _mm_shuffle_epi8(
      v, _mm_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1));
  __m128i bit =
      _mm_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128);
  return _mm_cmpeq_epi8(_mm_and_si128(v, bit), bit);
}

// A Pack for the processors with AVX2, 16 bytes at a time: a table lookup
// per 8 bytes instead of pext, which older AMD processors microcode.
__attribute__((target("avx2,popcnt"))) char*
pack_avx2(char* out, const char* p, unsigned n, std::uint64_t keep,
          std::uint64_t as, char a, std::uint64_t bs, char b) noexcept {
  for (unsigned at = 0; at < n; at += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
    x = _mm_blendv_epi8(x, _mm_set1_epi8(a), byte_mask(as >> at));
    x = _mm_blendv_epi8(x, _mm_set1_epi8(b), byte_mask(bs >> at));
    auto low = static_cast<unsigned>(keep >> at & 0xff);
    auto high = static_cast<unsigned>(keep >> (at + 8) & 0xff);
    __m128i order = _mm_set_epi64x(
        static_cast<long long>(gather[high] + 0x0808080808080808),
        static_cast<long long>(gather[low]));
    x = _mm_shuffle_epi8(x, order);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out), x);
    out += std::popcount(low);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_srli_si128(x, 8));
    out += std::popcount(high);
  }
  return out;
}
#endif

// The scanners, in one class so that they can be written in their order.
struct FastScanner {
  // Where a scan has written to: input before from is in out.
  struct Cursor {
    const char* from;
    char* out;
  };

  // Write what precedes the number [token, end), in one move if shorter
  // than short_gap, and the replacement of kind (an index into table), and
  // go on after the number.
  static void replace(Cursor& c, const char* token, const char* end,
                      std::size_t kind, std::size_t short_gap,
                      const FastTable& table) noexcept {
    auto gap = static_cast<std::size_t>(token - c.from);
    if (gap < short_gap)
      std::memcpy(c.out, c.from, 32); // a constant size: no call
    else
      std::memcpy(c.out, c.from, gap);
    c.out += gap;
    // Texts can be read to max_text, and out has room for that much.
    const auto& e = table.entry(kind);
    std::memcpy(c.out, e.text.data(), FastTable::max_text);
    c.out += e.size;
    c.from = end;
  }

  // Whether the ordinary decimal [token, end) starts with five bytes that
  // are no digit 1 to 9 (FastTable::narrow()).
  static bool small(const char* token, const char* end) noexcept {
    return end - token >= 5 &&
           std::none_of(token, token + 5, [](char b) { return b > '0'; });
  }

  // Scan an ordinary decimal at p and move p past it; return the index of
  // its kind in a FastTable, or 3 if there is none or it is too long for
  // its sign alone to tell whether it is nonzero (see scan_number): it has
  // fewer than 300 digits within 256 bytes.
  static std::size_t decimal(const char*& p, const char* limit,
                             bool narrow) noexcept {
    const char* token = p;
    char c = *p;
    p += c == '-' || c == '+';
    const char* digits = p;
    std::uint64_t nonzero = 0;
    skip_digits(p, limit, nonzero);
    if (p == digits)
      return 3; // no integer digit: '.5', 'inf', or not a number
    if (*p == '.') {
      const char* fraction = ++p;
      skip_digits(p, limit, nonzero);
      if (p == fraction)
        return 3; // '5.', or '5.e3'
    }
    if (p - token > 256 || (narrow && small(token, p)))
      return 3;
    return nonzero == 0 ? 1 : c == '-' ? 0 : 2;
  }

  static FastScan swar(const char* from, const char* first, const char* last,
                       const char* limit, char* out, const FastTable& table,
                       const FastFields& fields) noexcept {
    if (fields.delimited)
      return swar_delimited(from, first, last, limit, out, table, fields);
    // Where the current record started, to go back to when it turns out
    // to need the exact path.
    FastScan done{first, from, out, 0, 0};
    Cursor c{from, out};
    const char* p = first;
    while (p != last) {
      if (*p == ' ' || *p == '\t') {
        ++p;
        continue;
      }
      if (*p == '\n') {
        ++p;
        done = {p, c.from, c.out, done.records + 1, 0};
        continue;
      }
      const char* token = p;
      std::size_t kind = decimal(p, limit, table.narrow());
      if (kind == 3 || (*p != ' ' && *p != '\t' && *p != '\n'))
        return done;
      if (!table.entry(kind).keep)
        replace(c, token, p, kind, short_gaps(limit - c.from), table);
    }
    return done;
  }

  // The same for delimited fields, which end at the next delimiter or
  // newline: each selected one must be an ordinary decimal and nothing
  // else, and the others pass unread (with csv, but for their quotes).
  static FastScan swar_delimited(const char* from, const char* first,
                                 const char* last, const char* limit, char* out,
                                 const FastTable& table,
                                 const FastFields& fields) noexcept {
    FastScan done{first, from, out, 0, 0};
    Cursor c{from, out};
    const char d = fields.delimiter;
    std::uint64_t field = 0;
    std::uint64_t quoted_lines = 0; // in the record so far
    for (const char* p = first; p != last; ++p) {
      if (!fields.known(field))
        return done;
      if (fields.selected(field)) {
        const char* token = p;
        std::size_t kind = decimal(p, limit, table.narrow());
        if (kind == 3 || (*p != d && *p != '\n'))
          return done;
        if (!table.entry(kind).keep)
          replace(c, token, p, kind, short_gaps(limit - c.from), table);
      } else {
        if (fields.csv && *p == '"') {
          p = skip_quoted(p, last, quoted_lines);
          if (p == nullptr)
            return done;
        }
        // Text runs to the next separator, also after a closing quote, and
        // quotes in it are data, as the exact path's lexer has them.
        while (*p != d && *p != '\n')
          ++p;
      }
      ++field;
      if (*p == '\n') {
        done = {p + 1, c.from, c.out, done.records + 1,
                done.quoted_lines + quoted_lines};
        field = 0;
        quoted_lines = 0;
      }
    }
    return done;
  }

  // Pass the quotes of the field at p, counting the newlines inside them,
  // and return the byte after the closing quote, or nullptr if there is
  // none before last.
  static const char* skip_quoted(const char* p, const char* last,
                                 std::uint64_t& quoted_lines) noexcept {
    for (;;) {
      const char* text = p + 1;
      const auto* q = static_cast<const char*>(
          std::memchr(text, '"', static_cast<std::size_t>(last - text)));
      if (q == nullptr)
        return nullptr;
      quoted_lines += static_cast<std::uint64_t>(std::count(text, q, '\n'));
      p = q + 1; // before last, which follows a newline
      if (*p != '"')
        return p;
    }
  }

#if defined(__SSE2__)
  // The scan of 64-byte windows: each starts at a field's start (or 64
  // bytes into a field left out), and takes the fields up to its last
  // separator; the next window starts after it. With csv, quotes hide
  // separators, and the fields before a window's last separator are
  // always outside quotes, so only a field left out carries the state of
  // its quotes to the next window.
  template <Window window, Pack pack, bool csv>
  static FastScan masks(const char* from, const char* first, const char* last,
                        const char* limit, char* out, const FastTable& table,
                        const FastFields& fields) noexcept {
    FastScan done{first, from, out, 0, 0};
    Cursor c{from, out};
    char a = fields.delimited ? fields.delimiter : ' ';
    char b = fields.delimited ? fields.delimiter : '\t';
    std::uint64_t field = 0; // that of the field the window starts in
    Quoting quoting;
    const char* base = first;
    while (base != last) {
      Masks m = window(base, last, limit, a, b);
      Quoted q{};
      if constexpr (csv) {
        // Most windows of most files have no quotes, and need no care.
        if ((m.quote | quoting.inside) != 0)
          q = unquote(m, quoting);
        else
          quoting.after_close = quoting.field_start = 0;
      }
      if (m.sep == 0) {
        // 64 bytes in one field: too long for a number, so the window
        // moves on only through a field that is not converted (or not
        // known to be, which the next window's first field hands over).
        if (!fields.delimited || fields.selected(field) || last - base <= 64)
          return done;
        if constexpr (csv) {
          if (q.malformed != 0)
            return done;
          quoting.pending += static_cast<unsigned>(std::popcount(q.newlines));
        }
        base += 64;
        continue;
      }
      if constexpr (csv)
        quoting = {.pending = quoting.pending};
      auto cut = 64 - static_cast<unsigned>(std::countl_zero(m.sep));
      std::uint64_t region = ~std::uint64_t{0} >> (64 - cut);
      Tokens t = fields.delimited ? delimited(m, region, fields, field)
                                  : blank(m, region);
      std::uint64_t bad = not_decimal(m, t) | (q.malformed & region);
      if (table.narrow())
        bad |= small(m, t);
      if (bad != 0) {
        // Take the records before the first bad token's, if any.
        std::uint64_t before =
            m.newline & ((std::uint64_t{1} << std::countr_zero(bad)) - 1);
        if (before == 0)
          return done;
        region = ~std::uint64_t{0} >> std::countl_zero(before);
        t.bytes &= region;
        t.starts &= region;
      }
      const std::uint64_t records = done.records;
      bool was_packed = false;
      if constexpr (pack != nullptr)
        was_packed = packed<pack>(base, m, t, region, c, done, limit, table);
      if (!was_packed)
        convert(base, m, t, region, c, done, limit, table);
      if constexpr (csv) {
        if ((q.newlines | quoting.pending) != 0)
          count_quoted_lines(m, q, region, records, quoting, done);
      }
      if (bad != 0)
        return done;
      base += cut;
    }
    return done;
  }

  // The state of quotes (csv) from one window to the next.
  struct Quoting {
    std::uint64_t inside = 0;      // all ones if the window starts in quotes
    std::uint64_t after_close = 0; // 1 if a closing quote precedes it
    std::uint64_t field_start = 1; // 1 if a field starts with it
    std::uint64_t pending = 0;     // quoted newlines in the current record
  };

  // What quotes do in a window.
  struct Quoted {
    std::uint64_t newlines = 0;  // newlines inside quotes
    std::uint64_t malformed = 0; // quotes that open inside a field
  };

  // Clear the separators and newlines inside quotes from m, and set
  // quoting for a window that starts after this one. Quotes toggle, so a
  // prefix XOR tells what is inside, as long as a quote opens only at a
  // field's start or right after a closing one (half of ""); any other is
  // malformed, and its record takes the exact path, whose lexer makes it
  // data. A closing quote followed by text needs no such care: the lexer
  // runs that text to the next separator, as the masks do.
  static Quoted unquote(Masks& m, Quoting& quoting) noexcept {
    std::uint64_t inside = m.quote;
    for (unsigned shift = 1; shift < 64; shift <<= 1)
      inside ^= inside << shift;
    inside ^= quoting.inside;
    const std::uint64_t opening = m.quote & inside;
    const std::uint64_t closing = m.quote & ~inside;
    const std::uint64_t newlines = m.newline & inside;
    m.sep &= ~inside;
    m.newline &= ~inside;
    const std::uint64_t field_starts = (m.sep << 1) | quoting.field_start;
    const std::uint64_t after_close = (closing << 1) | quoting.after_close;
    quoting.inside = inside >> 63 != 0 ? ~std::uint64_t{0} : 0;
    quoting.after_close = closing >> 63;
    quoting.field_start = 0;
    return {newlines, opening & ~field_starts & ~after_close};
  }

  // Add to done the quoted newlines of the records it took from region
  // (records before), and keep those after in quoting.pending.
  static void count_quoted_lines(const Masks& m, const Quoted& q,
                                 std::uint64_t region, std::uint64_t records,
                                 Quoting& quoting, FastScan& done) noexcept {
    const std::uint64_t newlines = q.newlines & region;
    if (done.records == records) {
      quoting.pending += static_cast<unsigned>(std::popcount(newlines));
      return;
    }
    const std::uint64_t through =
        ~std::uint64_t{0} >> std::countl_zero(m.newline & region);
    done.quoted_lines +=
        quoting.pending +
        static_cast<unsigned>(std::popcount(newlines & through));
    quoting.pending = static_cast<unsigned>(std::popcount(newlines & ~through));
  }

  // The starts of the tokens whose first five bytes are no digit 1 to 9
  // (FastTable::narrow()).
  static std::uint64_t small(const Masks& m, const Tokens& t) noexcept {
    const std::uint64_t run = t.bytes & ~m.nonzero;
    return t.starts & run & run >> 1 & run >> 2 & run >> 3 & run >> 4;
  }

  // Blank-separated tokens, every one converted: the window starts after
  // a separator or at a record's start.
  static Tokens blank(const Masks& m, std::uint64_t region) noexcept {
    std::uint64_t bytes = ~m.sep & region;
    return {bytes, bytes & ~(bytes << 1), 0};
  }

  // Whether every record of region, the first numbered on from field,
  // ends by field n: one step per record, not per field.
  static bool ends_by(const Masks& m, std::uint64_t region, std::uint64_t field,
                      unsigned n) noexcept {
    std::uint64_t seps = m.sep & ~m.newline & region;
    for (std::uint64_t newlines = m.newline & region;;
         newlines &= newlines - 1) {
      // Through the first newline left, or to the end of region.
      const std::uint64_t through =
          newlines == 0 ? ~std::uint64_t{0} : newlines ^ (newlines - 1);
      if (field + static_cast<unsigned>(std::popcount(seps & through)) >= n)
        return false;
      if (newlines == 0)
        return true;
      seps &= ~through;
      field = 0;
    }
  }

  // Delimited fields, numbered on from field, that of the field at the
  // window's start, which is left as that of the field after region.
  static Tokens delimited(const Masks& m, std::uint64_t region,
                          const FastFields& fields,
                          std::uint64_t& field) noexcept {
    // The fields from the k+1st on (every field for k = 0), as after a few
    // columns of labels: carries through the first k fields of each record
    // find their ends, with no step per field. A list closed at field n
    // (`-f w0-w19`, all a CSV has) takes them too while no record of the
    // window goes past field n.
    auto k = static_cast<unsigned>(std::countr_zero(fields.first_64));
    if (k <= 4 &&
        ((fields.first_64 == ~std::uint64_t{0} << k &&
          fields.beyond_64 == Fields::Tail::every) ||
         (fields.beyond_64 == Fields::Tail::none &&
          fields.first_64 ==
              (~std::uint64_t{0} << k &
               ~std::uint64_t{0} >> std::countl_zero(fields.first_64)) &&
          ends_by(m, region, field,
                  64 - static_cast<unsigned>(
                           std::countl_zero(fields.first_64)))))) {
      std::uint64_t bytes = ~m.sep & region;
      std::uint64_t left_out = 0;
      std::uint64_t at = (m.newline << 1) & region; // fields i of records
      for (unsigned i = 0; i < k; ++i) {
        if (i == field)
          at |= 1;
        std::uint64_t past = bytes + at;
        left_out |= at | (bytes & ~past);
        at = ((past & m.sep & ~m.newline) << 1) & region;
      }
      std::uint64_t seps = m.sep & region;
      std::uint64_t newlines = m.newline & region;
      if (newlines != 0) {
        field = 0;
        seps &= ~(~std::uint64_t{0} >> std::countl_zero(newlines));
      }
      field += static_cast<unsigned>(std::popcount(seps));
      return {bytes & ~left_out, ((m.sep << 1) | 1) & region & ~left_out, 0};
    }
    Tokens t{0, 0, 0};
    unsigned at = 0; // where the field starts
    for (std::uint64_t seps = m.sep & region; seps != 0; seps &= seps - 1) {
      auto end = static_cast<unsigned>(std::countr_zero(seps));
      if (!fields.known(field)) {
        t.bad |= std::uint64_t{1} << at;
      } else if (fields.selected(field)) {
        t.starts |= std::uint64_t{1} << at;
        t.bytes |= ((std::uint64_t{1} << end) - 1) & (~std::uint64_t{0} << at);
      }
      field = (m.newline >> end & 1) != 0 ? 0 : field + 1;
      at = end + 1;
    }
    return t;
  }

  // Replace the numbers of region as convert does, but as one pack of the
  // region's bytes, where the table replaces each number by one byte or
  // keeps it, when there are enough to replace to outweigh the pack; return
  // whether it did. A number's kind must then be known at its start: the
  // sign tells, unless it is zero, so a window with a zero takes convert.
  template <Pack pack>
  static bool packed(const char* base, const Masks& m, const Tokens& t,
                     std::uint64_t region, Cursor& c, FastScan& done,
                     const char* limit, const FastTable& table) noexcept {
    const auto& negative = table.entry(0);
    const auto& positive = table.entry(2);
    std::uint64_t as = negative.keep ? 0 : t.starts & m.minus;
    std::uint64_t bs = positive.keep ? 0 : t.starts & ~m.minus;
    // Fewer numbers to replace take fewer instructions one step each.
    constexpr int enough = 5;
    if (std::popcount(as | bs) < enough ||
        (((t.bytes & ~m.nonzero) + t.starts) & m.sep) != 0)
      return false;
    // The replaced numbers' bytes but the first, which takes the byte.
    std::uint64_t firsts = as | bs;
    std::uint64_t ends = (t.bytes + firsts) & m.sep;
    std::uint64_t keep = region & ~((ends - firsts) & ~firsts);
    auto gap = static_cast<std::size_t>(base - c.from);
    std::memcpy(c.out, c.from, gap);
    c.out += gap;
    char padded[64];
    char* end = pack(c.out, readable(base, limit, padded),
                     64 - static_cast<unsigned>(std::countl_zero(region)), keep,
                     as, negative.text[0], bs, positive.text[0]);
    std::uint64_t newlines = m.newline & region;
    if (newlines != 0) {
      std::uint64_t through = ~std::uint64_t{0} >> std::countl_zero(newlines);
      const char* next = base + 64 - std::countl_zero(newlines);
      done = {next, next, c.out + std::popcount(keep & through),
              done.records + static_cast<unsigned>(std::popcount(newlines)),
              done.quoted_lines};
    }
    c = {base + 64 - std::countl_zero(region), end};
    return true;
  }

  // Replace the numbers of region, all ordinary decimals, and note the
  // state after its last newline in done. Adding a token's start bit to
  // a run of its bytes carries to the separator after it, so each
  // number's kind is known at its end, and only the numbers to replace
  // take a step.
  static void convert(const char* base, const Masks& m, const Tokens& t,
                      std::uint64_t region, Cursor& c, FastScan& done,
                      const char* limit, const FastTable& table) noexcept {
    std::uint64_t ends = (t.bytes + t.starts) & m.sep;
    std::uint64_t zero = ((t.bytes & ~m.nonzero) + t.starts) & m.sep;
    std::uint64_t negative = ((t.bytes + (t.starts & m.minus)) & m.sep) & ~zero;
    std::uint64_t positive = ends & ~zero & ~negative;
    std::uint64_t replaced = 0;
    for (std::size_t kind = 0; kind < 3; ++kind)
      if (!table.entry(kind).keep)
        replaced |= kind == 0 ? negative : kind == 1 ? zero : positive;
    // A gap ends at a token in the window, so starts before base + 64.
    std::size_t short_gap = short_gaps(limit - base - 64);
    auto step = [&](std::uint64_t to_replace) {
      for (; to_replace != 0; to_replace &= to_replace - 1) {
        auto e = static_cast<unsigned>(std::countr_zero(to_replace));
        // Not countl_zero, which tests for 0: the token's start is there.
        auto s = 63 ^ static_cast<unsigned>(__builtin_clzll(
                          t.starts & ((std::uint64_t{1} << e) - 1)));
        std::size_t kind = (zero >> e & 1) | (positive >> e & 1) << 1;
        replace(c, base + s, base + e, kind, short_gap, table);
      }
    };
    std::uint64_t newlines = m.newline & region;
    if (newlines != 0) {
      std::uint64_t through = ~std::uint64_t{0} >> std::countl_zero(newlines);
      step(replaced & through);
      replaced &= ~through;
      done = {base + 64 - std::countl_zero(newlines), c.from, c.out,
              done.records + static_cast<unsigned>(std::popcount(newlines)),
              done.quoted_lines};
    }
    step(replaced);
  }
#endif
};

FastScan scan_swar(const char* from, const char* first, const char* last,
                   const char* limit, char* out, const FastTable& table,
                   const FastFields& fields) noexcept {
  return FastScanner::swar(from, first, last, limit, out, table, fields);
}

#if defined(__SSE2__)
FastScan scan_sse2(const char* from, const char* first, const char* last,
                   const char* limit, char* out, const FastTable& table,
                   const FastFields& fields) noexcept {
  if (fields.csv)
    return FastScanner::masks<window_sse2<true>, nullptr, true>(
        from, first, last, limit, out, table, fields);
  return FastScanner::masks<window_sse2<false>, nullptr, false>(
      from, first, last, limit, out, table, fields);
}

// Compiled whole for processors with AVX2, BMI1, BMI2 and POPCNT (those
// with AVX2 have the others; scanner() checks): flatten inlines every step
// of the scanner here, so that windows are classified inline and the bit
// counts and AND-NOTs are single instructions.
__attribute__((target("avx2,bmi,bmi2,popcnt"), flatten)) FastScan
scan_avx2(const char* from, const char* first, const char* last,
          const char* limit, char* out, const FastTable& table,
          const FastFields& fields) noexcept {
  // Where every number takes a step to replace (-g), packing windows
  // saves most of them; elsewhere the walk is cheaper, and the loop without
  // packing keeps more of its state in registers.
  const bool pack = table.one_byte() && !table.entry(2).keep;
  if (fields.csv)
    return pack ? FastScanner::masks<window_avx2<true>, pack_avx2, true>(
                      from, first, last, limit, out, table, fields)
                : FastScanner::masks<window_avx2<true>, nullptr, true>(
                      from, first, last, limit, out, table, fields);
  return pack ? FastScanner::masks<window_avx2<false>, pack_avx2, false>(
                    from, first, last, limit, out, table, fields)
              : FastScanner::masks<window_avx2<false>, nullptr, false>(
                    from, first, last, limit, out, table, fields);
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
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
                   __builtin_cpu_supports("bmi2") &&
                   __builtin_cpu_supports("popcnt")
               ? scan_avx2
               : nullptr;
#else
    return nullptr;
#endif
  }
  return nullptr;
}

namespace {

// The values of RELU_SIMD, by Path.
constexpr std::string_view path_names[] = {"off", "swar", "sse2", "avx2"};

} // namespace

Path default_path() noexcept {
  static const Path path = [] {
    std::string_view simd;
    if (const char* value = std::getenv("RELU_SIMD"))
      simd = value;
    for (Path p : {Path::exact, Path::swar, Path::sse2, Path::avx2})
      if (simd == path_names[static_cast<std::size_t>(p)] &&
          (p == Path::exact || scanner(p) != nullptr))
        return p;
    for (Path p : {Path::avx2, Path::sse2})
      if (scanner(p) != nullptr)
        return p;
    return Path::swar;
  }();
  return path;
}

} // namespace relu
