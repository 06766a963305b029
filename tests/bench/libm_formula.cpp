// The baseline for "correct rounding must not cost more than 1.5x a plain
// libm formula": read blank-separated numbers from stdin and print, one per
// line, the family's function NAME computed the plain way, in double with
// libm, as the shortest text that reads back to it (std::to_chars, as
// relu prints), so that the two differ only in how they evaluate. No
// validation, no rounding care. Built by tests/bench/bench.py with the
// system compiler at benchmark time only.
//
// usage: libm_formula NAME   (NAME as in `relu --list`, or gelu_tanh)
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

namespace {

using Fn = double (*)(double);

struct Formula {
  std::string_view name;
  Fn value;
};

constexpr double sqrt1_2 = 0.70710678118654752440;
constexpr double sqrt2_pi = 0.79788456080286535588;

// The formulas of `relu --list`, with the default parameters.
const Formula formulas[] = {
    {"relu", [](double x) { return x > 0 ? x : 0.0; }},
    {"leaky_relu", [](double x) { return x > 0 ? x : 0.01 * x; }},
    {"relu6", [](double x) { return std::min(std::max(x, 0.0), 6.0); }},
    {"hardtanh", [](double x) { return std::min(std::max(x, -1.0), 1.0); }},
    {"elu", [](double x) { return x > 0 ? x : std::expm1(x); }},
    {"selu",
     [](double x) {
       return x > 0 ? 1.0507009873554805 * x
                    : 1.7580993408473766 * std::expm1(x);
     }},
    {"celu", [](double x) { return x > 0 ? x : std::expm1(x); }},
    {"gelu", [](double x) { return 0.5 * x * std::erfc(-x * sqrt1_2); }},
    {"gelu_tanh",
     [](double x) {
       return 0.5 * x * (1 + std::tanh(sqrt2_pi * (x + 0.044715 * x * x * x)));
     }},
    {"silu", [](double x) { return x / (1 + std::exp(-x)); }},
    {"mish", [](double x) { return x * std::tanh(std::log1p(std::exp(x))); }},
    {"softplus", [](double x) { return x > 20 ? x : std::log1p(std::exp(x)); }},
    {"hardswish",
     [](double x) { return x * std::min(std::max(x + 3, 0.0), 6.0) / 6; }},
    {"hardsigmoid",
     [](double x) { return std::min(std::max(x + 3, 0.0), 6.0) / 6; }},
    {"sigmoid", [](double x) { return 1 / (1 + std::exp(-x)); }},
    {"tanh", [](double x) { return std::tanh(x); }},
    {"softsign", [](double x) { return x / (1 + std::fabs(x)); }},
    {"logsigmoid", [](double x) { return -std::log1p(std::exp(-x)); }},
};

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Print f of each number in data[0, size); return the offset of an
// unfinished last token, which the next read completes.
std::size_t convert(Fn f, const char* data, std::size_t size, bool last) {
  std::size_t i = 0;
  while (i < size) {
    while (i < size && blank(data[i]))
      ++i;
    std::size_t end = i;
    while (end < size && !blank(data[end]))
      ++end;
    if (end == size && !last)
      return i;
    if (end > i) {
      double x = 0;
      std::from_chars(data + i, data + end, x);
      char text[32];
      char* last = std::to_chars(text, text + sizeof text - 1, f(x)).ptr;
      *last++ = '\n';
      std::fwrite(text, 1, static_cast<std::size_t>(last - text), stdout);
    }
    i = end;
  }
  return size;
}

} // namespace

int main(int argc, char** argv) {
  const Formula* formula = nullptr;
  for (const auto& candidate : formulas)
    if (argc == 2 && candidate.name == argv[1])
      formula = &candidate;
  if (formula == nullptr) {
    std::fprintf(stderr, "usage: libm_formula NAME (a name of relu --list)\n");
    return 1;
  }
  static char out[1 << 17];
  std::setvbuf(stdout, out, _IOFBF, sizeof out);
  std::vector<char> buffer(1 << 17);
  std::size_t kept = 0;
  for (;;) {
    if (kept == buffer.size())
      buffer.resize(2 * buffer.size());
    std::size_t got =
        std::fread(buffer.data() + kept, 1, buffer.size() - kept, stdin);
    std::size_t size = kept + got;
    std::size_t done = convert(formula->value, buffer.data(), size, got == 0);
    kept = size - done;
    std::memmove(buffer.data(), buffer.data() + done, kept);
    if (got == 0)
      break;
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}
