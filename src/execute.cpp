// Operands go through one Stream, record by record; standard input through
// one Stream, or through Streams on several threads where conversion is the
// work and the process has the CPUs for them.
#include "execute.hpp"

#include "field_names.hpp"
#include "output.hpp"
#include "parallel.hpp"
#include "stream.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unistd.h>

namespace relu {
namespace {

// The header does not have the names --fields asks for: exit 1, nothing
// written.
struct NamesError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

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

// The message of d, at record, e.g. "line 3": "line 3, field 2: ...", or
// "line 3: ..." for the record as a whole.
std::string message(std::string_view record, const Diagnostic& d) {
  return d.field == 0
             ? fmt::format("{}: {}", record, d.text)
             : fmt::format("{}, field {}: {}", record, d.field, d.text);
}

int run_operands(const Options& options, Output& out) {
  if (options.header > 0)
    report_error("--header ignored with command-line input");
  Options stream_options = options;
  stream_options.header = 0;
  std::size_t argument = 0;
  Stream stream(stream_options, out, [&argument](const Diagnostic& d) {
    report_error(message(fmt::format("argument {}", argument), d));
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

// Read until the first record has ended (or the input has), for the names
// of --fields: return what was read, which the run then reads first.
std::string read_header(const Reader& read, const Splitting& how,
                        std::size_t& size) {
  std::string head;
  std::string buffer(64 * 1024, '\0');
  while ((size = first_record_size(head, how)) == 0) {
    if (head.size() > max_field)
      throw NamesError("the header's first record is longer than 1 MiB");
    const std::size_t got = read(buffer.data(), buffer.size());
    if (got == 0) {
      size = head.size();
      break;
    }
    head.append(buffer.data(), got);
  }
  return head;
}

// Return a reader of prefix, then of read.
Reader after(std::string prefix, Reader read) {
  auto rest = std::make_shared<std::string>(std::move(prefix));
  auto at = std::make_shared<std::size_t>(0);
  return [rest, at, read](char* buf, std::size_t n) -> std::size_t {
    if (*at == rest->size())
      return read(buf, n);
    const std::size_t k = std::min(n, rest->size() - *at);
    std::memcpy(buf, rest->data() + *at, k);
    *at += k;
    return k;
  };
}

// Resolve the names of --fields from the header, read from source, which
// then reads it again.
void resolve_names(Options& options, Source& source) {
  const Splitting how{options.terminator, options.delimiter.has_value(),
                      options.delimiter.value_or(','), options.csv};
  std::size_t size = 0;
  std::string head = read_header(source.read, how, size);
  std::string_view record(head.data(), size);
  if (record.ends_with(options.terminator))
    record.remove_suffix(1);
  try {
    options.fields = options.named_fields->resolve(field_names(record, how));
  } catch (const std::invalid_argument& e) {
    throw NamesError(fmt::format("invalid --fields: {}", e.what()));
  }
  options.named_fields.reset();
  if (std::string why = weights_mismatch(options); !why.empty())
    throw NamesError(why);
  source.read = after(std::move(head), std::move(source.read));
}

} // namespace

int execute(const Options& given) {
  Output out(fd_sink(STDOUT_FILENO));
  const auto& numbers = given.numbers;
  if (!numbers.empty() && !(numbers.size() == 1 && numbers[0] == "-"))
    return run_operands(given, out);
  Reporter report = [](const Diagnostic& d) {
    report_error(message(fmt::format("line {}", d.record), d));
  };
  Options options = given;
  Source source = fd_source(STDIN_FILENO);
  if (options.named_fields) {
    try {
      resolve_names(options, source);
    } catch (const NamesError& e) {
      report_error(e.what());
      return 1;
    }
  }
  Outcome outcome;
  const unsigned jobs = std::min(options.jobs, available_cpus());
  if (jobs > 1 && conversions_cost(options)) {
    outcome =
        run_parallel(options, fd_sink(STDOUT_FILENO), report, source, jobs);
  } else {
    Stream stream(options, out, report);
    run(stream, out, source.read);
    outcome = {stream.aborted(), stream.saw_invalid()};
  }
  bool failed = outcome.aborted ||
                (outcome.invalid && options.invalid == InvalidMode::fail);
  return failed ? 2 : 0;
}

} // namespace relu
