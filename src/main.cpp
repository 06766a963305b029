// relu: parse the command line, run the stream, map the outcome to the exit
// status.
#include "cli.hpp"
#include "output.hpp"
#include "stream.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <unistd.h>
#include <variant>

int main(int argc, char** argv) {
  try {
    auto command = relu::parse_command_line(argc, argv);
    if (const auto* exit = std::get_if<relu::Exit>(&command)) {
      std::fputs(exit->err.c_str(), stderr);
      relu::fd_sink(STDOUT_FILENO)(exit->out);
      return exit->status;
    }
    return relu::execute(std::get<relu::Options>(command));
  } catch (const relu::IoError& e) {
    fmt::print(stderr, "relu: {}\n", e.what());
    return 1;
  }
}
