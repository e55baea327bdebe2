#include "stats/quantile.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>

namespace perfgate::stats {
namespace {

// numpy's _compute_virtual_index: n*q + (alpha + q*(1 - alpha - beta)) - 1, the 0-based
// position of H&F's plotting position p(k) = (k - alpha) / (n + 1 - alpha - beta).
double VirtualIndex(double n, double q, double alpha, double beta) {
  return n * q + (alpha + q * (1 - alpha - beta)) - 1;
}

// Interpolates between position floor(index) and the next, clamping as numpy's
// _get_indexes does: at or past the last position gives the maximum, below 0 the minimum.
// `gamma_override` replaces the interpolation weight where a method defines its own.
QuantilePosition Interpolated(double n, double index,
                              std::optional<double> gamma_override = std::nullopt) {
  const auto last = static_cast<std::size_t>(n) - 1;
  if (index >= n - 1) return {last, last, 0};
  if (index < 0) return {0, 0, 0};
  double previous = std::floor(index);
  auto at = static_cast<std::size_t>(previous);
  return {at, at + 1, gamma_override ? *gamma_override : index - previous};
}

// numpy's _discret_interpolation_to_boundaries: floor(index) where `take_previous` holds,
// else floor(index) + 1, clipped below at 0.
QuantilePosition Discrete(double n, double index, bool take_previous) {
  double chosen = take_previous ? std::floor(index) : std::floor(index) + 1;
  if (chosen < 0) chosen = 0;
  auto at = std::min(static_cast<std::size_t>(chosen), static_cast<std::size_t>(n) - 1);
  return {at, at, 0};
}

QuantilePosition Single(double index) {
  auto at = static_cast<std::size_t>(index);
  return {at, at, 0};
}

}  // namespace

double QuantileLerp(double a, double b, double t) {
  // numpy's _lerp: a + (b - a) * t, computed from the nearer end when t >= 0.5 so that
  // t == 1 returns b exactly. Copied in form, not just in value, to match numpy's bits.
  // With an infinite end numpy's form gives NaN (inf - inf, inf * 0), and a NaN compares
  // false with every limit: a change from a 0 ms baseline is +inf in every replicate and
  // must fail, not pass. So the limits are taken explicitly; for finite ends each early
  // return is exactly what numpy's form computes.
  if (a == b || t == 0) return a;
  if (t == 1) return b;
  if (std::isinf(a) != std::isinf(b)) return std::isinf(a) ? a : b;  // the infinite end dominates
  double diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

QuantilePosition PositionOf(std::size_t size, double q, QuantileMethod method) {
  const auto n = static_cast<double>(size);
  switch (method) {
    case QuantileMethod::kInvertedCdf: {
      double index = n * q - 1;
      return Discrete(n, index, index - std::floor(index) == 0);
    }
    case QuantileMethod::kAveragedInvertedCdf: {
      // Interpolates with weight 1/2 where n*q is an integer, else steps to the next value.
      double index = n * q - 1;
      bool whole = index - std::floor(index) == 0;
      return Interpolated(n, index, whole ? 0.5 : 1.0);
    }
    case QuantileMethod::kClosestObservation: {
      // H&F: at a tie (n*q - 1/2 whole) take the nearest even 1-based order statistic,
      // which is an odd 0-based index. numpy before 2.0 tested "% 2 == 0" here and so
      // disagreed with R at ties; this follows R and current numpy.
      double index = n * q - 1 - 0.5;
      double gamma = index - std::floor(index);
      bool odd = std::fmod(std::floor(index), 2.0) == 1;
      return Discrete(n, index, gamma == 0 && odd);
    }
    case QuantileMethod::kInterpolatedInvertedCdf:
      return Interpolated(n, VirtualIndex(n, q, 0, 1));
    case QuantileMethod::kHazen:
      return Interpolated(n, VirtualIndex(n, q, 0.5, 0.5));
    case QuantileMethod::kWeibull:
      return Interpolated(n, VirtualIndex(n, q, 0, 0));
    case QuantileMethod::kLinear:
      // numpy uses (n - 1) * q here rather than the general formula, to avoid rounding.
      return Interpolated(n, (n - 1) * q);
    case QuantileMethod::kMedianUnbiased:
      return Interpolated(n, VirtualIndex(n, q, 1 / 3.0, 1 / 3.0));
    case QuantileMethod::kNormalUnbiased:
      return Interpolated(n, VirtualIndex(n, q, 3 / 8.0, 3 / 8.0));
    case QuantileMethod::kLower:
      return Single(std::floor((n - 1) * q));
    case QuantileMethod::kHigher:
      return Single(std::ceil((n - 1) * q));
    case QuantileMethod::kMidpoint: {
      double index = 0.5 * (std::floor((n - 1) * q) + std::ceil((n - 1) * q));
      bool whole = std::fmod(index, 1.0) == 0;
      return Interpolated(n, index, whole ? 0.0 : 0.5);
    }
    case QuantileMethod::kNearest:
      // np.around rounds half to even, as std::nearbyint does in the default rounding mode.
      return Single(std::nearbyint((n - 1) * q));
  }
  return {0, 0, 0};  // unreachable: every enumerator returns above
}

double QuantileOfSorted(std::span<const double> sorted, double q, QuantileMethod method) {
  QuantilePosition at = PositionOf(sorted.size(), q, method);
  return QuantileLerp(sorted[at.lower], sorted[at.upper], at.weight);
}

Result<double> Quantile(std::span<const double> values, double q, QuantileMethod method) {
  if (values.empty()) {
    return MakeError(ErrorKind::kInput, "quantile of an empty sample is undefined");
  }
  if (!(q >= 0 && q <= 1)) {
    return MakeError(ErrorKind::kInput, "quantile level must be within [0, 1]");
  }
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  return QuantileOfSorted(sorted, q, method);
}

}  // namespace perfgate::stats
