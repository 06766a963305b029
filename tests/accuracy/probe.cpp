// The seam between the family's table (src/activation.hpp, which calls
// src/exact/) and the independent mpmath reference of
// tests/accuracy: reads lines `NAME D X ALPHA BETA THRESHOLD` (single
// spaces; D 0 for the value, 1 for the derivative; numbers as Python's
// float.hex() prints them, or inf, -inf, nan) and writes each result as
// printf's %a, one line per input. An unknown name or a malformed line is
// reported on stderr with its line number, and the exit status is 1.
#include "activation.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

// Split line at single spaces into exactly fields.size() non-empty fields.
bool split(std::string_view line, std::array<std::string_view, 6>& fields) {
  for (std::size_t i = 0; i + 1 < fields.size(); ++i) {
    const std::size_t end = line.find(' ');
    if (end == std::string_view::npos)
      return false;
    fields[i] = line.substr(0, end);
    line.remove_prefix(end + 1);
  }
  fields.back() = line;
  return std::ranges::none_of(fields, &std::string_view::empty) &&
         line.find(' ') == std::string_view::npos;
}

// Parse a whole field as a double (hex float, decimal, inf, nan).
bool parse(std::string_view field, double& out) {
  const std::string text(field);
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() &&
         text.find_first_of(" \t\r") == std::string::npos;
}

// Evaluate one input line into out; return what is wrong with it, or null.
const char* evaluate(std::string_view line, double& out) {
  std::array<std::string_view, 6> f;
  if (!split(line, f))
    return "not 6 fields separated by single spaces";
  if (f[1] != "0" && f[1] != "1")
    return "D is neither 0 nor 1";
  // The reference's names are the family's (src/activation.hpp), with
  // gelu_tanh for gelu with --approximate tanh.
  const bool tanh = f[0] == "gelu_tanh";
  const relu::Function* function = relu::find_function(tanh ? "gelu" : f[0]);
  if (function == nullptr || function->over_record())
    return "unknown function";
  relu::Activation a{function, function->defaults, f[1] == "1"};
  double x = 0;
  if (!parse(f[2], x) || !parse(f[3], a.params.alpha) ||
      !parse(f[4], a.params.beta) || !parse(f[5], a.params.threshold))
    return "invalid number";
  a.params.tanh = tanh;
  out = a(x);
  return nullptr;
}

} // namespace

int main() {
  std::vector<char> in(1 << 20);
  std::string out;
  std::string pending;
  std::size_t line_number = 0;
  std::size_t n = 0;
  while ((n = std::fread(in.data(), 1, in.size(), stdin)) > 0 ||
         !pending.empty()) {
    if (n == 0)
      pending.push_back('\n'); // a last line without its newline
    pending.append(in.data(), n);
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos;
         start = nl + 1) {
      ++line_number;
      double y = 0;
      const std::string_view line =
          std::string_view(pending).substr(start, nl - start);
      if (const char* error = evaluate(line, y)) {
        std::fwrite(out.data(), 1, out.size(), stdout);
        std::fprintf(stderr, "accuracy_probe: line %zu: %s: '%.*s'\n",
                     line_number, error, static_cast<int>(line.size()),
                     line.data());
        return 1;
      }
      std::array<char, 64> buf{};
      const int len = std::snprintf(buf.data(), buf.size(), "%a\n", y);
      out.append(buf.data(), static_cast<std::size_t>(len));
    }
    pending.erase(0, start);
    if (out.size() > (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (std::ferror(stdin) || std::fflush(stdout) != 0) {
    std::fprintf(stderr, "accuracy_probe: I/O error\n");
    return 1;
  }
  return 0;
}
