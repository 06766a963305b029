// CLI11 would read "-.5" or "-inf" as unknown short options, so the
// arguments are first sorted into options and operands by our own number
// syntax, and CLI11 sees the operands after "--".
#include "cli.hpp"

#include "number.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#ifndef RELU_VERSION
#error "RELU_VERSION must be defined by the build"
#endif

namespace relu {
namespace {

constexpr const char* description =
    "Evaluate ReLU, leaky ReLU or their derivatives on each NUMBER, or on the\n"
    "numbers in the fields of standard input, and print the results.\n"
    "Everything that is not a converted number is copied unchanged.\n";

constexpr const char* footer =
    R"(Exit status: 0 success, 1 usage or I/O error, 2 invalid number.

Examples:
  $ relu 2.0 -3.0
  2.0
  0
  $ relu --leaky -- -3
  -0.03
  $ seq -2 2 | relu --grad | paste -sd ' '
  0 0 0 1 1
  $ printf 'id,w\na,-0.5\nb,0.25\n' | relu -d , --header -f 2- -l
  id,w
  a,-0.005
  b,0.25)";

// Help in the shape of GNU tools: "-l, --leaky", values after the names.
class HelpFormatter : public CLI::Formatter {
public:
  std::string make_option_name(const CLI::Option* option,
                               bool positional) const override {
    std::string names = CLI::Formatter::make_option_name(option, positional);
    std::string text;
    for (char c : names)
      text += c == ',' ? std::string(", ") : std::string(1, c);
    return text;
  }

  std::string make_option_opts(const CLI::Option* option) const override {
    std::string type = option->get_type_name();
    if (type.empty() || type.front() == '[')
      return type;
    return " " + type;
  }
};

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The option named name, or a GNU-style usage error.
const CLI::Option& known(const CLI::App& app, const std::string& name) {
  const CLI::Option* option = app.get_option_no_throw(name);
  if (option == nullptr)
    throw UsageError(name[1] == '-'
                         ? fmt::format("unrecognized option '{}'", name)
                         : fmt::format("invalid option -- '{}'", name[1]));
  return *option;
}

bool takes_value(const CLI::Option& option) {
  return option.get_expected_min() > 0;
}

// Sort argv into operands, in their order, and options for CLI11, each
// value attached to its option's long name; return the options reversed, as
// CLI11 wants them.
std::vector<std::string> arrange(const CLI::App& app, int argc,
                                 const char* const* argv,
                                 std::vector<std::string>& operands) {
  std::vector<std::string> options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      operands.insert(operands.end(), argv + i + 1, argv + argc);
      break;
    }
    if (arg.size() < 2 || arg[0] != '-' || classify(arg) != Kind::invalid) {
      operands.push_back(std::move(arg));
      continue;
    }
    std::string name = arg.substr(0, arg.find('='));
    std::string value;
    if (arg[1] == '-') {
      const CLI::Option& option = known(app, name);
      if (name.size() < arg.size() && option.get_items_expected_max() == 0)
        throw UsageError(
            fmt::format("option '{}' doesn't allow an argument", name));
      if (name.size() < arg.size() || !takes_value(option)) {
        options.push_back(std::move(arg));
        continue;
      }
      if (i + 1 == argc)
        throw UsageError(fmt::format("option '{}' requires an argument", name));
      options.push_back(name + "=" + argv[++i]);
      continue;
    }
    // A cluster of short options: the first that takes a value takes the
    // rest of the cluster, or else the next argument.
    for (std::size_t j = 1; j < arg.size(); ++j) {
      const CLI::Option& option = known(app, std::string{'-', arg[j]});
      if (!takes_value(option)) {
        options.push_back(std::string{'-', arg[j]});
        continue;
      }
      if (j + 1 == arg.size() && i + 1 == argc)
        throw UsageError(
            fmt::format("option requires an argument -- '{}'", arg[j]));
      std::string attached =
          j + 1 < arg.size() ? arg.substr(j + 1) : std::string(argv[++i]);
      options.push_back("--" + option.get_lnames().front() + "=" + attached);
      break;
    }
  }
  std::reverse(options.begin(), options.end());
  return options;
}

// Parse a whole non-negative decimal number below limit.
std::uint64_t whole_number(const std::string& text, std::uint64_t limit,
                           const std::string& what) {
  std::uint64_t n = 0;
  bool ok = !text.empty();
  for (char c : text) {
    if (c < '0' || c > '9' || n > limit / 10) {
      ok = false;
      break;
    }
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (!ok || n >= limit)
    throw UsageError(fmt::format("invalid {} '{}'", what, text));
  return n;
}

Exit usage_error(std::string_view message) {
  return Exit{1, "",
              fmt::format("relu: {}\nTry 'relu --help' for more information.\n",
                          message)};
}

} // namespace

