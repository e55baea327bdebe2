// Fetches one release's transactions from Sentry: its time bounds from the releases API,
// then (raw mode) its events from the events endpoint in concurrent time windows, each a
// cursor chain of 100-event pages, paced by the rate-limit headers, with retries and backoff;
// or (aggregate and histogram modes, their answers decoded by sentry_modes.h) Sentry's
// per-transaction aggregates and duration histograms. What it asks is worded by
// sentry_query.h. Talks HTTP only through an HttpTransport and time only through a
// Clock, so every policy here is tested with fakes. The token is sent as a Bearer header to
// the configured host only, and appears in no message.
#ifndef PERFGATE_FETCH_SENTRY_SENTRY_CLIENT_H_
#define PERFGATE_FETCH_SENTRY_SENTRY_CLIENT_H_

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "core/samples.h"
#include "core/sentry_selection.h"
#include "fetch/http/http_client.h"
#include "fetch/http/http_transport.h"
#include "fetch/http/rate_limiter.h"
#include "fetch/http/retry_policy.h"
#include "fetch/sentry/sentry_query.h"

namespace perfgate::fetch {

struct SentryOptions {
  SentrySelection selection;
  int max_pages = 2000;        // per time window: a guard against a cursor that never ends
  int concurrency = 15;        // time windows fetched at once (sentry.io allows 15)
  bool allow_partial = false;  // a window that fails is left out and noted, not fatal
  std::chrono::milliseconds timeout{30000};  // per request
  // Auto mode fetches a release raw when all its events can be had in this long (at the
  // server's rate limit and latency), else as zoomed histograms.
  std::chrono::seconds fetch_budget{60};
  RetryPolicy retry;
  // When set, the client gives up (kUnavailable) rather than wait or send past this time:
  // the whole run's deadline, shared by the releases it fetches (source.sentry.deadline).
  std::optional<std::chrono::system_clock::time_point> deadline;
  // When set, one line per request ("GET <url> -> 200 (attempt 1)"), the token shown as
  // [redacted]. For --verbose. Called from several threads, one at a time.
  std::function<void(const std::string&)> log;
};

// Called after each page: pages so far, events so far, events expected (0: not known).
using ProgressCallback = std::function<void(int pages, std::size_t events, std::size_t expected)>;

class SentryClient {
 public:
  // REQUIRES: `transport` and `clock` outlive the client.
  SentryClient(HttpTransport& transport, Clock& clock, SentryOptions options, std::string token);

  // Checks the options: an https URL (plain http only for loopback hosts), an organization,
  // a known dataset, projects all ids or all slugs, a token without control characters.
  // A kUsage or kConfig error says what to fix.
  Status Validate() const;

  // The events of `release` ("latest" resolves to the newest release). The SampleSet's
  // source is "sentry:<release>"; a max_samples cut is noted in its notes. Errors are
  // kUnavailable (network, auth, rate limits exhausted, missing release) or kConfig (a query
  // Sentry rejects), with the URL and what to check.
  // Nothing it returns holds the token: every message and note is passed through Redact(),
  // so a server or proxy that echoes the Authorization header cannot show it.
  Result<SampleSet> FetchRelease(const std::string& release, const ProgressCallback& progress = {});

  // `release` itself, or for "latest" FindLatest()'s. Errors as FetchRelease's;
  // kUnavailable when there is no release.
  Result<std::string> ResolveRelease(const std::string& release);

  // What "latest" names: the release whose transactions are the newest in the selection's
  // time range (the last 24 hours without one), for the configured projects and
  // environment: the one serving now, not one created and not yet deployed. When no release
  // has transactions there, the newest created (the releases API), said in `basis`.
  struct Latest {
    std::string release;
    std::string basis;  // "the newest events of acme in the last 24 hours", ...
  };
  Result<Latest> FindLatest();

