// `perfgate trend`: each transaction's p50, p95 and error rate release by release, with
// their intervals as the gate computes them. Pure: the releases' samples in, a small model
// out; reports/trend_report.h renders it.
#ifndef PERFGATE_GATE_TREND_H_
#define PERFGATE_GATE_TREND_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/samples.h"
#include "gate/thresholds.h"
#include "stats/interval.h"

namespace perfgate::gate {

// One transaction in one release.
struct TrendPoint {
  std::size_t count = 0;
  double error_rate = 0;
  std::optional<stats::Interval> error_rate_ci;
  double p50_ms = 0;
  double p95_ms = 0;
  // Where the gate would judge them (enough events; not from server aggregates).
  std::optional<stats::Interval> p50_ci;
  std::optional<stats::Interval> p95_ci;
};

struct TransactionTrend {
  std::string name;
  std::size_t events = 0;                         // over every release
  std::vector<std::optional<TrendPoint>> points;  // one per release; nullopt: none there
};

struct Trend {
  std::vector<std::string> releases;  // oldest first
  double confidence = 0.95;
  std::vector<TransactionTrend> transactions;  // the busiest first (ties by name), at most `top`
  std::size_t more = 0;                        // transactions left out by `top`
};

// The trend of `releases` (name and samples, oldest first), at `config`'s confidence and
// percentile method; the `top` busiest transactions over all of them.
Trend BuildTrend(const std::vector<std::pair<std::string, SampleSet>>& releases,
                 const Thresholds& config, std::size_t top);

}  // namespace perfgate::gate

#endif  // PERFGATE_GATE_TREND_H_
