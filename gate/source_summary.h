// What `perfgate stats` shows of one source: per group and for the whole source, the
// events, failures, mean, min, max and the asked percentiles. Pure: samples in, a small
// model out; reports/stats_report.h renders it.
#ifndef PERFGATE_GATE_SOURCE_SUMMARY_H_
#define PERFGATE_GATE_SOURCE_SUMMARY_H_

#include <cstddef>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/samples.h"
#include "stats/quantile.h"
#include "stats/summary.h"

namespace perfgate::gate {

struct GroupSummary {
  std::string name;
  stats::Summary summary;
  std::vector<std::pair<double, double>> percentiles_ms;  // (percent in (0, 100], value)
};

struct SourceSummary {
  std::string source;
  stats::QuantileMethod method = stats::QuantileMethod::kLinear;
  std::size_t skipped_rows = 0;
  std::vector<double> percentiles;   // in percent, as asked
  std::vector<GroupSummary> groups;  // in name order, then "(all)": every event as one group
};

// Summarises every group of `set` and the whole set. REQUIRES: `set` holds events (not
// server aggregates) and `percentiles` lie in (0, 100].
SourceSummary SummarizeSource(const SampleSet& set, std::span<const double> percentiles,
                              stats::QuantileMethod method);

}  // namespace perfgate::gate

#endif  // PERFGATE_GATE_SOURCE_SUMMARY_H_
