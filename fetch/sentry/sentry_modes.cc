// SentryClient's aggregate and histogram modes: the same client, but data from Sentry's
// per-transaction aggregates and duration histograms instead of its events (raw mode lives
// in sentry_client.cc).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <set>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "fetch/http/link_header.h"
#include "fetch/sentry/sentry_client.h"

namespace perfgate::fetch {
namespace {

std::string FormatBinWidth(double ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, ms >= 10 ? "%.0f ms" : "%.2g ms", ms);
  return buffer;
}

}  // namespace

Result<SampleSet> SentryClient::FetchAggregates(const std::string& release, const Bounds& bounds) {
  // The keys of each row are the field strings as requested (transform_alias_to_input_format).
  static constexpr const char* kFields[] = {"transaction", "count()", "failure_count()", "p50()", "p75()", "p95()",
                                            "p99()", "avg(transaction.duration)", "min(transaction.duration)",
                                            "max(transaction.duration)"};
  std::string fixed;
  for (const char* field : kFields) fixed += std::string(fixed.empty() ? "" : "&") + "field=" + UrlEncode(field);
  fixed += "&per_page=" + std::to_string(kSentryPageSize) + "&sort=-count%28%29" + RangeParameters(release, bounds.start, bounds.end);
  const std::string source = "sentry:" + release;
  SampleSetBuilder samples;
  std::string cursor;
  std::set<std::string> seen_cursors;
  for (int pages = 1;; ++pages) {
    std::vector<std::pair<std::string, Aggregates>> rows;
    Result<HttpResponse> page = GetParsed(
        EventsPath(), fixed + (cursor.empty() ? "" : "&cursor=" + UrlEncode(cursor)), [&](const HttpResponse& answer) -> Status {
          rows.clear();
          try {
            const boost::json::value body = boost::json::parse(answer.body);  // outlives the loop
            for (const boost::json::value& row : body.at("data").as_array()) {
              Aggregates a;
              auto number = [&](const char* key) { return row.at(key).to_number<double>(); };
              a.count = static_cast<std::size_t>(number("count()"));
              a.failures = static_cast<std::size_t>(number("failure_count()"));
              a.quantiles_ms = {{0.0, number("min(transaction.duration)")}, {0.5, number("p50()")},
                                {0.75, number("p75()")}, {0.95, number("p95()")}, {0.99, number("p99()")},
                                {1.0, number("max(transaction.duration)")}};
              a.mean_ms = number("avg(transaction.duration)");
              rows.emplace_back(std::string(row.at("transaction").as_string()), std::move(a));
            }
            return {};
          } catch (const std::exception& error) {
            return MakeError(ErrorKind::kUnavailable, std::string("an aggregate row is not as expected: ") + error.what());
          }
        });
    if (!page.ok()) return page.error();
    for (auto& [name, aggregates] : rows) {
      if (aggregates.count > 0) samples.AddAggregated(name, std::move(aggregates));
    }
    cursor = NextCursor(page->Header("Link")).value_or("");
    if (cursor.empty()) break;
    if (!seen_cursors.insert(cursor).second || pages >= options_.max_pages) {
      return MakeError(ErrorKind::kUnavailable, "GET " + options_.selection.url + EventsPath() + ": the pagination does not end");
    }
  }
  SampleSet set = std::move(samples).Build(source);
  if (set.TotalEvents() == 0) {
    return MakeError(ErrorKind::kUnavailable, source + ": no transactions from " + bounds.start + " to " + bounds.end +
                                                  " (check the release name, the environment and the projects)");
  }
  set.notes.push_back(source + ": aggregate mode: percentiles are Sentry's own (ClickHouse quantile(), exact up to "
                               "8192 events per transaction and estimated above), with no intervals or tests");
  return set;
}

Result<SampleSet> SentryClient::FetchHistograms(const std::string& release, const Bounds& bounds) {
  Result<SampleSet> aggregates = FetchAggregates(release, bounds);
  if (!aggregates.ok()) return aggregates.error();
  const std::vector<GroupSamples>& groups = aggregates->groups;
  struct Histogram {
    std::vector<std::pair<double, std::size_t>> bins;  // lower edge, count
  };
  std::vector<Result<Histogram>> histograms(groups.size(), MakeError(ErrorKind::kInternal, "not fetched"));
  const std::string path = "/api/0/organizations/" + UrlEncode(options_.selection.organization) + "/events-histogram/";
  auto fetch = [&](std::size_t g) {
    std::string name = groups[g].name;
    std::string escaped;
    for (char c : name) escaped += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
    // The transaction filter narrows the release's search to one transaction.
    const std::string query = "field=transaction.duration&numBuckets=" + std::to_string(options_.selection.histogram_buckets) +
            "&precision=0&dataFilter=all&query=" + UrlEncode(SearchQuery(release) + " transaction:\"" + escaped + "\"") +
            "&start=" + UrlEncode(bounds.start) + "&end=" + UrlEncode(bounds.end) + ProjectParameters();
    Histogram histogram;
    Result<HttpResponse> response = GetParsed(path, query, [&](const HttpResponse& answer) -> Status {
      histogram.bins.clear();
      try {
        const boost::json::value body = boost::json::parse(answer.body);
        for (const boost::json::value& bin : body.at("transaction.duration").as_array()) {
          histogram.bins.emplace_back(bin.at("bin").to_number<double>(),
                                      static_cast<std::size_t>(bin.at("count").to_number<double>()));
        }
        return {};
      } catch (const std::exception& error) {
        return MakeError(ErrorKind::kUnavailable, std::string("a histogram is not as expected: ") + error.what());
      }
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
    const auto& bins = histograms[g]->bins;
    // Bin width from the edges (all bins of one histogram are equally wide).
    const double width = bins.size() > 1 ? bins[1].first - bins[0].first : 1;
    finest = finest == 0 ? width : std::min(finest, width);
    coarsest = std::max(coarsest, width);
    std::size_t failures_left = groups[g].aggregates ? groups[g].aggregates->failures : 0;
    for (const auto& [edge, count] : bins) {
      for (std::size_t i = 0; i < count; ++i) {
        // Failures are not binned by duration: they are spread over the first events, which
        // keeps the error rate exact and leaves the duration distribution as binned.
        samples.Add(groups[g].name, edge + width / 2, failures_left > 0);
        if (failures_left > 0) --failures_left;
      }
    }
  }
  SampleSet set = std::move(samples).Build("sentry:" + release);
  if (set.TotalEvents() == 0) {
    return MakeError(ErrorKind::kUnavailable, "sentry:" + release + ": the histograms hold no events");
  }
  set.notes.push_back("sentry:" + release + ": histogram mode: durations rebuilt from " +
                      std::to_string(options_.selection.histogram_buckets) + "-bin histograms at bin midpoints; percentiles "
                      "and intervals are resolved to the bin width (" + FormatBinWidth(finest) +
                      (coarsest > finest ? " to " + FormatBinWidth(coarsest) : std::string()) + ")");
  return set;
}

}  // namespace perfgate::fetch
