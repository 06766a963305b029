// Fields are scanned in place in the read buffer; converted text replaces a
// field in the output, and the bytes between replacements are copied in one
// piece, so a stream that needs no change is little more than a memcpy.
#include "stream.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <unistd.h>

namespace relu {
namespace {

// Output beyond this is flushed early, so that wide --format conversions
// cannot make one chunk's output grow without bound.
constexpr std::size_t flush_threshold = 256 * 1024;

// How much of a bad token a diagnostic shows.
constexpr std::size_t quoted_bytes = 64;

// Quote a token for a diagnostic: printable ASCII as is, other bytes as
// \xNN, so that binary garbage cannot garble the terminal.
std::string quote(std::string_view token) {
  std::string text = "'";
  for (char c : token.substr(0, quoted_bytes)) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == '\'')
      text += '\\';
    if (u >= 0x20 && u < 0x7f)
      text += c;
    else
      text += fmt::format("\\x{:02x}", u);
  }
  text += '\'';
  if (token.size() > quoted_bytes)
    text += "...";
  return text;
}

} // namespace

Stream::Stream(const Options& options, Output& out, Reporter report,
               std::string_view noun)
    : activation_(options.activation), fields_(options.fields),
      delimited_(options.delimiter.has_value()),
      terminator_(options.terminator), header_(options.header),
      invalid_mode_(options.invalid), format_(options.format), out_(out),
      report_(std::move(report)), noun_(noun),
      mode_(header_ > 0 ? Mode::skip_record : Mode::field_start) {
  classes_[static_cast<unsigned char>(' ')] = blank;
  classes_[static_cast<unsigned char>('\t')] = blank;
  if (terminator_ == '\0')
    classes_[static_cast<unsigned char>('\n')] = blank;
  classes_[static_cast<unsigned char>(terminator_)] = terminator;
  if (delimited_)
    classes_[static_cast<unsigned char>(*options.delimiter)] = delimiter;
  separators_ = terminator | (delimited_ ? delimiter : blank);

  // A function that is constant on a kind of number is evaluated once; one
  // that leaves its input unchanged copies the input text.
  auto constant = [&](double x) {
    return Rule{Action::constant, format_.to_string(activation_(x))};
  };
  auto at = [](Kind k) { return static_cast<std::size_t>(k); };
  if (!format_.shortest()) {
    rules_.fill({Action::compute, {}});
  } else if (activation_.derivative) {
    rules_[at(Kind::negative)] = constant(-1.0);
    rules_[at(Kind::zero)] = constant(0.0);
    rules_[at(Kind::positive)] = constant(1.0);
    rules_[at(Kind::nan)] = {Action::compute, {}};
  } else if (activation_.leaky) {
    rules_[at(Kind::negative)] = {Action::compute, {}};
    rules_[at(Kind::zero)] = {Action::compute, {}};
  } else {
    rules_[at(Kind::negative)] = constant(-1.0);
    rules_[at(Kind::zero)] = constant(-0.0);
  }
}

std::size_t Stream::process(std::string_view data, bool at_end) {
  const char* p = data.data();
  const char* const end = p + data.size();
  // An incomplete field can only end at a separator: until one arrives,
  // scanning it again would make a long field cost quadratic time.
  if (stalled_ != 0 && !at_end && data.size() <= max_field &&
      find_separator(p + stalled_, end) == end) {
    stalled_ = data.size();
    return 0;
  }
  emitted_ = p;
  bool stalled = false;
  while (p != end && !aborted_) {
    const char* next = nullptr;
    switch (mode_) {
    case Mode::skip_record: {
      const void* t =
          std::memchr(p, terminator_, static_cast<std::size_t>(end - p));
      if (t == nullptr) {
        next = end;
      } else {
        next = static_cast<const char*>(t) + 1;
        end_record();
      }
      break;
    }
    case Mode::skip_field:
      next = find_separator(p, end);
      if (next != end) {
        mode_ = Mode::field_start;
        if (delimited_)
          next = after_separator(next, end);
      }
      break;
    case Mode::field_start:
      next = delimited_ ? delimited_field(p, end, at_end, stalled)
                        : blank_fields(p, end, at_end, stalled);
      break;
    }
    p = next;
    if (stalled)
      break; // an incomplete field: wait for more data
  }
  if (!aborted_)
    emit_until(p);
  stalled_ = static_cast<std::size_t>(end - p);
  return static_cast<std::size_t>(p - data.data());
}

