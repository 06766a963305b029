// libFuzzer target for -f by the header's names: NamedFields::parse and
// resolve, field_names() and first_record_size() on arbitrary lists and
// headers, checked against a reference written from README's description
// of the name syntax (CSV section, Semantics): nothing may crash or throw
// anything but std::invalid_argument, and where README decides the outcome
// relu must agree with it.
#include "csv_reference.hpp"
#include "field_names.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

// What README decides about a list: the fields it selects, that it is an
// error (and of which kind, when only one is possible), or nothing.
struct Expected {
  enum Kind { selects, error, undecided } kind = selects;

  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  std::string message; // a prefix of the error's text, if known
};

// One end of a range: a field number, or the field named name after
// `occurrence` others of that name.
struct Bound {
  std::uint64_t number = 0;
  std::optional<std::string> name;
  std::uint64_t occurrence = 0;
};

bool is_blank(char ch) { return ch == ' ' || ch == '\t'; }

bool all_digits(std::string_view s) {
  if (s.empty())
    return false;
  for (char ch : s)
    if (ch < '0' || ch > '9')
      return false;
  return true;
}

// Digits as a number, or nullopt where README leaves the value undecided
// (more than 18 digits).
std::optional<std::uint64_t> number(std::string_view s) {
  if (s.size() > 18)
    return std::nullopt;
  std::uint64_t n = 0;
  for (char ch : s)
    n = n * 10 + static_cast<std::uint64_t>(ch - '0');
  return n;
}

// The reader of one list against the header's names.
class ListReference {
public:
  ListReference(std::string_view list, const std::vector<std::string>& names)
      : list_(list), names_(names) {}

  Expected run() {
    if (list_.empty())
      return fail("the list of fields is empty");
    if (is_blank(list_[0]))
      return undecided();
    for (;;) {
      if (!item())
        return e_;
      if (at_ == list_.size())
        break;
      // One comma or one blank between items; other runs of separators
      // and blanks at either end are not described.
      char sep = list_[at_++];
      if (at_ == list_.size() && sep == ',')
        return fail("fields are numbered from 1");
      if (at_ == list_.size() || is_blank(list_[at_]) ||
          (is_blank(sep) && list_[at_] == ','))
        return undecided();
      if (list_[at_] == ',')
        return fail("fields are numbered from 1");
    }
    return e_;
  }

private:
  std::string_view list_;
  const std::vector<std::string>& names_;
  std::size_t at_ = 0;
  Expected e_;

  bool separator(std::size_t i) const {
    return i == list_.size() || list_[i] == ',' || is_blank(list_[i]);
  }

  Expected fail(std::string message = "") {
    // A list that README leaves undecided in one place and calls wrong in
    // another may do either.
    if (e_.kind == Expected::undecided)
      return e_;
    if (e_.kind == Expected::error && e_.message != message)
      message.clear();
    e_.kind = Expected::error;
    e_.message = message;
    e_.ranges.clear();
    return e_;
  }

  Expected undecided() {
    e_.kind = Expected::undecided;
    e_.ranges.clear();
    return e_;
  }

  // Read one bound at at_, if there is one; false when it is malformed
  // (e_ then says how).
  bool bound(std::optional<Bound>& b) {
    b.reset();
    if (separator(at_) || list_[at_] == '-')
      return true;
    Bound r;
    std::string k; // the k of name[k]
    if (list_[at_] == '"') {
      if (!quoted_name(r, k))
        return false;
    } else {
      std::size_t i = at_;
      while (!separator(i) && list_[i] != '-' && list_[i] != '"')
        ++i;
      std::string text(list_.substr(at_, i - at_));
      at_ = i;
      if (at_ < list_.size() && list_[at_] == '"') {
        fail(); // a quote inside a name written without quotes
        return false;
      }
      if (all_digits(text)) {
        std::optional<std::uint64_t> n = number(text);
        if (!n) {
          undecided();
          return false;
        }
        if (*n == 0) {
          fail("fields are numbered from 1");
          return false;
        }
        r.number = *n;
        b = r;
        return true;
      }
      // name[k] is the only place README gives brackets.
      if (std::size_t open = text.find_first_of("[]");
          open != std::string::npos) {
        if (open == 0 || text[open] != '[' || text.back() != ']') {
          undecided();
          return false;
        }
        k = text.substr(open + 1, text.size() - open - 2);
        text.resize(open);
        if (all_digits(text) || !all_digits(k)) {
          undecided();
          return false;
        }
      }
      r.name = text;
    }
    if (!k.empty()) {
      std::optional<std::uint64_t> n = number(k);
      if (!n) {
        undecided();
        return false;
      }
      r.occurrence = *n;
    }
    b = r;
    return true;
  }

