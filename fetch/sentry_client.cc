#include "fetch/sentry_client.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "fetch/link_header.h"
#include "fetch/sample_reader.h"
#include "fetch/sentry_page_reader.h"

namespace perfgate::fetch {
namespace {

constexpr int kMaxRedirects = 5;
constexpr int kPerPage = 100;  // the events endpoint's maximum; more is a 400, not a clamp

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "https://host:port" of a URL (scheme, host and port), or "" when it has no scheme.
std::string Origin(std::string_view url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::size_t path = url.find('/', scheme + 3);
  return std::string(url.substr(0, path));
}

std::string Host(std::string_view url) {
  std::string origin = Origin(url);
  std::string_view rest = std::string_view(origin).substr(origin.find("://") + 3);
  if (rest.starts_with('[')) return std::string(rest.substr(0, rest.find(']') + 1));
  return std::string(rest.substr(0, rest.find(':')));
}

bool IsLoopback(std::string_view host) {
  return host == "localhost" || host == "[::1]" || host.starts_with("127.");
}

// The "detail" of a Sentry error body ({"detail": "..."} or, from older servers, a bare
// JSON string), or "".
std::string Detail(const std::string& body) {
  try {
    boost::json::value value = boost::json::parse(body);
    if (value.is_string()) return std::string(value.as_string());
    if (value.is_object() && value.as_object().contains("detail") && value.at("detail").is_string()) {
      return std::string(value.at("detail").as_string());
    }
  } catch (const std::exception&) {
  }
  return "";
}

std::string StatusText(int status) {
  switch (status) {
    case 400: return "400 Bad Request";
    case 401: return "401 Unauthorized";
    case 403: return "403 Forbidden";
    case 404: return "404 Not Found";
    case 429: return "429 Too Many Requests";
    case 500: return "500 Internal Server Error";
    case 502: return "502 Bad Gateway";
    case 503: return "503 Service Unavailable";
    case 504: return "504 Gateway Timeout";
    default: return std::to_string(status);
  }
}

// "2025-04-13T20:28:23Z" plus one second, for an inclusive end; other shapes unchanged.
std::string OneSecondLater(const std::string& timestamp) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (std::sscanf(timestamp.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &year, &month, &day, &hour, &minute, &second) != 6) {
    return timestamp;
  }
  using namespace std::chrono;
  auto date = year_month_day{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                             std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return timestamp;
  auto time = sys_days(date) + hours(hour) + minutes(minute) + seconds(second + 1);
  auto day_start = floor<days>(time);
  year_month_day ymd(day_start);
  hh_mm_ss clock(time - day_start);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02lldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(clock.hours().count()), static_cast<long>(clock.minutes().count()),
                static_cast<long long>(clock.seconds().count()));
  return buffer;
}

}  // namespace

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 15];
    }
  }
  return encoded;
}

SentryClient::SentryClient(HttpTransport& transport, Clock& clock, SentryOptions options, std::string token)
    : transport_(transport), clock_(clock), options_(std::move(options)), token_(std::move(token)) {
  while (options_.url.ends_with('/')) options_.url.pop_back();
}

Status SentryClient::Validate() const {
  const std::string& url = options_.url;
  if (url.starts_with("http://")) {
    if (!IsLoopback(Host(url))) {
      return MakeError(ErrorKind::kConfig,
                       "source.sentry.url " + url + ": plain http would send the token in clear; use https:// "
                       "(http is allowed only for loopback addresses)");
    }
  } else if (!url.starts_with("https://") || Host(url).empty()) {
    return MakeError(ErrorKind::kConfig, "source.sentry.url '" + url + "' is not an https:// URL");
  }
  if (options_.organization.empty()) {
    return MakeError(ErrorKind::kConfig, "source.sentry.organization is not set (the organization slug or id)");
  }
  if (options_.dataset != "transactions" && options_.dataset != "spans") {
    return MakeError(ErrorKind::kConfig, "source.sentry.dataset must be transactions or spans, not '" +
                                             options_.dataset + "'");
  }
  const auto ids = std::count_if(options_.projects.begin(), options_.projects.end(), AllDigits);
  if (ids != 0 && ids != static_cast<long>(options_.projects.size())) {
    return MakeError(ErrorKind::kConfig,
                     "source.sentry.project mixes numeric ids and slugs; Sentry accepts one kind per query");
  }
  if (options_.start.empty() != options_.end.empty()) {
    return MakeError(ErrorKind::kUsage, "give both the start and the end of the time range, or neither");
  }
  return {};
}

std::string SentryClient::ProjectParameters() const {
  std::string parameters;
  for (const std::string& project : options_.projects) {
    parameters += (AllDigits(project) ? "&project=" : "&projectSlug=") + UrlEncode(project);
  }
  if (!options_.environment.empty()) parameters += "&environment=" + UrlEncode(options_.environment);
  return parameters;
}

