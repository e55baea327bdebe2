// Exact descriptive statistics of one group's durations and failure flags: what a rule
// can name besides quantiles. Pure: spans in, a small struct out.
#ifndef PERFGATE_STATS_SUMMARY_H_
#define PERFGATE_STATS_SUMMARY_H_

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
// latency data and independent of the platform's long double. REQUIRES: non-empty.
double Mean(std::span<const double> values);

}  // namespace perfgate::stats

#endif  // PERFGATE_STATS_SUMMARY_H_
