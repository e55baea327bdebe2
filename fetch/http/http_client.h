// The one HTTP policy every caller shares (the Sentry client and the webhook sender):
// retries on the pure RetryDelay schedule, a rate limiter's pacing, a deadline past which
// it gives up rather than wait, and redirects followed only within the request's origin
// (a token must not travel to another host). Talks through an HttpTransport and a Clock,
// so every path is tested with fakes. It never decides what a status means to its caller.
#ifndef PERFGATE_FETCH_HTTP_HTTP_CLIENT_H_
#define PERFGATE_FETCH_HTTP_HTTP_CLIENT_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "fetch/http/http_transport.h"
#include "fetch/http/rate_limiter.h"
#include "fetch/http/retry_policy.h"

namespace perfgate::fetch {

struct HttpClientOptions {
  RetryPolicy retry;
  std::chrono::milliseconds timeout{30000};  // per attempt, shortened to what the deadline leaves
  // When set, Send() gives up (kUnavailable) rather than wait or send past this time.
  std::optional<std::chrono::system_clock::time_point> deadline;
  std::string deadline_setting;     // names the setting in that error ("source.sentry.deadline")
  bool follow_redirects = false;    // within the request's origin only; others are errors
  std::string cross_origin_advice;  // appended to the error of a redirect to another origin
  // Secrets to keep out of every message and log line (a token, a webhook URL's path).
  std::vector<std::string> secrets;
  // When set, one line per attempt ("GET <url> -> 200 (attempt 1)"), secrets redacted.
  // Called from several threads, one at a time.
  std::function<void(const std::string&)> log;
};

// The outcome of Send(): the final response (any status: what a 4xx means is the caller's
// business) and how many attempts it took. Errors are kUnavailable: the exchange failed
// every attempt, the deadline came, or a redirect left the origin; their message reads
// "<METHOD> <shown>: <cause>" and holds no secret.
struct HttpOutcome {
  HttpResponse response;
  int attempts = 0;
};

class HttpClient {
 public:
  // REQUIRES: `transport` and `clock` (and `limiter`, when given) outlive the client.
  HttpClient(HttpTransport& transport, Clock& clock, HttpClientOptions options,
             RateLimiter* limiter = nullptr);

  // Sends `request` until it is answered with a status that is not retried (RetryDelay),
  // following same-origin redirects when asked. `shown` is how messages name the request's
  // URL (e.g. without its query, or only its origin). Thread-safe.
  Result<HttpOutcome> Send(HttpRequest request, const std::string& shown);

  const HttpClientOptions& options() const { return options_; }

  // Sleeps `wait` unless that would pass the deadline; returns false, without sleeping,
  // when it would. For callers that retry above Send() (a body that does not parse).
  bool Wait(std::chrono::milliseconds wait);

 private:
  Error Failure(const HttpRequest& request, const std::string& shown,
                const std::string& cause) const;
  std::string Redacted(std::string text) const;
  double NextJitter();

  HttpTransport& transport_;
  Clock& clock_;
  HttpClientOptions options_;
  RateLimiter* limiter_;
  std::mutex log_mutex_;
  std::atomic<std::uint64_t> jitter_counter_{0};  // spreads backoff jitter across threads
};

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_HTTP_HTTP_CLIENT_H_
