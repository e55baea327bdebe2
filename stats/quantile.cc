#include "stats/quantile.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>

namespace perfgate::stats {
namespace {

constexpr std::array<std::string_view, 13> kNames = {
    "inverted_cdf", "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf",
    "hazen",        "weibull",               "linear",              "median_unbiased",
    "normal_unbiased", "lower",              "higher",              "midpoint",
    "nearest"};

// numpy's _compute_virtual_index: n*q + (alpha + q*(1 - alpha - beta)) - 1, the 0-based
// position of H&F's plotting position p(k) = (k - alpha) / (n + 1 - alpha - beta).
double VirtualIndex(double n, double q, double alpha, double beta) {
  return n * q + (alpha + q * (1 - alpha - beta)) - 1;
}

// numpy's _lerp: a + (b - a) * t, computed from the nearer end when t >= 0.5 so that
// t == 1 returns b exactly. Copied in form, not just in value, to match numpy's bits.
double Lerp(double a, double b, double t) {
  double diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

// Interpolates between sorted[floor(index)] and the next value, clamping as numpy's
// _get_indexes does: at or past the last position gives the maximum, below 0 the minimum.
// `gamma_override` replaces the interpolation weight where a method defines its own.
double Interpolate(std::span<const double> sorted, double index,
                   std::optional<double> gamma_override = std::nullopt) {
  const auto n = static_cast<double>(sorted.size());
  if (index >= n - 1) return sorted.back();
  if (index < 0) return sorted.front();
  double previous = std::floor(index);
  auto at = static_cast<std::size_t>(previous);
  double gamma = gamma_override ? *gamma_override : index - previous;
  return Lerp(sorted[at], sorted[at + 1], gamma);
}

// numpy's _discret_interpolation_to_boundaries: floor(index) where `take_previous` holds,
// else floor(index) + 1, clipped below at 0.
double Discrete(std::span<const double> sorted, double index, bool take_previous) {
  double chosen = take_previous ? std::floor(index) : std::floor(index) + 1;
  if (chosen < 0) chosen = 0;
  auto at = static_cast<std::size_t>(chosen);
  return sorted[std::min(at, sorted.size() - 1)];
}

}  // namespace

std::string_view QuantileMethodName(QuantileMethod method) {
  return kNames[static_cast<std::size_t>(method)];
}

std::optional<QuantileMethod> QuantileMethodFromName(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<QuantileMethod>(i);
  }
  return std::nullopt;
}

std::span<const std::string_view> QuantileMethodNames() { return kNames; }

double QuantileOfSorted(std::span<const double> sorted, double q, QuantileMethod method) {
  const auto n = static_cast<double>(sorted.size());
  switch (method) {
    case QuantileMethod::kInvertedCdf: {
      double index = n * q - 1;
      return Discrete(sorted, index, index - std::floor(index) == 0);
    }
    case QuantileMethod::kAveragedInvertedCdf: {
      // Interpolates with weight 1/2 where n*q is an integer, else steps to the next value.
      double index = n * q - 1;
      bool whole = index - std::floor(index) == 0;
      return Interpolate(sorted, index, whole ? 0.5 : 1.0);
    }
    case QuantileMethod::kClosestObservation: {
      // H&F: at a tie (n*q - 1/2 whole) take the nearest even 1-based order statistic,
      // which is an odd 0-based index. numpy before 2.0 tested "% 2 == 0" here and so
      // disagreed with R at ties; this follows R and current numpy.
      double index = n * q - 1 - 0.5;
      double gamma = index - std::floor(index);
      bool odd = std::fmod(std::floor(index), 2.0) == 1;
      return Discrete(sorted, index, gamma == 0 && odd);
    }
    case QuantileMethod::kInterpolatedInvertedCdf:
      return Interpolate(sorted, VirtualIndex(n, q, 0, 1));
    case QuantileMethod::kHazen:
      return Interpolate(sorted, VirtualIndex(n, q, 0.5, 0.5));
    case QuantileMethod::kWeibull:
      return Interpolate(sorted, VirtualIndex(n, q, 0, 0));
    case QuantileMethod::kLinear:
      // numpy uses (n - 1) * q here rather than the general formula, to avoid rounding.
      return Interpolate(sorted, (n - 1) * q);
    case QuantileMethod::kMedianUnbiased:
      return Interpolate(sorted, VirtualIndex(n, q, 1 / 3.0, 1 / 3.0));
    case QuantileMethod::kNormalUnbiased:
      return Interpolate(sorted, VirtualIndex(n, q, 3 / 8.0, 3 / 8.0));
    case QuantileMethod::kLower:
      return sorted[static_cast<std::size_t>(std::floor((n - 1) * q))];
    case QuantileMethod::kHigher:
      return sorted[static_cast<std::size_t>(std::ceil((n - 1) * q))];
    case QuantileMethod::kMidpoint: {
      double index = 0.5 * (std::floor((n - 1) * q) + std::ceil((n - 1) * q));
      bool whole = std::fmod(index, 1.0) == 0;
      return Interpolate(sorted, index, whole ? 0.0 : 0.5);
    }
    case QuantileMethod::kNearest:
      // np.around rounds half to even, as std::nearbyint does in the default rounding mode.
      return sorted[static_cast<std::size_t>(std::nearbyint((n - 1) * q))];
  }
  return sorted.front();  // unreachable: every enumerator returns above
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
