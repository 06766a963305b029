// Operands go through one Stream, record by record; standard input through
// one Stream, or through Streams on several threads where conversion is the
// work and the process has the CPUs for them.
#include "execute.hpp"

#include "output.hpp"
#include "parallel.hpp"
#include "stream.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <unistd.h>

namespace relu {
namespace {

// Whether an operand holds no field at all: empty, or only blanks,
// newlines (an argument cannot hold NUL, the other terminator), and CRs
// that end a record, which belong to no field: one before a newline that
// ends a record, or at the operand's end.
bool has_no_field(std::string_view operand, char terminator) {
  for (std::size_t i = 0; i < operand.size(); ++i) {
    const char c = operand[i];
    if (c == '\r') {
      if (i + 1 != operand.size() &&
          !(operand[i + 1] == '\n' && terminator == '\n'))
        return false;
    } else if (c != ' ' && c != '\t' && c != '\n') {
      return false;
    }
  }
  return true;
}

int run_operands(const Options& options, Output& out) {
  if (options.header > 0)
    report_error("--header ignored with command-line input");
  Options stream_options = options;
  stream_options.header = 0;
  std::size_t argument = 0;
  Stream stream(stream_options, out, [&argument](const Diagnostic& d) {
    report_error(
        fmt::format("argument {}, field {}: {}", argument, d.field, d.text));
  });
  // An operand without a field is a number asked for, unless the field
  // list leaves out its first field.
  bool asks_first = options.fields.selected(1);
  bool invalid = false;
  std::string record;
  for (const auto& number : options.numbers) {
    ++argument;
    record.assign(number);
    record += options.terminator;
    if (!has_no_field(number, options.terminator) || !asks_first) {
      stream.process(record, true);
      if (stream.aborted())
        break;
      continue;
    }
    invalid = true;
    if (options.invalid == InvalidMode::ignore) {
      out.append(record);
      continue;
    }
    out.flush();
    report_error(
        fmt::format("argument {}, field 1: invalid number: ''", argument));
    if (options.invalid == InvalidMode::abort)
      return 2;
    out.append(record);
  }
  out.flush();
  invalid |= stream.saw_invalid();
  bool failed =
      stream.aborted() || (invalid && options.invalid == InvalidMode::fail);
  return failed ? 2 : 0;
}

} // namespace

int execute(const Options& options) {
  Output out(fd_sink(STDOUT_FILENO));
  const auto& numbers = options.numbers;
  if (!numbers.empty() && !(numbers.size() == 1 && numbers[0] == "-"))
    return run_operands(options, out);
  Reporter report = [](const Diagnostic& d) {
    report_error(
        fmt::format("line {}, field {}: {}", d.record, d.field, d.text));
  };
  Outcome outcome;
  const unsigned jobs = std::min(options.jobs, available_cpus());
  if (jobs > 1 && conversions_cost(options)) {
    outcome = run_parallel(options, fd_sink(STDOUT_FILENO), report,
                           fd_source(STDIN_FILENO), jobs);
  } else {
    Stream stream(options, out, report);
    run(stream, out, fd_reader(STDIN_FILENO));
    outcome = {stream.aborted(), stream.saw_invalid()};
  }
  bool failed = outcome.aborted ||
                (outcome.invalid && options.invalid == InvalidMode::fail);
  return failed ? 2 : 0;
}

} // namespace relu
