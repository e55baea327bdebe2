#include "gate/source_summary.h"

#include <algorithm>

#include "core/number_format.h"
#include "gate/evaluate.h"
#include "gate/measure.h"

namespace perfgate::gate {

SourceSummary SummarizeSource(const SampleSet& set, std::span<const double> percentiles,
                              stats::QuantileMethod method, const Thresholds& config) {
  Thresholds settings = config;
  settings.percentile_method = method;
  SourceSummary summary{set.source,
                        method,
                        settings.confidence,
                        set.skipped_rows,
                        {percentiles.begin(), percentiles.end()},
                        {}};
  std::vector<GroupSamples> groups = set.groups;
  groups.push_back(MergeGroups(set, std::string(kAllGroupName)));
  const Metric durations;
  for (const GroupSamples& group : groups) {
    Side side(&group, durations, std::nullopt, "stats\x1f" + group.name, settings);
    if (!side.summary()) continue;  // an empty group: readers never make one
    GroupSummary row{group.name, *side.summary(), {}, {}, {}, {}};
    auto estimate = [&](const std::string& name) { return side.EstimateOf(*ParseMetric(name)); };
    // Intervals where the gate would judge: an error rate's always (exact at any n), a
    // mean's from min_samples events, a percentile's also from 10 events beyond it.
    const bool enough = side.size() >= static_cast<std::size_t>(settings.min_samples);
    row.error_rate_ci = *estimate("error_rate")->interval;
    if (enough) row.mean_ci = estimate("mean")->interval;
    for (double percent : percentiles) {
      const Metric metric = *ParseMetric("p" + FormatNumber(percent));
      const Estimate* at = side.EstimateOf(metric);
      row.percentiles_ms.emplace_back(percent, at->value);
      row.percentile_cis.push_back(enough && side.size() >= MinEventsToJudge(metric)
                                       ? at->interval
                                       : std::optional<stats::Interval>());
    }
    summary.groups.push_back(std::move(row));
  }
  return summary;
}

}  // namespace perfgate::gate
