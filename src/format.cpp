// printf conversions are translated into fmt format specifications once, so
// printing never interprets user text as a printf format.
#include "format.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <stdexcept>

namespace relu {
namespace {

constexpr int max_digits = 4; // width and precision stay below 10000

// Longest shortest-round-trip text of a double: -2.2250738585072014e-308.
constexpr std::size_t max_shortest = 32;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Read up to max_digits digits at text[i]; return -1 if there are none.
int read_number(std::string_view text, std::size_t& i, std::string_view what) {
  std::size_t start = i;
  int value = 0;
  while (i < text.size() && is_digit(text[i])) {
    if (i - start == max_digits)
      throw std::invalid_argument(std::string(what) + " is too large");
    value = value * 10 + (text[i++] - '0');
  }
  return i == start ? -1 : value;
}

// Append text to out with "%%" turned into "%"; throw at a lone '%'.
void unescape(std::string_view text, std::string& out) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && (i + 1 == text.size() || text[++i] != '%'))
      throw std::invalid_argument("more than one conversion");
    out += text[i];
  }
}

} // namespace

Format Format::parse(std::string_view text) {
  std::size_t percent = 0;
  while ((percent = text.find('%', percent)) != std::string_view::npos &&
         percent + 1 < text.size() && text[percent + 1] == '%')
    percent += 2;
  if (percent == std::string_view::npos)
    throw std::invalid_argument("no conversion");
  Format f;
  unescape(text.substr(0, percent), f.prefix_);
  std::size_t i = percent + 1;
  bool left = false, plus = false, space = false, alt = false, zero = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '-')
      left = true;
    else if (c == '+')
      plus = true;
    else if (c == ' ')
      space = true;
    else if (c == '#')
      alt = true;
    else if (c == '0')
      zero = true;
    else
      break;
  }
  int width = read_number(text, i, "width");
  int precision = -1;
  if (i < text.size() && text[i] == '.') {
    ++i;
    precision = std::max(read_number(text, i, "precision"), 0);
  }
  if (i == text.size())
    throw std::invalid_argument("incomplete conversion");
  char type = text[i];
  if (std::string_view("fFeEgGaA").find(type) == std::string_view::npos)
    throw std::invalid_argument(
        fmt::format("'%{}' is not a floating-point conversion",
                    fmt::string_view(&type, 1)));
  unescape(text.substr(i + 1), f.suffix_);
  // printf's rules: '-' overrides '0', '+' overrides ' '.
  std::string spec;
  if (left)
    spec += '<';
  spec += plus ? "+" : space ? " " : "";
  if (alt)
    spec += '#';
  if (zero && !left)
    spec += '0';
  if (width >= 0)
    spec += std::to_string(width);
  if (precision >= 0) {
    spec += '.';
    spec += std::to_string(precision);
  }
  spec += type;
  fmt::format_parse_context context(spec);
  f.conversion_.parse(context);
  f.shortest_ = false;
  return f;
}

Format Format::fixed(int precision) {
  return parse("%." + std::to_string(precision) + "f");
}

void Format::write(double x, Output& out) {
  if (shortest()) {
    char* first = out.reserve(max_shortest);
    char* last = fmt::format_to(first, FMT_COMPILE("{}"), x);
    out.commit(static_cast<std::size_t>(last - first));
    return;
  }
  fmt::memory_buffer text; // its inline storage fits all but huge widths
  fmt::format_context context(fmt::appender(text), {});
  conversion_.format(x, context);
  out.append(prefix_);
  out.append({text.data(), text.size()});
  out.append(suffix_);
}

std::string Format::to_string(double x) {
  std::string text;
  Output out([&text](std::string_view s) { text += s; });
  write(x, out);
  out.flush();
  return text;
}

} // namespace relu
