// relu: parse the command line, run the stream, map the outcome to the exit
// status. Nothing escapes as an exception: every failure becomes a message
// (when standard error can take it) and status 1.
#include "cli.hpp"
#include "execute.hpp"
#include "help_text.hpp"
#include "output.hpp"

#include <exception>
#include <new>
#include <unistd.h>
#include <variant>

int main(int argc, char** argv) {
  try {
    auto command = relu::parse_command_line(argc, argv, relu::help_text);
    if (const auto* exit = std::get_if<relu::Exit>(&command)) {
      relu::write_quietly(STDERR_FILENO, exit->err);
      relu::fd_sink(STDOUT_FILENO)(exit->out);
      return exit->status;
    }
    return relu::execute(std::get<relu::Options>(command));
  } catch (const relu::IoError& e) {
    relu::report_error(e.what());
  } catch (const std::bad_alloc&) {
    relu::report_error("memory exhausted");
  } catch (const std::exception& e) {
    relu::report_error(e.what());
  }
  return 1;
}
