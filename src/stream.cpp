// Fields are scanned in place in the read buffer; converted text replaces a
// field in the output, and the bytes between replacements are copied in one
// piece, so a stream that needs no change is little more than a memcpy.
#include "stream.hpp"

#include "quote.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <unistd.h>

namespace relu {
namespace {

// The fast path takes at most this much input at a time, so that the
// output it reserves stays small; a longer record takes the exact path.
constexpr std::size_t fast_block = 64 * 1024;

// The diagnostic of a record longer than max_record, for the record.
constexpr std::string_view too_long_record = "record longer than 16 MiB";
static_assert(max_record == std::size_t{16} << 20);

} // namespace

bool too_long(const char* first, const char* end) noexcept {
  auto size = static_cast<std::size_t>(end - first);
  return size > max_field + 1 || (size == max_field + 1 && end[-1] != '\r');
}

Stream::Stream(const Options& options, Output& out, Reporter report,
               StreamStart start)
    : converter_(options.activation, options.format, options.weights),
      scan_token_(number_scanner(converter_.dtype(), converter_.bounded())),
      fields_(options.fields), delimited_(options.delimiter.has_value()),
      csv_(options.csv),
      lexer_(options.delimiter.value_or(','), options.terminator),
      terminator_(options.terminator), header_(options.header),
      drop_header_(options.drop_header), invalid_mode_(options.invalid),
      out_(out), report_(std::move(report)), record_(start.record),
      record_line_(start.line),
      row_wise_(options.activation.function->over_record()),
      names_held_(options.activation.shortens() && !drop_header_) {
  mode_ = record_mode();
  classes_[static_cast<unsigned char>(' ')] = blank;
  classes_[static_cast<unsigned char>('\t')] = blank;
  if (terminator_ == '\0')
    classes_[static_cast<unsigned char>('\n')] = blank;
  classes_[static_cast<unsigned char>(terminator_)] = terminator;
  if (delimited_)
    classes_[static_cast<unsigned char>(*options.delimiter)] = delimiter;
  separators_ = terminator | (delimited_ ? delimiter : blank);
  // The fast path knows newline records of blank-separated fields, every
  // one selected, or of fields split at a delimiter that no ordinary
  // decimal holds, and results fixed by the kind of number.
  if (delimited_) {
    fast_fields_ = {true, *options.delimiter, csv_, fields_.first_64(),
                    fields_.beyond_64()};
    unquoted_fields_ = fast_fields_;
    unquoted_fields_.csv = false;
  }
  fast_allowed_ = terminator_ == '\n' &&
                  (delimited_ ? FastFields::can_split_at(*options.delimiter)
                              : fields_.every());
  for (Kind kind : {Kind::negative, Kind::zero, Kind::positive}) {
    Conversion c{Conversion::What::value, {}, 0};
    if (converter_.by_kind(kind))
      c = converter_.decide({}, kind);
    if (c.what == Conversion::What::value ||
        c.text.size() > FastTable::max_text) {
      fast_allowed_ = false;
      break;
    }
    fast_table_.set(kind, c.what == Conversion::What::keep, c.text);
  }
  fast_table_.set_narrow(converter_.dtype() != Dtype::float64);
  use_path(default_path());
}

void Stream::use_path(Path path) noexcept {
  scan_ = fast_allowed_ ? scanner(path) : nullptr;
}

std::size_t Stream::process(std::string_view data, bool at_end) {
  const char* p = data.data();
  const char* const end = p + data.size();
  // An incomplete field can only end at a separator: until one arrives,
  // scanning it again would make a long field cost quadratic time.
  if (stalled_ != 0 && !at_end && !too_long(p, end) &&
      find_separator(p + stalled_, end) == end) {
    stalled_ = data.size();
    return 0;
  }
  // Likewise a held record, which can only end at a terminator.
  if (waiting_ != 0 && !at_end && data.size() <= max_record &&
      std::memchr(p + waiting_, terminator_, data.size() - waiting_) ==
          nullptr) {
    waiting_ = data.size();
    return 0;
  }
  waiting_ = 0;
  emitted_ = p;
  bool stalled = false;
  while (p != end && !aborted_) {
    const char* next = nullptr;
    switch (mode_) {
    case Mode::skip_record: {
      if (record_ <= header_ && drop_header_) {
        next = csv_ ? csv_skip(p, end, true) : record_end(p, end);
        emit_until(p);
        emitted_ = next; // not written: --drop-header
        break;
      }
      if (csv_) {
        next = csv_skip(p, end, true);
        break;
      }
      next = record_end(p, end);
      break;
    }
    case Mode::skip_field:
      if (csv_) {
        next = csv_skip(p, end, false);
        break;
      }
      next = find_separator(p, end);
      if (next != end) {
        mode_ = Mode::field_start;
        if (delimited_)
          next = after_separator(next, end);
      }
      break;
    case Mode::field_start:
      next = csv_         ? csv_field(p, end, at_end, stalled)
             : delimited_ ? delimited_field(p, end, at_end, stalled)
                          : blank_fields(p, end, at_end, stalled);
      break;
    }
    p = next;
    if (stalled)
      break; // an incomplete field: wait for more data
  }
  if (at_end && csv_ && mode_ != Mode::field_start && !aborted_ &&
      lexer_.open()) {
    unclosed_quote(end, false);
    // The quote swallowed the record's end: an operand after this input
    // starts a record of its own.
    lexer_.reset();
    end_record(end);
  }
  if (holds() && !aborted_) {
    if (at_end && p == end) {
      finish_record(end); // the last record, without a terminator
    } else if (static_cast<std::size_t>(end - emitted_) > max_record) {
      pass_record(p);
    } else {
      // Offer the record again, whole, with more data.
      const auto held = static_cast<std::size_t>(emitted_ - data.data());
      waiting_ = data.size() - held;
      stalled_ = 0;
      restart_record();
      return held;
    }
  }
  if (!aborted_)
    emit_until(p);
  stalled_ = static_cast<std::size_t>(end - p);
  return static_cast<std::size_t>(p - data.data());
}

// Pass over the rest of a record that is not converted, up to its end.
const char* Stream::record_end(const char* p, const char* end) noexcept {
  const void* t =
      std::memchr(p, terminator_, static_cast<std::size_t>(end - p));
  if (t == nullptr)
    return end;
  end_record(static_cast<const char*>(t) + 1);
  return static_cast<const char*>(t) + 1;
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
  // Also inside a record, as where a read cut it: with every field
  // selected, the fields' numbers do not matter to the fast path.
  p = fast_records(p, end);
  while (mode_ == Mode::field_start && !aborted_) {
    std::uint8_t c = 0;
    while (p != end && (c = cls(*p)) != 0) {
      ++p;
      if (c & terminator) {
        end_record(p);
        if (mode_ != Mode::field_start)
          return p;
        p = fast_records(p, end);
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
    if (!cursor_.selected(field_ + 1)) {
      mode_ = Mode::skip_field;
      end_field();
      return p;
    }
    Scan s = scan_token_(p, end);
    int e = ends_at(s.ptr, end, at_end);
    if (e > 0 && s.kind != Kind::invalid &&
        s.ptr - p <= static_cast<std::ptrdiff_t>(max_field)) {
      convert(p, s.ptr, s.kind, s.magnitude);
      end_field();
      p = s.ptr;
      continue;
    }
    const char* r = e > 0 ? s.ptr : find_separator(s.ptr, end);
    if (r == end && !at_end)
      return incomplete(p, end, stalled);
    r = without_cr(p, r, end);
    bad_field(p, r);
    end_field();
    p = r;
  }
  return p;
}

// Take whole records at p, a record's start (or, blank-separated, between
// fields of one), through the fast path, a block at a time, for as long as
// it can; return where the exact path takes over.
const char* Stream::fast_records(const char* p, const char* end) {
  if (scan_ == nullptr)
    return p;
  while (p != end) {
    auto size = std::min(static_cast<std::size_t>(end - p), fast_block);
    const void* newline = ::memrchr(p, '\n', size);
    if (newline == nullptr)
      return p; // a record longer than a block, or one not yet complete
    const char* last = static_cast<const char*>(newline) + 1;
    auto in = static_cast<std::size_t>(last - emitted_);
    std::size_t room =
        in +
        fast_table_.growth() * ((static_cast<std::size_t>(last - p)) / 2 + 1) +
        FastTable::max_text;
    char* out = out_.reserve(room);
    // Quotes cost every window a few steps, which a block without any
    // does not need to take.
    const bool quotes =
        csv_ &&
        std::memchr(p, '"', static_cast<std::size_t>(last - p)) != nullptr;
    FastScan s = scan_(emitted_, p, last, end, out, fast_table_,
                       quotes ? fast_fields_ : unquoted_fields_);
    out_.commit(static_cast<std::size_t>(s.out - out));
    emitted_ = s.from;
    if (s.records != 0) {
      record_ += s.records;
      record_line_ += s.records + s.quoted_lines;
      field_ = 0;
      cursor_.rewind();
    }
    if (s.in != last)
      return s.in;
    p = last;
  }
  return p;
}

// A delimited field ends at the first delimiter or record end: the
// delimiter may be any byte, even one that can occur in a number, so the
// field's extent is found before its text is read as a number.
const char* Stream::delimited_field(const char* p, const char* end, bool at_end,
                                    bool& stalled) {
  if (field_ == 0) {
    p = fast_records(p, end);
    if (p == end)
      return p;
  }
  if (!cursor_.selected(field_ + 1)) {
    mode_ = Mode::skip_field;
    end_field();
    return p;
  }
  const char* r = find_separator(p, end);
  if (r == end && !at_end)
    return incomplete(p, end, stalled);
  const char* last = without_cr(p, r, end);
  if (last - p > static_cast<std::ptrdiff_t>(max_field))
    bad_field(p, last);
  else
    field_text(p, last, false);
  end_field();
  return aborted_ ? end : after_separator(r, end);
}

// The text [first, last) of a delimited field, or of a quoted one inside
// its quotes (quoted): blanks around a number are kept, and an empty or
// blank field passes through. What is not a number is reported as it
// stands, without its blanks, or with its quotes.
void Stream::field_text(const char* first, const char* last, bool quoted) {
  const char* token = first;
  const char* token_end = last;
  while (token != token_end && (cls(*token) & blank))
    ++token;
  while (token_end != token && (cls(token_end[-1]) & blank))
    --token_end;
  Scan s = scan_token_(token, token_end);
  if (s.ptr == token_end && s.kind != Kind::invalid)
    convert(token, token_end, s.kind, s.magnitude);
  else if (token != token_end && quoted)
    bad_field(first - 1, last + 1);
  else if (token != token_end)
    bad_field(token, token_end);
}

// A selected field with --csv: it ends at a delimiter or record end outside
// quotes. A quoted number is converted inside its quotes; a field whose
// quotes are malformed is reported as --invalid says.
const char* Stream::csv_field(const char* p, const char* end, bool at_end,
                              bool& stalled) {
  if (field_ == 0) {
    p = fast_records(p, end);
    if (p == end)
      return p;
  }
  lexer_.reset();
  if (!cursor_.selected(field_ + 1)) {
    mode_ = Mode::skip_field; // it ends (end_field()) at its separator
    return p;
  }
  const char* r = lexer_.find_separator(p, end);
  if (r == end && !at_end) {
    if (!too_long(p, end)) {
      lexer_.take_lines(); // counted again when the field is scanned again
      stalled = true;
      return p;
    }
    bad_field(p, end); // then it streams through, the lexer going on
    mode_ = Mode::skip_field;
    return end;
  }
  const char* last = without_cr(p, r, end);
  const bool open = r == end && lexer_.open();
  const std::uint8_t problems = lexer_.problems();
  next_csv_field();
  if (last - p > static_cast<std::ptrdiff_t>(max_field))
    bad_field(p, last);
  else if (open)
    unclosed_quote(p, true);
  else if (problems & csv::stray_quote)
    invalid(p, last, "quote inside an unquoted field");
  else if (problems & csv::text_after)
    invalid(p, last, "text after a closing quote");
  else if (*p == '"')
    field_text(p + 1, last - 1, true);
  else
    field_text(p, last, false);
  end_field();
  if (open && !aborted_) {
    end_record(end); // as at the end of process()
    return end;
  }
  return aborted_ ? end : after_separator(r, end);
}

// Pass with --csv over a field that is not converted, or over the rest of
// the record (whole_record), keeping the lexer's state between calls so
// that a quoted field of any length streams through.
const char* Stream::csv_skip(const char* p, const char* end,
                             bool whole_record) {
  for (;;) {
    const char* r = lexer_.find_separator(p, end);
    if (r == end)
      return end; // process() reports a quote still open at the end
    next_csv_field();
    if (!whole_record) {
      end_field();
      if (mode_ == Mode::skip_field)
        mode_ = Mode::field_start;
      return after_separator(r, end);
    }
    if (cls(*r) & terminator) {
      end_record(r + 1);
      return r + 1;
    }
    ++field_;
    p = r + 1;
  }
}

// The field before the separator just found has ended.
void Stream::next_csv_field() noexcept {
  record_lines_ += lexer_.take_lines();
  lexer_.reset();
}

// A quote left open at the end of the input, in a field that starts at
// first if it is selected, else already written: the records it holds
// were never seen as records, so it is reported even where the field is
// not selected. Only a selected one leaves a held record uncomputed.
void Stream::unclosed_quote(const char* first, bool selected) {
  saw_invalid_ = true;
  record_bad_ |= selected; // an unselected field's numbers are none
  if (invalid_mode_ != InvalidMode::ignore)
    report(first, "quote not closed at the end of the input");
}

// Step over the separator that ends a field at r, if any.
const char* Stream::after_separator(const char* r, const char* end) {
  if (r == end)
    return r;
  if (cls(*r) & terminator)
    end_record(r + 1);
  return r + 1;
}

// A field that has not ended when the data does: wait for more, unless it
// has grown past max_field; then it is reported as invalid and, unless that
// aborts, passes through as it streams by.
const char* Stream::incomplete(const char* first, const char* end,
                               bool& stalled) {
  if (!too_long(first, end)) {
    stalled = true;
    return first;
  }
  bad_field(first, end);
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

// The record has ended; the next one starts at next.
void Stream::end_record(const char* next) {
  const std::uint64_t lines = record_lines_; // finish_record() forgets them
  if (row_wise_) [[unlikely]] {
    if (holds())
      finish_record(next);
    else if (!(record_ <= header_ && drop_header_))
      emit_until(next); // the next record is held from its start
    passing_ = false;
  }
  ++record_;
  record_line_ += lines + 1;
  record_lines_ = 0;
  field_ = 0;
  cursor_.rewind();
  mode_ = record_mode();
}

void Stream::end_field() noexcept {
  if (++field_ >= fields_.last())
    mode_ = Mode::skip_record;
}

void Stream::convert(const char* first, const char* last, Kind kind,
                     Magnitude magnitude) {
  std::string_view token(first, static_cast<std::size_t>(last - first));
  if (row_wise_ && holds()) [[unlikely]] {
    places_.push_back({static_cast<std::size_t>(first - emitted_),
                       static_cast<std::size_t>(last - emitted_)});
    row_.push_back(parse_number_as(converter_.dtype(), token));
    return;
  }
  Conversion c =
      converter_.decide(token, kind, magnitude, cursor_.rank(field_ + 1));
  if (c.what == Conversion::What::keep)
    return;
  emit_until(first);
  converter_.write(c, out_);
  emitted_ = last;
}

// Report the field [first, last), which is not a number; the message for a
// field too long to be one shows its first bytes as they came, so that it
// does not depend on how much of the field has arrived.
void Stream::bad_field(const char* first, const char* last) {
  invalid(first, last,
          last - first > static_cast<std::ptrdiff_t>(max_field)
              ? "field longer than 1 MiB"
              : "invalid number");
}

void Stream::invalid(const char* first, const char* last,
                     std::string_view what) {
  if (record_ <= header_) { // a name in glu's header, held
    places_.push_back({static_cast<std::size_t>(first - emitted_),
                       static_cast<std::size_t>(last - emitted_)});
    return;
  }
  saw_invalid_ = true;
  record_bad_ = true;
  if (invalid_mode_ == InvalidMode::ignore)
    return;
  std::string_view token(first, static_cast<std::size_t>(last - first));
  report(first, fmt::format("{}: {}", what, quote(token)));
}

// Report text for the current field, after the output before at: a
// terminal shows the message after the good output before it, and on abort
// everything before the bad field is written.
void Stream::report(const char* at, std::string text) {
  if (holds()) { // reported when the record has ended, once
    problems_.push_back({field_ + 1, std::move(text)});
    return;
  }
  emit_until(at);
  tell(field_ + 1, text);
}

// Report text for field (0: the record), after the output so far.
void Stream::tell(std::uint64_t field, std::string_view text) {
  out_.flush();
  report_({record_line_, field, text});
  if (invalid_mode_ == InvalidMode::abort)
    aborted_ = true;
}

// The held record, from emitted_, has ended at next: report its problems
// and pass it through unchanged, or write the function's results in place
// of its numbers.
void Stream::finish_record(const char* next) {
  const Activation& f = converter_.activation();
  if (static_cast<std::size_t>(next - emitted_) > max_record) {
    record_problem(too_long_record);
  } else if (record_bad_) {
    // It passes through unchanged, after its problems.
  } else if (f.pairs() && places_.size() % 2 != 0) {
    if (record_ > header_) // a header's names: the records will say it
      record_problem(fmt::format("{} needs an even number of numbers, not {}",
                                 f.function->name, places_.size()));
  } else if (!places_.empty()) {
    write_results(next);
  }
  // A computed record comes out before the problems of its unselected
  // fields, as the other functions write it; a bad one, only after its
  // problems, and not at all on abort.
  if (!record_bad_ && !aborted_)
    emit_until(next);
  for (const Problem& problem : problems_) {
    tell(problem.field, problem.text);
    if (aborted_)
      break;
  }
  if (!aborted_)
    emit_until(next);
  restart_record();
}

// Write the results over the held record's numbers; glu's value writes one
// per pair, in a's places, and removes the fields of b (from a header, their
// names), each with the separator before it.
void Stream::write_results(const char* next) {
  const bool header = record_ <= header_;
  std::size_t kept =
      converter_.activation().shortens() ? row_.size() / 2 : row_.size();
  if (header) {
    kept = 0;
  } else {
    results_.resize(row_.size());
    scratch_.resize(row_.size());
    converter_.row(row_, results_, scratch_);
  }
  const char* start = emitted_;
  for (std::size_t i = 0; i < places_.size(); ++i) {
    if (header && i < places_.size() / 2)
      continue;
    if (i < kept) {
      emit_until(start + places_[i].first);
      converter_.write({Conversion::What::value, {}, results_[i]}, out_);
      emitted_ = start + places_[i].last;
    } else {
      const Place gone = with_separator(start, places_[i], next);
      emit_until(start + gone.first);
      emitted_ = start + gone.last;
    }
  }
}

// The bytes of the field whose number is at place in the record held from
// start to next, with the separator before it (a run of blanks when
// blank-separated); it is never the record's first field.
Stream::Place Stream::with_separator(const char* start, Place place,
                                     const char* next) const noexcept {
  const char* first = start + place.first;
  const char* last = start + place.last;
  if (!delimited_) {
    while (first != start && (cls(first[-1]) & blank))
      --first;
  } else {
    // A field holding a number holds no delimiter, even quoted.
    const std::uint8_t ends = delimiter | terminator;
    while (first != start && !(cls(first[-1]) & ends))
      --first;
    if (first != start)
      --first;
    while (last != next && !(cls(*last) & ends))
      ++last;
    last = without_cr(start + place.last, last, next);
  }
  return {static_cast<std::size_t>(first - start),
          static_cast<std::size_t>(last - start)};
}

// Report the held record as a whole (field 0), as --invalid says.
void Stream::record_problem(std::string_view text) {
  saw_invalid_ = true;
  if (invalid_mode_ != InvalidMode::ignore)
    tell(0, text);
}

// Forget what was held of the record, to scan it again from its start.
void Stream::restart_record() noexcept {
  field_ = 0;
  cursor_.rewind();
  mode_ = record_mode();
  lexer_.reset();
  lexer_.take_lines(); // of a quoted field cut short: counted again
  record_lines_ = 0;
  record_bad_ = false;
  places_.clear();
  row_.clear();
  problems_.clear();
}

// The held record has grown past max_record without ending: report it, and
// let it stream through unchanged, from p on, up to its end.
void Stream::pass_record(const char* p) {
  passing_ = true;
  record_problem(too_long_record);
  if (aborted_)
    return;
  places_.clear();
  row_.clear();
  problems_.clear();
  emit_until(p);
  lexer_.reset(); // p is a field's start
  mode_ = Mode::skip_record;
}

Reader fd_reader(int fd) {
#if defined(F_GETPIPE_SZ)
  // A pipe of 1 MiB, not Linux's 64 KiB, lets the writer run further
  // ahead: fewer switches between it and us, 8% less time for `cat
  // numbers | relu` (hyperfine, 30 runs). Only ever grown; where it is not
  // a pipe, or the limit is lower, nothing changes.
  constexpr int pipe_size = 1 << 20;
  const int size = ::fcntl(fd, F_GETPIPE_SZ);
  if (size > 0 && size < pipe_size)
    (void)::fcntl(fd, F_SETPIPE_SZ, pipe_size);
#endif
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
  auto buffer = std::unique_ptr<char[]>(new char[capacity]);
  std::size_t tail = 0;
  for (;;) {
    if (capacity - tail < chunk) {
      // Only a field longer than a chunk gets here; max_field bounds it.
      capacity = std::max(2 * capacity, tail + chunk);
      auto bigger = std::unique_ptr<char[]>(new char[capacity]);
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

} // namespace relu
