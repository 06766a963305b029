#include "quote.hpp"

#include <doctest/doctest.h>

#include <string>

TEST_SUITE("quote") {
  TEST_CASE("quote") {
    struct Row {
      std::string text;
      std::string quoted;
    };

    for (const auto& row : {
             Row{"abc", "'abc'"},
             Row{"", "''"},
             Row{"it's", "'it\\'s'"},
             Row{"a\\b", "'a\\\\b'"},
             Row{"\x1b[2J", "'\\x1b[2J'"},
             Row{std::string("\0\n\x7f\xff", 4), "'\\x00\\x0a\\x7f\\xff'"},
             Row{std::string(64, 'a'), "'" + std::string(64, 'a') + "'"},
             Row{std::string(65, 'a'), "'" + std::string(64, 'a') + "'..."},
         }) {
      const auto& text = row.text;
      const auto& quoted = row.quoted;
      CAPTURE(text);
      CHECK(relu::quote(text) == quoted);
    }
  }

  TEST_CASE("printable") {
    struct Row {
      std::string text;
      std::string shown;
    };

    for (const auto& row : {
             Row{"'%5$' is bad", "'%5$' is bad"},
             Row{"a\\b", "a\\b"},
             Row{"'%\x1b'", "'%\\x1b'"},
             Row{std::string(100, 'a'), std::string(100, 'a')},
         }) {
      const auto& text = row.text;
      const auto& shown = row.shown;
      CAPTURE(text);
      CHECK(relu::printable(text) == shown);
    }
  }
}
