#include "field_names.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// The selected fields among 1..8 as a string of '1' and '.'.
std::string pattern(const relu::Fields& fields) {
  std::string s;
  for (std::uint64_t n = 1; n <= 8; ++n)
    s += fields.selected(n) ? '1' : '.';
  return s;
}

// What resolving list against names selects, or the error's text.
std::string selects(const char* list, const std::vector<std::string>& names) {
  try {
    return pattern(relu::NamedFields::parse(list).resolve(names));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
}

const std::vector<std::string> header = {"id",  "w1", "w2",  "2019",
                                         "a,b", "w1", "x-y", "say \"hi\""};

} // namespace

TEST_SUITE("field_names") {
  TEST_CASE("NamedFields resolves names, ranges and numbers") {
    struct Row {
      const char* list;
      const char* selected;
    };

    for (const Row& row : {
             Row{"w1", ".1......"},
             Row{"w1[0]", ".1......"},
             Row{"w1[1]", ".....1.."},
             Row{"w2,id", "1.1....."},
             Row{"w1-\"2019\"", ".111...."},
             Row{"w1-2019", ".1111111"}, // digits are a number
             Row{"w2-", "..111111"},
             Row{"-w2", "111....."},
             Row{"2-w2", ".11....."},
             Row{"\"2019\"", "...1...."},
             Row{"\"a,b\" \"x-y\"", "....1.1."},
             Row{"\"say \"\"hi\"\"\"", ".......1"},
             Row{"id,8", "1......1"},
             Row{"w1[1]-", ".....111"},
         }) {
      CAPTURE(std::string(row.list));
      CHECK(selects(row.list, header) == row.selected);
    }
  }

  TEST_CASE("NamedFields errors name what is wrong") {
    struct Row {
      const char* list;
      const char* error;
    };

    for (const Row& row : {
             Row{"w9", "no field named 'w9' in the header: it has 'id', 'w1', "
                       "'w2', '2019', 'a,b', 'w1', 'x-y', 'say \"hi\"'"},
             Row{"w1[2]", "no field named 'w1'[2] in the header: it has 'id', "
                          "'w1', 'w2', '2019', 'a,b', 'w1', 'x-y', 'say "
                          "\"hi\"'"},
             Row{"w2-id", "invalid decreasing range 'w2-id'"},
             Row{"\"w1", "unterminated quote in field name '\"w1'"},
             Row{"w1[x]", "invalid field occurrence '[x]'"},
             Row{"w1[", "invalid field occurrence '['"},
             Row{"w1,,w2", "fields are numbered from 1"},
             Row{"0-w1", "fields are numbered from 1"},
             Row{"-", "invalid range with no endpoint: -"},
             Row{"w1-w2-w3", "invalid field value '-w3'"},
             Row{"\"a\"b", "invalid field value 'b'"},
             Row{"", "the list of fields is empty"},
         }) {
      CAPTURE(std::string(row.list));
      CHECK(selects(row.list, header) == row.error);
    }
    CHECK(selects("a", {}) ==
          "no field named 'a' in the header: it has no fields");
  }

  TEST_CASE("field_names splits a record as the stream does") {
    using Names = std::vector<std::string>;
    const relu::Splitting blanks{};
    const relu::Splitting comma{.delimited = true};
    const relu::Splitting csv{.delimited = true, .csv = true};
    CHECK(relu::field_names(" a\tb  c\r", blanks) == Names{"a", "b", "c"});
    CHECK(relu::field_names("", blanks) == Names{});
    CHECK(relu::field_names(" a , \"b,c\",", comma) ==
          Names{"a", "\"b", "c\"", ""});
    CHECK(relu::field_names(" a ,\"b,c\",\"d\"\"e\",\"\",f\r", csv) ==
          Names{"a", "b,c", "d\"e", "", "f"});
    CHECK(relu::field_names("x\"y,\"z\"w", csv) == Names{"x\"y", "\"z\"w"});
    // A CR after the closing quote, before the record's own CR: text after
    // it, as the stream reads the field, not a name cut before the quote.
    CHECK(relu::field_names("a,\"x\"\r\r", csv) == Names{"a", "\"x\"\r"});
  }

  TEST_CASE("first_record_size ends at a terminator outside quotes") {
    const relu::Splitting comma{.delimited = true};
    const relu::Splitting csv{.delimited = true, .csv = true};
    CHECK(relu::first_record_size("a,\"b\nc\"\nd\n", comma) == 5);
    CHECK(relu::first_record_size("a,\"b\nc\"\nd\n", csv) == 8);
    CHECK(relu::first_record_size("a,\"b\nc", csv) == 0);
    CHECK(relu::first_record_size("abc", comma) == 0);
  }
}
