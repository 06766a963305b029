// The stream processor: splits bytes into records and fields, converts the
// selected numeric fields through the activation core, and hands every other
// byte to the output unchanged. It never prints by itself.
#pragma once

#include "convert.hpp"
#include "csv.hpp"
#include "fast_records.hpp"
#include "number.hpp"
#include "options.hpp"
#include "output.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace relu {

// A field longer than this is invalid: no double needs more than 800
// significant digits, and the bound keeps memory flat on any input.
inline constexpr std::size_t max_field = std::size_t{1} << 20;

// A record longer than this is not computed by a function over a record
// (softmax): the record is held in memory until it ends, and the bound
// keeps that memory flat.
inline constexpr std::size_t max_record = std::size_t{16} << 20;

// A problem with one field: where it is (1-based; 0 for the record as a
// whole) and what is wrong, e.g. "invalid number: 'abc'". The receiver
// names the record ("line 3" for standard input, "argument 2" for
// operands).
struct Diagnostic {
  std::uint64_t record;
  std::uint64_t field;
  std::string_view text;
};

// Receives each diagnostic as it happens.
using Reporter = std::function<void(const Diagnostic&)>;

// Whether a field that starts at first and has not ended by end is longer
// than max_field whatever follows: a CR at end may still turn out to be
// the one before the record's end, which belongs to no field.
bool too_long(const char* first, const char* end) noexcept;

// Where a stream starts: its first record's number and the line where
// that record begins (1-based; they differ after quoted line breaks).
struct StreamStart {
  std::uint64_t record = 1;
  std::uint64_t line = 1;
};

class Stream {
public:
  // A stream that starts at start, so that a piece of the input cut at a
  // record's end can be processed on its own: its messages name the right
  // lines, and header records are skipped only while the record number is
  // within --header.
  Stream(const Options& options, Output& out, Reporter report,
         StreamStart start = {});

  // The cursor walks fields_ in place.
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  // Process data, which starts where the previous call stopped consuming;
  // at_end says no more data follows. Return how many bytes were consumed:
  // the rest is an incomplete field, to be offered again with more data.
  std::size_t process(std::string_view data, bool at_end);

  // Use path where the options allow it and the machine has it, so that
  // tests can run every path on the same inputs.
  void use_path(Path path) noexcept;

  // Whether --invalid=abort stopped the stream at a bad field.
  bool aborted() const noexcept { return aborted_; }

  // Whether any field was not a number.
  bool saw_invalid() const noexcept { return saw_invalid_; }

private:
  // Where a number of a held record is: offsets from emitted_.
  struct Place {
    std::size_t first, last;
  };

  enum Class : std::uint8_t { blank = 1, terminator = 2, delimiter = 4 };

  enum class Mode : std::uint8_t {
    field_start, // between fields, or at the start of one
    skip_field,  // inside a field that passes through unchanged
    skip_record, // inside a record that passes through unchanged
  };

  std::uint8_t cls(char c) const noexcept {
    return classes_[static_cast<unsigned char>(c)];
  }

  int ends_at(const char* q, const char* end, bool at_end) const noexcept;
  const char* find_separator(const char* p, const char* end) const noexcept;
  const char* record_end(const char* p, const char* end) noexcept;
  const char* blank_fields(const char* p, const char* end, bool at_end,
                           bool& stalled);
  const char* delimited_field(const char* p, const char* end, bool at_end,
                              bool& stalled);
  const char* csv_field(const char* p, const char* end, bool at_end,
                        bool& stalled);
  const char* csv_skip(const char* p, const char* end, bool whole_record);
  void next_csv_field() noexcept;
  void field_text(const char* first, const char* last, bool quoted);
  void unclosed_quote(const char* first, bool selected);
  const char* fast_records(const char* p, const char* end);
  const char* after_separator(const char* r, const char* end);
  const char* incomplete(const char* first, const char* end, bool& stalled);
  void bad_field(const char* first, const char* last);
  const char* without_cr(const char* first, const char* last,
                         const char* end) const noexcept;
  void end_record(const char* next);

  // Whether the current record is held until it ends: every record of a
  // function over a record, and glu's header, whose names of b go.
  bool holds() const noexcept {
    return row_wise_ && !passing_ && (record_ > header_ || names_held_);
  }

  // How a record starts: a header record passes through unless held.
  Mode record_mode() const noexcept {
    return record_ <= header_ && !names_held_ ? Mode::skip_record
                                              : Mode::field_start;
  }

  void finish_record(const char* next);
  void write_results(const char* next);
  Place with_separator(const char* start, Place place,
                       const char* next) const noexcept;
  void restart_record() noexcept;
  void pass_record(const char* p);
  void record_problem(std::string_view text);
  void tell(std::uint64_t field, std::string_view text);
  void end_field() noexcept;
  void convert(const char* first, const char* last, Kind kind,
               Magnitude magnitude);
  void invalid(const char* first, const char* last, std::string_view what);
  void report(const char* at, std::string text);

  void emit_until(const char* p) {
    out_.append({emitted_, static_cast<std::size_t>(p - emitted_)});
    emitted_ = p;
  }

  Converter converter_;
  // The scanner of the converter's dtype, with magnitudes if it uses them:
  // a pointer, not a test per number, as none is inlined here.
  NumberScanner scan_token_;
  Fields fields_;
  Fields::Cursor cursor_{fields_};
  bool delimited_;
  bool csv_;
  csv::Lexer lexer_;
  char terminator_;
  std::uint64_t header_;
  bool drop_header_;
  InvalidMode invalid_mode_;
  Output& out_;
  Reporter report_;
  std::array<std::uint8_t, 256> classes_{};
  std::uint8_t separators_;
  FastTable fast_table_;
  FastFields fast_fields_;
  FastFields unquoted_fields_; // the same without quotes
  bool fast_allowed_;          // whether the options let a fast path apply
  Scanner scan_ = nullptr;     // the fast path in use, if any

  Mode mode_;
  std::uint64_t record_;           // 1-based number of the current record
  std::uint64_t record_line_;      // the line where it began
  std::uint64_t record_lines_ = 0; // line breaks inside its quoted fields
  std::uint64_t field_ = 0;        // fields of the current record seen so far
  const char* emitted_ = nullptr;  // input before this is in out_ already
  std::size_t stalled_ = 0; // bytes offered again after an incomplete field
  bool aborted_ = false;
  bool saw_invalid_ = false;

  // A function over a record holds each record, from emitted_, until it
  // ends: the places of its selected numbers (offsets from emitted_), their
  // values, and the problems to report, if any.
  struct Problem {
    std::uint64_t field;
    std::string text;
  };

  bool row_wise_;
  bool names_held_;      // glu's header records are held, to shorten them
  bool passing_ = false; // a record over max_record streams through
  bool record_bad_ = false;
  std::vector<Place> places_;
  std::vector<double> row_, results_, scratch_;
  std::vector<Problem> problems_;
  std::size_t waiting_ = 0; // bytes of a held record scanned, no end seen
};

// Reads up to n bytes into buf; returns 0 at the end of input, throws
// IoError on failure.
using Reader = std::function<std::size_t(char* buf, std::size_t n)>;

// Return a reader of fd that retries interrupted reads.
Reader fd_reader(int fd);

// Feed everything read through stream in chunks of the given size, flushing
// out after each chunk so results appear as input arrives.
void run(Stream& stream, Output& out, const Reader& read,
         std::size_t chunk = 128 * 1024);

} // namespace relu