Result<HttpResponse> SentryClient::Get(const std::string& path, const std::string& query_string) {
  const std::string origin = Origin(options_.url);
  const std::string shown = options_.url + path;  // messages name the URL without its query
  std::string url = options_.url + path + (query_string.empty() ? "" : "?" + query_string);
  int redirects = 0;
  Result<HttpResponse> outcome = MakeError(ErrorKind::kInternal, "no request made");
  for (int attempt = 1;; ++attempt) {
    HttpRequest request;
    request.url = url;
    request.timeout = options_.timeout;
    request.headers = {{"Authorization", "Bearer " + token_}, {"Accept", "application/json"}};
    outcome = transport_.Send(request);
    if (outcome.ok() && outcome->status >= 300 && outcome->status < 400) {
      std::string location(outcome->Header("Location"));
      if (location.starts_with("/")) location = origin + location;
      if (Origin(location) != origin) {
        return MakeError(ErrorKind::kUnavailable,
                         "GET " + shown + ": redirected to " + Origin(location) +
                             "; perfgate does not send the token to another host: set source.sentry.url "
                             "to the host you mean (for sentry.io, perhaps a region such as https://us.sentry.io)");
      }
      if (++redirects > kMaxRedirects) {
        return MakeError(ErrorKind::kUnavailable, "GET " + shown + ": too many redirects");
      }
      url = location;
      --attempt;  // a same-host redirect is not a failed attempt
      continue;
    }
    jitter_state_ ^= jitter_state_ << 13;  // xorshift64: jitter needs no quality, only spread
    jitter_state_ ^= jitter_state_ >> 7;
    jitter_state_ ^= jitter_state_ << 17;
    const double jitter = static_cast<double>(jitter_state_ >> 11) * 0x1.0p-53;
    auto delay = RetryDelay(options_.retry, attempt, outcome, clock_.Now(), jitter);
    if (!delay) break;
    clock_.Sleep(*delay);
  }
  if (!outcome.ok()) {
    return MakeError(ErrorKind::kUnavailable, outcome.error().message + " (gave up after " +
                                                  std::to_string(options_.retry.max_attempts) + " attempts)");
  }
  const int status = outcome->status;
  if (status >= 200 && status < 300) return outcome;
  std::string detail = Detail(outcome->body);
  std::string message = "GET " + shown + ": " + StatusText(status) + (detail.empty() ? "" : ": " + detail);
  switch (status) {
    case 400:
      if (IsQueryTimeout(*outcome)) {
        return MakeError(ErrorKind::kUnavailable, message + " (still timing out after " +
                                                      std::to_string(options_.retry.max_attempts) +
                                                      " attempts; try a shorter time range)");
      }
      return MakeError(ErrorKind::kConfig, message + ": check source.sentry.query and project");
    case 401:
      return MakeError(ErrorKind::kUnavailable, message + ": check the token is valid and has the org:read scope");
    case 403:
      return MakeError(ErrorKind::kUnavailable,
                       message + ": the token needs org:read on organization '" + options_.organization +
                           "' (organization tokens, sntrys_..., have only org:ci and cannot read events)");
    case 404:
      return MakeError(ErrorKind::kUnavailable,
                       message + ": check the organization slug '" + options_.organization +
                           "' and that it has Performance (Discover) enabled");
    case 429:
      return MakeError(ErrorKind::kUnavailable, message + ": still rate limited after " +
                                                    std::to_string(options_.retry.max_attempts) + " attempts");
    default:
      return MakeError(ErrorKind::kUnavailable, message + (status >= 500 ? " (after " + std::to_string(options_.retry.max_attempts) + " attempts)" : ""));
  }
}

Result<std::string> SentryClient::LatestRelease() {
  Result<HttpResponse> response = Get("/api/0/organizations/" + UrlEncode(options_.organization) + "/releases/",
                                      "per_page=1&sort=date" + ProjectParameters());
  if (!response.ok()) return response.error();
  try {
    boost::json::value releases = boost::json::parse(response->body);
    if (releases.is_array() && !releases.as_array().empty() && releases.at(0).at("version").is_string()) {
      return std::string(releases.at(0).at("version").as_string());
    }
  } catch (const std::exception&) {
  }
  return MakeError(ErrorKind::kUnavailable, "sentry:latest: organization '" + options_.organization +
                                                "' has no releases (for these projects)");
}

