// The command line: CLI11 parses and documents the options, then each value
// is validated and one Options value is built for the stream processor.
#pragma once

#include "options.hpp"

#include <string>
#include <variant>

namespace relu {

// What to print and the exit status, when the command line asks for no run:
// --help, --version, or a usage error (status 1, message and hint on err).
struct Exit {
  int status = 0;
  std::string out;
  std::string err;
};

// Parse argv. Numbers that look like options (-3, -.5, -inf, -nan) are
// operands; GNU rules otherwise: "--" ends the options, and the optional
// value of --header must be attached with '='.
std::variant<Options, Exit> parse_command_line(int argc,
                                               const char* const* argv);

} // namespace relu
