// The command line in two levels, as ripgrep's lowargs and hiargs: argv is
// walked by getopt_long's rules and every option validates its own value as
// it comes; then one step checks the options against each other and builds
// Options. One table of options feeds both the walk and --help, which
// CLI11 lays out at build time (src/help.cpp).
#include "cli.hpp"

#include "dtype.hpp"
#include "number.hpp"
#include "quote.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#ifndef RELU_VERSION
#error "RELU_VERSION must be defined by the build"
#endif

namespace relu {
namespace {

constexpr const char* description =
    "Evaluate ReLU or another function of the rectifier family (--list), or\n"
    "its derivative, on each NUMBER, or on the numbers in the fields of\n"
    "standard input, and print the results, correctly rounded. Everything\n"
    "that is not a converted number is copied unchanged.\n";

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

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The names of the --invalid modes, for the walk and for --help alike.
struct ModeName {
  std::string_view name;
  InvalidMode mode;
};

constexpr std::array<ModeName, 4> invalid_modes{{
    {"abort", InvalidMode::abort},
    {"fail", InvalidMode::fail},
    {"warn", InvalidMode::warn},
    {"ignore", InvalidMode::ignore},
}};

// What the command line asks for; help, version and list end the walk.
enum class Action { run, help, version, list };

// The first level: what each option said, its value validated on its own.
struct Args {
  Action action = Action::run;
  const Function* function = nullptr; // none: relu, or leaky_relu with -a
  bool derivative = false;
  // The numbers the parameters' options gave, by their place in
  // parameters; --approximate's word goes to tanh.
  std::array<std::optional<double>, parameters.size()> parameter_values;
  std::optional<bool> tanh;
  // prelu's weights, when --weight lists more than one.
  std::vector<double> weights;
  Fields fields;
  // A list that names fields, which needs --header, and why it is not a
  // list of cut's.
  std::optional<NamedFields> named_fields;
  std::string not_cut;
  std::optional<char> delimiter;
  bool csv = false;
  bool zero_terminated = false;
  std::uint64_t header = 0;
  bool drop_header = false;
  InvalidMode invalid = InvalidMode::abort;
  std::optional<Format> format;
  std::optional<Format> precision;
  std::optional<unsigned> jobs;
  Dtype dtype = Dtype::float64;
  std::vector<std::string> numbers;
};

// An option's value; none for a flag, or an optional value not given.
using Value = std::optional<std::string_view>;

// How an option takes its value, as getopt_long's has_arg; an optional value
// must be attached ("--header=3").
enum class Arity { none, required, optional };

// One option: its names, its value, its line in --help, and how it checks
// and stores its value. A repeated option's last value wins, as in GNU tools.
struct Spec {
  std::string names; // as CLI11 takes them: "-g,--grad,--derivative"
  Arity arity;
  std::string_view value_name;
  std::string help;
  void (*set)(Args&, Value);
};

[[noreturn]] void invalid_value(std::string_view option, std::string_view text,
                                std::string_view why) {
  throw UsageError(fmt::format("invalid {} {}: {}", option, quote(text), why));
}

// Parse a whole non-negative decimal number below limit.
std::optional<std::uint64_t> whole_number(std::string_view text,
                                          std::uint64_t limit) {
  std::uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || n > limit / 10)
      return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (text.empty() || n >= limit)
    return std::nullopt;
  return n;
}

// A function's parameter: any finite number.
double parse_parameter(std::string_view option, std::string_view text) {
  double x =
      classify(text) == Kind::invalid ? std::nan("") : parse_number(text);
  if (!std::isfinite(x))
    invalid_value(option, text, "it must be a finite number");
  return x;
}

// "a, b or c", for messages that list the allowed values.
template <typename Names> std::string one_of(const Names& names) {
  std::string text;
  std::size_t i = 0;
  for (std::string_view name : names) {
    text += i == 0 ? "" : i + 1 == std::size(names) ? " or " : ", ";
    text += name;
    ++i;
  }
  return text;
}

const Function* parse_function(std::string_view text) {
  if (const Function* f = find_function(text))
    return f;
  std::vector<std::string_view> names;
  for (const auto& f : functions)
    names.push_back(f.name);
  invalid_value("--function", text, "it must be " + one_of(names));
}

Dtype parse_dtype(std::string_view text) {
  if (std::optional<Dtype> d = dtype_named(text))
    return *d;
  invalid_value("--dtype", text,
                "it must be float64, float32, bfloat16 or float16 (or "
                "double, float, half)");
}

bool parse_approximate(std::string_view text) {
  if (text != "none" && text != "tanh")
    invalid_value("--approximate", text, "it must be none or tanh");
  return text == "tanh";
}

// A list in cut's syntax, or else one that names fields, which build()
// accepts only with --header; a list that is neither gets cut's message.
void parse_fields(Args& a, std::string_view text) {
  a.named_fields.reset();
  a.not_cut.clear();
  try {
    a.fields = Fields::parse(text);
    return;
  } catch (const std::invalid_argument& e) {
    a.not_cut = fmt::format("invalid --fields: {}", e.what());
  }
  try {
    a.named_fields = NamedFields::parse(text);
  } catch (const std::invalid_argument&) {
    throw UsageError(a.not_cut);
  }
  // Numbers only ("3-1"): cut's list, and cut's error, header or not.
  if (!a.named_fields->has_names())
    throw UsageError(a.not_cut);
}

// As in cut, an empty delimiter is NUL.
char parse_delimiter(std::string_view text) {
  if (text.size() > 1)
    throw UsageError("the delimiter must be a single character");
  return text.empty() ? '\0' : text[0];
}

// numfmt's rules: N at least 1, and 1 when not given. N is read as numfmt's
// strtoumax reads it: white space and a '+' may lead, and every value up to
// 2^64 - 1 is taken; anything after the digits, or a '-', is refused.
std::uint64_t parse_header(Value text) {
  if (!text)
    return 1;
  std::string_view digits = *text;
  digits.remove_prefix(
      std::min(digits.find_first_not_of(" \t\n\v\f\r"), digits.size()));
  if (digits.starts_with('+'))
    digits.remove_prefix(1);
  std::uint64_t n = 0;
  const char* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(digits.data(), end, n);
  if (ec != std::errc{} || ptr != end || n == 0)
    throw UsageError(fmt::format("invalid header value {}", quote(*text)));
  return n;
}

InvalidMode parse_invalid(std::string_view text) {
  std::string names;
  for (std::size_t i = 0; i < invalid_modes.size(); ++i) {
    if (invalid_modes[i].name == text)
      return invalid_modes[i].mode;
    names += i == 0 ? "" : i + 1 == invalid_modes.size() ? " or " : ", ";
    names += invalid_modes[i].name;
  }
  invalid_value("--invalid", text, "it must be " + names);
}

Format parse_format(std::string_view text) {
  try {
    return Format::parse(text);
  } catch (const std::invalid_argument& e) {
    // The reason may show a piece of the format.
    invalid_value("--format", text, printable(e.what()));
  }
}

Format parse_precision(std::string_view text) {
  auto n = whole_number(text, 10000);
  if (!n)
    invalid_value("--precision", text, "it must be a whole number below 10000");
  return Format::fixed(static_cast<int>(*n));
}

// What --jobs accepts; a run uses no more threads than it has CPUs.
constexpr unsigned max_jobs = 256;

unsigned parse_jobs(std::string_view text) {
  auto n = whole_number(text, max_jobs + 1);
  if (!n || *n == 0)
    invalid_value(
        "--jobs", text,
        fmt::format("it must be a whole number from 1 to {}", max_jobs));
  return static_cast<unsigned>(*n);
}

// The default --jobs, which keeps peak memory within 8 MiB on any input;
// no run uses more threads than it has CPUs (available_cpus()).
constexpr unsigned default_jobs = 4;

std::string invalid_help() {
  std::string help = "on a bad number:";
  for (const auto& [name, mode] : invalid_modes)
    help += fmt::format("{}{}{}", mode == InvalidMode::abort ? " " : "|", name,
                        mode == InvalidMode::abort ? " (default)" : "");
  return help;
}

// How each option stores its value; the parse_ functions validate it.
void set_function(Args& a, Value v) { a.function = parse_function(*v); }

void set_leaky(Args& a, Value) { a.function = find_function("leaky_relu"); }

// prelu's --weight: one number, or one per selected field separated by
// commas, as PyTorch's per-channel weights of a matrix read row by row.
void set_weights(Args& a, std::string_view option, std::string_view text) {
  a.weights.clear();
  if (text.find(',') == std::string_view::npos)
    return;
  for (std::size_t start = 0;;) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view item = text.substr(start, comma - start);
    const double x =
        classify(item) == Kind::invalid ? std::nan("") : parse_number(item);
    if (!std::isfinite(x))
      invalid_value(option, text, "each weight must be a finite number");
    a.weights.push_back(x);
    if (comma == text.size())
      break;
    start = comma + 1;
  }
}

