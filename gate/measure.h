// Measuring one group for the rule engine: each side's estimates of a metric with their
// intervals (computed once per metric and shared by every rule naming it), and the
// comparison statistics of a relative rule (its change's interval, p-value and spread).
// Measures only: evaluate.cc judges with these numbers. Internal to gate/.
#ifndef PERFGATE_GATE_MEASURE_H_
#define PERFGATE_GATE_MEASURE_H_

#include <cstddef>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/samples.h"
#include "gate/result.h"
#include "gate/thresholds.h"
#include "stats/bootstrap_law.h"
#include "stats/interval.h"
#include "stats/signals.h"
#include "stats/summary.h"

namespace perfgate::gate {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A metric's value on one side, with its interval and what a relative rule compares with
// the other side's: for a quantile the bootstrap replicate's exact law (no resampling), for
// the mean its replicates (in draw order) and exact bootstrap variance.
struct Estimate {
  double value = 0;
  std::optional<stats::Interval> interval;
  std::vector<stats::Atom> law;    // quantiles
  std::vector<double> replicates;  // the mean
  double variance = kNaN;          // the mean's: the variance of its bootstrap replicate
  double log_variance = kNaN;      // of the replicate's log (NaN when the mean is not positive)
  std::size_t n = 0;               // the mean's: the values it is of
  // How far the value may be from what the events' own durations would give, when they
  // are known only to histogram bins (GroupSamples::bins): the interval is already widened
  // by it at each end; the law and replicates are of the bins' midpoints. 0 for events.
  double resolution = 0;

  bool Bootstrapped() const { return !law.empty() || !replicates.empty(); }
};

// The fewest events on which `metric`'s interval covers what it claims (10 beyond a
// percentile, kMinEventsBeyondPercentile): 200 for p95, 1000 for p99, 10,000 for p99.9; 0
// for metrics without such a limit (mean, error_rate, min, max).
std::size_t MinEventsToJudge(const Metric& metric);

// The values a metric is a statistic of, as a key: sides of one key are shared by every
// rule whose metric has it. "" for the durations (and the signals computed from them:
// error rate, misery, throughput), a measurement's name, "performance_score", or
// "apdex(300ms)" for Apdex points.
std::string ValueKey(const Metric& metric);

// `group`'s durations over its time window, cut into kTimelineBuckets equal stretches;
// empty when its events carry fewer than two distinct times.
std::vector<TimeBucket> Timeline(const GroupSamples& group, stats::QuantileMethod method);

// One side of one group's values (its durations, a value its events carry, or one derived
// from them): sorted once, estimates made once per metric and shared by every rule that
// names the metric.
class Side {
 public:
  // `group` may be nullptr (the side has no such group); `metric` names the values (see
  // ValueKey: only the events that carry a value count); `minutes` is the release's time
  // range, for throughput (nullopt when its events have no times); `stream_name` seeds the
  // side's random streams (the mean's bootstrap), so results do not depend on evaluation
  // order.
  Side(const GroupSamples* group, const Metric& metric, std::optional<double> minutes,
       std::string stream_name, const Thresholds& config);

  std::size_t size() const { return aggregates_ ? aggregates_->count : sorted_.size(); }
  bool aggregated() const { return aggregates_ != nullptr; }
  const std::vector<double>& sorted() const { return sorted_; }
  const std::optional<stats::Summary>& summary() const { return summary_; }
  std::optional<double> minutes() const { return minutes_; }
  // The users of the side's events and how many were miserable (over 4T) for `metric`;
  // nullopt when no event carries a user.
  std::optional<stats::MiseryCounts> Misery(const Metric& metric) const;

  // What reports show of the side: its summary, p50/p95/p99 and its distribution.
  std::optional<SideStats> ReportedStats() const;
  // The metric's estimate, or nullptr when the side has no events or, in aggregate mode,
  // Sentry did not compute the metric.
  const Estimate* EstimateOf(const Metric& metric);
  // The metric's value alone, without the bootstrap behind an interval: for a side with too
  // few events to judge, which then costs O(1) per rule after its sort instead of
  // `resamples` draws. Nullopt where EstimateOf() gives nullptr.
  std::optional<double> PointValue(const Metric& metric) const;

 private:
  // The q-quantile Sentry computed, or nullopt when it computed no such quantile.
  std::optional<double> AggregatedQuantile(double q) const;
  // The summary of the server's aggregates (count, failures, mean, min and max).
  stats::Summary AggregatedSummary() const;
  // Sentry's own values in aggregate mode: no events, so no bootstrap; error rates still
  // get their binomial interval from the counts. A metric Sentry did not compute is absent.
  std::optional<Estimate> FromAggregates(const Metric& metric) const;
  // The metric's estimate from the events: its value and its bootstrap interval.
  Estimate ComputeEstimate(const Metric& metric) const;
  // Events per minute over the release's time range, with Garwood's interval.
  std::optional<Estimate> ThroughputEstimate() const;
  // Widens `estimate` (of `metric`) by what the durations' bins leave unknown: its
  // resolution, at each end of its interval.
  void WidenToBins(const Metric& metric, Estimate& estimate) const;

  std::string stream_name_;
  const Thresholds& config_;
  const GroupSamples* group_ = nullptr;
  std::optional<double> minutes_;
  bool of_value_ = false;  // of a value events carry, not of the durations
  std::vector<double> sorted_;
  const Aggregates* aggregates_ = nullptr;
  bool value_aggregated_ = false;  // aggregates_ are the value's own (value_aggregates)
  std::optional<stats::Summary> summary_;
  std::map<std::string, Estimate> estimates_;
};

// Candidate against baseline as a fraction of the baseline. A change from 0 to more than
// 0 has no finite ratio: it is +infinity, which exceeds any relative tolerance.
double RelativeChange(double candidate, double baseline);

// How much a relative rule's change statistic varies from resample to resample: the
// standard error its minimum detectable effect is worked out from, once the run's family
// of tests is known. On the log scale for ratios of durations (the change is then
// exp(statistic) - 1), else on the change's own scale.
struct ChangeSpread {
  double standard_error = kNaN;
  bool log_scale = false;
};

// The smallest true change that fails `rule` with 80 % probability (see measure.cc), or
// nullopt when the spread is not known.
std::optional<double> MinimumDetectableEffect(const Rule& rule, const ChangeSpread& spread,
                                              double confidence, std::size_t family);

// The comparison statistics of a relative rule on a bootstrapped metric, written into
// `out` (change_ci, p_value: of "no decrease" when `decrease`, else of "no increase");
// returns the change's spread.
ChangeSpread CompareBootstraps(const Estimate& base, const Estimate& cand, bool relative,
                               bool decrease, double confidence, RuleResult& out);

// The same for error rates (and user misery: miserable users of users).
ChangeSpread CompareRates(const stats::Summary& base, const stats::Summary& cand, bool relative,
                          double confidence, RuleResult& out);

// The same for throughputs: `base_count` events in `base_minutes` against the candidate's.
ChangeSpread CompareThroughputs(std::size_t base_count, double base_minutes, std::size_t cand_count,
                                double cand_minutes, double confidence, RuleResult& out);

}  // namespace perfgate::gate

#endif  // PERFGATE_GATE_MEASURE_H_
