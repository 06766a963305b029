// The long sweep of --format (RELU_LONG_TESTS): every conversion of the
// differential test on every value, where the unit tests try a sample.
#include "format.hpp"
#include "format_oracle.hpp"

#include <doctest/doctest.h>

using namespace format_oracle;

TEST_SUITE("format") {
  TEST_CASE("Format::write prints what snprintf prints, every conversion") {
    auto values = edges();
    for (double x : pool())
      values.push_back(x);
    Oracle oracle;
    for (char type : types)
      for (unsigned flags = 0; flags < flag_sets; ++flags)
        for (int width = 0; width <= max_width; ++width)
          for (int precision = -1; precision <= max_precision; ++precision) {
            auto text = conversion(flags, width, precision, type);
            auto format = relu::Format::parse(text);
            for (double x : values)
              oracle.compare(text, format, x);
          }
    CHECK(oracle.differences == 0);
  }
}
