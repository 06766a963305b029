// Output: one buffer that collects a chunk's results and hands them to a sink
// in one piece; the sink for standard output writes with write(2) and turns
// every failure into an IoError.
#pragma once

#include <cstddef>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string_view>

namespace relu {

// A failed read or write; what() is the message without the program name,
// e.g. "write error: No space left on device".
struct IoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Where flushed bytes go. It must take all of them or throw IoError.
using Sink = std::function<void(std::string_view)>;

// Return a sink that writes to fd, retrying short and interrupted writes.
Sink fd_sink(int fd);

// Write "relu: message" and a newline to standard error. A failure is
// ignored: there is nowhere left to report it, and the exit status tells.
void report_error(std::string_view message) noexcept;

// Write text to fd as it is, ignoring failures, for the same reason.
void write_quietly(int fd, std::string_view text) noexcept;

// Collects output and hands it to its sink in pieces: when flushed, and by
// itself whenever it holds limit bytes or more, so that wide --format
// conversions cannot make one chunk's output grow without bound.
class Output {
public:
  static constexpr std::size_t default_limit = 256 * 1024;

  explicit Output(Sink sink, std::size_t limit = default_limit);

  void append(std::string_view text) {
    if (capacity_ - size_ < text.size())
      grow(text.size());
    std::memcpy(buffer_.get() + size_, text.data(), text.size());
    commit(text.size());
  }

  // Return room for at least n bytes; commit() says how many were used.
  char* reserve(std::size_t n) {
    if (capacity_ - size_ < n)
      grow(n);
    return buffer_.get() + size_;
  }

  void commit(std::size_t n) {
    size_ += n;
    if (size_ >= limit_)
      flush();
  }

  std::size_t size() const noexcept { return size_; }

  // Hand everything buffered to the sink.
  void flush();

private:
  void grow(std::size_t extra);

  Sink sink_;
  std::size_t limit_;
  std::unique_ptr<char[]> buffer_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

} // namespace relu