template <std::size_t I> void set_parameter(Args& a, Value v) {
  if constexpr (parameters[I].member == nullptr) {
    a.tanh = parse_approximate(*v);
  } else if constexpr (parameters[I].bit == param::weight) {
    set_weights(a, parameters[I].option, *v);
    a.parameter_values[I] = a.weights.empty()
                                ? parse_parameter(parameters[I].option, *v)
                                : a.weights[0];
  } else {
    a.parameter_values[I] = parse_parameter(parameters[I].option, *v);
  }
}

// The options of the parameters, from their table, in its order.
template <std::size_t... I>
void add_parameters(std::vector<Spec>& specs, std::index_sequence<I...>) {
  auto names = [](const Parameter& p) {
    return p.short_option == '\0'
               ? std::string(p.option)
               : fmt::format("-{},{}", p.short_option, p.option);
  };
  (specs.push_back({names(parameters[I]), Arity::required,
                    parameters[I].value_name, std::string(parameters[I].help),
                    set_parameter<I>}),
   ...);
}

void set_derivative(Args& a, Value) { a.derivative = true; }

void set_fields(Args& a, Value v) { parse_fields(a, *v); }

void set_delimiter(Args& a, Value v) { a.delimiter = parse_delimiter(*v); }

void set_header(Args& a, Value v) { a.header = parse_header(v); }