  // What "previous" (count 1) and "previous:N" name for `candidate` (a release, resolved):
  // the releases whose first transactions are the latest before the candidate's first (from
  // the release's details), newest first, among those with transactions in the 90 days
  // before it, for the configured projects and environment. Fewer than `count` when there
  // are fewer; kUnavailable when there is none.
  struct Previous {
    std::vector<std::string> releases;
    std::string basis;
  };
  Result<Previous> FindPrevious(const std::string& candidate, int count = 1);

  // What "deployed:ENV" names: the release whose deploy to `environment` finished last
  // (Sentry's deploys API), among the kDeployedReleases newest releases seen there, other
  // than `except` (the candidate). kUnavailable when there is none.
  static constexpr int kDeployedReleases = 25;
  Result<Latest> FindDeployed(const std::string& environment, const std::string& except);

  // The span groups of `transaction` in `release` (resolved, not "latest") with the most
  // self time, from the spans dataset: two aggregate requests, one for the groups (up to
  // kSpanGroupRows) and one for the number of transactions. Errors as FetchRelease's.
  Result<SpanGroupTotals> FetchSpanGroups(const std::string& release,
                                          const std::string& transaction);

  // Sentry's answer for trace `trace_id` (its trace view endpoint), searched within
  // `release`'s time bounds: a body that parses with SentryTraceTree (sentry_trace.h) for
  // `event_id`. Errors as FetchRelease's.
  Result<std::string> FetchTrace(const std::string& release, const std::string& trace_id,
                                 const std::string& event_id);

 private:
  Result<SampleSet> FetchUnredacted(const std::string& requested, const ProgressCallback& progress);
  Result<SpanGroupTotals> FetchSpanGroupsUnredacted(const std::string& release,
                                                    const std::string& transaction);
  Result<std::string> FetchTraceUnredacted(const std::string& release, const std::string& trace_id,
                                           const std::string& event_id);

