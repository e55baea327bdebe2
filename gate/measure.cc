#include "gate/measure.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <boost/math/distributions/normal.hpp>

#include "stats/binomial.h"
#include "stats/bootstrap.h"
#include "stats/quantile.h"
#include "stats/random.h"

namespace perfgate::gate {

using stats::Interval;

std::size_t MinEventsToJudge(const Metric& metric) {
  if (metric.kind != MetricKind::kQuantile) return 0;
  const double tail = std::min(metric.q, 1 - metric.q);
  if (tail <= 0) return 0;  // p0 and p100 are min and max: no interval is claimed
  // The 1e-9 keeps 10 / 0.05 at 200 where the division lands a hair above it.
  return static_cast<std::size_t>(std::ceil(kMinEventsBeyondPercentile / tail - 1e-9));
}

std::string ValueKey(const Metric& metric) {
  if (metric.kind == MetricKind::kApdex) return metric.name;
  return metric.value;
}

namespace {

// Each event's value of `metric` (NaN where it has none): a measurement, the page load's
// performance score, or its Apdex points.
std::vector<double> EventValues(const GroupSamples& group, const Metric& metric) {
  if (metric.kind == MetricKind::kApdex) {
    std::vector<double> points(group.size());
    for (std::size_t i = 0; i < group.size(); ++i)
      points[i] = stats::ApdexPoints(group.durations_ms[i], metric.threshold_ms);
    return points;
  }
  if (metric.value == kPerformanceScore) {
    std::vector<double> scores(group.size());
    std::array<const std::vector<double>*, stats::kVitalCurves.size()> vitals{};
    for (std::size_t v = 0; v < vitals.size(); ++v) {
      auto column = group.values.find(stats::kVitalCurves[v].measurement);
      if (column != group.values.end()) vitals[v] = &column->second.values;
    }
    for (std::size_t i = 0; i < group.size(); ++i) {
      std::array<double, stats::kVitalCurves.size()> page;
      for (std::size_t v = 0; v < vitals.size(); ++v) page[v] = vitals[v] ? (*vitals[v])[i] : kNaN;
      scores[i] = stats::PerformanceScore(page);
    }
    return scores;
  }
  auto column = group.values.find(metric.value);
  if (column == group.values.end()) return std::vector<double>(group.size(), kNaN);
  return column->second.values;
}

}  // namespace

Side::Side(const GroupSamples* group, const Metric& metric, std::optional<double> minutes,
           std::string stream_name, const Thresholds& config)
    : stream_name_(std::move(stream_name)),
      config_(config),
      group_(group),
      minutes_(minutes),
      of_value_(!ValueKey(metric).empty()) {
  if (of_value_ && group != nullptr) {
    // Sentry's aggregates of the value (aggregate mode), when it was asked for them.
    if (auto found = group->value_aggregates.find(metric.value);
        found != group->value_aggregates.end()) {
      if (found->second.count == 0) return;  // no event carries the value
      aggregates_ = &found->second;
      value_aggregated_ = true;
      summary_ = AggregatedSummary();
      return;
    }
  }
  if (of_value_ && group != nullptr && !group->aggregates) {
    std::vector<double> values;
    std::vector<std::uint8_t> failed;
    // One per span that carries it, or per k6 sample: a span attribute, a k6 metric, or
    // INP from Sentry's interaction spans.
    if (auto bag = group->sample_values.find(metric.value); bag != group->sample_values.end()) {
      values = bag->second;
      failed.assign(values.size(), 0);
    } else if (!metric.OfSamples()) {
      const std::vector<double> all = EventValues(*group, metric);
      for (std::size_t i = 0; i < all.size(); ++i) {
        if (std::isnan(all[i])) continue;
        values.push_back(all[i]);
        failed.push_back(group->failed[i]);
      }
    }
    if (values.empty()) return;
    sorted_ = values;
    std::sort(sorted_.begin(), sorted_.end());
    Result<stats::Summary> summarized = stats::Summarize(values, failed);
    if (summarized.ok()) summary_ = *summarized;
    return;
  }
  if (group != nullptr && group->aggregates && group->aggregates->count > 0) {
    aggregates_ = &*group->aggregates;
    summary_ = AggregatedSummary();
    return;
  }
  if (group == nullptr || group->size() == 0) return;
  sorted_ = group->durations_ms;
  std::sort(sorted_.begin(), sorted_.end());
  Result<stats::Summary> summarized = stats::Summarize(group->durations_ms, group->failed);
  if (summarized.ok()) summary_ = *summarized;
}

std::optional<SideStats> Side::ReportedStats() const {
  if (!summary_) return std::nullopt;
  if (aggregates_) {
    SideStats stats{*summary_,
                    AggregatedQuantile(0.50).value_or(kNaN),
                    AggregatedQuantile(0.95).value_or(kNaN),
                    AggregatedQuantile(0.99).value_or(kNaN),
                    {},
                    {}};
    for (const auto& [q, value] : aggregates_->quantiles_ms)
      stats.distribution.emplace_back(q, value);
    return stats;
  }
  const auto method = config_.percentile_method;
  SideStats stats{*summary_,
                  stats::QuantileOfSorted(sorted_, 0.50, method),
                  stats::QuantileOfSorted(sorted_, 0.95, method),
                  stats::QuantileOfSorted(sorted_, 0.99, method),
                  {},
                  {}};
  for (int percent = 0; percent <= 100; ++percent) {
    const double q = percent / 100.0;
    stats.distribution.emplace_back(q, stats::QuantileOfSorted(sorted_, q, method));
    if (percent == 99) {
      for (double tail : {0.995, 0.999})
        stats.distribution.emplace_back(tail, stats::QuantileOfSorted(sorted_, tail, method));
    }
  }
  if (group_ != nullptr && !of_value_) stats.timeline = Timeline(*group_, method);
  return stats;
}

std::vector<TimeBucket> Timeline(const GroupSamples& group, stats::QuantileMethod method) {
  double first = std::numeric_limits<double>::infinity();
  double last = -first;
  for (double t : group.times_s) {
    if (!std::isfinite(t)) continue;
    first = std::min(first, t);
    last = std::max(last, t);
  }
  if (!(last > first)) return {};
  const double width = (last - first) / static_cast<double>(kTimelineBuckets);
  std::vector<TimeBucket> buckets(kTimelineBuckets);
  std::vector<std::vector<double>> durations(kTimelineBuckets);
  for (std::size_t b = 0; b < kTimelineBuckets; ++b) {
    buckets[b].start_s = first + width * static_cast<double>(b);
    buckets[b].end_s =
        b + 1 == kTimelineBuckets ? last : first + width * static_cast<double>(b + 1);
  }
  for (std::size_t i = 0; i < group.times_s.size() && i < group.durations_ms.size(); ++i) {
    const double t = group.times_s[i];
    if (!std::isfinite(t)) continue;
    const auto b = std::min(kTimelineBuckets - 1, static_cast<std::size_t>((t - first) / width));
    durations[b].push_back(group.durations_ms[i]);
    buckets[b].failures += group.failed[i] != 0 ? 1 : 0;
  }
  for (std::size_t b = 0; b < kTimelineBuckets; ++b) {
    std::vector<double>& values = durations[b];
    buckets[b].count = values.size();
    std::sort(values.begin(), values.end());
    buckets[b].p50_ms = values.empty() ? kNaN : stats::QuantileOfSorted(values, 0.50, method);
    buckets[b].p95_ms =
        values.size() < kTimelineTailEvents ? kNaN : stats::QuantileOfSorted(values, 0.95, method);
  }
  return buckets;
}

const Estimate* Side::EstimateOf(const Metric& metric) {
  if (!summary_) return nullptr;
  auto found = estimates_.find(metric.name);
  if (found != estimates_.end()) return &found->second;
  if (aggregates_) {
    std::optional<Estimate> estimate = FromAggregates(metric);
    if (!estimate) return nullptr;
    return &estimates_.emplace(metric.name, *estimate).first->second;
  }
  Estimate estimate = ComputeEstimate(metric);
  WidenToBins(metric, estimate);
  return &estimates_.emplace(metric.name, std::move(estimate)).first->second;
}

void Side::WidenToBins(const Metric& metric, Estimate& estimate) const {
  if (group_ == nullptr || group_->bins.empty()) return;
  const std::vector<DurationBin>& bins = group_->bins;
  const double n = static_cast<double>(group_->size());
  switch (metric.kind) {
    case MetricKind::kQuantile: {
      if (of_value_ || !estimate.interval) return;
      // Every order statistic the interval and the value rest on is a midpoint of a bin
      // overlapping [lower, upper]: none is further from its event's duration than the
      // widest such bin's half width. (A merged group's bins overlap: each is looked at.)
      for (const DurationBin& bin : bins) {
        if (bin.lower > estimate.interval->upper) break;
        if (bin.upper >= estimate.interval->lower)
          estimate.resolution = std::max(estimate.resolution, bin.HalfWidth());
      }
      break;
    }
    case MetricKind::kMean:
      if (of_value_) return;
      for (const DurationBin& bin : bins)  // each event at most its half width off
        estimate.resolution += static_cast<double>(bin.count) * bin.HalfWidth() / n;
      break;
    case MetricKind::kApdex:
      // An event in a bin across T (or 4T) may be worth half a point more or less.
      for (const DurationBin& bin : bins) {
        for (double edge : {metric.threshold_ms, 4 * metric.threshold_ms}) {
          if (bin.lower < edge && edge < bin.upper)
            estimate.resolution += 0.5 * static_cast<double>(bin.count) / n;
        }
      }
      break;
    default:
      return;  // counts (error rate, throughput) are exact; min and max have no interval
  }
  if (estimate.interval && estimate.resolution > 0) {
    estimate.interval->lower -= estimate.resolution;
    estimate.interval->upper += estimate.resolution;
    if (metric.kind == MetricKind::kApdex) {
      estimate.interval->lower = std::max(0.0, estimate.interval->lower);
      estimate.interval->upper = std::min(1.0, estimate.interval->upper);
    } else {
      estimate.interval->lower = std::max(0.0, estimate.interval->lower);
    }
  }
}

std::optional<double> Side::PointValue(const Metric& metric) const {
  if (!summary_) return std::nullopt;
  if (aggregates_) {
    std::optional<Estimate> estimate = FromAggregates(metric);
    return estimate ? std::optional<double>(estimate->value) : std::nullopt;
  }
  if (metric.kind == MetricKind::kThroughput || metric.kind == MetricKind::kUserMisery) {
    const double value = ComputeEstimate(metric).value;  // counts: no bootstrap to save
    return std::isnan(value) ? std::nullopt : std::optional<double>(value);
  }
  return MetricValue(metric, sorted_, *summary_, config_.percentile_method);
}

stats::Summary Side::AggregatedSummary() const {
  const Aggregates& a = *aggregates_;
  return {a.count,
          a.failures,
          static_cast<double>(a.failures) / static_cast<double>(a.count),
          a.mean_ms.value_or(kNaN),
          AggregatedQuantile(0).value_or(kNaN),
          AggregatedQuantile(1).value_or(kNaN)};
}

std::optional<double> Side::AggregatedQuantile(double q) const {
  auto found = aggregates_->quantiles_ms.find(q);
  if (found == aggregates_->quantiles_ms.end()) return std::nullopt;
  return found->second;
}

std::optional<stats::MiseryCounts> Side::Misery(const Metric& metric) const {
  if (group_ == nullptr || group_->aggregates) return std::nullopt;
  auto users = group_->values.find(kUserValue);
  if (users == group_->values.end()) return std::nullopt;
  stats::MiseryCounts counts =
      stats::CountMisery(group_->durations_ms, users->second.values, metric.threshold_ms);
  if (counts.users == 0) return std::nullopt;
  return counts;
}

std::optional<Estimate> Side::FromAggregates(const Metric& metric) const {
  // A value's own aggregates give its percentiles, mean, min and max; the durations'
  // aggregates give nothing of a value.
  const bool value_statistic = metric.kind == MetricKind::kQuantile ||
                               metric.kind == MetricKind::kMean ||
                               metric.kind == MetricKind::kMin || metric.kind == MetricKind::kMax;
  if (of_value_ && !(value_aggregated_ && value_statistic)) return std::nullopt;
  Estimate estimate;
  switch (metric.kind) {
    case MetricKind::kQuantile: {
      std::optional<double> value = AggregatedQuantile(metric.q);
      if (!value) return std::nullopt;
      estimate.value = *value;
      return estimate;
    }
    case MetricKind::kMean:
      estimate.value = summary_->mean_ms;
      break;
    case MetricKind::kMin:
      estimate.value = summary_->min_ms;
      break;
    case MetricKind::kMax:
      estimate.value = summary_->max_ms;
      break;
    case MetricKind::kErrorRate:
      estimate.value = summary_->error_rate;
      estimate.interval = stats::BinomialInterval(summary_->failures, summary_->count,
                                                  config_.confidence, config_.error_rate_interval);
      return estimate;
    case MetricKind::kThroughput:
      return ThroughputEstimate();
    case MetricKind::kApdex:
    case MetricKind::kUserMisery:
      return std::nullopt;  // Sentry's aggregate mode does not ask for them
  }
  if (std::isnan(estimate.value)) return std::nullopt;
  return estimate;
}

std::optional<Estimate> Side::ThroughputEstimate() const {
  if (!minutes_ || !(*minutes_ > 0)) return std::nullopt;
  Estimate estimate;
  estimate.value = static_cast<double>(size()) / *minutes_;
  estimate.interval = stats::PoissonRateInterval(size(), *minutes_, config_.confidence);
  return estimate;
}

Estimate Side::ComputeEstimate(const Metric& metric) const {
  Estimate estimate;
  estimate.value = MetricValue(metric, sorted_, *summary_, config_.percentile_method);
  double acceleration = 0;
  switch (metric.kind) {
    // Counts, not statistics of sorted values: MetricValue left them NaN, which stays the
    // value when the events lack the times or users they need.
    case MetricKind::kThroughput:
      return ThroughputEstimate().value_or(estimate);
    case MetricKind::kUserMisery: {
      const std::optional<stats::MiseryCounts> misery = Misery(metric);
      if (!misery) return estimate;
      estimate.value = misery->Value();
      estimate.interval = stats::MiseryInterval(*misery, config_.confidence);
      return estimate;
    }
    case MetricKind::kQuantile: {
      // The bootstrap computed, not sampled: its interval has no Monte Carlo error and
      // costs O(sqrt(n) log n) after the sort, whatever `resamples` says.
      estimate.law = stats::QuantileBootstrapLaw(sorted_, metric.q, config_.percentile_method);
      acceleration = stats::QuantileAcceleration(sorted_, metric.q, config_.percentile_method);
      estimate.interval = config_.interval == stats::IntervalMethod::kBca
                              ? stats::LawBcaInterval(estimate.law, estimate.value, acceleration,
                                                      config_.confidence)
                              : stats::LawInterval(estimate.law, config_.confidence);
      return estimate;
    }
    case MetricKind::kApdex:  // the mean of Apdex points, with a bounded mean's interval
    case MetricKind::kMean: {
      // Each (side, group, metric) has its own random stream: results do not depend on
      // the order groups and rules are evaluated in.
      stats::Random random(
          stats::DeriveSeed(config_.seed, stats::StreamId(stream_name_ + "\x1f" + metric.name)));
      estimate.replicates = stats::MeanReplicates(sorted_, config_.resamples, random);
      acceleration = stats::MeanAcceleration(sorted_);
      estimate.variance = stats::MeanBootstrapVariance(sorted_);
      estimate.n = sorted_.size();
      estimate.log_variance =  // the delta method: Var(log m) = Var(m) / m^2
          estimate.value > 0 ? estimate.variance / (estimate.value * estimate.value) : kNaN;
      break;
    }
    case MetricKind::kErrorRate:
      estimate.interval = stats::BinomialInterval(summary_->failures, summary_->count,
                                                  config_.confidence, config_.error_rate_interval);
      return estimate;
    case MetricKind::kMin:
    case MetricKind::kMax:
      return estimate;  // the bootstrap of an extreme is degenerate: no interval
  }
  if (metric.kind == MetricKind::kApdex) {
    estimate.interval =
        stats::BoundedMeanInterval(estimate.value, sorted_.size(), config_.confidence);
    return estimate;
  }
  std::vector<double> work = estimate.replicates;  // the interval functions sort it
  estimate.interval =
      config_.interval == stats::IntervalMethod::kBca
          ? stats::BcaInterval(work, estimate.value, acceleration, config_.confidence)
          : stats::PercentileInterval(work, config_.confidence);
  return estimate;
}

// Candidate against baseline as a fraction of the baseline. A change from 0 to more than
// 0 has no finite ratio: it is +infinity, which exceeds any relative tolerance.
double RelativeChange(double candidate, double baseline) {
  if (baseline == 0) return candidate == 0 ? 0 : std::numeric_limits<double>::infinity();
  return candidate / baseline - 1;
}

namespace {

// The power at which minimum detectable effects are stated.
constexpr double kPower = 0.80;

double NormalQuantile(double p) { return boost::math::quantile(boost::math::normal(), p); }

}  // namespace

// The smallest true change that fails `rule` with probability kPower, with the change's
// statistic taken as normal around its true value with `spread`. Under decide_on point
// the estimate must be over the tolerance and a significant increase (one-sided) after
// the correction over `family` tests, at Bonferroni's threshold alpha / family, which
// Holm and Benjamini-Hochberg never need more than: so it must reach
// max(tolerance, z_crit se) with the power's margin. Under lower the interval's lower end
// (uncorrected) must clear the tolerance; under upper any change beyond the tolerance
// fails at least as often as kPower.
std::optional<double> MinimumDetectableEffect(const Rule& rule, const ChangeSpread& spread,
                                              double confidence, std::size_t family) {
  const double se = spread.standard_error;
  if (!std::isfinite(se) || family == 0) return std::nullopt;
  // A decrease is an increase of the negated change (of -log(1 + change) on the log scale).
  const bool decrease = rule.kind == LimitKind::kMaxDecrease;
  if (decrease && spread.log_scale && rule.limit >= 1) return std::nullopt;
  const double tolerance = !spread.log_scale ? rule.limit
                           : decrease        ? -std::log1p(-rule.limit)
                                             : std::log1p(rule.limit);
  const double alpha = 1 - confidence;
  const double power = NormalQuantile(kPower);
  double threshold = tolerance;
  switch (rule.decide_on) {
    case DecideOn::kPoint: {
      const double critical = NormalQuantile(1 - alpha / static_cast<double>(family));
      threshold = std::max(tolerance, critical * se) + power * se;
      break;
    }
    case DecideOn::kLower:
      threshold = tolerance + (NormalQuantile(1 - alpha / 2) + power) * se;
      break;
    case DecideOn::kUpper:
      break;
  }
  const double effect = !spread.log_scale ? threshold
                        : decrease        ? -std::expm1(-threshold)
                                          : std::expm1(threshold);
  if (!std::isfinite(effect)) return std::nullopt;
  return decrease ? -effect : effect;
}

namespace {

// `law` with every value moved by `by` (durations stay at least 0).
std::vector<stats::Atom> ShiftLaw(const std::vector<stats::Atom>& law, double by) {
  std::vector<stats::Atom> shifted = law;
  for (stats::Atom& atom : shifted) atom.value = std::max(0.0, atom.value + by);
  return shifted;
}

}  // namespace

// The comparison statistics of a relative rule on a bootstrapped metric, with no resolution
// floor. A quantile's from the two exact laws: the p-value, and the percentile interval of
// the change. The mean's p-value by Welch's t test on its variances; its interval
// from the replicates, whose i-th of each side together are one replicate of the pair
// (independent streams, in draw order).
ChangeSpread CompareBootstraps(const Estimate& base, const Estimate& cand, bool relative,
                               bool decrease, double confidence, RuleResult& out) {
  if (!cand.law.empty() && !base.law.empty()) {
    if (base.resolution > 0 || cand.resolution > 0) {
      // Binned durations: each end of the interval and the p-value from the laws moved
      // by their resolutions the way least favourable to it, so that they hold whatever
      // the events' durations within their bins.
      const std::vector<stats::Atom> cand_low = ShiftLaw(cand.law, -cand.resolution);
      const std::vector<stats::Atom> cand_high = ShiftLaw(cand.law, cand.resolution);
      const std::vector<stats::Atom> base_low = ShiftLaw(base.law, -base.resolution);
      const std::vector<stats::Atom> base_high = ShiftLaw(base.law, base.resolution);
      out.change_ci =
          Interval{stats::ChangeInterval(cand_low, base_high, relative, confidence).lower,
                   stats::ChangeInterval(cand_high, base_low, relative, confidence).upper};
      out.p_value = decrease ? stats::IncreasePValue(stats::CompareLaws(base_low, cand_high))
                             : stats::IncreasePValue(stats::CompareLaws(cand_low, base_high));
      const double spread = stats::MomentsOf(base.law, relative).variance +
                            stats::MomentsOf(cand.law, relative).variance;
      return {std::sqrt(spread), relative};
    }
    out.change_ci = stats::ChangeInterval(cand.law, base.law, relative, confidence);
    // "No increase" is C <= B whatever the unit: a ratio's change c / b - 1 and a
    // difference c - b have the sign of c - b (durations are not negative); "no decrease"
    // is B <= C.
    out.p_value = decrease ? stats::IncreasePValue(stats::CompareLaws(base.law, cand.law))
                           : stats::IncreasePValue(stats::CompareLaws(cand.law, base.law));
    const double spread = stats::MomentsOf(base.law, relative).variance +
                          stats::MomentsOf(cand.law, relative).variance;
    return {std::sqrt(spread), relative};
  }
  const std::size_t count = std::min(base.replicates.size(), cand.replicates.size());
  std::vector<double> changes(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double b = base.replicates[i];
    const double c = cand.replicates[i];
    changes[i] = relative ? RelativeChange(c, b) : c - b;
  }
  out.change_ci = stats::PercentileInterval(changes, confidence);
  // Binned durations: the means may each be their resolution off, the way least favourable.
  const double rc = cand.resolution, rb = base.resolution;
  if (out.change_ci && (rc > 0 || rb > 0)) {
    Interval& ci = *out.change_ci;
    if (relative && cand.value > 0 && base.value > 0) {
      ci.lower = (1 + ci.lower) * std::max(0.0, cand.value - rc) / cand.value * base.value /
                     (base.value + rb) -
                 1;
      ci.upper =
          base.value > rb
              ? (1 + ci.upper) * (cand.value + rc) / cand.value * base.value / (base.value - rb) - 1
              : std::numeric_limits<double>::infinity();
    } else if (!relative) {
      ci.lower -= rc + rb;
      ci.upper += rc + rb;
    }
  }
  out.p_value = decrease ? stats::WelchIncreasePValue(base.value - rb, base.variance, base.n,
                                                      cand.value + rc, cand.variance, cand.n)
                         : stats::WelchIncreasePValue(cand.value - rc, cand.variance, cand.n,
                                                      base.value + rb, base.variance, base.n);
  if (relative) return {std::sqrt(base.log_variance + cand.log_variance), true};
  return {std::sqrt(base.variance + cand.variance), false};
}

// The same for error rates: Newcombe's interval of the difference, Fisher's exact test,
// and the spread of the difference from the pooled rate. Relative changes divide by the
// baseline rate.
ChangeSpread CompareRates(const stats::Summary& base, const stats::Summary& cand, bool relative,
                          double confidence, RuleResult& out) {
  Interval difference =
      stats::NewcombeDifference(base.failures, base.count, cand.failures, cand.count, confidence);
  out.p_value =
      stats::FisherExactIncreasePValue(base.failures, base.count, cand.failures, cand.count);
  const double pooled = static_cast<double>(base.failures + cand.failures) /
                        static_cast<double>(base.count + cand.count);
  const double se =
      std::sqrt(pooled * (1 - pooled) *
                (1 / static_cast<double>(base.count) + 1 / static_cast<double>(cand.count)));
  if (!relative) {
    out.change_ci = difference;
    return {se, false};
  }
  if (!(base.error_rate > 0)) return {};
  out.change_ci = Interval{difference.lower / base.error_rate, difference.upper / base.error_rate};
  return {se / base.error_rate, false};
}

// Throughputs: the conditional binomial test of a decrease and its interval of the rate
// change; the spread of the log rate ratio, sqrt(1 / b + 1 / c).
ChangeSpread CompareThroughputs(std::size_t base_count, double base_minutes, std::size_t cand_count,
                                double cand_minutes, double confidence, RuleResult& out) {
  out.change_ci =
      stats::RateChangeInterval(base_count, base_minutes, cand_count, cand_minutes, confidence);
  out.p_value = stats::RateDecreasePValue(base_count, base_minutes, cand_count, cand_minutes);
  if (base_count == 0 || cand_count == 0) return {};
  return {std::sqrt(1 / static_cast<double>(base_count) + 1 / static_cast<double>(cand_count)),
          true};
}

}  // namespace perfgate::gate
