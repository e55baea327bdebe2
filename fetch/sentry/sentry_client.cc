#include "fetch/sentry/sentry_client.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <set>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "core/duration.h"
#include "core/number_format.h"
#include "core/parallel.h"
#include "core/spelling.h"
#include "core/text.h"
#include "core/timestamp.h"
#include "fetch/files/sample_reader.h"
#include "fetch/files/sentry_page_reader.h"
#include "fetch/http/link_header.h"
#include "fetch/http/redact.h"
#include "fetch/http/url.h"
#include "fetch/sentry/sentry_modes.h"
#include "fetch/sentry/sentry_trace.h"
#include "fetch/sentry/sentry_zoom.h"

namespace perfgate::fetch {
namespace {

// Fetches of a time window that came back short of its count, before the window fails.
constexpr int kWindowAttempts = 3;

// The "detail" of a Sentry error body ({"detail": "..."} or, from older servers, a bare
// JSON string), or "".
std::string Detail(const std::string& body) {
  try {
    boost::json::value value = boost::json::parse(body);
    if (value.is_string()) return std::string(value.as_string());
    if (value.is_object() && value.as_object().contains("detail") &&
        value.at("detail").is_string()) {
      return std::string(value.at("detail").as_string());
    }
  } catch (const std::exception&) {
  }
  return "";
}

std::string StatusText(int status) {
  switch (status) {
    case 400:
      return "400 Bad Request";
    case 401:
      return "401 Unauthorized";
    case 403:
      return "403 Forbidden";
    case 404:
      return "404 Not Found";
    case 429:
      return "429 Too Many Requests";
    case 500:
      return "500 Internal Server Error";
    case 502:
      return "502 Bad Gateway";
    case 503:
      return "503 Service Unavailable";
    case 504:
      return "504 Gateway Timeout";
    default:
      return std::to_string(status);
  }
}

// A timestamp plus one second, for an inclusive end; shapes it cannot read stay as they are.
std::string OneSecondLater(const std::string& timestamp) {
  std::optional<long long> seconds = ParseIsoSeconds(timestamp);
  return seconds ? FormatIsoSeconds(*seconds + 1) : timestamp;
}

}  // namespace

HttpClientOptions SentryClient::HttpOptionsFor(const SentryOptions& options,
                                               const std::string& token) {
  HttpClientOptions http;
  http.retry = options.retry;
  http.timeout = options.timeout;
  http.deadline = options.deadline;
  http.deadline_setting = "source.sentry.deadline, default 30m";
  http.follow_redirects = true;
  http.cross_origin_advice =
      ": set source.sentry.url to the host you mean (for sentry.io, perhaps a region such as "
      "https://us.sentry.io)";
  http.secrets = {token};
  http.log = options.log;
  return http;
}

std::string SentryWebUrl(const std::string& url, const std::string& organization,
                         std::string_view path) {
  std::string base = url;
  while (base.ends_with('/')) base.pop_back();
  const std::size_t scheme = base.find("://");
  const std::string host = scheme == std::string::npos ? base : base.substr(scheme + 3);
  if (host == "sentry.io" || host.ends_with(".sentry.io"))
    return "https://" + UrlEncode(organization) + ".sentry.io" + std::string(path);
  return base + "/organizations/" + UrlEncode(organization) + std::string(path);
}

std::string SentryTraceUrl(const std::string& url, const std::string& organization) {
  return SentryWebUrl(url, organization, "/explore/traces/trace/{trace_id}/");
}

std::string SentryReleaseUrl(const std::string& url, const std::string& organization,
                             const std::string& release) {
  return SentryWebUrl(url, organization, "/releases/" + UrlEncode(release) + "/");
}

SentryClient::SentryClient(HttpTransport& transport, Clock& clock, SentryOptions options,
                           std::string token)
    : options_(std::move(options)),
      token_(std::move(token)),
      clock_(clock),
      limiter_(clock),
      http_(transport, clock, HttpOptionsFor(options_, token_), &limiter_) {
  while (options_.selection.url.ends_with('/')) options_.selection.url.pop_back();
}

Status SentryClient::Validate() const {
  const std::string& url = options_.selection.url;
  if (url.starts_with("http://")) {
    if (!IsSafeForSecrets(url)) {
      return MakeError(ErrorKind::kConfig,
                       "source.sentry.url " + url +
                           ": plain http would send the token in clear; use https:// "
                           "(http is allowed only for loopback addresses)");
    }
  } else if (!url.starts_with("https://") || Host(url).empty()) {
    return MakeError(ErrorKind::kConfig, "source.sentry.url '" + url + "' is not an https:// URL");
  }
  if (HasControlCharacter(token_)) {
    return MakeError(ErrorKind::kUsage,
                     "the Sentry token holds a control character (a line break?); a token "
                     "is one line of printable characters");
  }
  if (options_.selection.organization.empty()) {
    return MakeError(ErrorKind::kConfig,
                     "source.sentry.organization is not set (the organization slug or id)");
  }
  if (options_.selection.mode != SentryMode::kRaw &&
      options_.selection.dataset != SentryDataset::kTransactions) {
    return MakeError(ErrorKind::kConfig,
                     std::string(NameOf(kSentryModeNames, options_.selection.mode)) +
                         " mode reads the transactions dataset; use raw mode for spans");
  }
  const auto ids = std::count_if(options_.selection.projects.begin(),
                                 options_.selection.projects.end(), IsProjectId);
  if (ids != 0 && ids != static_cast<long>(options_.selection.projects.size())) {
    return MakeError(
        ErrorKind::kConfig,
        "source.sentry.project mixes numeric ids and slugs; Sentry accepts one kind per query");
  }
  if (options_.selection.start.empty() != options_.selection.end.empty()) {
    return MakeError(ErrorKind::kUsage,
                     "give both the start and the end of the time range, or neither");
  }
  return {};
}

Result<HttpResponse> SentryClient::Get(const std::string& path, const std::string& query_string) {
  const std::string shown =
      options_.selection.url + path;  // messages name the URL without its query
  HttpRequest request;
  request.url = shown + (query_string.empty() ? "" : "?" + query_string);
  request.headers = {{"Authorization", "Bearer " + token_}, {"Accept", "application/json"}};
  Result<HttpOutcome> sent = http_.Send(std::move(request), shown);
  if (!sent.ok()) return sent.error();
  const int attempts = sent->attempts;
  Result<HttpResponse> outcome = std::move(sent->response);
  const int status = outcome->status;
  if (status >= 200 && status < 300) return outcome;
  std::string detail = Detail(outcome->body);
  std::string message =
      "GET " + shown + ": " + StatusText(status) + (detail.empty() ? "" : ": " + detail);
  Error error = ClassifyStatus(status, IsQueryTimeout(*outcome), message, attempts);
  error.http_status = status;
  return error;
}

Error SentryClient::ClassifyStatus(int status, bool query_timeout, const std::string& message,
                                   int attempts) const {
  switch (status) {
    case 400:
      if (query_timeout) {
        return MakeError(ErrorKind::kUnavailable, message + " (still timing out after " +
                                                      std::to_string(attempts) +
                                                      " attempts; try a shorter time range)");
      }
      return MakeError(ErrorKind::kConfig, message + ": check source.sentry.query and project");
    case 401:
      return MakeError(ErrorKind::kUnavailable,
                       message + ": check the token is valid and has the org:read scope");
    case 403:
      return MakeError(
          ErrorKind::kUnavailable,
          message + ": the token needs org:read on organization '" +
              options_.selection.organization +
              "' (organization tokens, sntrys_..., have only org:ci and cannot read events)");
    case 404:
      return MakeError(ErrorKind::kUnavailable,
                       message + ": check the organization slug '" +
                           options_.selection.organization +
                           "' and that it has Performance (Discover) enabled");
    case 429:
      return MakeError(ErrorKind::kUnavailable, message + ": still rate limited after " +
                                                    std::to_string(attempts) + " attempts");
    default:
      return MakeError(
          ErrorKind::kUnavailable,
          message + (status >= 500 ? " (after " + std::to_string(attempts) + " attempts)" : ""));
  }
}

namespace {

// Accepts an answer whose body is JSON of `shape` (an object or an array); anything else
// (a login page, a proxy's error page, a cut body) is retried as a failed exchange would be.
std::function<Status(const HttpResponse&)> JsonAnswer(boost::json::kind shape,
                                                      boost::json::value& into) {
  return [shape, &into](const HttpResponse& answer) -> Status {
    boost::system::error_code error;
    into = boost::json::parse(answer.body, error);
    const bool object = shape == boost::json::kind::object;
    if (error || (object ? !into.is_object() : !into.is_array())) {
      const std::string_view type = answer.Header("Content-Type");
      return MakeError(ErrorKind::kUnavailable,
                       std::string("the answer is not a JSON ") + (object ? "object" : "array") +
                           (type.empty() ? "" : " (" + std::string(type) + ")") +
                           ": a login page or a proxy's error?");
    }
    return {};
  };
}

}  // namespace

Result<std::vector<std::string>> SentryClient::ReleasesByEvents(std::string_view aggregate,
                                                                std::string_view filter,
                                                                const std::string& range,
                                                                int count) {
  const SentrySelection& selection = options_.selection;
  boost::json::value answer;
  Result<HttpResponse> response =
      GetParsed(OrganizationPath(selection, "events"),
                "field=release&field=" + UrlEncode(aggregate) + "&sort=" +
                    UrlEncode("-" + std::string(aggregate)) + "&per_page=" + std::to_string(count) +
                    "&dataset=" + std::string(NameOf(kSentryDatasetNames, selection.dataset)) +
                    "&query=" + UrlEncode(TransactionSearch(selection, filter)) + range +
                    ProjectParameters(selection),
                JsonAnswer(boost::json::kind::object, answer));
  if (!response.ok())
    return Error{response.error().kind, Redact(response.error().message, {token_})};
  std::vector<std::string> releases;
  const boost::json::value* data = answer.as_object().if_contains("data");
  if (data == nullptr || !data->is_array()) return releases;
  for (const boost::json::value& row : data->as_array()) {
    const boost::json::value* release =
        row.is_object() ? row.as_object().if_contains("release") : nullptr;
    if (release != nullptr && release->is_string() && !release->as_string().empty() &&
        releases.size() < static_cast<std::size_t>(count))
      releases.emplace_back(release->as_string());
  }
  return releases;
}

std::string SentryClient::OrganizationText() const {
  const SentrySelection& selection = options_.selection;
  return selection.organization +
         (selection.environment.empty() ? "" : " (" + selection.environment + ")");
}

Result<SentryClient::Latest> SentryClient::FindLatest() {
  Status valid = Validate();
  if (!valid.ok()) return valid.error();
  const SentrySelection& selection = options_.selection;
  const std::string where = OrganizationText();
  const std::string period = selection.start.empty()
                                 ? "in the last 24 hours"
                                 : "from " + selection.start + " to " + selection.end;
  const std::string range = selection.start.empty() ? "&statsPeriod=24h"
                                                    : "&start=" + UrlEncode(selection.start) +
                                                          "&end=" + UrlEncode(selection.end);
  Result<std::vector<std::string>> serving =
      ReleasesByEvents("max(timestamp)", "has:release", range, 1);
  if (!serving.ok()) return serving.error();
  if (!serving->empty())
    return Latest{serving->front(), "the newest events of " + where + " " + period};
  Result<std::string> created = NewestCreatedRelease();
  if (!created.ok()) return Error{created.error().kind, Redact(created.error().message, {token_})};
  return Latest{*created,
                "the newest created of " + where + "; no release has transactions " + period};
}

Result<SentryClient::Previous> SentryClient::FindPrevious(const std::string& candidate, int count) {
  Status valid = Validate();
  if (!valid.ok()) return valid.error();
  Result<Bounds> bounds = ReleaseBounds(candidate);
  if (!bounds.ok()) return Error{bounds.error().kind, Redact(bounds.error().message, {token_})};
  const std::optional<long long> first = ParseIsoSeconds(bounds->start);
  if (!first) {
    return MakeError(ErrorKind::kUnavailable, "sentry:previous: release " + candidate +
                                                  " has no first event to look before");
  }
  constexpr long long kLookBack = 90LL * 86400;
  const SentrySelection& selection = options_.selection;
  Result<std::vector<std::string>> releases =
      ReleasesByEvents("min(timestamp)", "has:release !release:" + QuotedSearchValue(candidate),
                       "&start=" + UrlEncode(FormatIsoSeconds(*first - kLookBack)) +
                           "&end=" + UrlEncode(bounds->start),
                       count);
  if (!releases.ok()) return releases.error();
  if (releases->empty()) {
    return MakeError(ErrorKind::kUnavailable,
                     "sentry:previous: no release of " + selection.organization +
                         " has transactions in the 90 days before " + candidate + "'s first (" +
                         bounds->start + "); name the baseline release");
  }
  const std::string before = releases->size() == 1
                                 ? "the release before " + candidate
                                 : "the " + std::to_string(releases->size()) + " releases before " +
                                       candidate +
                                       (releases->size() < static_cast<std::size_t>(count)
                                            ? " (of " + std::to_string(count) + " asked for)"
                                            : std::string());
  return Previous{std::move(releases).value(),
                  before + ", by first event, in " + OrganizationText()};
}

Result<std::string> SentryClient::NewestCreatedRelease() {
  boost::json::value releases;
  Result<HttpResponse> response =
      GetParsed(OrganizationPath(options_.selection, "releases"),
                "per_page=1&sort=date" + ProjectParameters(options_.selection),
                JsonAnswer(boost::json::kind::array, releases));
  if (!response.ok()) return response.error();
  const boost::json::array& list = releases.as_array();
  if (!list.empty() && list[0].is_object()) {
    if (const boost::json::value* version = list[0].as_object().if_contains("version");
        version != nullptr && version->is_string()) {
      return std::string(version->as_string());
    }
  }
  return MakeError(ErrorKind::kUnavailable, "sentry:latest: organization '" +
                                                options_.selection.organization +
                                                "' has no releases (for these projects)");
}

Result<SentryClient::Latest> SentryClient::FindDeployed(const std::string& environment,
                                                        const std::string& except) {
  Status valid = Validate();
  if (!valid.ok()) return valid.error();
  const SentrySelection& selection = options_.selection;
  // The releases seen in the environment, newest first; then each one's deploys.
  boost::json::value releases;
  Result<HttpResponse> listed = GetParsed(OrganizationPath(selection, "releases"),
                                          "per_page=" + std::to_string(kDeployedReleases) +
                                              "&sort=date&environment=" + UrlEncode(environment) +
                                              ProjectParameters(selection),
                                          JsonAnswer(boost::json::kind::array, releases));
  if (!listed.ok()) return Error{listed.error().kind, Redact(listed.error().message, {token_})};
  std::string best, best_time;
  for (const boost::json::value& release : releases.as_array()) {
    const boost::json::value* version =
        release.is_object() ? release.as_object().if_contains("version") : nullptr;
    if (version == nullptr || !version->is_string() || version->as_string() == except) continue;
    const std::string name(version->as_string());
    boost::json::value deploys;
    Result<HttpResponse> answer =
        GetParsed(OrganizationPath(selection, "releases/" + UrlEncode(name) + "/deploys"), "",
                  JsonAnswer(boost::json::kind::array, deploys));
    if (!answer.ok()) return Error{answer.error().kind, Redact(answer.error().message, {token_})};
    for (const boost::json::value& deploy : deploys.as_array()) {
      if (!deploy.is_object()) continue;
      const boost::json::object& fields = deploy.as_object();
      const boost::json::value* env = fields.if_contains("environment");
      const boost::json::value* finished = fields.if_contains("dateFinished");
      if (env == nullptr || !env->is_string() || env->as_string() != environment ||
          finished == nullptr || !finished->is_string() ||
          !ParseIsoSeconds(std::string(finished->as_string())))
        continue;
      const std::string when(finished->as_string());
      if (best.empty() || *ParseIsoSeconds(when) > *ParseIsoSeconds(best_time))
        best = name, best_time = when;
    }
  }
  if (best.empty()) {
    return MakeError(ErrorKind::kUnavailable,
                     "sentry:deployed:" + environment + ": no deploy to " + environment +
                         " among the " + std::to_string(kDeployedReleases) +
                         " newest releases of " + selection.organization +
                         (except.empty() ? "" : " other than " + except) +
                         " (Sentry's deploys API; sentry-cli deploys new); name the baseline "
                         "release");
  }
  return Latest{best, "the release last deployed to " + environment + " (" + best_time + ")"};
}

Error SentryClient::NotFound(const std::string& release) {
  const SentrySelection& selection = options_.selection;
  // The organization itself first: a slug misspelt, or one the token cannot see, is not the
  // release's fault.
  boost::json::value organization;
  Result<HttpResponse> found =
      GetParsed("/api/0/organizations/" + UrlEncode(selection.organization) + "/", "",
                JsonAnswer(boost::json::kind::object, organization));
  if (!found.ok() && found.error().IsNotFound()) {
    return MakeError(ErrorKind::kUnavailable,
                     "organization '" + selection.organization + "' does not exist on " +
                         selection.url +
                         ", or the token cannot see it (check source.sentry.organization or "
                         "--organization, and the organization the token was made in)");
  }
  std::string message =
      "sentry:" + release + ": no such release in organization '" + selection.organization + "'";
  boost::json::value releases;
  Result<HttpResponse> listed = GetParsed(
      OrganizationPath(selection, "releases"),
      "per_page=" + std::to_string(kNearestOf) + "&sort=date" + ProjectParameters(selection),
      JsonAnswer(boost::json::kind::array, releases));
  std::vector<std::string> names;
  if (listed.ok()) {
    for (const boost::json::value& entry : releases.as_array()) {
      const boost::json::value* version =
          entry.is_object() ? entry.as_object().if_contains("version") : nullptr;
      if (version != nullptr && version->is_string()) names.emplace_back(version->as_string());
    }
  }
  const std::vector<std::string> nearest = NearestMatches(release, names, 3);
  if (!nearest.empty()) {
    message += "; the nearest of its " + std::to_string(names.size()) + " newest: ";
    for (std::size_t i = 0; i < nearest.size(); ++i) message += (i ? ", " : "") + nearest[i];
  }
  return MakeError(ErrorKind::kUnavailable, message);
}

Result<SentryClient::Bounds> SentryClient::ReleaseBounds(const std::string& release) {
  boost::json::value details;
  Result<HttpResponse> response =
      GetParsed(OrganizationPath(options_.selection, "releases/" + UrlEncode(release)), "",
                JsonAnswer(boost::json::kind::object, details));
  if (!response.ok()) {
    if (response.error().IsNotFound()) return NotFound(release);
    return response.error();
  }
  const boost::json::object& object = details.as_object();
  const boost::json::value* first = object.if_contains("firstEvent");
  const boost::json::value* last = object.if_contains("lastEvent");
  if (first != nullptr && first->is_string() && last != nullptr && last->is_string()) {
    return Bounds{std::string(first->as_string()), OneSecondLater(std::string(last->as_string()))};
  }
  // What Sentry says of a release without events: no first and last event.
  const SentrySelection& selection = options_.selection;
  return MakeError(
      ErrorKind::kUnavailable,
      "sentry:" + release + ": the release has no events yet in organization '" +
          selection.organization + "'" +
          (selection.environment.empty() ? "" : " (environment " + selection.environment + ")") +
          " (Sentry records no first event for it): judge it once it has served traffic, or "
          "name a release that has (sentry:latest is the newest with events)");
}

Result<HttpResponse> SentryClient::GetParsed(
    const std::string& path, const std::string& query,
    const std::function<Status(const HttpResponse&)>& accept) {
  for (int attempt = 1;; ++attempt) {
    Result<HttpResponse> response = Get(path, query);
    if (!response.ok()) return response;
    Status parsed = accept(*response);
    if (parsed.ok()) return response;
    // A body that does not parse (a proxy cut it short) is fetched again, as a failed
    // exchange would be.
    if (attempt >= options_.retry.max_attempts) {
      return MakeError(ErrorKind::kUnavailable, "GET " + options_.selection.url + path + ": " +
                                                    parsed.error().message + " (after " +
                                                    std::to_string(attempt) + " attempts)");
    }
    // The same backoff as a failed exchange (the transport delivered, the body is bad).
    if (!http_.Wait(BackoffDelay(options_.retry, attempt - 1, 0.5))) {
      return MakeError(ErrorKind::kUnavailable,
                       "GET " + options_.selection.url + path + ": " + parsed.error().message +
                           "; gave up: waiting longer would pass the run's deadline");
    }
  }
}

Result<double> SentryClient::CountOf(const std::string& parameters) {
  double count = 0;
  Result<HttpResponse> response = GetParsed(
      OrganizationPath(options_.selection, "events"), "field=count%28%29" + parameters,
      [&](const HttpResponse& answer) -> Status {
        try {
          count =
              boost::json::parse(answer.body).at("data").at(0).at("count()").to_number<double>();
          if (!IsEventCount(count))  // cast to a whole count later
            return MakeError(ErrorKind::kUnavailable, "count() is not a count of events");
          return {};
        } catch (const std::exception&) {
          return MakeError(ErrorKind::kUnavailable, "no count() in the answer");
        }
      });
  if (!response.ok()) return response.error();
  return count;
}

Result<std::size_t> SentryClient::Count(const std::string& release, const std::string& start,
                                        const std::string& end) {
  Result<double> count = CountOf(RangeParameters(options_.selection, release, start, end));
  if (!count.ok()) return count.error();
  return static_cast<std::size_t>(*count);
}

Result<SentryClient::WindowEvents> SentryClient::FetchWindow(
    const std::string& release, const TimeWindow& window,
    const std::function<void(std::size_t)>& on_page) {
  const std::string fixed = RawEventsQuery(options_.selection, release, window.start, window.end);
  const std::string source = "sentry:" + release;
  WindowEvents fetched;
  SampleSetBuilder& samples = fetched.samples;
  BadRowLog bad_rows(BadRowPolicy::kFail, source);
  SampleSetBuilder page_samples;  // only pages that parse completely are kept
  Status paged = Paginate(
      fixed,
      [&](const HttpResponse& answer) {
        page_samples = SampleSetBuilder();
        const std::size_t room = window.cap > 0 ? window.cap - samples.size() : SIZE_MAX;
        return ReadSentryPageInto(answer.body, source + " page", page_samples, bad_rows, room);
      },
      [&](bool more) {
        const std::size_t added = page_samples.size();
        samples.Append(std::move(page_samples));
        if (on_page) on_page(added);
        fetched.truncated =
            more && window.cap > 0 && samples.size() >= window.cap;  // events remain
        return !fetched.truncated;
      });
  if (!paged.ok()) return paged.error();
  return fetched;
}

Status SentryClient::Paginate(const std::string& query,
                              const std::function<Status(const HttpResponse&)>& read_page,
                              const std::function<bool(bool more)>& after_page) {
  std::set<std::string> seen_cursors;
  std::string cursor;
  for (int pages = 1;; ++pages) {
    Result<HttpResponse> page =
        GetParsed(OrganizationPath(options_.selection, "events"),
                  query + (cursor.empty() ? "" : "&cursor=" + UrlEncode(cursor)), read_page);
    if (!page.ok()) return page.error();
    cursor = NextCursor(page->Header("Link")).value_or("");
    if (!after_page(!cursor.empty()) || cursor.empty()) return {};
    if (!seen_cursors.insert(cursor).second) {
      return MakeError(ErrorKind::kUnavailable,
                       "GET " + options_.selection.url +
                           OrganizationPath(options_.selection, "events") + ": the cursor " +
                           cursor + " came back twice; the pagination does not advance");
    }
    if (pages >= options_.max_pages) {
      return MakeError(ErrorKind::kUnavailable, "GET " + options_.selection.url +
                                                    OrganizationPath(options_.selection, "events") +
                                                    ": still more pages after " +
                                                    std::to_string(pages) +
                                                    " (max_pages); narrow the time range");
    }
  }
}

Result<SentryClient::WindowEvents> SentryClient::FetchCountedWindow(
    const std::string& release, const TimeWindow& window,
    const std::function<void(std::size_t)>& on_page) {
  for (int attempt = 1;; ++attempt) {
    Result<WindowEvents> fetched = FetchWindow(release, window, on_page);
    if (!fetched.ok()) return fetched;
    const std::size_t got = fetched->samples.size();
    // More than counted is fine: events that arrived since the count. Fewer means a page
    // ended the cursor chain early (an empty page without a next cursor, a proxy's cut).
    if (got >= window.expected) return fetched;
    if (attempt >= kWindowAttempts) {
      return MakeError(ErrorKind::kUnavailable,
                       "sentry:" + release + ": the time window " + window.start + " to " +
                           window.end + " gave " + std::to_string(got) +
                           " events, but Sentry counted " + std::to_string(window.expected) +
                           " in it; its pagination ended early in each of " +
                           std::to_string(attempt) + " attempts");
    }
  }
}

unsigned SentryClient::AtOnce(std::size_t requests) const {
  return static_cast<unsigned>(std::max<std::size_t>(
      1, std::min<std::size_t>(requests,
                               static_cast<std::size_t>(std::max(1, options_.concurrency)))));
}

Result<WindowPlan> SentryClient::PlanWindows(const std::string& release, const Bounds& bounds,
                                             std::size_t total) {
  const std::size_t max_samples = options_.selection.max_samples;
  const std::vector<TimeWindow> windows =
      SplitRange(bounds.start, bounds.end, total, max_samples, options_.concurrency);
  if (windows.size() == 1) return ChooseWindows(windows, {total}, total, max_samples);
  // Count each window (concurrently): the count is what its fetch must reach, and over
  // max_samples it chooses the newest windows.
  std::vector<Result<std::size_t>> counted(windows.size(),
                                           MakeError(ErrorKind::kInternal, "not counted"));
  ParallelFor(
      windows.size(),
      [&](std::size_t i) { counted[i] = Count(release, windows[i].start, windows[i].end); },
      AtOnce(windows.size()), /*chunk=*/1, /*serial_below=*/2);
  std::vector<std::size_t> counts;
  for (Result<std::size_t>& count : counted) {
    if (!count.ok()) return count.error();
    counts.push_back(*count);
  }
  return ChooseWindows(windows, counts, total, max_samples);
}

SentryClient::ModeChoice SentryClient::ChooseMode(const std::string& release, std::size_t total,
                                                  double count_seconds) const {
  // Pages of 100, at the rate limit learned from the count's answer, or (none: self-hosted)
  // as many at once as `concurrency` allows at the count's latency.
  const double pages = std::ceil(static_cast<double>(total) / kSentryPageSize);
  const int limit = limiter_.Limit();
  const double by_latency = options_.concurrency / std::max(count_seconds, 0.001);
  const bool limited = limit > 0 && limit < by_latency;
  const double seconds = pages / (limited ? limit : by_latency);
  const double budget = static_cast<double>(options_.fetch_budget.count());
  const std::size_t max_samples = options_.selection.max_samples;
  if (total <= max_samples && seconds <= budget) return {SentryMode::kRaw, ""};
  // Said without the measured latency, so that the same answers give the same report.
  const std::string why =
      total > max_samples
          ? "more than max_samples " + std::to_string(max_samples)
          : "more than the " + FormatSeconds(budget) + " fetch budget allows raw (" +
                FormatNumber(pages) + " requests of 100 events" +
                (limited ? " at " + std::to_string(limit) + " a second" : std::string()) + ")";
  const std::string head =
      "sentry:" + release + ": auto mode: " + std::to_string(total) + " events, " + why;
  if (options_.selection.dataset == SentryDataset::kSpans)
    return {SentryMode::kRaw, head + "; the spans dataset has no histograms: raw, as capped"};
  return {SentryMode::kHistogram, head + ": zoomed histograms instead"};
}

Result<SampleSet> SentryClient::FetchRelease(const std::string& release,
                                             const ProgressCallback& progress) {
  Result<SampleSet> set = FetchUnredacted(release, progress);
  if (!set.ok()) return Error{set.error().kind, Redact(set.error().message, {token_})};
  for (std::string& note : set->notes) note = Redact(std::move(note), {token_});
  return set;
}

Result<std::string> SentryClient::ResolveRelease(const std::string& release) {
  if (release != "latest") return release;
  Result<Latest> latest = FindLatest();
  if (!latest.ok()) return latest.error();
  return latest->release;
}

Result<SpanGroupTotals> SentryClient::FetchSpanGroups(const std::string& release,
                                                      const std::string& transaction) {
  Result<SpanGroupTotals> totals = FetchSpanGroupsUnredacted(release, transaction);
  if (!totals.ok()) return Error{totals.error().kind, Redact(totals.error().message, {token_})};
  return totals;
}

Result<SpanGroupTotals> SentryClient::FetchSpanGroupsUnredacted(const std::string& release,
                                                                const std::string& transaction) {
  Status valid = Validate();
  if (!valid.ok()) return valid.error();
  Result<Bounds> range = RangeOf(release);
  if (!range.ok()) return range.error();
  const Bounds& bounds = *range;
  SpanGroupTotals totals;
  Result<HttpResponse> groups = GetParsed(
      OrganizationPath(options_.selection, "events"),
      SpanGroupsQuery(options_.selection, release, transaction, bounds.start, bounds.end),
      [&](const HttpResponse& answer) -> Status {
        totals.groups.clear();
        try {
          const boost::json::value page = boost::json::parse(answer.body);
          for (const boost::json::value& row : page.at("data").as_array()) {
            auto text = [&](const char* key) {
              const boost::json::value* v = row.as_object().if_contains(key);
              return v && v->is_string() ? CleanText(v->as_string()) : std::string();
            };
            totals.groups.push_back({text("span.op"), text("span.description"),
                                     row.at("sum(span.self_time)").to_number<double>(),
                                     row.at("count()").to_number<double>()});
          }
          return {};
        } catch (const std::exception&) {
          return MakeError(ErrorKind::kUnavailable,
                           "no span.op, sum(span.self_time) and count() rows in the answer");
        }
      });
  if (!groups.ok()) return groups.error();
  Result<double> transactions = CountOf(SpanSearchParameters(
      options_.selection, release, transaction, "is_transaction:true ", bounds.start, bounds.end));
  if (!transactions.ok()) return transactions.error();
  totals.transactions = *transactions;
  return totals;
}

Result<SentryClient::Bounds> SentryClient::RangeOf(const std::string& release) {
  if (!options_.selection.start.empty())
    return Bounds{options_.selection.start, options_.selection.end};
  return ReleaseBounds(release);
}

Result<std::string> SentryClient::FetchTrace(const std::string& release,
                                             const std::string& trace_id,
                                             const std::string& event_id) {
  Result<std::string> body = FetchTraceUnredacted(release, trace_id, event_id);
  if (!body.ok()) return Error{body.error().kind, Redact(body.error().message, {token_})};
  // The answer is cached: a server or proxy that echoes the token must not put it on disk.
  return Redact(std::move(body).value(), {token_});
}

Result<std::string> SentryClient::FetchTraceUnredacted(const std::string& release,
                                                       const std::string& trace_id,
                                                       const std::string& event_id) {
  Status valid = Validate();
  if (!valid.ok()) return valid.error();
  Result<Bounds> bounds = RangeOf(release);
  if (!bounds.ok()) return bounds.error();
  const std::string path = OrganizationPath(options_.selection, "trace/" + UrlEncode(trace_id));
  std::string body;
  Result<HttpResponse> answer = GetParsed(
      path,
      "start=" + UrlEncode(bounds->start) + "&end=" + UrlEncode(bounds->end) +
          ProjectParameters(options_.selection),
      [&](const HttpResponse& response) -> Status {
        Result<SpanTree> tree = SentryTraceTree(response.body, trace_id, event_id, "the trace");
        if (!tree.ok()) return tree.error();
        body = response.body;
        return {};
      });
  if (!answer.ok()) return answer.error();
  return body;
}

Result<SampleSet> SentryClient::FetchUnredacted(const std::string& requested,
                                                const ProgressCallback& progress) {
  Status valid = Validate();
  if (!valid.ok()) return valid.error();
  Result<std::string> resolved = ResolveRelease(requested);
  if (!resolved.ok()) return resolved.error();
  const std::string release = std::move(resolved).value();
  Result<Bounds> range = RangeOf(release);
  if (!range.ok()) return range.error();
  const Bounds& bounds = *range;
  SentryMode mode = options_.selection.mode;
  if (mode == SentryMode::kAggregate) return FetchAggregates(release, bounds);
  if (mode == SentryMode::kHistogram) return FetchHistograms(release, bounds);
  const auto counting = clock_.Now();
  Result<std::size_t> total = Count(release, bounds.start, bounds.end);
  if (!total.ok()) return total.error();
  std::string mode_note;
  if (mode == SentryMode::kAuto) {
    ModeChoice choice =
        ChooseMode(release, *total, std::chrono::duration<double>(clock_.Now() - counting).count());
    mode_note = std::move(choice.note);
    if (choice.mode == SentryMode::kHistogram) {
      Result<SampleSet> zoomed = FetchHistograms(release, bounds);
      if (zoomed.ok()) zoomed->notes.insert(zoomed->notes.begin(), mode_note);
      return zoomed;
    }
  }
  const std::string source = "sentry:" + release;
  Result<WindowPlan> planned = PlanWindows(release, bounds, *total);
  if (!planned.ok()) return planned.error();
  const std::vector<TimeWindow>& windows = planned->windows;
  const std::size_t expected = planned->expected;

  // One thread per window (at most `concurrency`), all pacing through the shared limiter.
  std::mutex progress_mutex;
  int pages = 0;
  std::size_t events = 0;
  auto on_page = [&](std::size_t added) {
    std::lock_guard lock(progress_mutex);
    ++pages;
    events += added;
    if (progress) progress(pages, events, expected);
  };
  std::vector<Result<WindowEvents>> results(windows.size(),
                                            MakeError(ErrorKind::kInternal, "not fetched"));
  auto fetch = [&](std::size_t i) {
    results[i] = FetchCountedWindow(release, windows[i], on_page);
  };
  // At most `concurrency` windows at once: a stratified sample has more windows than
  // Sentry lets one caller fetch at once.
  ParallelFor(windows.size(), fetch, AtOnce(windows.size()), /*chunk=*/1, /*serial_below=*/2);
  bool capped = planned->capped;

  // Merged in window order, so the result does not depend on which thread finished first.
  SampleSetBuilder samples;
  std::vector<std::string> failures;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].ok()) {
      capped = capped || results[i]->truncated;
      samples.Append(std::move(results[i]->samples));
      continue;
    }
    // Without allow_partial a failed window fails the release; with it, only when no
    // window could be fetched (then there is nothing to judge, and the cause is the news).
    if (!options_.allow_partial || failures.size() + 1 == results.size()) return results[i].error();
    failures.push_back(windows[i].start + " to " + windows[i].end + ": " +
                       results[i].error().message);
  }
  std::vector<std::string> interaction_notes;
  Status interactions = AddInteractions(release, bounds, false, samples, interaction_notes);
  if (!interactions.ok()) return interactions.error();
  SampleSet set = std::move(samples).Build(source);
  if (!mode_note.empty()) set.notes.push_back(mode_note);  // the spans dataset's cap
  set.notes.insert(set.notes.end(), interaction_notes.begin(), interaction_notes.end());
  // A server whose window end is inclusive answers a boundary's events in both windows.
  if (const std::size_t repeated = DropRepeatedEvents(set); repeated > 0) {
    set.notes.push_back(source + ": " + std::to_string(repeated) +
                        (repeated == 1 ? " event came" : " events came") +
                        " in two time windows (by event id) and counted once");
  }
  if (!failures.empty()) {
    set.partial = true;
    set.notes.push_back(source + ": PARTIAL DATA: " + std::to_string(failures.size()) + " of " +
                        std::to_string(windows.size()) +
                        " time windows could not be fetched (allow_partial); the "
                        "first: " +
                        failures.front());
  }
  if (planned->capped && planned->strata > 1) {
    set.notes.push_back(source + ": a sample of " + std::to_string(set.TotalEvents()) + " of " +
                        std::to_string(planned->total) + " events (max_samples " +
                        std::to_string(options_.selection.max_samples) + "), spread over " +
                        "the release's whole time range: " + std::to_string(planned->strata) +
                        " windows, each one's share in proportion to its events");
  } else if (capped) {
    set.notes.push_back(source + ": stopped at max_samples " +
                        std::to_string(options_.selection.max_samples) + " (" +
                        std::to_string(set.TotalEvents()) + " events, the newest of the release)");
  }
  if (set.TotalEvents() == 0) {
    return MakeError(ErrorKind::kUnavailable,
                     source + ": no transactions from " + bounds.start + " to " + bounds.end +
                         " (check the release name, the environment and the projects)");
  }
  return set;
}