Result<SentryClient::Bounds> SentryClient::ReleaseBounds(const std::string& release) {
  Result<HttpResponse> response = Get("/api/0/organizations/" + UrlEncode(options_.organization) +
                                          "/releases/" + UrlEncode(release) + "/",
                                      "");
  if (!response.ok()) {
    if (response.error().message.find(": 404 Not Found") != std::string::npos) {
      return MakeError(ErrorKind::kUnavailable, "sentry:" + release + ": no such release in organization '" +
                                                    options_.organization + "'");
    }
    return response.error();
  }
  try {
    boost::json::value details = boost::json::parse(response->body);
    const auto& object = details.as_object();
    if (object.contains("firstEvent") && object.at("firstEvent").is_string() &&
        object.contains("lastEvent") && object.at("lastEvent").is_string()) {
      return Bounds{std::string(object.at("firstEvent").as_string()),
                    OneSecondLater(std::string(object.at("lastEvent").as_string()))};
    }
  } catch (const std::exception&) {
  }
  return MakeError(ErrorKind::kUnavailable, "sentry:" + release +
                                                ": the release has no first and last event times; give the "
                                                "time range with --since and --until");
}

Result<SampleSet> SentryClient::FetchRelease(const std::string& requested, const ProgressCallback& progress) {
  Status valid = Validate();
  if (!valid.ok()) return valid.error();
  std::string release = requested;
  if (release == "latest") {
    Result<std::string> latest = LatestRelease();
    if (!latest.ok()) return latest.error();
    release = *latest;
  }
  Bounds bounds{options_.start, options_.end};
  if (bounds.start.empty()) {
    Result<Bounds> found = ReleaseBounds(release);
    if (!found.ok()) return found.error();
    bounds = *found;
  }

  const bool spans = options_.dataset == "spans";
  std::string search = std::string(spans ? "is_transaction:true" : "event.type:transaction") +
                       " release:\"" + release + "\"";
  if (!options_.query.empty()) search += " " + options_.query;
  std::string fixed;
  for (const char* field : {"id", "transaction", spans ? "span.duration" : "transaction.duration",
                            spans ? "span.status" : "transaction.status", "timestamp"}) {
    fixed += std::string(fixed.empty() ? "" : "&") + "field=" + UrlEncode(field);
  }
  fixed += "&dataset=" + options_.dataset + "&per_page=" + std::to_string(kPerPage) +
           "&sort=-timestamp&query=" + UrlEncode(search) + "&start=" + UrlEncode(bounds.start) +
           "&end=" + UrlEncode(bounds.end) + ProjectParameters();

  const std::string source = "sentry:" + release;
  const std::string path = "/api/0/organizations/" + UrlEncode(options_.organization) + "/events/";
  SampleSetBuilder samples;
  BadRowLog bad_rows(BadRowPolicy::kFail, source);
  std::set<std::string> seen_cursors;
  std::string cursor;
  bool capped = false;
  int pages = 0;
  while (true) {
    ++pages;
    Result<HttpResponse> page = MakeError(ErrorKind::kInternal, "no page");
    // A body that is not a whole page (a proxy cut it short) is fetched again, as a
    // transport failure would be; the builder only takes pages that parsed completely.
    for (int attempt = 1;; ++attempt) {
      page = Get(path, fixed + (cursor.empty() ? "" : "&cursor=" + UrlEncode(cursor)));
      if (!page.ok()) return page.error();
      SampleSetBuilder page_samples;
      Status read = ReadSentryPageInto(page->body, source + " page " + std::to_string(pages), page_samples, bad_rows);
      if (read.ok()) {
        samples.Append(std::move(page_samples));
        break;
      }
      if (attempt >= options_.retry.max_attempts) {
        return MakeError(ErrorKind::kUnavailable, "GET " + options_.url + path + ": " + read.error().message +
                                                      " (after " + std::to_string(attempt) + " attempts)");
      }
      clock_.Sleep(BackoffDelay(options_.retry, attempt - 1, 0.5));
    }
    if (progress) progress(pages, samples.size());
    if (samples.size() >= options_.max_samples) {
      capped = NextCursor(page->Header("Link")).has_value();
      break;
    }
    std::optional<std::string> next = NextCursor(page->Header("Link"));
    if (!next) break;
    if (!seen_cursors.insert(*next).second) {
      return MakeError(ErrorKind::kUnavailable, "GET " + options_.url + path + ": the cursor " + *next +
                                                    " came back twice; the pagination does not advance");
    }
    if (pages >= options_.max_pages) {
      return MakeError(ErrorKind::kUnavailable, "GET " + options_.url + path + ": still more pages after " +
                                                    std::to_string(pages) + " (max_pages); narrow the time range");
    }
    cursor = *next;
  }
  SampleSet set = std::move(samples).Build(source);
  if (capped) {
    set.notes.push_back(source + ": stopped at max_samples " + std::to_string(options_.max_samples) + " (" +
                        std::to_string(set.TotalEvents()) + " events, the newest of the release)");
  }
  if (set.TotalEvents() == 0) {
    return MakeError(ErrorKind::kUnavailable, source + ": no transactions from " + bounds.start + " to " + bounds.end +
                                                  " (check the release name, the environment and the projects)");
  }
  return set;
}

}  // namespace perfgate::fetch