  // Read a name in quotes at at_ ("" for a quote), and a [k] after it.
  bool quoted_name(Bound& r, std::string& k) {
    std::string text;
    std::size_t i = at_ + 1;
    for (;; ++i) {
      if (i >= list_.size()) {
        fail(); // an unterminated quote
        return false;
      }
      if (list_[i] == '"' && (i + 1 == list_.size() || list_[i + 1] != '"'))
        break;
      text += list_[i];
      i += list_[i] == '"';
    }
    at_ = i + 1;
    r.name = text;
    if (at_ < list_.size() && list_[at_] == '[') {
      std::size_t close = list_.find(']', at_);
      if (close == std::string_view::npos) {
        undecided();
        return false;
      }
      k = list_.substr(at_ + 1, close - at_ - 1);
      at_ = close + 1;
      if (!all_digits(k)) {
        undecided();
        return false;
      }
    }
    if (!separator(at_) && list_[at_] != '-') {
      fail(); // text after a quoted name
      return false;
    }
    return true;
  }

  // The field a bound names, or nullopt when the header has no such
  // field (e_ then says so).
  std::optional<std::uint64_t> field(const Bound& b) {
    if (!b.name)
      return b.number;
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < names_.size(); ++i)
      if (names_[i] == *b.name && seen++ == b.occurrence)
        return i + 1;
    fail("no field named '");
    return std::nullopt;
  }

  // Read one item: a bound, or a range of two with either end open.
  bool item() {
    std::optional<Bound> first, last;
    if (!bound(first))
      return false;
    bool range = at_ < list_.size() && list_[at_] == '-';
    if (range) {
      ++at_;
      if (!bound(last))
        return false;
      if (!first && !last) {
        fail();
        return false;
      }
      if (!separator(at_)) {
        fail(); // a second dash
        return false;
      }
    } else if (!first) {
      fail("fields are numbered from 1"); // an empty item
      return false;
    }
    std::optional<std::uint64_t> from = first ? field(*first) : 1;
    std::optional<std::uint64_t> to =
        range ? (last ? field(*last) : relu::Fields::unbounded) : from;
    // A name missing is an error, but another item may be undecided.
    if (!from || !to)
      return true;
    if (*from > *to) {
      fail("invalid decreasing range");
      return true;
    }
    if (e_.kind == Expected::selects)
      e_.ranges.emplace_back(*from, *to);
    return true;
  }
};

// How names split from a record as README says fields do, or nullopt for
// a name README does not decide (a malformed quoted one).
std::vector<std::optional<std::string>>
reference_names(std::string_view record, const relu::Splitting& how) {
  std::vector<std::optional<std::string>> names;
  auto blank = [&](char ch) {
    return (ch == ' ' || ch == '\t' ||
            (how.terminator == '\0' && ch == '\n')) &&
           !(how.delimited && ch == how.delimiter);
  };
  auto trimmed = [&](std::string_view s) {
    while (!s.empty() && blank(s.front()))
      s.remove_prefix(1);
    while (!s.empty() && blank(s.back()))
      s.remove_suffix(1);
    return std::string(s);
  };
  // A CR at the record's end is not part of a name, even where the CR is
  // the delimiter: README's rule for CR and its rule for -d C both apply
  // to "a\rb\r" with -d $'\r', and relu takes the first. (csv_record
  // strips it by itself unless it is the delimiter.)
  if (!record.empty() && record.back() == '\r' &&
      (!how.csv || how.delimiter == '\r'))
    record.remove_suffix(1);
  if (how.csv) {
    fuzz::CsvRecord r =
        fuzz::csv_record(record, 0, how.delimiter, how.terminator);
    for (const auto& f : r.fields) {
      std::string_view raw = record.substr(f.first, f.last - f.first);
      if (f.quoting == fuzz::Quoting::quoted)
        names.emplace_back(fuzz::unquoted(raw));
      else if (f.quoting == fuzz::Quoting::none ||
               f.quoting == fuzz::Quoting::inside)
        names.emplace_back(trimmed(raw));
      else
        names.emplace_back();
    }
    return names;
  }
  if (how.delimited) {
    for (std::size_t at = 0;;) {
      std::size_t end = std::min(record.find(how.delimiter, at), record.size());
      names.emplace_back(trimmed(record.substr(at, end - at)));
      if (end == record.size())
        return names;
      at = end + 1;
    }
  }
  for (std::size_t at = 0; at < record.size();) {
    while (at < record.size() && blank(record[at]))
      ++at;
    std::size_t end = at;
    while (end < record.size() && !blank(record[end]))
      ++end;
    if (end > at)
      names.emplace_back(record.substr(at, end - at));
    at = end;
  }
  return names;
}

std::string hex(std::string_view s) {
  std::string h;
  char b[4];
  for (char ch : s) {
    std::snprintf(b, sizeof b, "%02x", static_cast<unsigned char>(ch));
    h += b;
  }
  return h;
}

[[noreturn]] void violated(const char* what, std::string_view list,
                           std::string_view data, const std::string& detail) {
  std::fprintf(stderr,
               "property violated: %s\nlist (hex): %s\nheader (hex): %s\n%s\n",
               what, hex(list).c_str(), hex(data).c_str(), detail.c_str());
  std::abort();
}

