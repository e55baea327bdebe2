// The metrics a rule can name: a statistic of a value. The statistics are quantiles ("p95",
// "p99.9"), mean, min and max, and error_rate; the value is the transaction's duration
// (written alone: "p95" is p95 of the duration) or one the events carry, written in
// parentheses: "p75(measurements.lcp)", "mean(measurements.cls)". How a name is parsed, and
// how a metric's value is read off sorted values.
#ifndef PERFGATE_GATE_METRIC_H_
#define PERFGATE_GATE_METRIC_H_

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/enum_names.h"
#include "core/result.h"
#include "stats/quantile.h"
#include "stats/summary.h"

namespace perfgate::gate {

enum class MetricKind {
  kQuantile,
  kMean,
  kMin,
  kMax,
  kErrorRate,
  kApdex,       // Sentry's apdex(T) of the durations
  kUserMisery,  // Sentry's user_misery(T): of the users, from the durations
  kThroughput,  // events per minute over the release's time range
};

// What a metric's values are measured in: how its limits are written and its values shown.
enum class MetricUnit {
  kMilliseconds,  // durations and time measurements (LCP, INP, TTFB): "2.5s", "800ms"
  kFraction,      // rates: "1%", or a fraction
  kNumber,        // values without a unit (CLS, counts, Apdex, scores): a plain number
  kPerMinute,     // throughput: events per minute
};

// As JSON reports name units.
inline constexpr NameTable<MetricUnit, 4> kMetricUnitNames = {
    {{MetricUnit::kMilliseconds, "ms"},
     {MetricUnit::kFraction, "fraction"},
     {MetricUnit::kNumber, "number"},
     {MetricUnit::kPerMinute, "per_minute"}}};

// Google's limits for the Web Vitals, at p75 of page loads (web.dev; GoogleChrome/web-vitals'
// thresholds): good up to `good`, needs improvement up to `poor`, poor above; a value at a
// limit is the better rating. In ms, CLS unitless. The web-vitals preset and the HTML
// report's bands both read this table.
struct WebVitalLimits {
  std::string_view measurement;  // "measurements.lcp"
  double good = 0;
  double poor = 0;
  std::string_view unit;  // how the preset writes its limits: "ms" or ""
};
inline constexpr std::array<WebVitalLimits, 5> kWebVitalLimits = {{
    {"measurements.lcp", 2500, 4000, "ms"},
    {"measurements.inp", 200, 500, "ms"},
    {"measurements.cls", 0.1, 0.25, ""},
    {"measurements.fcp", 1800, 3000, "ms"},
    {"measurements.ttfb", 800, 1800, "ms"},
}};

// The value name of the Web Vitals performance score: each page load's score (see
// stats::PerformanceScore), of which the metric performance_score is the mean.
inline constexpr std::string_view kPerformanceScore = "performance_score";

struct Metric {
  MetricKind kind = MetricKind::kQuantile;
  double q = 0;             // for kQuantile: the level in [0, 1] ("p95" is 0.95)
  double threshold_ms = 0;  // for kApdex and kUserMisery: T
  std::string value;        // what the statistic is of: "" for the duration, else a value's name
  MetricUnit unit = MetricUnit::kMilliseconds;
  // False for a measurement perfgate does not know: a rule's limit written as a time makes
  // it one in ms, else it is a plain number.
  bool unit_known = true;
  std::string name;  // as reports spell it: "p95", "error_rate", "p75(measurements.lcp)"
  // Better when higher (apdex, throughput, performance_score): judged by floors (min,
  // max_decrease), never by max or max_increase.
  bool higher_is_better = false;

  // A statistic of the transaction's duration: what span trees can explain.
  bool OfDuration() const {
    return value.empty() && (kind == MetricKind::kQuantile || kind == MetricKind::kMean ||
                             kind == MetricKind::kMin || kind == MetricKind::kMax);
  }
  bool InMilliseconds() const { return unit == MetricUnit::kMilliseconds; }
  // A statistic of values measured apart from the events (GroupSamples::sample_values): a
  // span attribute per span (span.KEY), a k6 custom Trend's samples (k6.NAME).
  bool OfSamples() const { return value.starts_with("span.") || value.starts_with("k6."); }
  // The span attribute the value is of: KEY of span.KEY and of sum_per_request(KEY); ""
  // for any other value.
  std::string_view SpanAttribute() const {
    constexpr std::string_view kSpan = "span.", kSum = "sum_per_request(";
    const std::string_view v = value;
    if (v.starts_with(kSpan)) return v.substr(kSpan.size());
    if (v.starts_with(kSum) && v.ends_with(')'))
      return v.substr(kSum.size(), v.size() - kSum.size() - 1);
    return {};
  }
  bool operator==(const Metric& other) const { return name == other.name; }
};

// Parses "p50", "p99.9", "p100", "mean", "min", "max", "error_rate", a statistic of a
// value: "p75(measurements.lcp)" ("p95(duration)" is "p95"), and Sentry's signals:
// "apdex(300ms)" and "user_misery(300ms)" (T 300 ms when not given, Sentry's default),
// "throughput" (events per minute) and "performance_score" (the Web Vitals score, 0 to 1). A
// measurement Sentry defines in ms (lcp, fcp, fp, ttfb, fid, inp, app starts, ...) is in ms, cls
// and counts are plain numbers; another measurement is a plain number (the rule parser makes it ms
// when its limit is a time). On failure the message says what is wrong and, where one is close,
// "did you mean 'p95'?".
Result<Metric> ParseMetric(std::string_view name);

// The value of `metric` for one group: `sorted` ascending, `summary` of the same values.
double MetricValue(const Metric& metric, std::span<const double> sorted,
                   const stats::Summary& summary, stats::QuantileMethod method);

}  // namespace perfgate::gate

#endif  // PERFGATE_GATE_METRIC_H_
