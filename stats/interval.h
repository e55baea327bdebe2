// Confidence intervals from bootstrap replicates (percentile and BCa) and the jackknife
// accelerations BCa needs, in closed form for quantiles and the mean.
#ifndef PERFGATE_STATS_INTERVAL_H_
#define PERFGATE_STATS_INTERVAL_H_

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/enum_names.h"
#include "stats/quantile.h"

namespace perfgate::stats {

struct Interval {
  double lower = 0;
  double upper = 0;
  bool Contains(double x) const { return lower <= x && x <= upper; }
};

enum class IntervalMethod {
  kPercentile,  // the (1 - c)/2 and (1 + c)/2 quantiles of the replicates
  kBca,         // bias-corrected and accelerated (Efron 1987)
};
inline constexpr NameTable<IntervalMethod, 2> kIntervalMethodNames = {
    {{IntervalMethod::kPercentile, "percentile"}, {IntervalMethod::kBca, "bca"}}};
// As reports name them.
inline constexpr NameTable<IntervalMethod, 2> kIntervalMethodTitles = {
    {{IntervalMethod::kPercentile, "percentile"}, {IntervalMethod::kBca, "BCa"}}};

// The percentile interval at `confidence` (e.g. 0.95). Sorts `replicates`.
// REQUIRES: non-empty, 0 < confidence < 1.
Interval PercentileInterval(std::vector<double>& replicates, double confidence);

// The BCa interval: bias correction z0 = Phi^-1(share of replicates below `estimate`, ties
// counting half), then the percentile levels Phi(z0 + (z0 + z)/(1 - a (z0 + z))) for
// z = Phi^-1((1 -+ c)/2). When every replicate lies on one side of the estimate (z0
// infinite) or the estimate or acceleration is not finite it falls back to the percentile interval.
// Sorts `replicates`.
Interval BcaInterval(std::vector<double>& replicates, double estimate, double acceleration,
                     double confidence);

// BCa's percentile levels, given the share of the bootstrap law below the estimate (ties
// counting half): {Phi(z0 + (z0 + z)/(1 - a (z0 + z)))} for z = Phi^-1((1 -+ c)/2), as
// a pair of levels in [0, 1]. Nullopt where the percentile interval must stand in: every
// replicate on one side of the estimate, a non-finite estimate or acceleration.
std::optional<Interval> BcaLevels(double share, double estimate, double acceleration,
                                  double confidence);

// BCa's acceleration from the jackknife, a = sum d^3 / (6 (sum d^2)^1.5) with d the
// leave-one-out estimates' deviations from their mean. For a quantile the n leave-one-out
// estimates take at most three distinct values, so this is O(1) on sorted data.
double QuantileAcceleration(std::span<const double> sorted, double q, QuantileMethod method);
// For the mean, d_i is proportional to x_i - mean: O(n). REQUIRES: non-empty.
double MeanAcceleration(std::span<const double> values);

// The standard deviation of `values` (n - 1 denominator); 0 for fewer than two, NaN when
// a value is infinite. Finite for finite values, however large.
double StandardDeviation(std::span<const double> values);

}  // namespace perfgate::stats

#endif  // PERFGATE_STATS_INTERVAL_H_