Result<SampleSet> SentryClient::FetchAggregates(const std::string& release, const Bounds& bounds) {
  const std::string fixed = AggregatesQuery(options_.selection, release, bounds.start, bounds.end);
  const std::string source = "sentry:" + release;
  const std::vector<std::string> measurements = MeasurementFields(options_.selection);
  SampleSetBuilder samples;
  std::vector<AggregateRow> rows;
  std::set<std::string> seen;
  std::string repeated;  // a transaction in two rows: which one
  Status paged = Paginate(
      fixed,
      [&](const HttpResponse& answer) -> Status {
        Result<std::vector<AggregateRow>> parsed = ParseAggregatePage(answer.body, measurements);
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
          if (row.aggregates.count == 0) continue;
          samples.AddAggregated(row.transaction, std::move(row.aggregates));
          for (auto& [value, aggregates] : row.values)
            samples.AddValueAggregates(row.transaction, value, std::move(aggregates));
        }
        return true;
      });
  if (!paged.ok()) return paged.error();
  std::vector<std::string> interaction_notes;
  Status interactions = AddInteractions(release, bounds, true, samples, interaction_notes);
  if (!interactions.ok()) return interactions.error();
  if (!repeated.empty()) {
    // One row per transaction is what was asked for; two cannot both be its events.
    return MakeError(ErrorKind::kUnavailable,
                     "GET " + options_.selection.url +
                         OrganizationPath(options_.selection, "events") + ": transaction \"" +
                         repeated + "\" is in two aggregate rows; an answer Sentry cannot give");
  }
  SampleSet set = std::move(samples).Build(source);
  if (set.TotalEvents() == 0) {
    return MakeError(ErrorKind::kUnavailable,
                     source + ": no transactions from " + bounds.start + " to " + bounds.end +
                         " (check the release name, the environment and the projects)");
  }
  set.notes.insert(set.notes.end(), interaction_notes.begin(), interaction_notes.end());
  set.notes.push_back(
      source +
      ": aggregate mode: percentiles are Sentry's own (ClickHouse quantile(), exact up to "
      "8192 events per transaction and estimated above), with no intervals or tests");
  return set;
}

