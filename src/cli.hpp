// The command line: each option validates its own value, then one step
// builds the Options value for the stream processor.
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

// Parse argv by getopt_long's rules: options and operands in any order, "--"
// ends the options, long options may be abbreviated to a unique prefix, the
// optional value of --header must be attached with '='; --help and
// --version act where they stand. But a word of '-' and a digit or '.', or
// a number such as -inf, is an operand: no option is a digit.
std::variant<Options, Exit> parse_command_line(int argc,
                                               const char* const* argv);

} // namespace relu
