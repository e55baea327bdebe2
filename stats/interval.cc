#include "stats/interval.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <limits>

#include <boost/math/distributions/normal.hpp>

#include "stats/summary.h"

namespace perfgate::stats {
namespace {

const boost::math::normal kStandardNormal;

// The replicates' quantile at level p (linear, type 7), on sorted replicates.
double Level(const std::vector<double>& sorted, double p) {
  return QuantileOfSorted(sorted, std::clamp(p, 0.0, 1.0), QuantileMethod::kLinear);
}

// A power of two that brings `largest` (> 0) near 1 when cubing it could overflow, else 1:
// realistic latencies are never scaled, so their results keep every bit.
double CubeSafeScale(double largest) {
  return largest > 1e100 ? std::ldexp(1.0, -std::ilogb(largest)) : 1;
}

// The jackknife acceleration sum w d^3 / (6 (sum w d^2)^1.5) over the terms that
// `for_each_term(f)` passes to f(d, w). The ratio does not change when every d is scaled,
// so huge deviations are scaled first (1e308 ms durations would overflow d^3 into
// inf / inf). 0 when the terms are all equal or not finite.
template <typename ForEachTerm>
double JackknifeAcceleration(const ForEachTerm& for_each_term) {
  double largest = 0;
  for_each_term([&](double d, double) { largest = std::max(largest, std::fabs(d)); });
  if (!(largest > 0) || !std::isfinite(largest)) return 0;
  const double scale = CubeSafeScale(largest);
  double squares = 0, cubes = 0;
  for_each_term([&](double d, double w) {
    d *= scale;
    squares += w * d * d;
    cubes += w * d * d * d;
  });
  if (squares <= 0) return 0;
  return cubes / (6 * std::pow(squares, 1.5));
}

}  // namespace

Interval PercentileInterval(std::vector<double>& replicates, double confidence) {
  assert(!replicates.empty());
  std::sort(replicates.begin(), replicates.end());
  const double tail = (1 - confidence) / 2;
  return {Level(replicates, tail), Level(replicates, 1 - tail)};
}

Interval BcaInterval(std::vector<double>& replicates, double estimate, double acceleration,
                     double confidence) {
  assert(!replicates.empty());
  std::sort(replicates.begin(), replicates.end());
  const auto below =
      std::lower_bound(replicates.begin(), replicates.end(), estimate) - replicates.begin();
  const auto through =
      std::upper_bound(replicates.begin(), replicates.end(), estimate) - replicates.begin();
  const double share = (static_cast<double>(below) + 0.5 * static_cast<double>(through - below)) /
                       static_cast<double>(replicates.size());
  const double tail = (1 - confidence) / 2;
  const std::optional<Interval> levels = BcaLevels(share, estimate, acceleration, confidence);
  if (!levels) return {Level(replicates, tail), Level(replicates, 1 - tail)};
  return {Level(replicates, levels->lower), Level(replicates, levels->upper)};
}

std::optional<Interval> BcaLevels(double share, double estimate, double acceleration,
                                  double confidence) {
  if (share <= 0 || share >= 1 || !std::isfinite(estimate) || !std::isfinite(acceleration))
    return std::nullopt;
  const double tail = (1 - confidence) / 2;
  const double z0 = boost::math::quantile(kStandardNormal, share);
  auto adjusted = [&](double level) {
    const double z = boost::math::quantile(kStandardNormal, level);
    const double shifted = z0 + (z0 + z) / (1 - acceleration * (z0 + z));
    // A NaN (0 / 0 at an extreme acceleration) has no level; infinities are levels 0 and 1.
    return std::isnan(shifted) ? shifted : boost::math::cdf(kStandardNormal, shifted);
  };
  const Interval levels{adjusted(tail), adjusted(1 - tail)};
  if (std::isnan(levels.lower) || std::isnan(levels.upper)) return std::nullopt;
  return levels;
}

double QuantileAcceleration(std::span<const double> sorted, double q, QuantileMethod method) {
  const std::size_t n = sorted.size();
  if (n < 3) return 0;
  // Leaving out sorted[i] shifts the order statistics at and above i down by one. With the
  // position (lo, hi, w) of the quantile among n - 1 values, i <= lo moves both neighbours,
  // lo < i <= hi moves only the upper one, and i > hi moves neither.
  const QuantilePosition at = PositionOf(n - 1, q, method);
  const std::array<double, 3> values = {
      QuantileLerp(sorted[at.lower + 1], sorted[at.upper + 1], at.weight),
      QuantileLerp(sorted[at.lower], sorted[at.upper + 1], at.weight),
      QuantileLerp(sorted[at.lower], sorted[at.upper], at.weight)};
  const std::array<double, 3> counts = {static_cast<double>(at.lower + 1),
                                        static_cast<double>(at.upper - at.lower),
                                        static_cast<double>(n - 1 - at.upper)};
  double total = 0, mean = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    total += counts[i];
    mean += counts[i] * values[i];
  }
  mean /= total;
  if (!std::isfinite(mean)) {  // huge values: the weighted sum overflowed; weigh each first
    mean = 0;
    for (std::size_t i = 0; i < values.size(); ++i) mean += counts[i] / total * values[i];
  }
  return JackknifeAcceleration([&](const auto& term) {
    for (std::size_t i = 0; i < values.size(); ++i) term(mean - values[i], counts[i]);
  });
}

double MeanAcceleration(std::span<const double> values) {
  assert(!values.empty());
  const double mean = Mean(values);
  // The mean of the leave-one-out means is the mean, and it minus the i-th leave-one-out
  // mean is (x_i - mean) / (n - 1); the common factor cancels in the ratio.
  return JackknifeAcceleration([&](const auto& term) {
    for (double v : values) term(v - mean, 1.0);
  });
}

double StandardDeviation(std::span<const double> values) {
  if (values.size() < 2) return 0;
  const double mean = Mean(values);
  if (!std::isfinite(mean)) return std::numeric_limits<double>::quiet_NaN();
  double largest = 0;
  for (double v : values) largest = std::max(largest, std::fabs(v - mean));
  const double scale = CubeSafeScale(largest);
  double squares = 0;
  for (double v : values) squares += ((v - mean) * scale) * ((v - mean) * scale);
  return std::sqrt(squares / static_cast<double>(values.size() - 1)) / scale;
}

}  // namespace perfgate::stats
