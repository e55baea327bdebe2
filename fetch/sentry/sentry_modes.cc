// The decoders of the answers of Sentry's aggregate and histogram modes (sentry_modes.h).
#include "fetch/sentry/sentry_modes.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "fetch/files/row_fields.h"
#include "fetch/sentry/sentry_query.h"

namespace perfgate::fetch {

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
// failures than events. `what` names the value ("" for the durations).
void CheckAggregates(const std::string& name, const Aggregates& a, std::string_view what = {}) {
  auto fail = [&](const std::string& why) {
    throw std::runtime_error("transaction \"" + name + "\"" +
                             (what.empty() ? "" : ", " + std::string(what)) + ": " + why);
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
    // Durations cannot be negative; a value (a count) is at least 0 by the count_if asked.
    if (value < 0 && what.empty()) fail(std::string(*name_of) + " is negative (" + text + " ms)");
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

// A number of the answer times `scale`, refused unless finite before and after.
double InMilliseconds(const boost::json::value& value, const std::string& key, double scale) {
  const double scaled = FiniteNumber(value, key.c_str()) * scale;
  if (!std::isfinite(scaled)) throw std::runtime_error(key + " is too large");
  return scaled;
}

// Milliseconds per unit of `field` by the page's meta.units: 1 where it names no time unit.
double UnitScale(const boost::json::value& page, const std::string& field) {
  const boost::json::value* at = page.as_object().if_contains("meta");
  for (const std::string& key : {std::string("units"), field}) {
    at = at != nullptr && at->is_object() ? at->as_object().if_contains(key) : nullptr;
  }
  if (at == nullptr || !at->is_string()) return 1;
  return SentryUnitMs(at->as_string()).value_or(1);
}

// The levels aggregate mode asks for: min, p50() to p99(), max.
constexpr std::array<double, 6> kLevels = {0, 0.5, 0.75, 0.95, 0.99, 1};

// A distribution's quantiles at kLevels and its mean, from the fields naming them (the
// levels' in order, then the mean's), each read by `number`.
template <typename Number>
void ReadDistribution(const std::array<std::string, 7>& fields, const Number& number,
                      Aggregates& a) {
  for (std::size_t i = 0; i < kLevels.size(); ++i) a.quantiles_ms[kLevels[i]] = number(fields[i]);
  a.mean_ms = number(fields[6]);
}

// `value`'s aggregates from `row` (ValueAggregateFields): count 0 and nothing else when no
// event carries it (Sentry then answers null for the percentiles).
Aggregates ValueAggregatesOf(const boost::json::value& page, const boost::json::value& row,
                             const std::string& transaction, std::string_view value) {
  const std::vector<std::string> fields = ValueAggregateFields(value);
  Aggregates a;
  a.count = EventCount(row.at(fields[0]), fields[0].c_str());
  if (a.count == 0) return a;
  auto number = [&](const std::string& field) {
    return InMilliseconds(row.at(field), field, UnitScale(page, field));
  };
  ReadDistribution({fields[6], fields[1], fields[2], fields[3], fields[4], fields[7], fields[5]},
                   number, a);
  CheckAggregates(transaction, a, value);
  return a;
}

}  // namespace

Result<std::vector<AggregateRow>> ParseAggregatePage(std::string_view body,
                                                     const std::vector<std::string>& values,
                                                     bool durations) {
  std::vector<AggregateRow> rows;
  try {
    const boost::json::value page = boost::json::parse(body);
    for (const boost::json::value& row : page.at("data").as_array()) {
      AggregateRow parsed;
      parsed.transaction = std::string(row.at("transaction").as_string());
      if (durations) {
        Aggregates& a = parsed.aggregates;
        a.count = EventCount(row.at("count()"), "count()");
        a.failures = EventCount(row.at("failure_count()"), "failure_count()");
        auto number = [&](const std::string& key) {
          return FiniteNumber(row.at(key), key.c_str());
        };
        ReadDistribution({"min(transaction.duration)", "p50()", "p75()", "p95()", "p99()",
                          "max(transaction.duration)", "avg(transaction.duration)"},
                         number, a);
        CheckAggregates(parsed.transaction, a);
      }
      for (const std::string& value : values)
        parsed.values.emplace(value, ValueAggregatesOf(page, row, parsed.transaction, value));
      rows.push_back(std::move(parsed));
    }
  } catch (const std::exception& error) {
    return MakeError(ErrorKind::kUnavailable,
                     std::string("an aggregate row is not as expected: ") + error.what());
  }
  return rows;
}

Result<std::vector<std::pair<std::string, double>>> ParseValuePage(std::string_view body,
                                                                   std::string_view value) {
  std::vector<std::pair<std::string, double>> rows;
  try {
    const boost::json::value page = boost::json::parse(body);
    const std::string field(value);
    const double scale = UnitScale(page, field);
    for (const boost::json::value& row : page.at("data").as_array()) {
      const boost::json::value& number = row.at(field);
      if (number.is_null()) continue;
      rows.emplace_back(std::string(row.at("transaction").as_string()),
                        InMilliseconds(number, field, scale));
    }
  } catch (const std::exception& error) {
    return MakeError(ErrorKind::kUnavailable,
                     std::string("a page of spans is not as expected: ") + error.what());
  }
  return rows;
}

Result<std::vector<std::size_t>> ParseCountRow(std::string_view body,
                                               const std::vector<std::string>& fields) {
  std::vector<std::size_t> counts;
  try {
    const boost::json::value answer = boost::json::parse(body);
    const boost::json::array& rows = answer.at("data").as_array();
    if (rows.size() != 1) throw std::runtime_error("one row expected");
    for (const std::string& field : fields)
      counts.push_back(EventCount(rows[0].at(field), field.c_str()));
  } catch (const std::exception& error) {
    return MakeError(ErrorKind::kUnavailable,
                     std::string("a count is not as expected: ") + error.what());
  }
  return counts;
}

Result<DurationHistogram> ParseHistogram(std::string_view body) {
  DurationHistogram histogram;
  try {
    const boost::json::value answer = boost::json::parse(body);
    std::size_t events = 0;
    for (const boost::json::value& bin : answer.at("transaction.duration").as_array()) {
      const double edge = FiniteNumber(bin.at("bin"), "bin");
      if (!histogram.bins.empty() && !(edge > histogram.bins.back().first))
        throw std::runtime_error("bins not in ascending order");
      histogram.bins.emplace_back(edge, EventCount(bin.at("count"), "count"));
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

}  // namespace perfgate::fetch
