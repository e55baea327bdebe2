#include "stats/interval.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>

#include <boost/math/distributions/normal.hpp>

#include "stats/summary.h"

namespace perfgate::stats {
namespace {

const boost::math::normal kStandardNormal;

// The replicates' quantile at level p (linear, type 7), on sorted replicates.
double Level(const std::vector<double>& sorted, double p) {
  return QuantileOfSorted(sorted, std::clamp(p, 0.0, 1.0), QuantileMethod::kLinear);
}

// The jackknife acceleration from distinct leave-one-out values and their counts.
double Acceleration(std::span<const double> values, std::span<const double> counts) {
  double total = 0, mean = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    total += counts[i];
    mean += counts[i] * values[i];
  }
  mean /= total;
  double squares = 0, cubes = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    double d = mean - values[i];
    squares += counts[i] * d * d;
    cubes += counts[i] * d * d * d;
  }
  if (squares <= 0) return 0;
  return cubes / (6 * std::pow(squares, 1.5));
}

}  // namespace

std::string_view IntervalMethodName(IntervalMethod method) {
  return method == IntervalMethod::kBca ? "bca" : "percentile";
}

std::optional<IntervalMethod> IntervalMethodFromName(std::string_view name) {
  if (name == "percentile") return IntervalMethod::kPercentile;
  if (name == "bca") return IntervalMethod::kBca;
  return std::nullopt;
}

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
  const auto below = std::lower_bound(replicates.begin(), replicates.end(), estimate) - replicates.begin();
  const auto through = std::upper_bound(replicates.begin(), replicates.end(), estimate) - replicates.begin();
  const double share = (static_cast<double>(below) + 0.5 * static_cast<double>(through - below)) /
                       static_cast<double>(replicates.size());
  const double tail = (1 - confidence) / 2;
  if (share <= 0 || share >= 1) return {Level(replicates, tail), Level(replicates, 1 - tail)};
  const double z0 = boost::math::quantile(kStandardNormal, share);
  auto adjusted = [&](double level) {
    const double z = boost::math::quantile(kStandardNormal, level);
    const double shifted = z0 + (z0 + z) / (1 - acceleration * (z0 + z));
    return boost::math::cdf(kStandardNormal, shifted);
  };
  return {Level(replicates, adjusted(tail)), Level(replicates, adjusted(1 - tail))};
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
  return Acceleration(values, counts);
}

double MeanAcceleration(std::span<const double> values) {
  assert(!values.empty());
  const double mean = Mean(values);
  double squares = 0, cubes = 0;
  for (double v : values) {
    // The mean of the leave-one-out means is the mean, and it minus the i-th leave-one-out
    // mean is (x_i - mean) / (n - 1); the common factor cancels in the ratio.
    double d = v - mean;
    squares += d * d;
    cubes += d * d * d;
  }
  if (squares <= 0) return 0;
  return cubes / (6 * std::pow(squares, 1.5));
}

double StandardDeviation(std::span<const double> values) {
  if (values.size() < 2) return 0;
  const double mean = Mean(values);
  double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

}  // namespace perfgate::stats
