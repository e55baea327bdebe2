#include "fetch/http/http_client.h"

#include <algorithm>

#include "fetch/http/redact.h"
#include "fetch/http/url.h"

namespace perfgate::fetch {
namespace {

constexpr int kMaxRedirects = 5;

}  // namespace

HttpClient::HttpClient(HttpTransport& transport, Clock& clock, HttpClientOptions options,
                       RateLimiter* limiter)
    : transport_(transport), clock_(clock), options_(std::move(options)), limiter_(limiter) {}

std::string HttpClient::Redacted(std::string text) const {
  for (const std::string& secret : options_.secrets) text = Redact(std::move(text), {secret});
  return text;
}

Error HttpClient::Failure(const HttpRequest& request, const std::string& shown,
                          const std::string& cause) const {
  return MakeError(ErrorKind::kUnavailable, Redacted(request.method + " " + shown + ": " + cause));
}

bool HttpClient::Wait(std::chrono::milliseconds wait) {
  if (options_.deadline && clock_.Now() + wait > *options_.deadline) return false;
  clock_.Sleep(wait);
  return true;
}

double HttpClient::NextJitter() {
  // splitmix64 of a shared counter: jitter needs no quality, only spread between threads.
  std::uint64_t z = (jitter_counter_++ + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

Result<HttpOutcome> HttpClient::Send(HttpRequest request, const std::string& shown) {
  const std::string origin = Origin(request.url);
  const std::string past_deadline =
      "gave up: waiting longer would pass the run's deadline" +
      (options_.deadline_setting.empty() ? "" : " (" + options_.deadline_setting + ")");
  int redirects = 0;
  for (int attempt = 1;; ++attempt) {
    request.timeout = options_.timeout;
    if (options_.deadline) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(*options_.deadline - clock_.Now());
      if (left.count() <= 0) return Failure(request, shown, past_deadline);
      request.timeout = std::min(request.timeout, left);
    }
    if (limiter_ != nullptr && !limiter_->Acquire(options_.deadline))
      return Failure(request, shown, past_deadline);
    Result<HttpResponse> outcome = transport_.Send(request);
    if (outcome.ok() && limiter_ != nullptr) limiter_->Observe(*outcome);
    if (options_.log) {
      std::lock_guard lock(log_mutex_);  // concurrent callers log through one callback
      std::string credentials;
      for (const auto& [name, value] : request.headers) {
        if (name == "Authorization")
          credentials = " (Authorization: " + value.substr(0, value.find(' ')) + " [redacted])";
      }
      options_.log(
          Redacted(request.method + " " + request.url + credentials + " -> " +
                   (outcome.ok() ? std::to_string(outcome->status) : outcome.error().message) +
                   " (attempt " + std::to_string(attempt) + ")"));
    }
    if (outcome.ok() && options_.follow_redirects && outcome->status >= 300 &&
        outcome->status < 400) {
      std::string location(outcome->Header("Location"));
      if (location.starts_with("/")) location.insert(0, origin);
      if (Origin(location) != origin) {
        return Failure(request, shown,
                       "redirected to " + Origin(location) +
                           "; perfgate does not send the token to another host" +
                           options_.cross_origin_advice);
      }
      if (++redirects > kMaxRedirects) return Failure(request, shown, "too many redirects");
      request.url = location;
      --attempt;  // a same-origin redirect is not a failed attempt
      continue;
    }
    auto delay = RetryDelay(options_.retry, attempt, outcome, clock_.Now(), NextJitter());
    if (!delay) {
      if (!outcome.ok()) {
        return Failure(request, shown,
                       outcome.error().permanent
                           ? outcome.error().message  // not retried: asking again cannot help
                           : outcome.error().message + " (gave up after " +
                                 std::to_string(attempt) + " attempts)");
      }
      return HttpOutcome{std::move(outcome).value(), attempt};
    }
    if (!Wait(*delay)) return Failure(request, shown, past_deadline);
  }
}

}  // namespace perfgate::fetch