std::variant<Options, Exit> parse_command_line(int argc,
                                               const char* const* argv) {
  CLI::App app{description, "relu"};
  app.footer(footer);
  auto formatter = std::make_shared<HelpFormatter>();
  formatter->column_width(28);
  app.formatter(formatter);
  // As in GNU tools, a repeated option's last value wins.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);

  bool leaky = false;
  bool derivative = false;
  bool zero_terminated = false;
  std::string alpha, fields, delimiter, header, invalid, format, precision;

  app.add_flag("-l,--leaky", leaky,
               "leaky ReLU: x for x > 0, alpha*x otherwise");
  auto* alpha_option =
      app.add_option("-a,--alpha", alpha,
                     "slope below zero (default 0.01); implies --leaky")
          ->type_name("SLOPE");
  app.add_flag("-g,--grad,--derivative", derivative,
               "print the derivative instead of the value");
  app.add_option("-f,--fields", fields,
                 "convert only these fields, cut syntax: 1,3-5,7-,-2")
      ->type_name("LIST");
  app.add_option("-d,--delimiter", delimiter,
                 "fields are separated by CHAR, not runs of blanks")
      ->type_name("CHAR");
  auto* header_option =
      app.add_option("--header", header,
                     "pass the first N (1) records through unchanged")
          ->expected(0, 1)
          ->type_name("[=N]");
  app.add_option("--invalid", invalid,
                 "on a bad number: abort (default)|fail|warn|ignore")
      ->type_name("MODE")
      ->check(
          CLI::IsMember({"abort", "fail", "warn", "ignore"}).description(""));
  app.add_flag("-z,--zero-terminated", zero_terminated,
               "records end with NUL instead of newline");
  auto* format_option =
      app.add_option("--format", format,
                     "printf style, one of %f %e %g %a: '%.3f', 'x=%g'")
          ->type_name("FMT");
  app.add_option("-p,--precision", precision,
                 "N digits after the point: --format %.Nf")
      ->type_name("N")
      ->excludes(format_option);
  // Operands never reach CLI11 (see arrange); this documents them.
  std::vector<std::string> documented;
  app.add_option("NUMBER", documented,
                 "numbers; none, or '-': read standard input")
      ->type_name("");
  app.set_version_flag("-V,--version", "relu " RELU_VERSION);

  try {
    std::vector<std::string> numbers;
    auto args = arrange(app, argc, argv, numbers);
    app.parse(args);

    Options options;
    options.numbers = std::move(numbers);
    options.activation.leaky = leaky || alpha_option->count() > 0;
    options.activation.derivative = derivative;
    if (alpha_option->count() > 0) {
      double slope = std::nan("");
      if (classify(alpha) != Kind::invalid)
        slope = parse_number(alpha);
      if (!std::isfinite(slope))
        throw UsageError(fmt::format(
            "invalid --alpha '{}': it must be a finite number", alpha));
      options.activation.alpha = slope;
    }
    options.terminator = zero_terminated ? '\0' : '\n';
    if (app.count("--fields") > 0) {
      try {
        options.fields = Fields::parse(fields);
      } catch (const std::invalid_argument& e) {
        throw UsageError(fmt::format("invalid --fields: {}", e.what()));
      }
    }
    if (app.count("--delimiter") > 0) {
      if (delimiter.size() != 1)
        throw UsageError("the delimiter must be a single character");
      if (delimiter[0] == options.terminator)
        throw UsageError("the delimiter cannot be the record terminator");
      options.delimiter = delimiter[0];
    }
    if (header_option->count() > 0) {
      options.header =
          header.empty() ? 1 : whole_number(header, UINT64_MAX, "header value");
      if (options.header == 0)
        throw UsageError("invalid header value '0'");
    }
    if (invalid == "fail")
      options.invalid = InvalidMode::fail;
    else if (invalid == "warn")
      options.invalid = InvalidMode::warn;
    else if (invalid == "ignore")
      options.invalid = InvalidMode::ignore;
    try {
      if (app.count("--format") > 0)
        options.format = Format::parse(format);
      if (app.count("--precision") > 0)
        options.format = Format::fixed(
            static_cast<int>(whole_number(precision, 10000, "--precision")));
    } catch (const std::invalid_argument& e) {
      throw UsageError(
          fmt::format("invalid --format '{}': {}", format, e.what()));
    }
    return options;
  } catch (const CLI::CallForHelp&) {
    return Exit{0, app.help(), ""};
  } catch (const CLI::CallForVersion& e) {
    return Exit{0, std::string(e.what()) + "\n", ""};
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  } catch (const UsageError& e) {
    return usage_error(e.what());
  }
}

} // namespace relu
