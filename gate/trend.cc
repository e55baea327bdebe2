#include "gate/trend.h"

#include <algorithm>
#include <map>

#include "gate/measure.h"

namespace perfgate::gate {

Trend BuildTrend(const std::vector<std::pair<std::string, SampleSet>>& releases,
                 const Thresholds& config, std::size_t top) {
  Trend trend;
  trend.confidence = config.confidence;
  std::map<std::string, TransactionTrend> by_name;
  const Metric durations;
  const Metric p50 = *ParseMetric("p50"), p95 = *ParseMetric("p95"),
               error_rate = *ParseMetric("error_rate");
  for (std::size_t r = 0; r < releases.size(); ++r) {
    const auto& [release, set] = releases[r];
    trend.releases.push_back(release);
    for (const GroupSamples& group : set.groups) {
      TransactionTrend& row = by_name[group.name];
      row.name = group.name;
      row.points.resize(releases.size());
      Side side(&group, durations, std::nullopt, "trend\x1f" + release + "\x1f" + group.name,
                config);
      if (!side.summary()) continue;
      TrendPoint point;
      point.count = side.size();
      row.events += point.count;
      const bool enough = side.size() >= static_cast<std::size_t>(config.min_samples);
      if (const Estimate* rate = side.EstimateOf(error_rate)) {
        point.error_rate = rate->value;
        point.error_rate_ci = rate->interval;
      }
      auto quantile = [&](const Metric& metric, double& value, std::optional<stats::Interval>& ci) {
        const Estimate* at = side.EstimateOf(metric);
        if (at == nullptr) return;
        value = at->value;
        if (enough && side.size() >= MinEventsToJudge(metric)) ci = at->interval;
      };
      quantile(p50, point.p50_ms, point.p50_ci);
      quantile(p95, point.p95_ms, point.p95_ci);
      row.points[r] = point;
    }
  }
  for (auto& [name, row] : by_name) {
    row.points.resize(releases.size());
    trend.transactions.push_back(std::move(row));
  }
  std::stable_sort(
      trend.transactions.begin(), trend.transactions.end(),
      [](const TransactionTrend& a, const TransactionTrend& b) { return a.events > b.events; });
  if (trend.transactions.size() > top) {
    trend.more = trend.transactions.size() - top;
    trend.transactions.resize(top);
  }
  return trend;
}

}  // namespace perfgate::gate
