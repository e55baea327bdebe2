#include "fetch/sentry/sentry_query.h"

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

#include "core/enum_names.h"
#include "core/samples.h"
#include "core/timestamp.h"
#include "fetch/http/url.h"
#include "fetch/sentry/sentry_zoom.h"

namespace perfgate::fetch {
namespace {

// "field=a&field=b", each percent-encoded.
template <typename Fields>
std::string FieldParameters(const Fields& fields) {
  std::string out;
  for (const auto& field : fields)
    out += std::string(out.empty() ? "" : "&") + "field=" + UrlEncode(field);
  return out;
}

}  // namespace

bool IsProjectId(std::string_view project) {
  return !project.empty() &&
         std::all_of(project.begin(), project.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string QuotedSearchValue(std::string_view text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  return quoted + "\"";
}

std::string SearchQuery(const SentrySelection& selection, const std::string& release) {
  return TransactionSearch(selection, "release:\"" + release + "\"");
}

std::string TransactionSearch(const SentrySelection& selection, std::string_view filter) {
  std::string search =
      std::string(selection.dataset == SentryDataset::kSpans ? "is_transaction:true"
                                                             : "event.type:transaction") +
      " " + std::string(filter);
  return selection.query.empty() ? search : search + " " + selection.query;
}

std::string ProjectParameters(const SentrySelection& selection) {
  std::string parameters;
  for (const std::string& project : selection.projects) {
    parameters += (IsProjectId(project) ? "&project=" : "&projectSlug=") + UrlEncode(project);
  }
  if (!selection.environment.empty())
    parameters += "&environment=" + UrlEncode(selection.environment);
  return parameters;
}

std::string RangeParameters(const SentrySelection& selection, const std::string& release,
                            const std::string& start, const std::string& end) {
  return "&dataset=" + std::string(NameOf(kSentryDatasetNames, selection.dataset)) +
         "&query=" + UrlEncode(SearchQuery(selection, release)) + "&start=" + UrlEncode(start) +
         "&end=" + UrlEncode(end) + ProjectParameters(selection);
}

std::string OrganizationPath(const SentrySelection& selection, std::string_view endpoint) {
  return "/api/0/organizations/" + UrlEncode(selection.organization) + "/" + std::string(endpoint) +
         "/";
}

std::string RawEventsQuery(const SentrySelection& selection, const std::string& release,
                           const std::string& start, const std::string& end) {
  const bool spans = selection.dataset == SentryDataset::kSpans;
  std::vector<std::string> fields = {"id",
                                     "transaction",
                                     spans ? "span.duration" : "transaction.duration",
                                     spans ? "span.status" : "transaction.status",
                                     "timestamp",
                                     "trace"};
  // Transaction events carry Sentry's ops breakdown: why one got slower, at no extra
  // request. Each family's time, then the time in spans of every op.
  if (!spans) {
    for (std::string_view family : kOpFamilies) fields.push_back("spans." + std::string(family));
    fields.emplace_back("spans.total.time");
  }
  fields.insert(fields.end(), selection.fields.begin(), selection.fields.end());
  // Newest first: under a sample cap the newest events are the ones kept.
  return FieldParameters(fields) + "&per_page=" + std::to_string(kSentryPageSize) +
         "&sort=-timestamp" + RangeParameters(selection, release, start, end);
}

std::vector<std::string> MeasurementFields(const SentrySelection& selection) {
  std::vector<std::string> measurements;
  for (const std::string& field : selection.fields) {
    if (field.starts_with("measurements.")) measurements.push_back(field);
  }
  return measurements;
}

std::vector<std::string> ValueAggregateFields(std::string_view value) {
  const std::string v(value);
  return {"count_if(" + v + ",greaterOrEquals,0)",
          "p50(" + v + ")",
          "p75(" + v + ")",
          "p95(" + v + ")",
          "p99(" + v + ")",
          "avg(" + v + ")",
          "min(" + v + ")",
          "max(" + v + ")"};
}

std::string InteractionsQuery(const SentrySelection& selection, const std::string& release,
                              const std::string& start, const std::string& end, bool aggregated) {
  std::vector<std::string> fields = {"transaction"};
  if (aggregated) {
    const std::vector<std::string> value = ValueAggregateFields(kInpMeasurement);
    fields.insert(fields.end(), value.begin(), value.end());
  } else {
    fields.emplace_back(kInpMeasurement);
  }
  const std::string search = std::string(kInteractionSpans) +
                             " has:" + std::string(kInpMeasurement) + " release:\"" + release +
                             "\"";
  return FieldParameters(fields) + "&per_page=" + std::to_string(kSentryPageSize) +
         "&sort=" + UrlEncode(aggregated ? "-" + fields[1] : "-timestamp") +
         "&dataset=spans&query=" + UrlEncode(search) + "&start=" + UrlEncode(start) +
         "&end=" + UrlEncode(end) + ProjectParameters(selection);
}

std::string AggregatesQuery(const SentrySelection& selection, const std::string& release,
                            const std::string& start, const std::string& end) {
  // The keys of each answer row are these field strings (transform_alias_to_input_format).
  static constexpr std::string_view kFields[] = {"transaction",
                                                 "count()",
                                                 "failure_count()",
                                                 "p50()",
                                                 "p75()",
                                                 "p95()",
                                                 "p99()",
                                                 "avg(transaction.duration)",
                                                 "min(transaction.duration)",
                                                 "max(transaction.duration)"};
  std::vector<std::string> fields(std::begin(kFields), std::end(kFields));
  for (const std::string& measurement : MeasurementFields(selection)) {
    const std::vector<std::string> value = ValueAggregateFields(measurement);
    fields.insert(fields.end(), value.begin(), value.end());
  }
  return FieldParameters(fields) + "&per_page=" + std::to_string(kSentryPageSize) +
         "&sort=-count%28%29" + RangeParameters(selection, release, start, end);
}

std::string HistogramQuery(const SentrySelection& selection, const std::string& release,
                           const std::string& transaction, const std::string& start,
                           const std::string& end) {
  // The transaction filter narrows the release's search to one transaction.
  return "field=transaction.duration&numBuckets=" + std::to_string(selection.histogram_buckets) +
         "&precision=0&dataFilter=all&query=" +
         UrlEncode(SearchQuery(selection, release) +
                   " transaction:" + QuotedSearchValue(transaction)) +
         "&start=" + UrlEncode(start) + "&end=" + UrlEncode(end) + ProjectParameters(selection);
}

std::string ZoomHistogramQuery(const SentrySelection& selection, const std::string& release,
                               const std::string& transaction, const std::string& start,
                               const std::string& end, const HistogramGrid& grid) {
  return "field=transaction.duration&numBuckets=" + std::to_string(grid.buckets) +
         "&precision=" + std::to_string(grid.precision) + "&min=" + grid.MinParameter() +
         "&max=" + grid.MaxParameter() + "&dataFilter=all&query=" +
         UrlEncode(SearchQuery(selection, release) +
                   " transaction:" + QuotedSearchValue(transaction)) +
         "&start=" + UrlEncode(start) + "&end=" + UrlEncode(end) + ProjectParameters(selection);
}

std::vector<std::string> CountIfFields(const std::vector<HistogramGrid>& grids) {
  std::vector<std::string> fields;
  for (const HistogramGrid& grid : grids) {
    // The edges exactly as the grid's (a unit of 10^-precision ms).
    char lower[40], upper[40];
    std::snprintf(lower, sizeof lower, "%.*f", grid.precision, grid.Lower());
    std::snprintf(upper, sizeof upper, "%.*f", grid.precision, grid.Upper());
    fields.push_back("count_if(transaction.duration,less," + std::string(lower) + ")");
    fields.push_back("count_if(transaction.duration,greaterOrEquals," + std::string(upper) + ")");
  }
  return fields;
}

std::string ZoomCountQuery(const SentrySelection& selection, const std::string& release,
                           const std::string& transaction, const std::string& start,
                           const std::string& end, const std::vector<HistogramGrid>& grids) {
  std::vector<std::string> fields = {"count()"};
  const std::vector<std::string> counts = CountIfFields(grids);
  fields.insert(fields.end(), counts.begin(), counts.end());
  return FieldParameters(fields) + "&per_page=1&dataset=transactions&query=" +
         UrlEncode(SearchQuery(selection, release) +
                   " transaction:" + QuotedSearchValue(transaction)) +
         "&start=" + UrlEncode(start) + "&end=" + UrlEncode(end) + ProjectParameters(selection);
}

std::string SpanSearchParameters(const SentrySelection& selection, const std::string& release,
                                 const std::string& transaction, std::string_view prefix,
                                 const std::string& start, const std::string& end) {
  const std::string search = std::string(prefix) + "transaction:" + QuotedSearchValue(transaction) +
                             " release:\"" + release + "\"";
  return "&dataset=spans&query=" + UrlEncode(search) + "&start=" + UrlEncode(start) +
         "&end=" + UrlEncode(end) + ProjectParameters(selection);
}

std::string SpanGroupsQuery(const SentrySelection& selection, const std::string& release,
                            const std::string& transaction, const std::string& start,
                            const std::string& end) {
  return "field=span.op&field=span.description&field=sum%28span.self_time%29&field=count%28%29"
         "&sort=-sum%28span.self_time%29&per_page=" +
         std::to_string(kSpanGroupRows) +
         SpanSearchParameters(selection, release, transaction, "!is_transaction:true ", start, end);
}

std::vector<TimeWindow> SplitRange(const std::string& start, const std::string& end,
                                   std::size_t total, std::size_t max_samples, int concurrency) {
  const std::optional<long long> first = ParseIsoSeconds(start);
  const std::optional<long long> last = ParseIsoSeconds(end);
  const std::size_t wanted = std::min(total, max_samples);
  std::size_t count =
      std::clamp<std::size_t>(wanted / (4 * static_cast<std::size_t>(kSentryPageSize)), 1,
                              static_cast<std::size_t>(std::max(concurrency, 1)));
  // Over the cap, the windows are strata of a sample spread over the whole range: many of
  // them, so that each one's newest events stand for it, yet each worth a page at least.
  if (total > max_samples) {
    count = std::clamp<std::size_t>(max_samples / static_cast<std::size_t>(kSentryPageSize), 1,
                                    kSampleStrata);
  }
  if (!first || !last || *last <= *first) count = 1;
  if (count == 1) return {TimeWindow{start, end, 0, 0}};
  const long long span = *last - *first;
  count = std::min<std::size_t>(count, static_cast<std::size_t>(span));
  std::vector<TimeWindow> windows;
  for (std::size_t i = 0; i < count; ++i) {
    const long long from =
        *first + span * static_cast<long long>(i) / static_cast<long long>(count);
    const long long to =
        *first + span * static_cast<long long>(i + 1) / static_cast<long long>(count);
    windows.push_back({i == 0 ? start : FormatIsoSeconds(from),
                       i + 1 == count ? end : FormatIsoSeconds(to), 0, 0});
  }
  return windows;
}

WindowPlan ChooseWindows(const std::vector<TimeWindow>& windows,
                         const std::vector<std::size_t>& counts, std::size_t total,
                         std::size_t max_samples) {
  WindowPlan plan;
  plan.windows = windows;
  plan.total = total;
  if (total <= max_samples) {
    for (std::size_t i = 0; i < windows.size(); ++i) {
      plan.windows[i].expected = counts[i];
      plan.expected += counts[i];
    }
    return plan;
  }
  // A stratified sample: each window's share of max_samples proportional to its events
  // (largest remainders first, so the shares add up to max_samples exactly).
  plan.capped = true;
  std::size_t counted = 0;
  for (std::size_t count : counts) counted += count;
  const std::size_t wanted = std::min(max_samples, counted);
  std::vector<std::size_t> share(windows.size());
  std::vector<std::pair<double, std::size_t>> remainders;
  std::size_t given = 0;
  for (std::size_t i = 0; i < windows.size(); ++i) {
    const double exact = counted == 0
                             ? 0
                             : static_cast<double>(wanted) * static_cast<double>(counts[i]) /
                                   static_cast<double>(counted);
    share[i] = std::min(counts[i], static_cast<std::size_t>(exact));
    given += share[i];
    remainders.emplace_back(exact - static_cast<double>(share[i]), i);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; given < wanted && k < remainders.size(); ++k) {
    const std::size_t i = remainders[k].second;
    if (share[i] < counts[i]) ++share[i], ++given;
  }
  plan.windows.clear();
  for (std::size_t i = 0; i < windows.size(); ++i) {
    if (share[i] == 0) continue;
    TimeWindow window = windows[i];
    window.cap = share[i] < counts[i] ? share[i] : 0;
    window.expected = share[i];
    plan.expected += share[i];
    plan.windows.push_back(window);
  }
  plan.strata = windows.size();
  return plan;
}

}  // namespace perfgate::fetch
