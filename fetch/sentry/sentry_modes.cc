// SentryClient's aggregate and histogram modes (raw mode lives in sentry_client.cc), and the
// decoders of their answers declared in sentry_modes.h.
#include "fetch/sentry/sentry_modes.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "fetch/sentry/sentry_client.h"

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
  if (a.mean_ms && (*a.mean_ms < low - 1e-9 * std::abs(low) ||
                    *a.mean_ms > high + 1e-9 * std::abs(high))) {
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

Result<SampleSet> SentryClient::FetchAggregates(const std::string& release, const Bounds& bounds) {
  // The keys of each row are the field strings as requested (transform_alias_to_input_format).
  static constexpr const char* kFields[] = {"transaction",
                                            "count()",
                                            "failure_count()",
                                            "p50()",
                                            "p75()",
                                            "p95()",
                                            "p99()",
                                            "avg(transaction.duration)",
                                            "min(transaction.duration)",
                                            "max(transaction.duration)"};
  std::string fixed;
  for (const char* field : kFields)
    fixed += std::string(fixed.empty() ? "" : "&") + "field=" + UrlEncode(field);
  fixed += "&per_page=" + std::to_string(kSentryPageSize) + "&sort=-count%28%29" +
           RangeParameters(release, bounds.start, bounds.end);
  const std::string source = "sentry:" + release;
  SampleSetBuilder samples;
  std::vector<AggregateRow> rows;
  std::set<std::string> seen;
  std::string repeated;  // a transaction in two rows: which one
  Status paged = Paginate(
      fixed,
      [&](const HttpResponse& answer) -> Status {
        Result<std::vector<AggregateRow>> parsed = ParseAggregatePage(answer.body);
        if (!parsed.ok()) return parsed.error();
        rows = std::move(parsed).value();
        return {};
      },
      [&](bool) {
        for (AggregateRow& row : rows) {
          if (!seen.insert(row.transaction).second) {
            repeated = row.transaction;
            return false;
          }
          if (row.aggregates.count > 0)
            samples.AddAggregated(row.transaction, std::move(row.aggregates));
        }
        return true;
      });
  if (!paged.ok()) return paged.error();
  if (!repeated.empty()) {
    // One row per transaction is what was asked for; two cannot both be its events.
    return MakeError(ErrorKind::kUnavailable,
                     "GET " + options_.selection.url + EventsPath() + ": transaction \"" +
                         repeated + "\" is in two aggregate rows; an answer Sentry cannot give");
  }
  SampleSet set = std::move(samples).Build(source);
  if (set.TotalEvents() == 0) {
    return MakeError(ErrorKind::kUnavailable,
                     source + ": no transactions from " + bounds.start + " to " + bounds.end +
                         " (check the release name, the environment and the projects)");
  }
  set.notes.push_back(
      source +
      ": aggregate mode: percentiles are Sentry's own (ClickHouse quantile(), exact up to "
      "8192 events per transaction and estimated above), with no intervals or tests");
  return set;
}

Result<SampleSet> SentryClient::FetchHistograms(const std::string& release, const Bounds& bounds) {
  Result<SampleSet> aggregates = FetchAggregates(release, bounds);
  if (!aggregates.ok()) return aggregates.error();
  const std::vector<GroupSamples>& groups = aggregates->groups;
  std::vector<Result<DurationHistogram>> histograms(groups.size(),
                                                    MakeError(ErrorKind::kInternal, "not fetched"));
  const std::string path =
      "/api/0/organizations/" + UrlEncode(options_.selection.organization) + "/events-histogram/";
  auto fetch = [&](std::size_t g) {
    std::string name = groups[g].name;
    std::string escaped;
    for (char c : name)
      escaped += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
    // The transaction filter narrows the release's search to one transaction.
    const std::string query = "field=transaction.duration&numBuckets=" +
                              std::to_string(options_.selection.histogram_buckets) +
                              "&precision=0&dataFilter=all&query=" +
                              UrlEncode(SearchQuery(release) + " transaction:\"" + escaped + "\"") +
                              "&start=" + UrlEncode(bounds.start) +
                              "&end=" + UrlEncode(bounds.end) + ProjectParameters();
    DurationHistogram histogram;
    Result<HttpResponse> response =
        GetParsed(path, query, [&](const HttpResponse& answer) -> Status {
          Result<DurationHistogram> parsed = ParseHistogram(answer.body);
          if (!parsed.ok()) return parsed.error();
          histogram = std::move(parsed).value();
          return {};
        });
    if (!response.ok()) {
      histograms[g] = response.error();
      return;
    }
    histograms[g] = std::move(histogram);
  };
  // At most `concurrency` requests at once, transactions taken in turn.
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> workers;
  const auto threads = static_cast<std::size_t>(std::max(1, options_.concurrency));
  for (std::size_t t = 0; t < std::min(threads, groups.size()); ++t) {
    workers.emplace_back([&] {
      for (std::size_t g = next++; g < groups.size(); g = next++) fetch(g);
    });
  }
  for (std::thread& worker : workers) worker.join();

  SampleSetBuilder samples;
  double finest = 0, coarsest = 0;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (!histograms[g].ok()) return histograms[g].error();
    const double width = histograms[g]->BinWidth();
    finest = finest == 0 ? width : std::min(finest, width);
    coarsest = std::max(coarsest, width);
    AddHistogramEvents(*histograms[g], groups[g].name,
                       groups[g].aggregates ? groups[g].aggregates->failures : 0, samples);
  }
  SampleSet set = std::move(samples).Build("sentry:" + release);
  if (set.TotalEvents() == 0) {
    return MakeError(ErrorKind::kUnavailable,
                     "sentry:" + release + ": the histograms hold no events");
  }
  set.notes.push_back("sentry:" + release + ": histogram mode: durations rebuilt from " +
                      std::to_string(options_.selection.histogram_buckets) +
                      "-bin histograms at bin midpoints; percentiles "
                      "and intervals are resolved to the bin width (" +
                      FormatBinWidth(finest) +
                      (coarsest > finest ? " to " + FormatBinWidth(coarsest) : std::string()) +
                      ")");
  return set;
}

}  // namespace perfgate::fetch