// Whether a field ends at q: 1 yes, 0 no, -1 cannot tell before more data.
// A CR right before the record's end belongs to no field.
int Stream::ends_at(const char* q, const char* end,
                    bool at_end) const noexcept {
  if (q == end)
    return at_end ? 1 : -1;
  if (cls(*q) & separators_)
    return 1;
  if (*q != '\r')
    return 0;
  if (q + 1 == end)
    return at_end ? 1 : -1;
  return (cls(q[1]) & terminator) ? 1 : 0;
}

const char* Stream::find_separator(const char* p,
                                   const char* end) const noexcept {
  while (p != end && !(cls(*p) & separators_))
    ++p;
  return p;
}

// The hot loop: fields and the blanks and record ends between them, for as
// long as no field needs to be skipped.
const char* Stream::blank_fields(const char* p, const char* end, bool at_end,
                                 bool& stalled) {
  while (mode_ == Mode::field_start && !aborted_) {
    std::uint8_t c = 0;
    while (p != end && (c = cls(*p)) != 0) {
      ++p;
      if (c & terminator) {
        end_record();
        if (mode_ != Mode::field_start)
          return p;
      }
    }
    if (p == end)
      return p;
    if (*p == '\r') {
      int e = ends_at(p, end, at_end); // is this CR right before the end?
      if (e < 0) {
        stalled = true;
        return p;
      }
      if (e > 0) {
        ++p;
        continue;
      }
    }
    if (!fields_.selected(field_ + 1)) {
      mode_ = Mode::skip_field;
      end_field();
      return p;
    }
    Scan s = scan_number(p, end);
    int e = ends_at(s.ptr, end, at_end);
    if (e > 0 && s.kind != Kind::invalid) {
      convert(p, s.ptr, s.kind);
      end_field();
      p = s.ptr;
      continue;
    }
    const char* r = e > 0 ? s.ptr : find_separator(s.ptr, end);
    if (r == end && !at_end)
      return incomplete(p, end, stalled);
    r = without_cr(p, r, end);
    invalid(p, r, "invalid number");
    end_field();
    p = r;
  }
  return p;
}

const char* Stream::delimited_field(const char* p, const char* end, bool at_end,
                                    bool& stalled) {
  if (!fields_.selected(field_ + 1)) {
    mode_ = Mode::skip_field;
    end_field();
    return p;
  }
  const char* first = p;
  while (first != end && (cls(*first) & blank))
    ++first;
  Scan s = scan_number(first, end);
  const char* r = s.ptr;
  while (r != end && (cls(*r) & blank))
    ++r;
  int e = ends_at(r, end, at_end);
  if (e == 0) {
    r = find_separator(r, end);
    e = r != end || at_end ? 1 : -1;
  }
  if (e < 0)
    return incomplete(p, end, stalled);
  const char* last = without_cr(p, r, end);
  while (last != first && (cls(last[-1]) & blank))
    --last;
  if (s.kind != Kind::invalid && s.ptr == last)
    convert(first, last, s.kind);
  else if (first != last) // an empty or blank field passes through
    invalid(first, last, "invalid number");
  end_field();
  return aborted_ ? end : after_separator(r, end);
}

// Step over the separator that ends a delimited field at r: a delimiter, or
// the record's end, with the CR before it.
const char* Stream::after_separator(const char* r, const char* end) {
  if (r == end)
    return r;
  if (*r == '\r' && !(cls(*r) & separators_) && ++r == end)
    return r;
  if (cls(*r) & terminator)
    end_record();
  return r + 1;
}

// A field that has not ended when the data does: wait for more, unless it
// has grown past max_field; then it is reported as invalid and, unless that
// aborts, passes through as it streams by.
const char* Stream::incomplete(const char* first, const char* end,
                               bool& stalled) {
  if (end - first <= static_cast<std::ptrdiff_t>(max_field)) {
    stalled = true;
    return first;
  }
  invalid(first, end, "field longer than 1 MiB");
  mode_ = Mode::skip_field;
  end_field();
  return end;
}

