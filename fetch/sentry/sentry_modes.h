// The answers of Sentry's aggregate and histogram modes, decoded: rows of per-transaction
// aggregates from the events endpoint, duration histograms from events-histogram, and the
// counts of one row. Pure; SentryClient's FetchAggregates and FetchHistograms
// (sentry_client.cc) do the requests, sentry_zoom.h builds bins from the histograms.
#ifndef PERFGATE_FETCH_SENTRY_SENTRY_MODES_H_
#define PERFGATE_FETCH_SENTRY_SENTRY_MODES_H_

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/samples.h"

namespace perfgate::fetch {

// One transaction's aggregates from an aggregate-mode page: of its durations, and of each
// value asked for (by name: "measurements.lcp"), times in milliseconds.
struct AggregateRow {
  std::string transaction;
  Aggregates aggregates;
  std::map<std::string, Aggregates, std::less<>> values;
};

// The rows of one page {"data": [{"transaction", "count()", "failure_count()", "p50()", ...}],
// "meta": {"units": ...}}, keyed by the field strings as requested, with the aggregates of
// each of `values` (ValueAggregateFields; a time unit meta.units names is converted to
// milliseconds). Without `durations` a row has only the values' fields (the interaction
// spans' page). A page not so shaped is a kUnavailable error (fetched again by the caller,
// as a truncated body would be).
Result<std::vector<AggregateRow>> ParseAggregatePage(std::string_view body,
                                                     const std::vector<std::string>& values = {},
                                                     bool durations = true);

// One value of a raw page of spans, {"data": [{"transaction", VALUE}], "meta": ...}: each
// row's transaction and value (a time unit meta.units names converted to milliseconds);
// rows without the value are left out.
Result<std::vector<std::pair<std::string, double>>> ParseValuePage(std::string_view body,
                                                                   std::string_view value);

// A duration histogram: equally wide bins as (lower edge in ms, count).
struct DurationHistogram {
  std::vector<std::pair<double, std::size_t>> bins;
  // The width from the first two edges; 1 ms for fewer than two bins.
  double BinWidth() const;
};

// True when `count` (from an answer) can stand for a number of events: not negative and at
// most 2^53, a double's exact integers, so casting it to a count is defined.
inline bool IsEventCount(double count) { return count >= 0 && count <= 9007199254740992.0; }

// The most events one histogram may count: each is rebuilt in memory.
inline constexpr std::size_t kMaxHistogramEvents = 10'000'000;

// events-histogram's {"transaction.duration": [{"bin": ..., "count": ...}, ...]}. Counts
// must be whole numbers of events (at most kMaxHistogramEvents in all) and edges finite
// and ascending.
Result<DurationHistogram> ParseHistogram(std::string_view body);

// The counts of a one-row answer {"data": [{"count()": N, ...}]}, in the order of `fields`
// (each a whole number of events). A body not so shaped is a kUnavailable error.
Result<std::vector<std::size_t>> ParseCountRow(std::string_view body,
                                               const std::vector<std::string>& fields);

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_SENTRY_SENTRY_MODES_H_
