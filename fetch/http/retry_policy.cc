#include "fetch/http/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace perfgate::fetch {
namespace {

bool Retryable(const Result<HttpResponse>& outcome) {
  // Refused, reset, timed out: the server may recover; an answer too large will not shrink.
  if (!outcome.ok()) return !outcome.error().permanent;
  const int status = outcome->status;
  return status == 429 || status >= 500 || IsQueryTimeout(*outcome);
}

}  // namespace

std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry, double jitter) {
  const double doubled =
      static_cast<double>(policy.base.count()) * std::pow(2.0, std::min(retry, 20));
  const double capped = std::min(doubled, static_cast<double>(policy.max_delay.count()));
  return std::chrono::milliseconds(static_cast<long long>(capped * (0.5 + 0.5 * jitter)));
}

bool IsQueryTimeout(const HttpResponse& response) {
  // {"detail": "Query timeout. Please try again. ..."} (sentry: TIMEOUT_ERROR_MESSAGE).
  return response.status == 400 && response.body.find("\"Query timeout") != std::string::npos;
}

std::optional<std::chrono::milliseconds> RetryDelay(const RetryPolicy& policy, int attempt,
                                                    const Result<HttpResponse>& outcome,
                                                    std::chrono::system_clock::time_point now,
                                                    double jitter) {
  if (outcome.ok() && outcome->status < 300) return std::nullopt;
  if (!Retryable(outcome) || attempt >= policy.max_attempts) return std::nullopt;
  if (outcome.ok() && outcome->status == 429) {
    // sentry.io sends no Retry-After on 429 (its middleware does not set it); proxies may.
    // Header values are finite (NumberHeader) but may be anything: the waits are worked
    // out in doubles and capped before they become integers.
    const auto max_wait_ms = static_cast<double>(policy.max_wait.count());
    if (auto seconds = outcome->NumberHeader("Retry-After")) {
      return std::chrono::milliseconds(
          static_cast<long long>(std::clamp(*seconds * 1000, 0.0, max_wait_ms)));
    }
    if (auto reset = outcome->NumberHeader("X-Sentry-Rate-Limit-Reset")) {
      const double now_ms =
          std::chrono::duration<double, std::milli>(now.time_since_epoch()).count();
      const double wait_ms = *reset * 1000 - now_ms;
      // A reset in the past or far away (clock skew, the year 2279) falls back to backoff.
      if (wait_ms >= 0 &&
          wait_ms <= std::min(max_wait_ms, static_cast<double>(policy.max_delay.count()))) {
        return std::chrono::milliseconds(static_cast<long long>(wait_ms + 50 * jitter));
      }
    }
  }
  return BackoffDelay(policy, attempt - 1, jitter);
}

}  // namespace perfgate::fetch