void set_invalid(Args& a, Value v) { a.invalid = parse_invalid(*v); }

void set_zero_terminated(Args& a, Value) { a.zero_terminated = true; }

void set_csv(Args& a, Value) { a.csv = true; }

void set_drop_header(Args& a, Value) { a.drop_header = true; }

void set_format(Args& a, Value v) { a.format = parse_format(*v); }

void set_precision(Args& a, Value v) { a.precision = parse_precision(*v); }

void set_jobs(Args& a, Value v) { a.jobs = parse_jobs(*v); }

void set_dtype(Args& a, Value v) { a.dtype = parse_dtype(*v); }

void set_help(Args& a, Value) { a.action = Action::help; }

void set_version(Args& a, Value) { a.action = Action::version; }

void set_list(Args& a, Value) { a.action = Action::list; }

// Every option, in the order of --help; getopt_long lists the candidates of
// an ambiguous prefix in this order too.
const std::vector<Spec>& specs() {
  static const std::vector<Spec> table = [] {
    std::vector<Spec> specs{
        {"-F,--function", Arity::required, "NAME",
         "the function (default relu); --list shows them", set_function},
        {"-l,--leaky", Arity::none, "", "leaky ReLU: -F leaky_relu", set_leaky},
    };
    add_parameters(specs, std::make_index_sequence<parameters.size()>());
    specs.insert(
        specs.end(),
        {
            {"-g,--grad,--derivative", Arity::none, "",
             "print the derivative instead of the value", set_derivative},
            {"--dtype", Arity::required, "NAME",
             "float64 (default), float32, bfloat16 or float16", set_dtype},
            {"-f,--fields", Arity::required, "LIST",
             "convert only these fields, cut syntax: 1,3-5,7-,-2", set_fields},
            {"-d,--delimiter", Arity::required, "CHAR",
             "fields are separated by CHAR, not runs of blanks", set_delimiter},
            {"--csv", Arity::none, "",
             "CSV with quoted fields (RFC 4180); -d , by default", set_csv},
            {"--header", Arity::optional, "N",
             "pass the first N (1) records through unchanged", set_header},
            {"--drop-header", Arity::none, "",
             "read --header's records but do not write them", set_drop_header},
            {"--invalid", Arity::required, "MODE", invalid_help(), set_invalid},
            {"-z,--zero-terminated", Arity::none, "",
             "records end with NUL instead of newline", set_zero_terminated},
            {"--format", Arity::required, "FMT",
             "printf style, one of %f %F %e %E %g %G %a %A", set_format},
            {"-p,--precision", Arity::required, "N",
             "N digits after the point: --format %.Nf", set_precision},
            {"-j,--jobs", Arity::required, "N",
             "threads for costly conversions (4, at most CPUs)", set_jobs},
            {"--list", Arity::none, "",
             "list the functions with parameters and formulas", set_list},
            {"-h,--help", Arity::none, "", "print this help and exit",
             set_help},
            {"-V,--version", Arity::none, "", "print the version and exit",
             set_version},
        });
    return specs;
  }();
  return table;
}

// The rest of argv, for options that take the next word as their value.
class Words {
public:
  Words(int argc, const char* const* argv)
      : next_(argv + 1), end_(argv + argc) {}

  bool empty() const { return next_ == end_; }

  std::string_view take() { return *next_++; }

private:
  const char* const* next_;
  const char* const* end_;
};

