#include "fields.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// The selected fields among 1..10 as a string of '1' and '.', as the list
// and a cursor walking it both say.
std::string pattern(const relu::Fields& fields) {
  std::string s;
  relu::Fields::Cursor cursor(fields);
  for (std::uint64_t n = 1; n <= 10; ++n) {
    CHECK(cursor.selected(n) == fields.selected(n));
    s += fields.selected(n) ? '1' : '.';
  }
  return s;
}

std::string error(const char* list) {
  try {
    relu::Fields::parse(list);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

} // namespace

TEST_SUITE("fields") {
  TEST_CASE("Fields::parse") {
    struct Row {
      const char* list;
      const char* selected;
      std::uint64_t last;
    };

    constexpr auto all = relu::Fields::unbounded;
    for (const auto& row : {
             Row{"1", "1.........", 1},
             Row{"2,4", ".1.1......", 4},
             Row{"3-5", "..111.....", 5},
             Row{"7-", "......1111", all},
             Row{"-2", "11........", 2},
             Row{"1,3-5,7-", "1.111.1111", all},
             Row{"5,1,3", "1.1.1.....", 5},
             Row{"2-4,3-6", ".11111....", 6},
             Row{"2-3,4-5", ".1111.....", 5},
             Row{"1-", "1111111111", all},
             Row{"1,1,1", "1.........", 1},
             Row{"1 3", "1.1.......", 3},
             Row{"1\t3-4,6", "1.11.1....", 6},
             Row{"1 -2", "11........", 2},
             Row{"9- 2", ".1......11", all},
             Row{"18446744073709551614", "..........", 18446744073709551614u},
         }) {
      const auto& list = row.list;
      const auto& selected = row.selected;
      const auto& last = row.last;
      CAPTURE(list);
      auto fields = relu::Fields::parse(list);
      CHECK(pattern(fields) == selected);
      CHECK(fields.last() == last);
    }
    CHECK(pattern(relu::Fields{}) == "1111111111");
    CHECK(relu::Fields{}.last() == all);
  }

  TEST_CASE("Fields::Cursor::selected after rewind") {
    const auto fields = relu::Fields::parse("2,5,9-");
    relu::Fields::Cursor cursor(fields);
    CHECK(!cursor.selected(1));
    CHECK(cursor.selected(5));
    CHECK(!cursor.selected(6));
    CHECK(cursor.selected(12));
    cursor.rewind();
    CHECK(cursor.selected(2));
    CHECK(!cursor.selected(3));
  }

  TEST_CASE("Fields::count and Fields::Cursor::rank") {
    // rank: each selected field of 1 to 10 in turn, 0-based in the list.
    struct Row {
      const char* list;
      std::uint64_t count;
      std::vector<std::uint64_t> ranks;
    };

    constexpr auto open = relu::Fields::unbounded;
    for (const Row& row : {
             Row{"3", 1, {0}},
             Row{"3,1", 2, {0, 1}},
             Row{"2-4,3,8", 4, {0, 1, 2, 3}},
             Row{"1-2,5-6,10", 5, {0, 1, 2, 3, 4}},
             Row{"9-", open, {0, 1}},
             Row{"2,4-", open, {0, 1, 2, 3, 4, 5, 6, 7}},
         }) {
      CAPTURE(row.list);
      const auto fields = relu::Fields::parse(row.list);
      CHECK(fields.count() == row.count);
      relu::Fields::Cursor cursor(fields);
      std::vector<std::uint64_t> ranks;
      for (std::uint64_t n = 1; n <= 10; ++n)
        if (cursor.selected(n))
          ranks.push_back(cursor.rank(n));
      CHECK(ranks == row.ranks);
    }
    CHECK(relu::Fields().count() == open);
  }

  TEST_CASE("Fields::first_64 and Fields::beyond_64") {
    struct Row {
      const char* list;
      std::uint64_t first_64;
      relu::Fields::Tail beyond_64;
    };

    using Tail = relu::Fields::Tail;
    constexpr auto all = ~std::uint64_t{0};
    for (const auto& row : {
             Row{"1", 1, Tail::none},
             Row{"2-", all - 1, Tail::every},
             Row{"1,3,5", 0x15, Tail::none},
             Row{"64", std::uint64_t{1} << 63, Tail::none},
             Row{"65", 0, Tail::some},
             Row{"65-", 0, Tail::every},
             Row{"66-", 0, Tail::some},
             Row{"60-70", 0x1fULL << 59, Tail::some},
             Row{"60-", 0x1fULL << 59, Tail::every},
             Row{"1-64", all, Tail::none},
             Row{"1-65", all, Tail::some},
             Row{"2,100-", 2, Tail::some},
         }) {
      const auto& list = row.list;
      CAPTURE(list);
      auto fields = relu::Fields::parse(list);
      CHECK(fields.first_64() == row.first_64);
      CHECK(fields.beyond_64() == row.beyond_64);
    }
    CHECK(relu::Fields{}.first_64() == all);
    CHECK(relu::Fields{}.beyond_64() == Tail::every);
  }

  TEST_CASE("Fields::parse errors") {
    struct Row {
      const char* list;
      const char* message;
    };

    for (const auto& row : {
             Row{"", "the list of fields is empty"},
             Row{"0", "fields are numbered from 1"},
             Row{"0-3", "fields are numbered from 1"},
             Row{"0-", "fields are numbered from 1"},
             Row{"-", "invalid range with no endpoint: -"},
             Row{"1,-", "invalid range with no endpoint: -"},
             Row{"5-2", "invalid decreasing range"},
             Row{"-0", "invalid decreasing range"},
             Row{"1-0", "invalid decreasing range"},
             Row{"a", "invalid field value 'a'"},
             Row{"1a,3", "invalid field value 'a,3'"},
             Row{"2-a", "invalid field value 'a'"},
             Row{"a-1-2", "invalid field value 'a-1-2'"},
             Row{",", "fields are numbered from 1"},
             Row{"1,,2", "fields are numbered from 1"},
             Row{"1,", "fields are numbered from 1"},
             Row{"1  2", "fields are numbered from 1"},
             Row{" 1", "fields are numbered from 1"},
             Row{"1, 2", "fields are numbered from 1"},
             Row{"1-2-3", "invalid field range"},
             Row{"--", "invalid field range"},
             Row{"it's", "invalid field value 'it\\'s'"},
             Row{"1\x1b[2J", "invalid field value '\\x1b[2J'"},
             Row{"18446744073709551615",
                 "field number '18446744073709551615' is too large"},
             Row{"99999999999999999999999",
                 "field number '99999999999999999999999' is too large"},
             Row{"1-99999999999999999999999,2",
                 "field number '99999999999999999999999' is too large"},
         }) {
      const auto& list = row.list;
      const auto& message = row.message;
      CAPTURE(list);
      CHECK(error(list) == message);
    }
  }
}
