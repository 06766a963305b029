#include "cli.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

std::variant<relu::Options, relu::Exit> parse(std::vector<const char*> args) {
  args.insert(args.begin(), "relu");
  return relu::parse_command_line(static_cast<int>(args.size()), args.data());
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
    CHECK(options({"-l", "-2"}).activation.leaky);
    CHECK(options({}).numbers.empty());
  }

  TEST_CASE("option values may look like negative numbers") {
    CHECK(options({"-a", "-.5", "-1"}).activation.alpha == -0.5);
    CHECK(options({"--alpha=0.2"}).activation.alpha == 0.2);
    CHECK(options({"-ga", "0.2"}).activation.derivative);
    CHECK(options({"-ga0.2"}).activation.alpha == 0.2);
    CHECK(options({"-f", "-2", "-d", "-"}).delimiter == '-');
    CHECK(options({"-a", "0x1p-3"}).activation.alpha == 0.125);
  }

  TEST_CASE("options") {
    auto o = options({"--alpha", "0.001"});
    CHECK(o.activation.leaky);
    CHECK(o.activation.alpha == 0.001);
    CHECK(!options({"-3"}).activation.leaky);
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
  }

  TEST_CASE("usage errors") {
    const std::string hint = "Try 'relu --help' for more information.\n";

    struct Row {
      std::vector<const char*> args;
      std::string message;
    };

    for (const auto& [args, message] : std::vector<Row>{
             {{"--bogus"}, "unrecognized option '--bogus'"},
             {{"--bogus=1"}, "unrecognized option '--bogus'"},
             {{"-x"}, "invalid option -- 'x'"},
             {{"-lx"}, "invalid option -- 'x'"},
             {{"--alpha"}, "option '--alpha' requires an argument"},
             {{"--leaky=0"}, "option '--leaky' doesn't allow an argument"},
             {{"--help=1"}, "option '--help' doesn't allow an argument"},
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
             {{"-f", "0"}, "invalid --fields: fields are numbered from 1"},
             {{"-f", ""}, "--fields: 1 required LIST missing"},
             {{"-d", "ab"}, "the delimiter must be a single character"},
             {{"-d", ""}, "--delimiter: 1 required CHAR missing"},
             {{"-d", "\n"}, "the delimiter cannot be the record terminator"},
             {{"--header=x"}, "invalid header value 'x'"},
             {{"--header=0"}, "invalid header value '0'"},
             {{"--header=-1"}, "invalid header value '-1'"},
             {{"-p", "-1"}, "invalid --precision '-1'"},
             {{"-p", "10000"}, "invalid --precision '10000'"},
             {{"--format", "%d"},
              "invalid --format '%d': '%d' is not a floating-point conversion"},
             {{"--format", "%f%f"},
              "invalid --format '%f%f': more than one "
              "conversion"},
             {{"--format", "%f", "-p", "2"}, "--format excludes --precision"},
             {{"--invalid", "loud"},
              "--invalid: loud not in {abort,fail,warn,ignore}"},
         }) {
      CAPTURE(message);
      CHECK(error(args) == "relu: " + message + "\n" + hint);
    }
  }

  TEST_CASE("help and version") {
    auto help = std::get<relu::Exit>(parse({"--help"}));
    CHECK(help.status == 0);
    CHECK(help.out.find("Usage: relu [OPTIONS] [NUMBER...]") !=
          std::string::npos);
    auto version = std::get<relu::Exit>(parse({"-V"}));
    CHECK(version.out == "relu " RELU_VERSION "\n");
  }
}
