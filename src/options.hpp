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
  // prelu's weights, one per selected field in field order, when --weight
  // lists more than one (then activation's weight is unused); else empty.
  std::vector<double> weights;
  unsigned jobs = 1; // threads asked for; execute() uses at most the CPUs
  std::vector<std::string> numbers; // operands; none: read standard input
};

// What is wrong with the fields options selects for the weights of
// --weight, where it lists several, or "" if nothing: each weight needs
// its field, so the list must name as many fields and be closed.
inline std::string weights_mismatch(const Options& options) {
  const std::uint64_t n = options.weights.size();
  if (n == 0 || options.fields.count() == n)
    return "";
  return "--weight gives " + std::to_string(n) +
         " weights, so --fields must select exactly " + std::to_string(n) +
         " fields";
}

} // namespace relu
