// Everything the command line decides, as one value built by cli.cpp.
#pragma once

#include "activation.hpp"
#include "field_names.hpp"
#include "fields.hpp"
#include "format.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relu {

// What to do with a field that is not a number, as GNU numfmt --invalid.
enum class InvalidMode { abort, fail, warn, ignore };

struct Options {
  Activation activation;
  Fields fields;
  // Fields by the names of the header's first record, which execute()
  // resolves into fields.
  std::optional<NamedFields> named_fields;
  std::optional<char> delimiter; // none: fields are runs of non-blanks
  bool csv = false;              // RFC 4180 quotes (src/csv.hpp)
  char terminator = '\n';
  std::uint64_t header = 0; // records passed through unchanged
  bool drop_header = false; // or read (for names) and not written
  InvalidMode invalid = InvalidMode::abort;
  Format format;
  unsigned jobs = 1; // threads asked for; execute() uses at most the CPUs
  std::vector<std::string> numbers; // operands; none: read standard input
};

} // namespace relu