Status SentryClient::AddInteractions(const std::string& release, const Bounds& bounds,
                                     bool aggregated, SampleSetBuilder& samples,
                                     std::vector<std::string>& notes) {
  const std::vector<std::string>& fields = options_.selection.fields;
  if (std::find(fields.begin(), fields.end(), kInpMeasurement) == fields.end()) return {};
  const std::string query =
      InteractionsQuery(options_.selection, release, bounds.start, bounds.end, aggregated);
  const std::string inp(kInpMeasurement);
  std::size_t spans = 0;
  bool capped = false;
  std::vector<AggregateRow> rows;
  std::vector<std::pair<std::string, double>> values;
  Status paged = Paginate(
      query,
      [&](const HttpResponse& answer) -> Status {
        if (aggregated) {
          Result<std::vector<AggregateRow>> parsed =
              ParseAggregatePage(answer.body, {inp}, /*durations=*/false);
          if (!parsed.ok()) return parsed.error();
          rows = std::move(parsed).value();
          return {};
        }
        Result<std::vector<std::pair<std::string, double>>> parsed =
            ParseValuePage(answer.body, inp);
        if (!parsed.ok()) return parsed.error();
        values = std::move(parsed).value();
        return {};
      },
      [&](bool more) {
        for (AggregateRow& row : rows) {
          auto& found = row.values.at(inp);
          spans += found.count;
          if (found.count > 0) samples.AddValueAggregates(row.transaction, inp, std::move(found));
        }
        rows.clear();
        for (const auto& [transaction, value] : values) {
          samples.AddSampleValue(transaction, inp, value);
          ++spans;
        }
        values.clear();
        capped = more && !aggregated && spans >= options_.selection.max_samples;
        return !capped;
      });
  if (!paged.ok()) return paged.error();
  if (spans == 0) return {};
  notes.push_back("sentry:" + release + ": INP from " + std::to_string(spans) +
                  " interaction spans (" + std::string(kInteractionSpans) + ")" +
                  (capped ? ", the newest, stopped at max_samples" : ""));
  return {};
}

