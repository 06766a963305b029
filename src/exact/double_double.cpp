// Which exact products the fast path takes: fused multiply-adds where the
// processor has them, else Dekker's splitting.
#include "double_double.hpp"

#include <cstdlib>
#include <string_view>

namespace relu::exact {
namespace {

#if defined(__x86_64__) || defined(__i386__)
bool has_fma() noexcept { return __builtin_cpu_supports("fma"); }
#else
// Elsewhere the target's baseline says whether fma is an instruction (it
// is on aarch64).
bool has_fma() noexcept {
#if defined(__FP_FAST_FMA)
  return true;
#else
  return false;
#endif
}
#endif

} // namespace

// Out of line: inlined into every function, the initialization of its
// static would swell their entry code.
bool fused() noexcept {
  static const bool use = [] {
    const char* env = std::getenv("RELU_FMA");
    return has_fma() && !(env != nullptr && std::string_view(env) == "off");
  }();
  return use;
}

} // namespace relu::exact