// The names of an option: "-g", "--grad", "--derivative".
std::vector<std::string_view> names_of(const Spec& spec) {
  std::vector<std::string_view> names;
  for (std::string_view rest = spec.names; !rest.empty();) {
    std::size_t comma = std::min(rest.find(','), rest.size());
    names.push_back(rest.substr(0, comma));
    rest.remove_prefix(std::min(comma + 1, rest.size()));
  }
  return names;
}

// The option that a long name ("--name"), or a unique prefix of one, names,
// with that full name; getopt_long's messages otherwise, which show the
// whole word.
std::pair<const Spec*, std::string_view> find_long(std::string_view prefix,
                                                   std::string_view word) {
  std::vector<std::pair<const Spec*, std::string_view>> matches;
  for (const Spec& spec : specs())
    for (std::string_view name : names_of(spec)) {
      if (name == prefix)
        return {&spec, name};
      // As in getopt_long, more names of the first option matched (--grad,
      // --derivative) make no ambiguity.
      if (name.starts_with("--") && name.starts_with(prefix) &&
          (matches.empty() || matches.front().first != &spec))
        matches.emplace_back(&spec, name);
    }
  if (matches.empty())
    throw UsageError(fmt::format("unrecognized option {}", quote(word)));
  if (matches.size() > 1) {
    std::string candidates;
    for (auto [spec, name] : matches)
      candidates += fmt::format(" '{}'", name);
    throw UsageError(fmt::format("option {} is ambiguous; possibilities:{}",
                                 quote(word), candidates));
  }
  return matches.front();
}

// Read one long option, "--name", "--name=value" or "--name value".
void read_long(std::string_view word, Words& words, Args& args) {
  std::size_t equals = word.find('=');
  auto [spec, name] = find_long(word.substr(0, equals), word);
  Value value;
  if (equals != std::string_view::npos) {
    if (spec->arity == Arity::none)
      throw UsageError(
          fmt::format("option '{}' doesn't allow an argument", name));
    value = word.substr(equals + 1);
  } else if (spec->arity == Arity::required) {
    if (words.empty())
      throw UsageError(fmt::format("option '{}' requires an argument", name));
    value = words.take();
  }
  spec->set(args, value);
}

const Spec* find_short(char letter) {
  for (const Spec& spec : specs())
    for (std::string_view name : names_of(spec))
      if (name.size() == 2 && name[1] == letter)
        return &spec;
  return nullptr;
}

// Read a cluster of short options ("-lg", "-a0.2"): the first that takes a
// value takes the rest of the cluster, or else the next word.
void read_cluster(std::string_view word, Words& words, Args& args) {
  for (std::size_t i = 1; i < word.size() && args.action == Action::run; ++i) {
    std::string_view name = word.substr(i, 1);
    const Spec* spec = find_short(name[0]);
    if (spec == nullptr)
      throw UsageError(fmt::format("invalid option -- {}", quote(name)));
    if (spec->arity == Arity::none) {
      spec->set(args, std::nullopt);
      continue;
    }
    Value value;
    if (i + 1 < word.size()) {
      value = word.substr(i + 1);
    } else if (spec->arity == Arity::required) {
      if (words.empty())
        throw UsageError(
            fmt::format("option requires an argument -- {}", quote(name)));
      value = words.take();
    }
    spec->set(args, value);
    return;
  }
}

// Whether a word is an operand: "-" and words that do not start with '-';
// numbers (-3, -inf); and, since no option is a digit or '.', any word that
// starts with "-" and one of those ("-1,5" is a bad number, not option 1).
bool is_operand(std::string_view word) {
  return word.size() < 2 || word[0] != '-' ||
         (word[1] >= '0' && word[1] <= '9') || word[1] == '.' ||
         classify(word) != Kind::invalid;
}

// The first level: walk argv in order, as getopt_long with GNU's
// permutation does; "--" ends the options. --help and --version end the
// walk where they stand, as GNU tools exit at them.
Args read_args(int argc, const char* const* argv) {
  Args args;
  Words words(argc, argv);
  while (!words.empty() && args.action == Action::run) {
    std::string_view word = words.take();
    if (word == "--") {
      while (!words.empty())
        args.numbers.emplace_back(words.take());
    } else if (is_operand(word)) {
      args.numbers.emplace_back(word);
    } else if (word.starts_with("--")) {
      read_long(word, words, args);
    } else {
      read_cluster(word, words, args);
    }
  }
  return args;
}

