// Field names: xsv's selection syntax where it fits cut's (items separated
// by commas or blanks, ranges with '-'), its double quotes for names that
// look like numbers or hold separators, and its name[k] for duplicates.
#include "field_names.hpp"

#include "csv.hpp"
#include "quote.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace relu {
namespace {

[[noreturn]] void fail(const std::string& message) {
  throw std::invalid_argument(message);
}

bool is_separator(char c) { return c == ',' || c == ' ' || c == '\t'; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A byte that ends an unquoted name.
bool ends_name(char c) {
  return is_separator(c) || c == '-' || c == '"' || c == '[' || c == ']';
}

// Return the number of digits as a field number, which must be at least 1
// and stay below Fields::unbounded.
std::uint64_t field_number(std::string_view digits) {
  std::uint64_t n = 0;
  for (char c : digits) {
    auto digit = static_cast<std::uint64_t>(c - '0');
    if (n > (Fields::unbounded - 1 - digit) / 10)
      fail("field number " + quote(digits) + " is too large");
    n = n * 10 + digit;
  }
  if (n == 0)
    fail("fields are numbered from 1");
  return n;
}

// Read a quoted name at list[i], its opening quote, leaving i after it.
std::string quoted_name(std::string_view list, std::size_t& i) {
  const std::size_t start = i;
  std::string name;
  for (++i;; ++i) {
    if (i == list.size())
      fail("unterminated quote in field name " + quote(list.substr(start)));
    if (list[i] != '"') {
      name += list[i];
    } else if (i + 1 < list.size() && list[i + 1] == '"') {
      name += '"';
      ++i;
    } else {
      ++i;
      return name;
    }
  }
}

// Read "[k]" at list[i], if there, leaving i after it.
std::uint64_t occurrence(std::string_view list, std::size_t& i) {
  if (i == list.size() || list[i] != '[')
    return 0;
  const std::size_t start = i;
  std::uint64_t k = 0;
  for (++i; i < list.size() && is_digit(list[i]); ++i) {
    if (k > (Fields::unbounded - 9) / 10)
      fail("invalid field occurrence " + quote(list.substr(start)));
    k = k * 10 + static_cast<std::uint64_t>(list[i] - '0');
  }
  if (i == start + 1 || i == list.size() || list[i] != ']')
    fail("invalid field occurrence " + quote(list.substr(start)));
  ++i;
  return k;
}

// The content of a quoted field, "" read as one quote, or none if text
// follows its closing quote (a CR the lexer let pass, as the one of a
// CRLF): such a field is malformed, and named by its text, as the stream
// reports it.
std::optional<std::string> quoted_content(std::string_view field) {
  std::string content;
  for (std::size_t i = 1; i < field.size(); ++i) {
    if (field[i] != '"')
      content += field[i];
    else if (i + 1 == field.size())
      return content;
    else if (field[i + 1] == '"')
      content += field[++i];
    else
      return std::nullopt;
  }
  return std::nullopt;
}

} // namespace

NamedFields NamedFields::parse(std::string_view list) {
  if (list.empty())
    fail("the list of fields is empty");
  // A bound at list[i], if there is one, leaving i after it.
  auto bound = [list](std::size_t& i, Bound& b) {
    if (i == list.size() || is_separator(list[i]) || list[i] == '-')
      return false;
    if (list[i] == '"') {
      b.name = quoted_name(list, i);
    } else {
      const std::size_t start = i;
      while (i < list.size() && !ends_name(list[i]))
        ++i;
      std::string_view word = list.substr(start, i - start);
      if (word.empty())
        fail("invalid field value " + quote(list.substr(start)));
      if (std::all_of(word.begin(), word.end(), is_digit)) {
        b.number = field_number(word);
        return true;
      }
      b.name = word;
    }
    b.occurrence = occurrence(list, i);
    return true;
  };
  NamedFields fields;
  for (std::size_t i = 0;; ++i) {
    const std::size_t start = i;
    Item item;
    item.has_first = bound(i, item.first);
    if (i < list.size() && list[i] == '-') {
      item.range = true;
      ++i;
      item.has_last = bound(i, item.last);
      if (!item.has_first && !item.has_last)
        fail("invalid range with no endpoint: -");
    } else if (!item.has_first) {
      fail("fields are numbered from 1"); // an empty item, as cut says
    }
    if (i < list.size() && !is_separator(list[i]))
      fail("invalid field value " + quote(list.substr(i)));
    item.text = list.substr(start, i - start);
    fields.items_.push_back(std::move(item));
    if (i == list.size())
      return fields;
  }
}

Fields NamedFields::resolve(const std::vector<std::string>& names) const {
  auto number = [&names](const Bound& b) {
    if (b.name.empty() && b.number != 0)
      return b.number;
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == b.name && seen++ == b.occurrence)
        return static_cast<std::uint64_t>(i + 1);
    std::string message = "no field named " + quote(b.name);
    if (b.occurrence != 0)
      message += fmt::format("[{}]", b.occurrence);
    message += " in the header: it has ";
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i != 0)
        message += ", ";
      message += quote(names[i]);
    }
    if (names.empty())
      message += "no fields";
    fail(message);
  };
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (const Item& item : items_) {
    const std::uint64_t first = item.has_first ? number(item.first) : 1;
    const std::uint64_t last = item.has_last ? number(item.last)
                               : item.range  ? Fields::unbounded
                                             : first;
    if (last < first)
      fail("invalid decreasing range " + quote(item.text));
    ranges.emplace_back(first, last);
  }
  return Fields::of(std::move(ranges));
}