  struct Bounds {
    std::string start;
    std::string end;
  };
  // The release's time range: the configured one, or its first and last event.
  Result<Bounds> RangeOf(const std::string& release);
  // The windows to fetch, each counted: one when concurrency is 1; else up to
  // `concurrency` slices of the range by its event count, only the newest ones when there
  // are more than max_samples.
  // How many of `requests` to send at once: at most `concurrency`.
  unsigned AtOnce(std::size_t requests) const;
  Result<WindowPlan> PlanWindows(const std::string& release, const Bounds& bounds,
                                 std::size_t total);
  // Auto mode's choice for a release of `total` events (counted in `count_seconds`): raw
  // when they are at most max_samples and fit the fetch budget, else histogram (raw, a
  // sample, on the spans dataset, which has no histograms), with a note that says why
  // (none for raw).
  struct ModeChoice {
    SentryMode mode = SentryMode::kRaw;
    std::string note;
  };
  ModeChoice ChooseMode(const std::string& release, std::size_t total, double count_seconds) const;
  struct WindowEvents {
    SampleSetBuilder samples;
    bool truncated = false;  // the cap stopped it while events remained
  };
  // The window's events, newest first, up to its cap: one cursor chain.
  Result<WindowEvents> FetchWindow(const std::string& release, const TimeWindow& window,
                                   const std::function<void(std::size_t)>& on_page);
  // FetchWindow until it holds at least the events Sentry counted in the window: a chain
  // that ends early (an empty page without a next cursor) is fetched again, and a window
  // still short after kWindowAttempts is an error, never data judged as whole.
  Result<WindowEvents> FetchCountedWindow(const std::string& release, const TimeWindow& window,
                                          const std::function<void(std::size_t)>& on_page);
  // Follows the events endpoint's cursor chain for `query`: each page's body goes to
  // `read_page` (a body it rejects is fetched again), then `after_page(more)` keeps what
  // was read and says whether to go on (`more`: a next page exists). A cursor that repeats
  // or more than max_pages pages is an error: one guard for raw and aggregate mode.
  Status Paginate(const std::string& query,
                  const std::function<Status(const HttpResponse&)>& read_page,
                  const std::function<bool(bool more)>& after_page);
  // Get() whose body must also satisfy `accept`; a body it rejects is fetched again.
  Result<HttpResponse> GetParsed(const std::string& path, const std::string& query,
                                 const std::function<Status(const HttpResponse&)>& accept);
  // Aggregate mode: one row per transaction with count(), failure_count(), p50()..p99(),
  // avg(), min() and max(), 100 transactions a page.
  Result<SampleSet> FetchAggregates(const std::string& release, const Bounds& bounds);
  // INP, when a rule judges it: the release's interaction spans (kInteractionSpans) from
  // the spans dataset, where current browser SDKs put it, each span's INP added to its
  // page's sample values (raw) or Sentry's aggregates of them per page (`aggregated`),
  // replacing any the page loads carried. A line for the report goes to `notes`.
  Status AddInteractions(const std::string& release, const Bounds& bounds, bool aggregated,
                         SampleSetBuilder& samples, std::vector<std::string>& notes);
  // Histogram mode: the aggregates (for counts and failures), then one events-histogram
  // request per transaction, concurrently; each bin becomes `count` events at its midpoint.
  Result<SampleSet> FetchHistograms(const std::string& release, const Bounds& bounds);
  Result<std::size_t> Count(const std::string& release, const std::string& start,
                            const std::string& end);
  // count() of the events endpoint with `parameters` (dataset, query, range, projects):
  // a double, as Sentry's extrapolated counts need not be whole.
  Result<double> CountOf(const std::string& parameters);
  Result<std::string> NewestCreatedRelease();  // unredacted
  // "acme (production)": the organization, and the environment where one is set.
  std::string OrganizationText() const;
  // The first `count` releases by `aggregate` of their transactions ("max(timestamp)": the
  // newest event first), among those `filter` admits in `range` (URL parameters); none
  // when none. Redacted.
  Result<std::vector<std::string>> ReleasesByEvents(std::string_view aggregate,
                                                    std::string_view filter,
                                                    const std::string& range, int count);
  Result<Bounds> ReleaseBounds(const std::string& release);
  // Why Sentry has no `release`: the organization is not there (or the token cannot see
  // it), or the release is not, with the nearest of its kNearestOf newest release names.
  static constexpr int kNearestOf = 100;
  Error NotFound(const std::string& release);
  static HttpClientOptions HttpOptionsFor(const SentryOptions& options, const std::string& token);
  // What a final non-2xx `status` means for a Sentry request, with what to check.
  Error ClassifyStatus(int status, bool query_timeout, const std::string& message,
                       int attempts) const;
  // GET with retries, rate-limit waits and same-host redirects. Returns a 2xx response or
  // an error that explains the final status.
  Result<HttpResponse> Get(const std::string& path, const std::string& query_string);

  SentryOptions options_;
  std::string token_;
  Clock& clock_;         // auto mode times the count with it
  RateLimiter limiter_;  // shared by the window threads
  HttpClient http_;      // retries, pacing, deadline and redirects for every request
};

// The link to one trace in Sentry's trace view, "{trace_id}" to be replaced: on sentry.io
// (and its regions) https://ORG.sentry.io/explore/traces/trace/{trace_id}/, elsewhere (self-
// hosted) URL/organizations/ORG/explore/traces/trace/{trace_id}/.
std::string SentryTraceUrl(const std::string& url, const std::string& organization);

// Sentry's web page of `path` in `organization` ("/releases/1.2/"): on sentry.io the
// organization's own host, elsewhere /organizations/ORG under the server's URL.
std::string SentryWebUrl(const std::string& url, const std::string& organization,
                         std::string_view path);
// The page of `release` in Sentry's web interface.
std::string SentryReleaseUrl(const std::string& url, const std::string& organization,
                             const std::string& release);

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_SENTRY_SENTRY_CLIENT_H_
