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

} // namespace

Sink fd_sink(int fd) {
  return [fd](std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::write(fd, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR)
          continue;
        throw IoError(std::string("write error: ") + std::strerror(errno));
      }
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  };
}

Output::Output(Sink sink) : sink_(std::move(sink)) { grow(min_capacity); }

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
  auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
  if (size_ != 0)
    std::memcpy(bigger.get(), buffer_.get(), size_);
  buffer_ = std::move(bigger);
  capacity_ = capacity;
}

} // namespace relu