// Where the text of the field [first, last) ends: a CR right before the
// record's end is not part of it.
const char* Stream::without_cr(const char* first, const char* last,
                               const char* end) const noexcept {
  bool record_ends = last == end || (cls(*last) & terminator);
  return last != first && last[-1] == '\r' && record_ends ? last - 1 : last;
}

void Stream::end_record() noexcept {
  ++record_;
  field_ = 0;
  fields_.rewind();
  mode_ = record_ <= header_ ? Mode::skip_record : Mode::field_start;
}

void Stream::end_field() noexcept {
  if (++field_ >= fields_.last())
    mode_ = Mode::skip_record;
}

void Stream::convert(const char* first, const char* last, Kind kind) {
  const Rule& rule = rules_[static_cast<std::size_t>(kind)];
  if (rule.action == Action::copy)
    return;
  emit_until(first);
  if (rule.action == Action::constant) {
    out_.append(rule.text);
  } else {
    std::string_view token(first, static_cast<std::size_t>(last - first));
    format_.write(activation_(parse_number(token)), out_);
  }
  emitted_ = last;
  if (out_.size() >= flush_threshold)
    out_.flush();
}

void Stream::invalid(const char* first, const char* last,
                     std::string_view what) {
  saw_invalid_ = true;
  if (invalid_mode_ == InvalidMode::ignore)
    return;
  // Flush first, so that a terminal shows the message after the good output
  // before it, and on abort everything before the bad field is written.
  emit_until(first);
  out_.flush();
  std::string_view token(first, static_cast<std::size_t>(last - first));
  report_(fmt::format("{} {}, field {}: {}: {}", noun_, record_, field_ + 1,
                      what, quote(token)));
  if (invalid_mode_ == InvalidMode::abort)
    aborted_ = true;
}

Reader fd_reader(int fd) {
  return [fd](char* buf, std::size_t n) -> std::size_t {
    for (;;) {
      ssize_t got = ::read(fd, buf, n);
      if (got >= 0)
        return static_cast<std::size_t>(got);
      if (errno != EINTR)
        throw IoError(std::string("read error: ") + std::strerror(errno));
    }
  };
}

void run(Stream& stream, Output& out, const Reader& read, std::size_t chunk) {
  std::size_t capacity = chunk;
  auto buffer = std::make_unique_for_overwrite<char[]>(capacity);
  std::size_t tail = 0;
  for (;;) {
    if (capacity - tail < chunk) {
      // Only a field longer than a chunk gets here; max_field bounds it.
      capacity = std::max(2 * capacity, tail + chunk);
      auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
      std::memcpy(bigger.get(), buffer.get(), tail);
      buffer = std::move(bigger);
    }
    std::size_t got = read(buffer.get() + tail, chunk);
    std::size_t size = tail + got;
    std::size_t used = stream.process({buffer.get(), size}, got == 0);
    out.flush();
    if (got == 0 || stream.aborted())
      return;
    tail = size - used;
    if (used != 0)
      std::memmove(buffer.get(), buffer.get() + used, tail);
  }
}

int execute(const Options& options) {
  Output out(fd_sink(STDOUT_FILENO));
  Reporter report = [](std::string_view message) {
    fmt::print(stderr, "relu: {}\n", message);
  };
  const auto& numbers = options.numbers;
  bool from_stdin =
      numbers.empty() || (numbers.size() == 1 && numbers[0] == "-");
  Options stream_options = options;
  if (!from_stdin)
    stream_options.header = 0;
  Stream stream(stream_options, out, report, from_stdin ? "line" : "argument");
  if (from_stdin) {
    run(stream, out, fd_reader(STDIN_FILENO));
  } else {
    if (options.header > 0)
      report("--header ignored with command-line input");
    std::string records;
    for (const auto& number : numbers) {
      records += number;
      records += options.terminator;
    }
    stream.process(records, true);
    out.flush();
  }
  bool failed = stream.aborted() ||
                (stream.saw_invalid() && options.invalid == InvalidMode::fail);
  return failed ? 2 : 0;
}

} // namespace relu
