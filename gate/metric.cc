#include "gate/metric.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "core/spelling.h"

namespace perfgate::gate {
namespace {

constexpr std::array<std::string_view, 10> kCommonMetrics = {
    "p50", "p75", "p90", "p95", "p99", "p99.9", "mean", "min", "max", "error_rate"};

Error UnknownMetric(std::string_view name, std::string_view why) {
  return MakeError(ErrorKind::kConfig, "unknown metric '" + std::string(name) + "'" +
                                           std::string(why) + DidYouMean(name, kCommonMetrics));
}

}  // namespace

Result<Metric> ParseMetric(std::string_view name) {
  Metric metric;
  metric.name = std::string(name);
  if (name == "mean") {
    metric.kind = MetricKind::kMean;
  } else if (name == "min") {
    metric.kind = MetricKind::kMin;
  } else if (name == "max") {
    metric.kind = MetricKind::kMax;
  } else if (name == "error_rate") {
    metric.kind = MetricKind::kErrorRate;
  } else if (name.size() > 1 && name[0] == 'p' && name[1] >= '0' && name[1] <= '9') {
    double percent = 0;
    const char* end = name.data() + name.size();
    auto [stop, ec] = std::from_chars(name.data() + 1, end, percent, std::chars_format::fixed);
    if (ec != std::errc() || stop != end) return UnknownMetric(name, "");
    if (!(percent > 0 && percent <= 100)) {
      return UnknownMetric(name, ": a percentile is p followed by a number in (0, 100]");
    }
    metric.kind = MetricKind::kQuantile;
    metric.q = percent / 100;
  } else if (name == "median") {
    return MakeError(ErrorKind::kConfig, "unknown metric 'median'; did you mean 'p50'?");
  } else {
    return UnknownMetric(name, "");
  }
  return metric;
}

double MetricValue(const Metric& metric, std::span<const double> sorted_ms,
                   const stats::Summary& summary, stats::QuantileMethod method) {
  switch (metric.kind) {
    case MetricKind::kQuantile:
      return stats::QuantileOfSorted(sorted_ms, metric.q, method);
    case MetricKind::kMean:
      return summary.mean_ms;
    case MetricKind::kMin:
      return summary.min_ms;
    case MetricKind::kMax:
      return summary.max_ms;
    case MetricKind::kErrorRate:
      return summary.error_rate;
  }
  return 0;  // unreachable
}

}  // namespace perfgate::gate
