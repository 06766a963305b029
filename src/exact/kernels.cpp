// The tables of the fast path's kernels, built with MPFR on first use.
#include "kernels.hpp"

namespace relu::exact {

// x as a double-double: x rounded to double, then the rest rounded. rest,
// which may be x itself, has x's precision or more, so the subtraction is
// exact. For the tables built below with MPFR.
Dd to_dd(mpfr_srcptr x, mpfr_ptr rest) noexcept {
  const double hi = mpfr_get_d(x, MPFR_RNDN);
  mpfr_sub_d(rest, x, hi, MPFR_RNDN);
  return {hi, mpfr_get_d(rest, MPFR_RNDN)};
}

std::array<Dd, 128> build_exp2_table() noexcept {
  std::array<Dd, 128> t{};
  mpfr_t v;
  mpfr_init2(v, 200);
  for (std::size_t j = 0; j < t.size(); ++j) {
    mpfr_set_ui(v, j, MPFR_RNDN);
    mpfr_div_ui(v, v, 128, MPFR_RNDN);
    mpfr_exp2(v, v, MPFR_RNDN);
    t[j] = to_dd(v, v);
  }
  mpfr_clear(v);
  return t;
}

std::array<LogEntry, 129> build_log_table() noexcept {
  std::array<LogEntry, 129> t{};
  mpfr_t v;
  mpfr_init2(v, 200);
  for (std::size_t j = 0; j < t.size(); ++j) {
    t[j].inv = 128.0 / static_cast<double>(128 + j);
    mpfr_set_d(v, t[j].inv, MPFR_RNDN);
    mpfr_log(v, v, MPFR_RNDN);
    mpfr_neg(v, v, MPFR_RNDN);
    t[j].neg_log = to_dd(v, v);
  }
  mpfr_clear(v);
  return t;
}

} // namespace relu::exact
