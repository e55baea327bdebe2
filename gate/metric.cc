#include "gate/metric.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "core/duration.h"
#include "core/number_format.h"
#include "core/spelling.h"

namespace perfgate::gate {
namespace {

constexpr std::array<std::string_view, 14> kCommonMetrics = {
    "p50", "p75", "p90",        "p95",   "p99",         "p99.9",      "mean",
    "min", "max", "error_rate", "apdex", "user_misery", "throughput", "performance_score"};

// Sentry's default project threshold for apdex and user_misery.
constexpr double kDefaultThresholdMs = 300;

// Sentry's measurements in milliseconds (Discover's is_duration_measurement, and the mobile
// SDKs' app starts, display times and stalls); every other one is a plain number (cls,
// frames_*, stall_count, custom counts).
constexpr std::array<std::string_view, 13> kTimeMeasurements = {"lcp",
                                                                "fcp",
                                                                "fp",
                                                                "ttfb",
                                                                "ttfb.requesttime",
                                                                "fid",
                                                                "inp",
                                                                "app_start_cold",
                                                                "app_start_warm",
                                                                "time_to_initial_display",
                                                                "time_to_full_display",
                                                                "stall_total_time",
                                                                "stall_longest_time"};

// Sentry's measurements that are plain numbers: layout shift, frame and stall counts.
constexpr std::array<std::string_view, 5> kPlainMeasurements = {
    "cls", "frames_total", "frames_slow", "frames_frozen", "stall_count"};

// The span attributes the OTLP reader keeps (fetch/files/otlp_span.h): token counts.
constexpr std::array<std::string_view, 8> kTokenAttributes = {
    "gen_ai.usage.input_tokens",      "gen_ai.usage.output_tokens",
    "gen_ai.usage.total_tokens",      "gen_ai.usage.prompt_tokens",
    "gen_ai.usage.completion_tokens", "ai.prompt_tokens",
    "ai.completion_tokens",           "ai.total_tokens"};

bool Contains(std::span<const std::string_view> list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// A span attribute's name: dotted words, no spaces or brackets.
bool IsAttributeName(std::string_view name) {
  return !name.empty() && name.find_first_of("() ,") == name.npos;
}

// The unit of a value a metric may be a statistic of, or nullopt when it is none perfgate
// reads: a measurement (measurements.lcp), a span attribute (span.KEY) or its sum over a
// request's spans (sum_per_request(KEY)).
std::optional<MetricUnit> ValueUnit(std::string_view value) {
  if (value.starts_with("measurements.") && IsAttributeName(value.substr(13))) {
    return Contains(kTimeMeasurements, value.substr(13)) ? MetricUnit::kMilliseconds
                                                         : MetricUnit::kNumber;
  }
  if (value.starts_with("span.") && IsAttributeName(value.substr(5))) return MetricUnit::kNumber;
  if (value.starts_with("k6.") && IsAttributeName(value.substr(3))) return MetricUnit::kNumber;
  if (value.starts_with("sum_per_request(") && value.ends_with(")") &&
      IsAttributeName(value.substr(16, value.size() - 17))) {
    return MetricUnit::kNumber;
  }
  return std::nullopt;
}

// Whether perfgate knows the value's unit (a Web Vital, a token count): else a limit
// written as a time makes it one.
bool UnitKnown(std::string_view value) {
  if (value.starts_with("measurements.")) {
    return Contains(kTimeMeasurements, value.substr(13)) ||
           Contains(kPlainMeasurements, value.substr(13));
  }
  if (value.starts_with("k6.")) return false;  // a custom Trend: a time or not, as it says
  const std::string_view key =
      value.starts_with("span.") ? value.substr(5) : value.substr(16, value.size() - 17);
  return Contains(kTokenAttributes, key);
}

// The measurements people name most, for "did you mean".
constexpr std::array<std::string_view, 7> kCommonValues = {
    "measurements.lcp", "measurements.fcp", "measurements.cls", "measurements.ttfb",
    "measurements.inp", "measurements.fid", "duration"};

Error UnknownMetric(std::string_view name, std::string_view why) {
  return MakeError(ErrorKind::kConfig, "unknown metric '" + std::string(name) + "'" +
                                           std::string(why) + DidYouMean(name, kCommonMetrics));
}

// A statistic alone: "p95", "mean", "error_rate", ... (of the duration).
Result<Metric> ParseStatistic(std::string_view name) {
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
    metric.unit = MetricUnit::kFraction;
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
  } else if (name == "apdex" || name == "user_misery") {
    metric.kind = name == "apdex" ? MetricKind::kApdex : MetricKind::kUserMisery;
    metric.threshold_ms = kDefaultThresholdMs;
    metric.name = std::string(name) + "(" + FormatNumber(kDefaultThresholdMs) + "ms)";
    metric.unit = MetricUnit::kNumber;
    metric.higher_is_better = name == "apdex";
  } else if (name == "throughput" || name == "epm" || name == "tpm") {
    metric.kind = MetricKind::kThroughput;
    metric.unit = MetricUnit::kPerMinute;
    metric.higher_is_better = true;
    metric.name = "throughput";
  } else if (name == kPerformanceScore) {
    metric.kind = MetricKind::kMean;
    metric.value = std::string(kPerformanceScore);
    metric.unit = MetricUnit::kNumber;
    metric.higher_is_better = true;
  } else if (name == "median") {
    return MakeError(ErrorKind::kConfig, "unknown metric 'median'; did you mean 'p50'?");
  } else {
    return UnknownMetric(name, "");
  }
  return metric;
}

// "apdex(500ms)", "user_misery(1s)": the threshold T, a duration (a bare number is ms).
Result<Metric> ParseThresholdMetric(std::string_view name, std::string_view statistic,
                                    std::string_view argument, Metric metric) {
  const std::optional<double> ms = ParseDurationMs(argument, "ms");
  if (!ms || !(*ms > 0)) {
    return MakeError(ErrorKind::kConfig,
                     "unknown metric '" + std::string(name) + "': " + std::string(statistic) +
                         "'s threshold T must be a positive duration (" + std::string(statistic) +
                         "(300ms)), not '" + std::string(argument) + "'");
  }
  metric.threshold_ms = *ms;
  metric.name = std::string(statistic) + "(" + FormatNumber(*ms) + "ms)";
  return metric;
}

// "p75(measurements.lcp)": the statistic of a value.
Result<Metric> ParseStatisticOfValue(std::string_view name, std::size_t open) {
  const std::string_view statistic = name.substr(0, open);
  const std::string_view value = name.substr(open + 1, name.size() - open - 2);
  Result<Metric> parsed = ParseStatistic(statistic);
  if (!parsed.ok()) return parsed;
  Metric metric = *parsed;
  if (metric.kind == MetricKind::kApdex || metric.kind == MetricKind::kUserMisery) {
    return ParseThresholdMetric(name, statistic, value, metric);
  }
  if (metric.kind == MetricKind::kThroughput || !metric.value.empty()) {
    return MakeError(ErrorKind::kConfig, "unknown metric '" + std::string(name) +
                                             "': " + metric.name + " takes no value; write '" +
                                             metric.name + "'");
  }
  if (metric.kind == MetricKind::kErrorRate) {
    return MakeError(ErrorKind::kConfig, "unknown metric '" + std::string(name) +
                                             "': error_rate is of the whole event; write "
                                             "'error_rate'");
  }
  if (value == "duration" || value == "transaction.duration") return metric;  // "p95"
  const std::optional<MetricUnit> unit = ValueUnit(value);
  if (!unit) {
    const std::string guess = ClosestMatch(value, kCommonValues);
    const std::string measurement = "measurements." + std::string(value);
    return MakeError(
        ErrorKind::kConfig,
        "unknown value '" + std::string(value) + "' in metric '" + std::string(name) +
            "': a metric is a statistic of duration, of a measurement (measurements.lcp, "
            "measurements.cls, ...), of a span attribute (span.gen_ai.usage.input_tokens), of "
            "its sum over a request's spans (sum_per_request(gen_ai.usage.input_tokens)) or of "
            "a k6 custom Trend (k6.NAME)" +
            (!guess.empty()                              ? "; did you mean '" + guess + "'?"
             : value.find_first_of("(). ") == value.npos ? "; did you mean '" + measurement + "'?"
                                                         : std::string()));
  }
  metric.value = std::string(value);
  metric.unit = *unit;
  metric.unit_known = UnitKnown(value);
  metric.name = std::string(statistic) + "(" + std::string(value) + ")";
  return metric;
}

}  // namespace

Result<Metric> ParseMetric(std::string_view name) {
  // "sum_per_request(KEY)" alone: its mean, the tokens an average request cost.
  if (name.starts_with("sum_per_request(")) {
    Result<Metric> mean = ParseStatisticOfValue("mean(" + std::string(name) + ")", 4);
    if (mean.ok()) mean->name = std::string(name);
    return mean;
  }
  const std::size_t open = name.find('(');
  if (open != name.npos && name.ends_with(')')) return ParseStatisticOfValue(name, open);
  return ParseStatistic(name);
}

double MetricValue(const Metric& metric, std::span<const double> sorted,
                   const stats::Summary& summary, stats::QuantileMethod method) {
  switch (metric.kind) {
    case MetricKind::kQuantile:
      return stats::QuantileOfSorted(sorted, metric.q, method);
    case MetricKind::kMean:
      return summary.mean_ms;
    case MetricKind::kMin:
      return summary.min_ms;
    case MetricKind::kMax:
      return summary.max_ms;
    case MetricKind::kErrorRate:
      return summary.error_rate;
    case MetricKind::kApdex:  // of Apdex points, whose mean it is
      return summary.mean_ms;
    case MetricKind::kUserMisery:
    case MetricKind::kThroughput:
      break;  // not a statistic of sorted values: gate/measure.cc computes them
  }
  return std::nan("");
}

}  // namespace perfgate::gate
