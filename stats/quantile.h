// Sample quantiles under the nine Hyndman & Fan (1996) definitions, plus numpy's four
// discontinuous variants of type 7, named and computed exactly as numpy.quantile does
// (numpy 1.22+ `method=`; R's quantile(type=) for types 1-9). Pure: sorted spans in.
#ifndef PERFGATE_STATS_QUANTILE_H_
#define PERFGATE_STATS_QUANTILE_H_

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/enum_names.h"
#include "core/result.h"

namespace perfgate::stats {

enum class QuantileMethod {
  kInvertedCdf,              // H&F 1, R type 1
  kAveragedInvertedCdf,      // H&F 2
  kClosestObservation,       // H&F 3
  kInterpolatedInvertedCdf,  // H&F 4
  kHazen,                    // H&F 5
  kWeibull,                  // H&F 6
  kLinear,                   // H&F 7: numpy's and R's default, Sentry/ClickHouse quantile()
  kMedianUnbiased,           // H&F 8
  kNormalUnbiased,           // H&F 9
  kLower,                    // type 7's index rounded down
  kHigher,                   // type 7's index rounded up
  kMidpoint,                 // mean of kLower and kHigher
  kNearest,                  // type 7's index rounded half to even
};

// numpy's name for each method ("linear"), in H&F order then numpy's extras.
inline constexpr NameTable<QuantileMethod, 13> kQuantileMethodNames = {
    {{QuantileMethod::kInvertedCdf, "inverted_cdf"},
     {QuantileMethod::kAveragedInvertedCdf, "averaged_inverted_cdf"},
     {QuantileMethod::kClosestObservation, "closest_observation"},
     {QuantileMethod::kInterpolatedInvertedCdf, "interpolated_inverted_cdf"},
     {QuantileMethod::kHazen, "hazen"},
     {QuantileMethod::kWeibull, "weibull"},
     {QuantileMethod::kLinear, "linear"},
     {QuantileMethod::kMedianUnbiased, "median_unbiased"},
     {QuantileMethod::kNormalUnbiased, "normal_unbiased"},
     {QuantileMethod::kLower, "lower"},
     {QuantileMethod::kHigher, "higher"},
     {QuantileMethod::kMidpoint, "midpoint"},
     {QuantileMethod::kNearest, "nearest"}}};

// Where the q-quantile of n sorted values sits under a method: numpy's answer is
// QuantileLerp(sorted[lower], sorted[upper], weight). Discrete methods have
// lower == upper. The bootstrap uses this to resample just the order statistics it needs.
struct QuantilePosition {
  std::size_t lower = 0;  // 0-based
  std::size_t upper = 0;  // lower or lower + 1
  double weight = 0;      // in [0, 1]
};
// REQUIRES: n > 0, 0 <= q <= 1.
QuantilePosition PositionOf(std::size_t size, double q, QuantileMethod method);
// numpy's interpolation a + (b - a) t, computed from the nearer end (exact at t = 0 and 1).
// Bit-for-bit numpy for finite a and b; where numpy gives NaN from infinities (inf - inf),
// this gives the limit: a when t == 0 or a == b, b when t == 1, else the infinite end.
double QuantileLerp(double a, double b, double t);

// The q-quantile of `sorted` under `method`, bit-for-bit what numpy.quantile returns.
// REQUIRES: `sorted` ascending and non-empty, 0 <= q <= 1, no NaN.
double QuantileOfSorted(std::span<const double> sorted, double q,
                        QuantileMethod method = QuantileMethod::kLinear);

// The same for unsorted values: sorts a copy. An empty span or q outside [0, 1] is an error.
Result<double> Quantile(std::span<const double> values, double q,
                        QuantileMethod method = QuantileMethod::kLinear);

}  // namespace perfgate::stats

#endif  // PERFGATE_STATS_QUANTILE_H_
