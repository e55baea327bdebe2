// When to try a request again, as a pure function of the attempt, what came back, the time
// and a jitter value, so that schedules are tested without sleeping.
#ifndef PERFGATE_FETCH_HTTP_RETRY_POLICY_H_
#define PERFGATE_FETCH_HTTP_RETRY_POLICY_H_

#include <chrono>
#include <optional>
#include <string>

#include "core/result.h"
#include "fetch/http/http_transport.h"

namespace perfgate::fetch {

struct RetryPolicy {
  int max_attempts = 6;                 // including the first
  std::chrono::milliseconds base{500};  // the first backoff
  std::chrono::milliseconds max_delay{30000};
  // The longest single wait a server may ask for (Retry-After, a rate-limit reset): a
  // proxy's "Retry-After: 86400" must not stall a CI job for a day.
  std::chrono::milliseconds max_wait{60000};
};

// Exponential backoff with jitter: base * 2^retry, capped, scaled into [1/2, 1] by
// `jitter` in [0, 1). `retry` counts from 0 for the first retry.
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry, double jitter);

// True for Sentry's overload answer: HTTP 400 whose detail starts "Query timeout".
bool IsQueryTimeout(const HttpResponse& response);

// The wait before trying again after `attempt` (1-based) ended in `outcome`, or nullopt
// when it must not be retried: it succeeded, failed for good (4xx other than 429 and the
// query timeout), or the attempts are used up. A 429 waits for Retry-After (seconds) when
// present, else until X-Sentry-Rate-Limit-Reset (epoch seconds), else backs off; 5xx,
// the query timeout and transport failures back off. No wait exceeds policy.max_wait, and
// absurd header values (negative, huge, a reset centuries away) cannot overflow.
std::optional<std::chrono::milliseconds> RetryDelay(const RetryPolicy& policy, int attempt,
                                                    const Result<HttpResponse>& outcome,
                                                    std::chrono::system_clock::time_point now,
                                                    double jitter);

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_HTTP_RETRY_POLICY_H_