// The function and its parameters: each given parameter must be one of
// the function's, and together they must pass its check.
// -a without -F implies leaky_relu.
Activation build_activation(const Args& args) {
  const bool alpha_given = args.parameter_values[0].has_value();
  static_assert(parameters[0].bit == param::alpha);
  const Function* f = args.function ? args.function
                      : alpha_given ? find_function("leaky_relu")
                                    : &functions[0];
  Activation a{f, f->defaults, args.derivative};
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const Parameter& p = parameters[i];
    if (p.member ? !args.parameter_values[i] : !args.tanh)
      continue;
    if (!(f->params & p.bit))
      throw UsageError(
          fmt::format("{} does not apply to {}", p.option, f->name));
    if (p.member)
      a.params.*p.member = *args.parameter_values[i];
    else
      a.params.tanh = *args.tanh;
  }
  if (std::string_view why = f->check(a.params); !why.empty())
    throw UsageError(std::string(why));
  a.dtype = args.dtype;
  return a;
}

// The second level: check the options against each other, build Options.
Options build(Args args) {
  Options options;
  options.activation = build_activation(args);
  options.fields = std::move(args.fields);
  if (!args.not_cut.empty()) {
    // Without a header there are no names: cut's syntax and its messages.
    if (args.header == 0)
      throw UsageError(args.not_cut);
    if (!args.numbers.empty() &&
        !(args.numbers.size() == 1 && args.numbers[0] == "-"))
      throw UsageError("field names in --fields need the header of "
                       "standard input");
    options.named_fields = std::move(args.named_fields);
  }
  options.terminator = args.zero_terminated ? '\0' : '\n';
  if (args.delimiter == options.terminator)
    throw UsageError(options.terminator == '\0'
                         ? "the delimiter cannot be the record terminator: "
                           "-d '' is NUL, which ends records with -z"
                         : "the delimiter cannot be the record terminator");
  options.delimiter = args.delimiter;
  options.csv = args.csv;
  if (args.csv && !args.delimiter)
    options.delimiter = ',';
  if (args.csv && args.delimiter == '"')
    throw UsageError("the delimiter cannot be the quote with --csv");
  options.header = args.header;
  if (args.drop_header && args.header == 0)
    throw UsageError("--drop-header needs --header");
  options.drop_header = args.drop_header;
  options.invalid = args.invalid;
  if (args.format && args.precision)
    throw UsageError("--format excludes --precision");
  options.format = args.format      ? *args.format
                   : args.precision ? *args.precision
                                    : Format{};
  options.jobs = args.jobs.value_or(default_jobs);
  options.numbers = std::move(args.numbers);
  options.weights = std::move(args.weights);
  if (std::string why = weights_mismatch(options);
      !why.empty() && !options.named_fields)
    throw UsageError(why);
  return options;
}

// One line per function: its names, its parameters with their defaults,
// and its formula.
std::string function_list() {
  std::string text;
  for (const auto& f : functions) {
    std::string names(f.name);
    if (!f.alias.empty())
      names += fmt::format(", {}", f.alias);
    std::string params;
    for (const Parameter& p : parameters) {
      if (!(f.params & p.bit))
        continue;
      params += params.empty() ? "" : " ";
      const double value = p.member ? f.defaults.*p.member : 0;
      if (p.member && value != value) // required: its value's name
        params += fmt::format("{}={}", p.option, p.value_name);
      else if (p.member)
        params += fmt::format("{}={}", p.option, value);
      else
        params +=
            fmt::format("{}={}", p.option, f.defaults.tanh ? "tanh" : "none");
    }
    // Columns stay two blanks apart where a cell overflows its width.
    text += fmt::format("{:<18} {:<25} {}\n", names,
                        params.size() < 25 ? params : params + ' ', f.formula);
  }
  return text;
}

Exit usage_error(std::string_view message) {
  return Exit{1, "",
              fmt::format("relu: {}\nTry 'relu --help' for more information.\n",
                          message)};
}

} // namespace

HelpSource help_source() {
  HelpSource source{description, footer, {}};
  for (const Spec& spec : specs())
    source.options.push_back({spec.names, spec.value_name,
                              spec.arity == Arity::optional, spec.help});
  return source;
}

std::variant<Options, Exit>
parse_command_line(int argc, const char* const* argv, std::string_view help) {
  try {
    Args args = read_args(argc, argv);
    switch (args.action) {
    case Action::help:
      return Exit{0, std::string(help), ""};
    case Action::version:
      return Exit{0, "relu " RELU_VERSION "\n", ""};
    case Action::list:
      return Exit{0, function_list(), ""};
    case Action::run:
      break;
    }
    return build(std::move(args));
  } catch (const UsageError& e) {
    return usage_error(e.what());
  }
}

} // namespace relu
