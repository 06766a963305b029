// Field lists that name fields (-f w1,w3 with --header), in xsv's selection
// syntax, resolved to a cut-style Fields once the header's first record has
// been read; and how that record splits into names.
#pragma once

#include "fields.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace relu {

class NamedFields {
public:
  // Parse a list whose items are separated by commas or blanks: field
  // numbers and names, ranges of either ("w1-w3", "w2-", "-w3", "2-w3"), a
  // name in double quotes where it is all digits or holds a comma, dash,
  // blank or quote ("\"2019\"", "\"a,b\"", with "" for a quote), and
  // name[k] for the field of that name after k others of it. Throw
  // std::invalid_argument with the reason when the list is malformed.
  static NamedFields parse(std::string_view list);

  // Return the fields the list selects in a record whose fields are named
  // names; throw std::invalid_argument ("no field named 'w9' in the header:
  // it has 'a', 'b'") when a name is not there.
  Fields resolve(const std::vector<std::string>& names) const;

  // Whether the list names a field, rather than numbering them all.
  bool has_names() const noexcept {
    // A bound by name has no number; "" names a field too.
    return std::any_of(items_.begin(), items_.end(), [](const Item& item) {
      return (item.has_first && item.first.number == 0) ||
             (item.has_last && item.last.number == 0);
    });
  }

private:
  // A field by number (name empty), or the field named name after
  // `occurrence` others of that name.
  struct Bound {
    std::uint64_t number = 0;
    std::string name;
    std::uint64_t occurrence = 0;
  };

  // first and last absent: an open end of a range.
  struct Item {
    bool range = false; // with '-': a missing end is open
    bool has_first = false, has_last = false;
    Bound first, last;
    std::string text; // as written, for messages
  };

  std::vector<Item> items_;
};

// How records split into fields: the options of the stream that matter.
struct Splitting {
  char terminator = '\n';
  bool delimited = false;
  char delimiter = ',';
  bool csv = false;
};

// Return where the first record of data ends, just past its terminator
// (with --csv, the first one outside quotes), or 0 if none does.
std::size_t first_record_size(std::string_view data, const Splitting& how);

// Return the names of the fields of record (without its terminator), as
// the stream splits it: at blanks, at the delimiter, or with --csv as
// RFC 4180 has it, a quoted name unquoted. Blanks around a name and a CR
// at the record's end are not part of it.
std::vector<std::string> field_names(std::string_view record,
                                     const Splitting& how);

} // namespace relu
