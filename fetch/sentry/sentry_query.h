// What perfgate asks Sentry's APIs, as text: the search query of a release, the query
// parameters of each kind of request (raw events, aggregates, histograms, span groups,
// counts), the paths, and the time windows a release is fetched in. Pure: a SentrySelection
// in, text or a plan out; SentryClient makes the requests.
#ifndef PERFGATE_FETCH_SENTRY_SENTRY_QUERY_H_
#define PERFGATE_FETCH_SENTRY_SENTRY_QUERY_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/sentry_selection.h"

namespace perfgate::fetch {

// Events per page: the events endpoint's maximum (more is a 400, not a clamp).
inline constexpr int kSentryPageSize = 100;

// Span groups asked for per transaction and release: one page.
inline constexpr int kSpanGroupRows = 100;

// A project given as all digits is a numeric id (&project=), anything else a slug
// (&projectSlug=).
bool IsProjectId(std::string_view project);

// `text` as a quoted value of Sentry's search syntax: "a \"b\"" (quotes and backslashes
// escaped).
std::string QuotedSearchValue(std::string_view text);

// The search of `release`'s transactions: event.type:transaction (is_transaction:true on
// the spans dataset) release:"RELEASE", then the selection's own query.
std::string SearchQuery(const SentrySelection& selection, const std::string& release);
// The same for `filter` in place of the release ("has:release !release:\"1.2\""): the
// dataset's transaction filter, `filter` and the configured query.
std::string TransactionSearch(const SentrySelection& selection, std::string_view filter);

// &project=ID or &projectSlug=SLUG for each project, and &environment=ENV.
std::string ProjectParameters(const SentrySelection& selection);

// &dataset, &query (SearchQuery), &start, &end and the projects: what every events
// request of `release` from `start` to `end` carries.
std::string RangeParameters(const SentrySelection& selection, const std::string& release,
                            const std::string& start, const std::string& end);

// "/api/0/organizations/ORG/<endpoint>/", the organization percent-encoded.
std::string OrganizationPath(const SentrySelection& selection, std::string_view endpoint);

// Raw mode's page query: each event's id, transaction, duration, status, time and trace
// (and, on the transactions dataset, the ops breakdown), 100 a page, newest first.
std::string RawEventsQuery(const SentrySelection& selection, const std::string& release,
                           const std::string& start, const std::string& end);

// Aggregate mode's query: per transaction count(), failure_count(), p50()-p99(), avg(),
// min() and max(), 100 a page, the busiest first.
std::string AggregatesQuery(const SentrySelection& selection, const std::string& release,
                            const std::string& start, const std::string& end);

// The measurements among `selection.fields` ("measurements.lcp", ...), whose aggregates
// aggregate mode asks for beside the durations'.
std::vector<std::string> MeasurementFields(const SentrySelection& selection);

// The aggregate fields of value `value` ("measurements.lcp"): how many events carry it
// (count_if(value,greaterOrEquals,0), so negative values are not counted), p50() to p99(),
// avg(), min() and max() of it. The answer's keys are these strings.
std::vector<std::string> ValueAggregateFields(std::string_view value);

// Where current Sentry browser SDKs put INP: a span of its own per interaction (op
// ui.interaction.click, .hover, .drag or .press) with measurement inp and the page's
// transaction name, not a measurement of the page load.
inline constexpr std::string_view kInpMeasurement = "measurements.inp";
inline constexpr std::string_view kInteractionSpans =
    "span.op:[ui.interaction.click,ui.interaction.hover,ui.interaction.drag,ui.interaction.press]";

// The interaction spans of `release` (the spans dataset, kInteractionSpans carrying
// measurements.inp): raw, each span's transaction and INP, 100 a page, newest first; or
// aggregated, one row per transaction with ValueAggregateFields(kInpMeasurement), the
// busiest first.
std::string InteractionsQuery(const SentrySelection& selection, const std::string& release,
                              const std::string& start, const std::string& end, bool aggregated);

// The events-histogram query of `transaction`'s durations in `release`.
std::string HistogramQuery(const SentrySelection& selection, const std::string& release,
                           const std::string& transaction, const std::string& start,
                           const std::string& end);

// The events-histogram query of `transaction`'s durations in `release` in the bins of
// `grid` (its numBuckets, precision, min and max).
struct HistogramGrid;
std::string ZoomHistogramQuery(const SentrySelection& selection, const std::string& release,
                               const std::string& transaction, const std::string& start,
                               const std::string& end, const HistogramGrid& grid);

// The count query of `transaction` in `release`: count(), then for each grid the events
// below its lower edge and at or above its upper edge (CountIfFields).
std::string ZoomCountQuery(const SentrySelection& selection, const std::string& release,
                           const std::string& transaction, const std::string& start,
                           const std::string& end, const std::vector<HistogramGrid>& grids);
// The fields ZoomCountQuery asks for, after count(): two per grid.
std::vector<std::string> CountIfFields(const std::vector<HistogramGrid>& grids);

// The spans dataset's search for `transaction` in `release`: its span groups' filter with
// `prefix` ("!is_transaction:true " for the spans under it, "is_transaction:true " for the
// transactions themselves), as &dataset=spans&query=... with the range and projects.
std::string SpanSearchParameters(const SentrySelection& selection, const std::string& release,
                                 const std::string& transaction, std::string_view prefix,
                                 const std::string& start, const std::string& end);

// The span groups query: op, description, self time and count of the spans under
// `transaction`, the most self time first, one page of kSpanGroupRows.
std::string SpanGroupsQuery(const SentrySelection& selection, const std::string& release,
                            const std::string& transaction, const std::string& start,
                            const std::string& end);

// A slice of a release's time range, fetched by its own cursor chain.
struct TimeWindow {
  std::string start;
  std::string end;
  std::size_t cap = 0;       // stop after this many events (0: no cap)
  std::size_t expected = 0;  // events Sentry counted in it, up to the cap
};

// [start, end] cut into equal windows of whole seconds: about four pages each at least (a
// window's cursor chain must outweigh its start-up), at most `concurrency`, at most one per
// second; over max_samples, kSampleStrata strata (a page each at least); one window when the
// range cannot be read or split. `total`: Sentry's count of the range; only
// min(total, max_samples) events are wanted.
std::vector<TimeWindow> SplitRange(const std::string& start, const std::string& end,
                                   std::size_t total, std::size_t max_samples, int concurrency);

// A release over max_samples is read as a stratified sample in this many windows of
// equal time (fewer where max_samples is under this many pages).
inline constexpr std::size_t kSampleStrata = 48;

// The windows to fetch, given Sentry's count of each window (`counts`, in order) and of the
// whole range (`total`). Within max_samples: every window whole. Over it: a stratified
// sample, each window's share of max_samples proportional to its count (its newest events
// up to the share), so the sample covers the release's whole time range (time of day,
// warm-up) instead of its end.
struct WindowPlan {
  std::vector<TimeWindow> windows;
  bool capped = false;       // max_samples cut the release: a stratified sample
  std::size_t expected = 0;  // the events the windows hold, by Sentry's count()
  std::size_t total = 0;     // Sentry's count of the whole range
  std::size_t strata = 0;    // capped: the windows the range was cut into
};
// REQUIRES: counts.size() == windows.size().
WindowPlan ChooseWindows(const std::vector<TimeWindow>& windows,
                         const std::vector<std::size_t>& counts, std::size_t total,
                         std::size_t max_samples);

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_SENTRY_SENTRY_QUERY_H_
