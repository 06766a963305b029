// Running relu: decides between the operands, one thread and many, and
// maps what the run found to the exit status. The one place that knows all
// three ways in; the stream and the threads know nothing of each other's
// callers.
#pragma once

#include "options.hpp"

namespace relu {

// Process the operands, or standard input, to standard output with
// diagnostics on standard error; return the exit status (0, or 2 for
// invalid numbers). Each operand is one number asked for: an empty or
// blank one is invalid, unless --fields leaves out field 1. Throw IoError
// on a failed read or write.
int execute(const Options& options);

} // namespace relu
