// RFC 4180 quoting (--csv) as a state machine over bytes, which can stop at
// any byte and go on with the next chunk: where a field ends, and what is
// wrong with its quotes. The rules for malformed quoting are Python's csv
// module's (strict=False) and xsv's: a quote inside an unquoted field is
// data, text after a closing quote runs on to the next separator, and a
// quote left open runs to the end of the input.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>

namespace relu::csv {

// Where the lexer is within a field.
enum class State : std::uint8_t {
  start,       // at the field's first byte
  unquoted,    // in a field that did not start with a quote
  quoted,      // inside quotes
  closing,     // just after a quote inside quotes: the end, or half of ""
  closing_cr,  // just after a closing quote and a CR
  after_quote, // past a closing quote, in text that should not be there
};

// What is wrong with a field's quotes, as bits.
enum Problem : std::uint8_t {
  stray_quote = 1, // a quote inside an unquoted field
  text_after = 2,  // text between a closing quote and the separator
};

class Lexer {
public:
  Lexer(char delimiter, char terminator) noexcept
      : delimiter_(delimiter), terminator_(terminator) {
    special_[static_cast<unsigned char>(delimiter)] = true;
    special_[static_cast<unsigned char>(terminator)] = true;
    special_[static_cast<unsigned char>('"')] = true;
  }

  // Advance over [p, end) to the first delimiter or terminator outside
  // quotes, and return it; return end if the field goes on. Count the
  // terminators passed inside quotes (lines()).
  const char* find_separator(const char* p, const char* end) noexcept {
    for (; p != end; ++p) {
      char c = *p;
      switch (state_) {
      case State::start:
        if (c == '"') {
          state_ = State::quoted;
          break;
        }
        state_ = State::unquoted;
        [[fallthrough]];
      case State::unquoted:
      case State::after_quote:
        // The common case, unquoted text: a tight loop to its end.
        while (!special_[static_cast<unsigned char>(c)]) {
          if (++p == end)
            return end;
          c = *p;
        }
        if (c != '"')
          return p;
        if (state_ == State::unquoted)
          problems_ |= stray_quote;
        break;
      case State::quoted:
        p = skip_quoted(p, end);
        if (p == end)
          return end;
        state_ = State::closing;
        break;
      case State::closing:
        if (c == '"') {
          state_ = State::quoted;
          break;
        }
        if (c == delimiter_ || c == terminator_)
          return p;
        state_ = c == '\r' ? State::closing_cr : after(State::after_quote);
        break;
      case State::closing_cr:
        // A CR right before a record's end belongs to no field.
        if (c == terminator_)
          return p;
        state_ = after(State::after_quote);
        if (c == delimiter_)
          return p;
        break;
      }
    }
    return end;
  }

  // Advance over [p, end) to the first terminator outside quotes, and
  // return it; return end if the record goes on. The same as calling
  // find_separator() and reset() field after field, but it looks only at
  // quotes and terminators, with memchr, and at the byte before a quote:
  // outside quotes, a quote opens quotes only at a field's start. For the
  // threads' cutter, which needs record ends and not fields; problems()
  // are not kept.
  const char* find_terminator(const char* p, const char* end) noexcept {
    const char* terminator = p; // the next one outside quotes, if p <= it
    while (p != end) {
      const char c = *p;
      switch (state_) {
      case State::start:
        if (c == '"') {
          state_ = State::quoted;
          ++p;
          continue;
        }
        state_ = State::unquoted;
        [[fallthrough]];
      case State::unquoted:
      case State::after_quote: {
        if (terminator < p || (terminator == p && c != terminator_))
          terminator = find(p, end, terminator_);
        const char* quote = find(p, terminator, '"');
        if (quote == terminator) {
          if (terminator != end)
            return terminator;
          state_ = end[-1] == delimiter_ ? State::start : State::unquoted;
          return end;
        }
        // Quotes in a field's text are data; one after a delimiter
        // starts the next field.
        state_ = quote != p && quote[-1] == delimiter_ ? State::start
                                                       : State::unquoted;
        p = state_ == State::start ? quote : quote + 1;
        continue;
      }
      case State::quoted:
        p = skip_quoted(p, end);
        if (p == end)
          return end;
        state_ = State::closing;
        ++p;
        continue;
      case State::closing:
      case State::closing_cr:
        if (c == '"' && state_ == State::closing)
          state_ = State::quoted;
        else if (c == terminator_)
          return p;
        else if (c == delimiter_)
          state_ = State::start;
        else
          state_ = c == '\r' && state_ == State::closing ? State::closing_cr
                                                         : State::after_quote;
        ++p;
        continue;
      }
    }
    return end;
  }

  // Start a new field.
  void reset() noexcept {
    state_ = State::start;
    problems_ = 0;
  }

  // Whether the field is inside quotes: at the end of the input, the quote
  // was never closed.
  bool open() const noexcept { return state_ == State::quoted; }

  std::uint8_t problems() const noexcept { return problems_; }

  // Return the terminators passed inside quotes since the last call.
  std::uint64_t take_lines() noexcept {
    const std::uint64_t n = lines_;
    lines_ = 0;
    return n;
  }

private:
  State after(State next) noexcept {
    problems_ |= text_after;
    return next;
  }

  // The first c in [p, end), or end.
  static const char* find(const char* p, const char* end, char c) noexcept {
    const auto* q = static_cast<const char*>(
        std::memchr(p, c, static_cast<std::size_t>(end - p)));
    return q ? q : end;
  }

  // Return the next quote at or after p, counting the terminators before it.
  const char* skip_quoted(const char* p, const char* end) noexcept {
    const char* stop = find(p, end, '"');
    for (const char* t = p;
         (t = static_cast<const char*>(std::memchr(
              t, terminator_, static_cast<std::size_t>(stop - t)))) != nullptr;
         ++t)
      ++lines_;
    return stop;
  }

  char delimiter_;
  char terminator_;
  std::array<bool, 256> special_{}; // the delimiter, terminator and quote
  State state_ = State::start;
  std::uint8_t problems_ = 0;
  std::uint64_t lines_ = 0;
};

} // namespace relu::csv
