// The precisions a model runs in (--dtype): float64, the default, and the
// narrower float32, bfloat16 and float16. Their values are all doubles, so
// a value of any dtype travels as a double; what differs is where it is
// rounded. Every function here rounds once, to nearest with ties to even,
// with the format's subnormals and IEEE 754's overflow to +-inf.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace relu {

enum class Dtype : std::uint8_t { float64, float32, bfloat16, float16 };

// The dtype called name, by PyTorch's names (float64, float32, bfloat16,
// float16) or aliases (double, float, half), or none.
std::optional<Dtype> dtype_named(std::string_view name) noexcept;

// The main name of a dtype, "float32".
std::string_view dtype_name(Dtype dtype) noexcept;

// Return x rounded to bfloat16 or float16.
double round_half(Dtype dtype, double x) noexcept;

// Return x, an exact value, rounded to dtype: inline, as every function
// goes through it.
inline double round_to(Dtype dtype, double x) noexcept {
  switch (dtype) {
  case Dtype::float64:
    return x;
  case Dtype::float32:
    return static_cast<float>(x);
  case Dtype::bfloat16:
  case Dtype::float16:
    break;
  }
  return round_half(dtype, x);
}

// Where an exact value lies from the double nearest to it.
enum class Side : std::int8_t { below, at, above };

// Return an exact value v rounded to dtype, given r, the double nearest to
// v (the sign of zero included), and the side of r that v lies on: r
// itself decides, but at a tie of the dtype the side does.
double round_near(Dtype dtype, double r, Side side) noexcept;

// Return the exact sum a + b rounded to a dtype narrower than float64.
double round_sum_narrower(Dtype dtype, double a, double b) noexcept;

// Return the exact sum a + b rounded to dtype, never a double sum rounded
// again.
inline double round_sum(Dtype dtype, double a, double b) noexcept {
  return dtype == Dtype::float64 ? a + b : round_sum_narrower(dtype, a, b);
}

// Return the exact product a * b rounded to dtype, never a double product
// rounded again.
double round_product(Dtype dtype, double a, double b) noexcept;

// Return the number token, one that classify() accepts, rounded to dtype
// straight from its text, not through the double nearest to it.
double parse_number_as(Dtype dtype, std::string_view token) noexcept;

} // namespace relu
