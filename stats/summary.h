// Exact descriptive statistics of one group's durations and failure flags: what a rule
// can name besides quantiles. Pure: spans in, a small struct out.
#ifndef PERFGATE_STATS_SUMMARY_H_
#define PERFGATE_STATS_SUMMARY_H_

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/result.h"

namespace perfgate::stats {

struct Summary {
  std::size_t count = 0;
  std::size_t failures = 0;
  double error_rate = 0;  // failures / count, a fraction in [0, 1]
  double mean_ms = 0;
  double min_ms = 0;
  double max_ms = 0;
};

// Summarises `durations_ms` with `failed` flags of the same length.
// Empty input is an error (a mean or error rate of nothing is undefined, not 0).
// REQUIRES: durations_ms.size() == failed.size().
Result<Summary> Summarize(std::span<const double> durations_ms,
                          std::span<const std::uint8_t> failed);

// The mean of `values` by Neumaier's compensated summation: accurate to about one ulp for
// latency data and independent of the platform's long double. Finite for finite values,
// however large (three durations of 1e308 ms have the mean 1e308, not inf - inf).
// REQUIRES: non-empty.
double Mean(std::span<const double> values);

// A power of two s such that `count` values of magnitude up to `max_abs`, each times s,
// sum without overflow: 1 for any real latency data, so the scaling (exact for powers of
// two) changes no bit of an ordinary mean.
double SumScale(double max_abs, std::size_t count);

// Neumaier's (1974) compensated sum of values times a SumScale, and their mean.
class CompensatedSum {
 public:
  explicit CompensatedSum(double scale = 1) : scale_(scale) {}
  void Add(double value) {
    const double v = value * scale_;
    const double t = sum_ + v;
    // Carries the low-order bits lost by each addition.
    compensation_ += std::fabs(sum_) >= std::fabs(v) ? (sum_ - t) + v : (v - t) + sum_;
    sum_ = t;
  }
  // REQUIRES: count > 0. An infinite value makes the mean that infinity (the compensation
  // is then inf - inf, which must not leak into it).
  double Mean(std::size_t count) const {
    if (std::isinf(sum_)) return sum_;
    return (sum_ + compensation_) / static_cast<double>(count) / scale_;
  }

 private:
  double scale_;
  double sum_ = 0;
  double compensation_ = 0;
};

}  // namespace perfgate::stats

#endif  // PERFGATE_STATS_SUMMARY_H_
