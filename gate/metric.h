// The metrics a rule can name: quantiles ("p95", "p99.9"), mean, min, max and error_rate,
// how a name is parsed, and how a metric's value is read off a group's samples.
#ifndef PERFGATE_GATE_METRIC_H_
#define PERFGATE_GATE_METRIC_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "stats/quantile.h"
#include "stats/summary.h"

namespace perfgate::gate {

enum class MetricKind { kQuantile, kMean, kMin, kMax, kErrorRate };

struct Metric {
  MetricKind kind = MetricKind::kQuantile;
  double q = 0;      // for kQuantile: the level in [0, 1] ("p95" is 0.95)
  std::string name;  // as the config spells it: "p95", "error_rate"

  // Durations are in milliseconds; error_rate is a fraction.
  bool IsDuration() const { return kind != MetricKind::kErrorRate; }
  bool operator==(const Metric& other) const { return name == other.name; }
};

// Parses "p50", "p99.9", "p100", "mean", "min", "max", "error_rate". On failure the error
// message says what is wrong and, where one is close, "did you mean 'p95'?".
Result<Metric> ParseMetric(std::string_view name);

// The value of `metric` for one group: `sorted_ms` ascending, `summary` of the same samples.
double MetricValue(const Metric& metric, std::span<const double> sorted_ms,
                   const stats::Summary& summary, stats::QuantileMethod method);

}  // namespace perfgate::gate

#endif  // PERFGATE_GATE_METRIC_H_
