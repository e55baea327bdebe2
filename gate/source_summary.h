// What `perfgate stats` shows of one source: per group and for the whole source, the
// events, failures, mean, min, max and the asked percentiles, each rate and statistic with
// its interval as the gate computes it. Pure: samples in, a small model out;
// reports/stats_report.h renders it.
#ifndef PERFGATE_GATE_SOURCE_SUMMARY_H_
#define PERFGATE_GATE_SOURCE_SUMMARY_H_

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/samples.h"
#include "gate/thresholds.h"
#include "stats/interval.h"
#include "stats/quantile.h"
#include "stats/summary.h"

namespace perfgate::gate {

struct GroupSummary {
  std::string name;
  stats::Summary summary;
  std::vector<std::pair<double, double>> percentiles_ms;  // (percent in (0, 100], value)
  // At the config's confidence, by the gate's methods: the error rate's (Clopper-Pearson by
  // default), the mean's (BCa bootstrap) and each percentile's (its exact bootstrap law);
  // nullopt where the gate would not judge: fewer than min_samples events, or a percentile
  // with too few events beyond it to cover what it claims.
  stats::Interval error_rate_ci;
  std::optional<stats::Interval> mean_ci;
  std::vector<std::optional<stats::Interval>> percentile_cis;
};

struct SourceSummary {
  std::string source;
  stats::QuantileMethod method = stats::QuantileMethod::kLinear;
  double confidence = 0.95;
  std::size_t skipped_rows = 0;
  std::vector<double> percentiles;   // in percent, as asked
  std::vector<GroupSummary> groups;  // in name order, then "(all)": every event as one group
};

// Summarises every group of `set` and the whole set, with the intervals `config`'s
// statistics settings give (its percentile method replaced by `method`). REQUIRES: `set`
// holds events (not server aggregates) and `percentiles` lie in (0, 100].
SourceSummary SummarizeSource(const SampleSet& set, std::span<const double> percentiles,
                              stats::QuantileMethod method, const Thresholds& config);

}  // namespace perfgate::gate

#endif  // PERFGATE_GATE_SOURCE_SUMMARY_H_