std::size_t first_record_size(std::string_view data, const Splitting& how) {
  if (!how.csv) {
    const std::size_t at = data.find(how.terminator);
    return at == std::string_view::npos ? 0 : at + 1;
  }
  csv::Lexer lexer(how.delimiter, how.terminator);
  const char* p = data.data();
  const char* const end = p + data.size();
  for (const char* r; (r = lexer.find_separator(p, end)) != end;) {
    if (*r == how.terminator)
      return static_cast<std::size_t>(r + 1 - data.data());
    lexer.reset();
    p = r + 1;
  }
  return 0;
}

std::vector<std::string> field_names(std::string_view record,
                                     const Splitting& how) {
  if (record.ends_with('\r'))
    record.remove_suffix(1);
  const std::string_view blanks = how.terminator == '\0' ? " \t\n" : " \t";
  auto trimmed = [blanks](std::string_view text) {
    const std::size_t first = text.find_first_not_of(blanks);
    if (first == std::string_view::npos)
      return std::string();
    return std::string(
        text.substr(first, text.find_last_not_of(blanks) - first + 1));
  };
  std::vector<std::string> names;
  if (!how.delimited) {
    for (std::size_t i = record.find_first_not_of(blanks);
         i != std::string_view::npos;) {
      const std::size_t end =
          std::min(record.find_first_of(blanks, i), record.size());
      names.emplace_back(record.substr(i, end - i));
      i = record.find_first_not_of(blanks, end);
    }
    return names;
  }
  csv::Lexer lexer(how.delimiter, how.terminator);
  const char* p = record.data();
  const char* const end = p + record.size();
  for (;;) {
    lexer.reset();
    const char* r = how.csv ? lexer.find_separator(p, end)
                            : std::find(p, end, how.delimiter);
    std::string_view field(p, static_cast<std::size_t>(r - p));
    std::optional<std::string> inside;
    if (how.csv && field.starts_with('"') && !lexer.open() &&
        lexer.problems() == 0)
      inside = quoted_content(field);
    names.push_back(inside ? std::move(*inside) : trimmed(field));
    if (r == end)
      return names;
    p = r + 1;
  }
}

} // namespace relu
