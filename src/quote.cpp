// The one way relu shows user text in a message, for data and options alike.
#include "quote.hpp"

#include <fmt/format.h>

namespace relu {
namespace {

// How much of a bad token a diagnostic shows.
constexpr std::size_t quoted_bytes = 64;

bool is_printable(char c) { return c >= 0x20 && c < 0x7f; }

void append_printable(char c, std::string& out) {
  if (is_printable(c))
    out += c;
  else
    out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
}

} // namespace

std::string quote(std::string_view text) {
  std::string quoted = "'";
  for (char c : text.substr(0, quoted_bytes)) {
    if (c == '\\' || c == '\'')
      quoted += '\\';
    append_printable(c, quoted);
  }
  quoted += '\'';
  if (text.size() > quoted_bytes)
    quoted += "...";
  return quoted;
}

std::string printable(std::string_view text) {
  std::string out;
  for (char c : text)
    append_printable(c, out);
  return out;
}

} // namespace relu
