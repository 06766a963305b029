#include "cli.hpp"
#include "help_text.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

std::variant<relu::Options, relu::Exit> parse(std::vector<const char*> args) {
  args.insert(args.begin(), "relu");
  return relu::parse_command_line(static_cast<int>(args.size()), args.data(),
                                  relu::help_text);
}

relu::Options options(std::vector<const char*> args) {
  auto result = parse(args);
  if (auto* exit = std::get_if<relu::Exit>(&result))
    FAIL(exit->err);
  return std::get<relu::Options>(result);
}

std::string error(std::vector<const char*> args) {
  auto result = parse(args);
  auto* exit = std::get_if<relu::Exit>(&result);
  REQUIRE(exit != nullptr);
  CHECK(exit->status == 1);
  CHECK(exit->out == "");
  return exit->err;
}

using Numbers = std::vector<std::string>;

} // namespace

TEST_SUITE("cli") {
  TEST_CASE("negative numbers are operands") {
    CHECK(options({"-3", "-.5", "-inf", "-1e-3", "-nan", "-0x1p3"}).numbers ==
          Numbers{"-3", "-.5", "-inf", "-1e-3", "-nan", "-0x1p3"});
    CHECK(options({"1", "-l", "-2", "--", "-g", "-"}).numbers ==
          Numbers{"1", "-2", "-g", "-"});
    CHECK(options({"-l", "-2"}).activation.function->name == "leaky_relu");
    CHECK(options({}).numbers.empty());
  }

  TEST_CASE("a word of '-' and a digit or '.' is an operand") {
    CHECK(options({"-1,5", "-.", "-5x", "-0-", "-l"}).numbers ==
          Numbers{"-1,5", "-.", "-5x", "-0-"});
    CHECK(options({"-d", ",", "-5,-3"}).numbers == Numbers{"-5,-3"});
  }

  TEST_CASE("option values may look like negative numbers") {
    CHECK(options({"-a", "-.5", "-1"}).activation.params.alpha == -0.5);
    CHECK(options({"--alpha=0.2"}).activation.params.alpha == 0.2);
    CHECK(options({"-ga", "0.2"}).activation.derivative);
    CHECK(options({"-ga0.2"}).activation.params.alpha == 0.2);
    CHECK(options({"-f", "-2", "-d", "-"}).delimiter == '-');
    CHECK(options({"-a", "0x1p-3"}).activation.params.alpha == 0.125);
  }

  TEST_CASE("options") {
    auto o = options({"--alpha", "0.001"});
    CHECK(o.activation.function->name == "leaky_relu");
    CHECK(o.activation.params.alpha == 0.001);
    CHECK(options({"-3"}).activation.function->name == "relu");
    CHECK(options({"--derivative"}).activation.derivative);
    CHECK(options({"--grad"}).activation.derivative);
    CHECK(options({"-z"}).terminator == '\0');
    CHECK(options({"--header"}).header == 1);
    CHECK(options({"--header=3"}).header == 3);
    auto h = options({"--header", "3"});
    CHECK(h.header == 1);
    CHECK(h.numbers == Numbers{"3"});
    CHECK(options({"--invalid", "warn"}).invalid == relu::InvalidMode::warn);
    CHECK(options({"--invalid=ignore"}).invalid == relu::InvalidMode::ignore);
    CHECK(options({"--invalid", "fail"}).invalid == relu::InvalidMode::fail);
    CHECK(options({}).invalid == relu::InvalidMode::abort);
    CHECK(options({"-p", "3"}).format.to_string(1) == "1.000");
    CHECK(options({"--format", "x=%g"}).format.to_string(1) == "x=1");
    CHECK(options({"-f", "2,4-"}).fields.last() == relu::Fields::unbounded);
    CHECK(options({"-f", "1 3"}).fields.last() == 3);
    CHECK(options({"-d", ""}).delimiter == '\0');
    CHECK(options({"-d", ""}).terminator == '\n');
  }

  TEST_CASE("long options may be abbreviated") {
    CHECK(options({"--deriv"}).activation.derivative);
    CHECK(options({"--g"}).activation.derivative);
    CHECK(options({"--le"}).activation.function->name == "leaky_relu");
    CHECK(options({"--prec", "3"}).format.to_string(1) == "1.000");
    CHECK(options({"--inv=warn"}).invalid == relu::InvalidMode::warn);
    CHECK(options({"--head=2"}).header == 2);
    CHECK(options({"--z"}).terminator == '\0');
  }

  TEST_CASE("usage errors") {
    const std::string hint = "Try 'relu --help' for more information.\n";

    struct Row {
      std::vector<const char*> args;
      std::string message;
    };

    for (const auto& row : std::vector<Row>{
             {{"--bogus"}, "unrecognized option '--bogus'"},
             {{"--bogus=1"}, "unrecognized option '--bogus=1'"},
             {{"-x"}, "invalid option -- 'x'"},
             {{"-lx"}, "invalid option -- 'x'"},
             {{"--alpha"}, "option '--alpha' requires an argument"},
             {{"--leaky=0"}, "option '--leaky' doesn't allow an argument"},
             {{"--help=1"}, "option '--help' doesn't allow an argument"},
             {{"--de"},
              "option '--de' is ambiguous; possibilities: '--derivative' "
              "'--delimiter'"},
             {{"--d=,"},
              "option '--d=,' is ambiguous; possibilities: '--derivative' "
              "'--dtype' '--delimiter' '--drop-header'"},
             {{"--f", "1"},
              "option '--f' is ambiguous; possibilities: '--function' "
              "'--fields' '--format'"},
             {{"--l"},
              "option '--l' is ambiguous; possibilities: '--leaky' '--lambd' "
              "'--lower' '--list'"},
             {{"--h"},
              "option '--h' is ambiguous; possibilities: '--header' '--help'"},
             {{"--=1"},
              "option '--=1' is ambiguous; possibilities: '--function' "
              "'--leaky' '--alpha' '--min-val' '--max-val' '--beta' "
              "'--threshold' '--value' '--lambd' '--lower' '--upper' "
              "'--weight' '--approximate' '--grad' '--derivative' "
              "'--dtype' '--fields' '--delimiter' '--csv' '--header' "
              "'--drop-header' "
              "'--invalid' "
              "'--zero-terminated' '--format' '--precision' '--jobs' "
              "'--list' '--help' '--version'"},
             {{"--deriv=1"}, "option '--derivative' doesn't allow an argument"},
             {{"--prec"}, "option '--precision' requires an argument"},
             {{"--leakyx"}, "unrecognized option '--leakyx'"},
             {{"--bogus\x1b[2J"}, "unrecognized option '--bogus\\x1b[2J'"},
             {{"-\x1b"}, "invalid option -- '\\x1b'"},
             {{"-l'"}, "invalid option -- '\\''"},
             {{"-la"}, "option requires an argument -- 'a'"},
             {{"-a", "nan"},
              "invalid --alpha 'nan': it must be a finite number"},
             {{"-a", "inf"},
              "invalid --alpha 'inf': it must be a finite number"},
             {{"--alpha", "-inf"},
              "invalid --alpha '-inf': it must be a finite number"},
             {{"-a", "1e400"},
              "invalid --alpha '1e400': it must be a finite number"},
             {{"-a", "x"}, "invalid --alpha 'x': it must be a finite number"},
             {{"-a", ""}, "invalid --alpha '': it must be a finite number"},
             {{"--alpha="}, "invalid --alpha '': it must be a finite number"},
             {{"-a", "\x1b"},
              "invalid --alpha '\\x1b': it must be a finite number"},
             {{"-f", "0"}, "invalid --fields: fields are numbered from 1"},
             {{"-f", ""}, "invalid --fields: the list of fields is empty"},
             {{"--fields="}, "invalid --fields: the list of fields is empty"},
             {{"-f", ","}, "invalid --fields: fields are numbered from 1"},
             {{"-f", "\x1b"}, "invalid --fields: invalid field value '\\x1b'"},
             {{"-d", "ab"}, "the delimiter must be a single character"},
             {{"-d", "\n"}, "the delimiter cannot be the record terminator"},
             {{"-d", "", "-z"},
              "the delimiter cannot be the record terminator: -d '' is NUL, "
              "which ends records with -z"},
             {{"--header=x"}, "invalid header value 'x'"},
             {{"--header=0"}, "invalid header value '0'"},
             {{"--header=-1"}, "invalid header value '-1'"},
             {{"--header="}, "invalid header value ''"},
             {{"--header=\x1b"}, "invalid header value '\\x1b'"},
             {{"-p", "-1"},
              "invalid --precision '-1': it must be a whole number below "
              "10000"},
             {{"-p", "10000"},
              "invalid --precision '10000': it must be a whole number below "
              "10000"},
             {{"-p", ""},
              "invalid --precision '': it must be a whole number below "
              "10000"},
             {{"--format", ""}, "invalid --format '': no conversion"},
             {{"--format", "%5$f"},
              "invalid --format '%5$f': '%5$' is not a floating-point "
              "conversion"},
             {{"--format", "%.-1f"},
              "invalid --format '%.-1f': '%.-' is not a floating-point "
              "conversion"},
             {{"--format", "%\x1b"},
              "invalid --format '%\\x1b': '%\\x1b' is not a floating-point "
              "conversion"},
             {{"--format", "%d"},
              "invalid --format '%d': '%d' is not a floating-point conversion"},
             {{"--format", "%f%f"},
              "invalid --format '%f%f': more than one "
              "conversion"},
             {{"--format", "%f", "-p", "2"}, "--format excludes --precision"},
             {{"--invalid", "loud"},
              "invalid --invalid 'loud': it must be abort, fail, warn or "
              "ignore"},
             {{"--invalid="},
              "invalid --invalid '': it must be abort, fail, warn or ignore"},
         }) {
      const auto& args = row.args;
      const auto& message = row.message;
      CAPTURE(message);
      CHECK(error(args) == "relu: " + message + "\n" + hint);
    }
  }

  TEST_CASE("help and version") {
    auto help = std::get<relu::Exit>(parse({"--help"}));
    CHECK(help.status == 0);
    CHECK(help.err == "");
    CHECK(help.out.find("Usage: relu [OPTIONS] [NUMBER...]") !=
          std::string::npos);
    CHECK(help.out.find("\n  --format FMT              printf style, one of "
                        "%f %F %e %E %g %G %a %A\n") != std::string::npos);
    auto version = std::get<relu::Exit>(parse({"-V"}));
    CHECK(version.out == "relu " RELU_VERSION "\n");
  }

  TEST_CASE("help and version act where they stand") {
    auto help = std::get<relu::Exit>(parse({"--help"})).out;
    const std::string version = "relu " RELU_VERSION "\n";

    struct Row {
      std::vector<const char*> args;
      std::string out;
    };

    for (const auto& row : std::vector<Row>{
             {{"--help", "-x"}, help},
             {{"-hV"}, help},
             {{"--hel", "--bogus", "--de"}, help},
             {{"-lh", "-f", "0"}, help},
             {{"1", "-h", "-a"}, help},
             {{"-Vh"}, version},
             {{"--vers", "-h"}, version},
             {{"-V", "--alpha"}, version},
         }) {
      const auto& args = row.args;
      const auto& out = row.out;
      CAPTURE(std::string(args.front()));
      auto result = parse(args);
      auto* exit = std::get_if<relu::Exit>(&result);
      REQUIRE(exit != nullptr);
      CHECK(exit->status == 0);
      CHECK(exit->out == out);
      CHECK(exit->err == "");
    }
    CHECK(error({"-x", "--help"}) ==
          "relu: invalid option -- 'x'\nTry 'relu --help' for more "
          "information.\n");
    CHECK(error({"-a", "x", "-h"}) ==
          "relu: invalid --alpha 'x': it must be a finite number\nTry 'relu "
          "--help' for more information.\n");
  }
}
