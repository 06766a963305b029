// The command line: each option validates its own value, then one step
// builds the Options value for the stream processor.
#pragma once

#include "options.hpp"

#include <string>
#include <string_view>
#include <variant>
#include <vector>

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
// --version act where they stand, --help printing help. But a word of '-'
// and a digit or '.', or a number such as -inf, is an operand: no option is
// a digit.
std::variant<Options, Exit>
parse_command_line(int argc, const char* const* argv, std::string_view help);

// One option as --help shows it: its names ("-g,--grad,--derivative"), the
// name of its value ("" for a flag), whether that value is optional
// ("--header[=N]"), and what it does.
struct HelpOption {
  std::string_view names;
  std::string_view value_name;
  bool optional_value;
  std::string text;
};

// What --help says: the description, every option in the order of the
// table that parse_command_line walks, and the footer with the exit
// statuses and examples.
struct HelpSource {
  std::string_view description;
  std::string_view footer;
  std::vector<HelpOption> options;
};

// Return the pieces of --help, which src/help.cpp lays out at build time.
HelpSource help_source();

} // namespace relu
