#include "gate/source_summary.h"

#include <algorithm>

#include "gate/evaluate.h"

namespace perfgate::gate {

SourceSummary SummarizeSource(const SampleSet& set, std::span<const double> percentiles,
                              stats::QuantileMethod method) {
  SourceSummary summary{
      set.source, method, set.skipped_rows, {percentiles.begin(), percentiles.end()}, {}};
  std::vector<GroupSamples> groups = set.groups;
  groups.push_back(MergeGroups(set, std::string(kAllGroupName)));
  for (GroupSamples& group : groups) {
    Result<stats::Summary> described = stats::Summarize(group.durations_ms, group.failed);
    if (!described.ok())
      continue;  // an empty group: readers never make one, and "(all)" of nothing is none
    std::sort(group.durations_ms.begin(), group.durations_ms.end());
    GroupSummary row{group.name, *described, {}};
    for (double percent : percentiles) {
      row.percentiles_ms.emplace_back(
          percent, stats::QuantileOfSorted(group.durations_ms, percent / 100, method));
    }
    summary.groups.push_back(std::move(row));
  }
  return summary;
}

}  // namespace perfgate::gate
