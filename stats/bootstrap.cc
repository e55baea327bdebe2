#include "stats/bootstrap.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "stats/summary.h"

namespace perfgate::stats {
namespace {

// The 0-based index of x_(ceil(n u)) for u in (0, 1).
std::size_t IndexOf(double u, std::size_t n) {
  auto index = static_cast<std::size_t>(std::ceil(static_cast<double>(n) * u));
  return std::clamp<std::size_t>(index, 1, n) - 1;
}

// One replicate's order statistics: the indices of the resample's lower and upper order
// statistics at `at` (equal when the quantile needs only one).
struct Draw {
  std::size_t lower;
  std::size_t upper;
};

Draw DrawOrderStatistics(std::size_t n, const QuantilePosition& at, Random& random) {
  const double k = static_cast<double>(at.lower) + 1;  // 1-based order statistic
  const double nn = static_cast<double>(n);
  const double u = random.Beta(k, nn - k + 1);
  const std::size_t lower = IndexOf(u, n);
  if (at.upper == at.lower || at.weight == 0) return {lower, lower};
  // The (k+1)-th of n uniforms, given the k-th: the least of the n - k above it.
  const double next = u + (1 - u) * random.Beta(1, nn - k);
  return {lower, IndexOf(next, n)};
}

}  // namespace

std::vector<double> QuantileReplicates(std::span<const double> sorted, double q,
                                       QuantileMethod method, int resamples, Random& random) {
  assert(!sorted.empty() && resamples > 0);
  const QuantilePosition at = PositionOf(sorted.size(), q, method);
  std::vector<double> replicates(static_cast<std::size_t>(resamples));
  for (double& replicate : replicates) {
    Draw draw = DrawOrderStatistics(sorted.size(), at, random);
    replicate = QuantileLerp(sorted[draw.lower], sorted[draw.upper], at.weight);
  }
  return replicates;
}

std::vector<double> NaiveQuantileReplicates(std::span<const double> values, double q,
                                            QuantileMethod method, int resamples, Random& random) {
  std::vector<double> replicates;
  replicates.reserve(static_cast<std::size_t>(resamples));
  std::vector<double> resample(values.size());
  for (int r = 0; r < resamples; ++r) {
    for (double& value : resample) value = values[random.Below(values.size())];
    std::sort(resample.begin(), resample.end());
    replicates.push_back(QuantileOfSorted(resample, q, method));
  }
  return replicates;
}

std::vector<double> MeanReplicates(std::span<const double> values, int resamples, Random& random,
                                   long long max_draws, int min_resamples) {
  assert(!values.empty());
  const auto n = static_cast<long long>(values.size());
  long long affordable = std::max<long long>(min_resamples, max_draws / n);
  const auto count = static_cast<std::size_t>(std::min<long long>(resamples, affordable));
  std::vector<double> replicates(count);
  double max_abs = 0;
  for (double v : values) max_abs = std::max(max_abs, std::fabs(v));
  const double scale = SumScale(max_abs, values.size());
  for (double& replicate : replicates) {
    // Compensated and scaled as Mean() is, so the replicates and the estimate agree in form.
    CompensatedSum sum(scale);
    for (long long i = 0; i < n; ++i) sum.Add(values[random.Below(static_cast<std::uint64_t>(n))]);
    replicate = sum.Mean(values.size());
  }
  return replicates;
}

}  // namespace perfgate::stats