bool selected(const Expected& e, std::uint64_t n) {
  for (const auto& [first, last] : e.ranges)
    if (first <= n && n <= last)
      return true;
  return false;
}

// Whether fields agrees with itself (selected, first_64, beyond_64, every,
// last) and with the reference at every field up to limit and a few far
// ones.
std::string compare(const relu::Fields& fields, const Expected& e,
                    std::uint64_t limit) {
  std::vector<std::uint64_t> probes;
  for (std::uint64_t n = 1; n <= limit; ++n)
    probes.push_back(n);
  for (std::uint64_t n : {std::uint64_t{1} << 20, std::uint64_t{1} << 40,
                          relu::Fields::unbounded - 1})
    probes.push_back(n);
  std::uint64_t highest = 0;
  for (const auto& range : e.ranges)
    highest = std::max(highest, range.second);
  for (std::uint64_t n : probes) {
    bool want = selected(e, n);
    if (fields.selected(n) != want)
      return "field " + std::to_string(n) + ": selected " +
             std::to_string(fields.selected(n)) + ", want " +
             std::to_string(want);
    if (n <= 64 && ((fields.first_64() >> (n - 1)) & 1) != want)
      return "first_64 disagrees at field " + std::to_string(n);
  }
  // Every field, from the ranges themselves: probes would miss a gap
  // between them (-212,83161- leaves out 213).
  auto ranges = e.ranges;
  std::sort(ranges.begin(), ranges.end());
  std::uint64_t covered = 0; // fields 1 to covered are selected
  for (const auto& [first, last] : ranges)
    if (first <= covered + 1)
      covered = std::max(covered, last);
  const bool all = covered == relu::Fields::unbounded;
  if (fields.every() != all)
    return "every() is " + std::to_string(fields.every());
  if (fields.last() != relu::Fields::unbounded && fields.last() != highest)
    return "last() is " + std::to_string(fields.last());
  return "";
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes,
                                      std::size_t size) {
  // The first byte picks the splitting, the second the delimiter; the list
  // runs to the first NUL (an argument holds none), the header after it.
  if (size < 2)
    return 0;
  relu::Splitting how;
  how.terminator = bytes[0] & 4 ? '\0' : '\n';
  how.csv = bytes[0] & 2;
  how.delimited = how.csv || (bytes[0] & 1);
  how.delimiter = static_cast<char>(bytes[1]);
  if (how.delimiter == how.terminator || (how.csv && how.delimiter == '"'))
    how.delimiter = ',';
  std::string_view rest(reinterpret_cast<const char*>(bytes) + 2, size - 2);
  std::string_view list = rest.substr(0, rest.find('\0'));
  std::string_view data =
      list.size() < rest.size() ? rest.substr(list.size() + 1) : "";

  std::size_t want_size = 0;
  if (how.csv) {
    fuzz::CsvRecord r =
        fuzz::csv_record(data, 0, how.delimiter, how.terminator);
    want_size = r.terminated ? r.next : 0;
  } else if (std::size_t end = data.find(how.terminator);
             end != std::string_view::npos) {
    want_size = end + 1;
  }
  std::size_t got_size = relu::first_record_size(data, how);
  if (got_size != want_size)
    violated("first_record_size differs from the reference", list, data,
             std::to_string(got_size) + ", want " + std::to_string(want_size));

  std::string_view record = got_size ? data.substr(0, got_size - 1) : data;
  std::vector<std::string> names = relu::field_names(record, how);
  auto want_names = reference_names(record, how);
  bool same = names.size() == want_names.size();
  for (std::size_t i = 0; same && i < names.size(); ++i)
    same = !want_names[i] || *want_names[i] == names[i];
  if (!same) {
    std::string detail = "names (hex):";
    for (const auto& name : names)
      detail += " [" + hex(name) + "]";
    detail += "\nwant:";
    for (const auto& name : want_names)
      detail += name ? " [" + hex(*name) + "]" : " (any)";
    violated("field_names differs from the reference", list, data, detail);
  }

  Expected want = ListReference(list, names).run();
  std::optional<relu::Fields> got;
  std::string error;
  try {
    got = relu::NamedFields::parse(list).resolve(names);
  } catch (const std::invalid_argument& e) {
    error = e.what();
  }
  if (want.kind == Expected::undecided)
    return 0;
  if (want.kind == Expected::error) {
    if (got)
      violated("a list README calls wrong was accepted", list, data, "");
    if (!error.starts_with(want.message))
      violated("the error is not the one README gives", list, data,
               "got: " + error + "\nwant: " + want.message + "...");
    return 0;
  }
  if (!got)
    violated("a list README accepts was refused", list, data, error);
  if (std::string diff = compare(*got, want, names.size() + 70); !diff.empty())
    violated("the selection differs from the reference", list, data, diff);
  return 0;
}
