#include "gate/metric.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace perfgate::gate {
namespace {

constexpr std::array<std::string_view, 10> kCommonMetrics = {
    "p50", "p75", "p90", "p95", "p99", "p99.9", "mean", "min", "max", "error_rate"};

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

Error UnknownMetric(std::string_view name, std::string_view why) {
  return MakeError(ErrorKind::kConfig, "unknown metric '" + std::string(name) + "'" +
                                           std::string(why) + DidYouMean(name, kCommonMetrics));
}

}  // namespace

std::string ClosestMatch(std::string_view word, std::span<const std::string_view> candidates) {
  std::string_view best;
  std::size_t best_distance = std::max<std::size_t>(1, word.size() / 3) + 1;
  for (std::string_view candidate : candidates) {
    std::size_t distance = EditDistance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return std::string(best);
}

std::string DidYouMean(std::string_view word, std::span<const std::string_view> candidates) {
  std::string match = ClosestMatch(word, candidates);
  return match.empty() ? "" : "; did you mean '" + match + "'?";
}

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
    case MetricKind::kQuantile: return stats::QuantileOfSorted(sorted_ms, metric.q, method);
    case MetricKind::kMean: return summary.mean_ms;
    case MetricKind::kMin: return summary.min_ms;
    case MetricKind::kMax: return summary.max_ms;
    case MetricKind::kErrorRate: return summary.error_rate;
  }
  return 0;  // unreachable
}

}  // namespace perfgate::gate