Result<SampleSet> SentryClient::FetchHistograms(const std::string& release, const Bounds& bounds) {
  Result<SampleSet> aggregates = FetchAggregates(release, bounds);
  if (!aggregates.ok()) return aggregates.error();
  const std::vector<GroupSamples>& groups = aggregates->groups;
  std::vector<double> quantiles = options_.selection.quantiles;
  if (quantiles.empty()) quantiles = {0.5, 0.95};
  std::sort(quantiles.begin(), quantiles.end());
  const std::string path = OrganizationPath(options_.selection, "events-histogram");
  // The events-histogram answer to `query`.
  auto histogram_of = [&](const std::string& query) -> Result<DurationHistogram> {
    DurationHistogram histogram;
    Result<HttpResponse> response =
        GetParsed(path, query, [&](const HttpResponse& answer) -> Status {
          Result<DurationHistogram> parsed = ParseHistogram(answer.body);
          if (!parsed.ok()) return parsed.error();
          histogram = std::move(parsed).value();
          return {};
        });
    if (!response.ok()) return response.error();
    return histogram;
  };
  struct Zoomed {
    std::vector<DurationBin> bins;
    std::string note;
    int requests = 0;
  };
  // Per transaction: ZoomTransaction's procedure, each histogram and count a request.
  auto zoom = [&](const GroupSamples& group) -> Result<Zoomed> {
    Zoomed out;
    const std::string& name = group.name;
    ZoomAsk ask;
    ask.histogram = [&](const HistogramGrid* grid) -> Result<DurationHistogram> {
      ++out.requests;
      return histogram_of(grid == nullptr ? HistogramQuery(options_.selection, release, name,
                                                           bounds.start, bounds.end)
                                          : ZoomHistogramQuery(options_.selection, release, name,
                                                               bounds.start, bounds.end, *grid));
    };
    ask.counts = [&](const std::vector<HistogramGrid>& grids) -> Result<std::vector<std::size_t>> {
      ++out.requests;
      std::vector<std::string> fields = {"count()"};
      const std::vector<std::string> edges = CountIfFields(grids);
      fields.insert(fields.end(), edges.begin(), edges.end());
      std::vector<std::size_t> counts;
      Result<HttpResponse> counted = GetParsed(
          OrganizationPath(options_.selection, "events"),
          ZoomCountQuery(options_.selection, release, name, bounds.start, bounds.end, grids),
          [&](const HttpResponse& answer) -> Status {
            Result<std::vector<std::size_t>> parsed = ParseCountRow(answer.body, fields);
            if (!parsed.ok()) return parsed.error();
            counts = std::move(parsed).value();
            return {};
          });
      if (!counted.ok()) return counted.error();
      return counts;
    };
    Result<AssembledBins> assembled =
        ZoomTransaction(ask, group.aggregates.value_or(Aggregates{}), quantiles,
                        options_.selection.histogram_buckets);
    if (!assembled.ok()) return assembled.error();
    out.bins = std::move(assembled->bins);
    out.note = std::move(assembled->note);
    return out;
  };
  std::vector<Result<Zoomed>> zoomed(groups.size(), MakeError(ErrorKind::kInternal, "not fetched"));
  // At most `concurrency` transactions at once, each its requests in turn.
  ParallelFor(
      groups.size(), [&](std::size_t g) { zoomed[g] = zoom(groups[g]); }, AtOnce(groups.size()),
      /*chunk=*/1, /*serial_below=*/2);

  SampleSetBuilder samples;
  double finest = 0, coarsest = 0;
  int requests = 0;
  std::vector<std::string> notes;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (!zoomed[g].ok()) return zoomed[g].error();
    requests += zoomed[g]->requests;
    for (double q : quantiles) {
      const double resolution = RelativeResolution(zoomed[g]->bins, q);
      if (resolution == 0) continue;
      finest = finest == 0 ? resolution : std::min(finest, resolution);
      coarsest = std::max(coarsest, resolution);
    }
    if (!zoomed[g]->note.empty()) notes.push_back(groups[g].name + ": " + zoomed[g]->note);
    samples.AddBinned(groups[g].name, std::move(zoomed[g]->bins),
                      groups[g].aggregates ? groups[g].aggregates->failures : 0);
    // The measurements' percentiles stay Sentry's: the histograms are of the durations.
    for (const auto& [value, value_aggregates] : groups[g].value_aggregates)
      samples.AddValueAggregates(groups[g].name, value, value_aggregates);
  }
  SampleSet set = std::move(samples).Build("sentry:" + release);
  if (set.TotalEvents() == 0) {
    return MakeError(ErrorKind::kUnavailable,
                     "sentry:" + release + ": the histograms hold no events");
  }
  std::string levels;
  for (std::size_t i = 0; i < quantiles.size(); ++i) {
    levels += (i == 0                      ? ""
               : i + 1 == quantiles.size() ? " and "
                                           : ", ") +
              std::string("p") + FormatNumber(quantiles[i] * 100);
  }
  set.notes.push_back(
      "sentry:" + release +
      ": histogram mode: every event's rank exact (count_if), its duration "
      "known to its bin: zoomed in on " +
      levels + " of each transaction, where the bins are " + FormatPercent(finest) +
      (coarsest > finest ? " to " + FormatPercent(coarsest) : std::string()) + " of the value (" +
      std::to_string(requests) +
      " requests); elsewhere Sentry's coarse bins. Intervals are widened to the bins");
  for (const std::string& note : notes) set.notes.push_back("sentry:" + release + ": " + note);
  return set;
}

}  // namespace perfgate::fetch
