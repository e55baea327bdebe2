// The decoders of the answers of Sentry's aggregate and histogram modes (sentry_modes.h).
#include "fetch/sentry/sentry_modes.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace perfgate::fetch {

std::string FormatBinWidth(double ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, ms >= 10 ? "%.0f ms" : "%.2g ms", ms);
  return buffer;
}

namespace {

// A number of events from an answer, rounded (Sentry extrapolates some counts), else the
// answer is refused instead of the cast being undefined.
std::size_t EventCount(const boost::json::value& value, const char* key) {
  const double count = std::round(value.to_number<double>());
  if (!IsEventCount(count))
    throw std::runtime_error(std::string(key) + " is not a count of events");
  return static_cast<std::size_t>(count);
}

double FiniteNumber(const boost::json::value& value, const char* key) {
  const double number = value.to_number<double>();
  if (!std::isfinite(number)) throw std::runtime_error(std::string(key) + " is not finite");
  return number;
}

// An aggregate row no set of events could give is Sentry's (or a proxy's) error, never
// judged: negative times, percentiles out of order, a mean outside [min, max], more
// failures than events.
void CheckAggregates(const std::string& name, const Aggregates& a) {
  auto fail = [&](const std::string& why) {
    throw std::runtime_error("transaction \"" + name + "\": " + why);
  };
  if (a.failures > a.count) {
    fail("failure_count() " + std::to_string(a.failures) + " is more than count() " +
         std::to_string(a.count));
  }
  static constexpr const char* kNames[] = {"min", "p50()", "p75()", "p95()", "p99()", "max"};
  const char* const* name_of = kNames;
  double previous = 0;
  const char* previous_name = nullptr;
  for (const auto& [q, value] : a.quantiles_ms) {
    char text[64];
    std::snprintf(text, sizeof text, "%.6g", value);
    if (value < 0) fail(std::string(*name_of) + " is negative (" + text + " ms)");
    // A relative slack of 1e-9 for values Sentry computed apart and rounded.
    if (previous_name != nullptr && value < previous - 1e-9 * std::abs(previous)) {
      char before[64];
      std::snprintf(before, sizeof before, "%.6g", previous);
      fail(std::string(*name_of) + " " + text + " ms is below " + previous_name + " " + before +
           " ms: percentiles out of order");
    }
    previous = value;
    previous_name = *name_of++;
  }
  const double low = a.quantiles_ms.begin()->second, high = a.quantiles_ms.rbegin()->second;
  if (a.mean_ms &&
      (*a.mean_ms < low - 1e-9 * std::abs(low) || *a.mean_ms > high + 1e-9 * std::abs(high))) {
    fail("avg() is outside [min, max]");
  }
}

}  // namespace

Result<std::vector<AggregateRow>> ParseAggregatePage(std::string_view body) {
  std::vector<AggregateRow> rows;
  try {
    const boost::json::value page = boost::json::parse(body);
    for (const boost::json::value& row : page.at("data").as_array()) {
      Aggregates a;
      auto number = [&](const char* key) { return FiniteNumber(row.at(key), key); };
      a.count = EventCount(row.at("count()"), "count()");
      a.failures = EventCount(row.at("failure_count()"), "failure_count()");
      a.quantiles_ms = {{0.0, number("min(transaction.duration)")},
                        {0.5, number("p50()")},
                        {0.75, number("p75()")},
                        {0.95, number("p95()")},
                        {0.99, number("p99()")},
                        {1.0, number("max(transaction.duration)")}};
      a.mean_ms = number("avg(transaction.duration)");
      std::string name(row.at("transaction").as_string());
      CheckAggregates(name, a);
      rows.push_back({std::move(name), std::move(a)});
    }
  } catch (const std::exception& error) {
    return MakeError(ErrorKind::kUnavailable,
                     std::string("an aggregate row is not as expected: ") + error.what());
  }
  return rows;
}

Result<DurationHistogram> ParseHistogram(std::string_view body) {
  DurationHistogram histogram;
  try {
    const boost::json::value answer = boost::json::parse(body);
    std::size_t events = 0;
    for (const boost::json::value& bin : answer.at("transaction.duration").as_array()) {
      histogram.bins.emplace_back(FiniteNumber(bin.at("bin"), "bin"),
                                  EventCount(bin.at("count"), "count"));
      // Every counted event is rebuilt in memory: a bound, as for any source.
      events += histogram.bins.back().second;
      if (events > kMaxHistogramEvents) {
        throw std::runtime_error("more than " + std::to_string(kMaxHistogramEvents) +
                                 " events in one histogram; use aggregate mode");
      }
    }
  } catch (const std::exception& error) {
    return MakeError(ErrorKind::kUnavailable,
                     std::string("a histogram is not as expected: ") + error.what());
  }
  return histogram;
}

double DurationHistogram::BinWidth() const {
  return bins.size() > 1 ? bins[1].first - bins[0].first : 1;
}

void AddHistogramEvents(const DurationHistogram& histogram, std::string_view name,
                        std::size_t failures, SampleSetBuilder& samples) {
  const double width = histogram.BinWidth();
  for (const auto& [edge, count] : histogram.bins) {
    for (std::size_t i = 0; i < count; ++i) {
      // Failures are not binned by duration: they are spread over the first events, which
      // keeps the error rate exact and leaves the duration distribution as binned.
      samples.Add(name, edge + width / 2, failures > 0);
      if (failures > 0) --failures;
    }
  }
}

}  // namespace perfgate::fetch
