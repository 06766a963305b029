// The fuzz targets' reading of --csv records, written from README's
// Semantics alone (not from src/csv.hpp): where records and fields begin
// and end, which fields are quoted, and how each breaks the quoting rules.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

// How a field stands to README's quoting rules.
enum class Quoting {
  none,        // unquoted, no quote inside
  quoted,      // "...", closed right before a separator or the record's end
  inside,      // a quote inside an unquoted field: data
  after_close, // text after a closing quote, up to the next separator
  unclosed,    // a quote still open at the end of the input
};

struct CsvField {
  std::size_t first = 0, last = 0; // its bytes in the input, [first, last)
  Quoting quoting = Quoting::none;
};

struct CsvRecord {
  std::vector<CsvField> fields;
  std::size_t end = 0;  // where its last field ends
  std::size_t next = 0; // past its CR and terminator, if any
  bool terminated = false;
  std::size_t line_breaks = 0; // terminators inside its quoted fields
};

// Read the record that begins at at: fields split at delimiter outside
// quotes, a field quoted when its first byte is a quote, where a doubled
// quote is data and a single one closes it. A CR right before the
// terminator (or the end of the input) belongs to no field, unless the CR
// is the delimiter.
inline CsvRecord csv_record(std::string_view in, std::size_t at, char delimiter,
                            char terminator) {
  CsvRecord r;
  // Whether a separator-free run ends at i: a delimiter, the terminator,
  // the end, or a CR right before one of the last two.
  auto stops = [&](std::size_t i) {
    if (i == in.size() || in[i] == delimiter || in[i] == terminator)
      return true;
    return in[i] == '\r' && delimiter != '\r' &&
           (i + 1 == in.size() || in[i + 1] == terminator);
  };
  auto run_on = [&](std::size_t i) {
    while (!stops(i))
      ++i;
    return i;
  };
  std::size_t i = at;
  for (;;) {
    CsvField f;
    f.first = i;
    if (i < in.size() && in[i] == '"') {
      std::size_t q = i + 1;
      std::size_t breaks = 0;
      for (;;) {
        while (q < in.size() && in[q] != '"') {
          breaks += in[q] == terminator;
          ++q;
        }
        if (q + 1 < in.size() && in[q + 1] == '"')
          q += 2;
        else
          break;
      }
      if (q >= in.size()) {
        f.last = in.size();
        f.quoting = Quoting::unclosed;
        r.fields.push_back(f);
        r.end = r.next = in.size();
        return r;
      }
      r.line_breaks += breaks;
      f.last = q + 1;
      f.quoting = Quoting::quoted;
      if (!stops(f.last)) {
        f.last = run_on(f.last);
        f.quoting = Quoting::after_close;
      }
    } else {
      f.last = run_on(i);
      if (in.substr(f.first, f.last - f.first).find('"') !=
          std::string_view::npos)
        f.quoting = Quoting::inside;
    }
    r.fields.push_back(f);
    i = f.last;
    if (i < in.size() && in[i] == delimiter) {
      ++i;
      continue;
    }
    r.end = i;
    if (i < in.size() && in[i] == '\r' && delimiter != '\r')
      ++i;
    r.terminated = i < in.size();
    r.next = i + r.terminated;
    return r;
  }
}

// The content of a closed quoted field: between its quotes, "" as one.
inline std::string unquoted(std::string_view field) {
  std::string s;
  for (std::size_t i = 1; i + 1 < field.size(); ++i) {
    s += field[i];
    if (field[i] == '"')
      ++i;
  }
  return s;
}

} // namespace fuzz
