#include "output.hpp"

#include <algorithm>
#include <cerrno>
#include <string>
#include <unistd.h>

namespace relu {
namespace {

// Doubling from a small start: formatting one value stays cheap, and a
// stream reaches its working size within a few chunks.
constexpr std::size_t min_capacity = 256;

// Write all of data to fd, retrying short and interrupted writes; return 0,
// or the errno of the write that failed.
int write_all(int fd, std::string_view data) noexcept {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

} // namespace

Sink fd_sink(int fd) {
  return [fd](std::string_view data) {
    if (int error = write_all(fd, data); error != 0)
      throw IoError(std::string("write error: ") + std::strerror(error));
  };
}

void report_error(std::string_view message) noexcept {
  // One write, so that messages from concurrent processes do not interleave.
  char line[512];
  constexpr std::string_view program = "relu: ";
  if (program.size() + message.size() + 1 <= sizeof line) {
    char* p = std::copy(program.begin(), program.end(), line);
    p = std::copy(message.begin(), message.end(), p);
    *p++ = '\n';
    write_quietly(STDERR_FILENO, {line, static_cast<std::size_t>(p - line)});
    return;
  }
  write_quietly(STDERR_FILENO, program);
  write_quietly(STDERR_FILENO, message);
  write_quietly(STDERR_FILENO, "\n");
}

void write_quietly(int fd, std::string_view text) noexcept {
  write_all(fd, text);
}

Output::Output(Sink sink, std::size_t limit)
    : sink_(std::move(sink)), limit_(limit) {
  grow(min_capacity);
}

void Output::flush() {
  if (size_ == 0)
    return;
  // Empty the buffer first: after a failed write nothing is retried.
  std::size_t n = size_;
  size_ = 0;
  sink_({buffer_.get(), n});
}

void Output::grow(std::size_t extra) {
  std::size_t capacity = std::max(capacity_ * 2, size_ + extra);
  auto bigger = std::unique_ptr<char[]>(new char[capacity]);
  if (size_ != 0)
    std::memcpy(bigger.get(), buffer_.get(), size_);
  buffer_ = std::move(bigger);
  capacity_ = capacity;
}

} // namespace relu
