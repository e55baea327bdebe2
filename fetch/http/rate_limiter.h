// Paces requests to Sentry's rate limit: a fixed window of N requests per second (sentry.io
// allows the events endpoint 30 per second and 15 at once; self-hosted has no limit). The
// limit is learned from the X-Sentry-Rate-Limit-* headers of the responses; before any is
// seen, and when a server sends none, requests are not held back. Thread-safe; time comes
// through a Clock, so tests run without sleeping.
#ifndef PERFGATE_FETCH_HTTP_RATE_LIMITER_H_
#define PERFGATE_FETCH_HTTP_RATE_LIMITER_H_

#include <chrono>
#include <mutex>
#include <optional>

#include "core/clock.h"
#include "fetch/http/http_transport.h"

namespace perfgate::fetch {

class RateLimiter {
 public:
  explicit RateLimiter(Clock& clock) : clock_(clock) {}

  // Waits until a request may start under the known limit, and counts it. Returns false,
  // without waiting or counting, when the wait would pass `deadline`.
  bool Acquire(std::optional<std::chrono::system_clock::time_point> deadline = std::nullopt);
  // Learns from a response: X-Sentry-Rate-Limit-Limit (requests per window) and, when
  // X-Sentry-Rate-Limit-Remaining is 0, holds every request until X-Sentry-Rate-Limit-Reset
  // (a reset more than kMaxHold away, or unreadable, is ignored).
  void Observe(const HttpResponse& response);
  // The requests a second the server allows, as learned; 0 when none is known.
  int Limit() const;

 private:
  static constexpr std::chrono::seconds kMaxHold{60};
  // Sentry's fixed windows allow 30 (sentry.io) to a few thousand requests a second; a
  // larger "limit" is taken as this, which paces nothing.
  static constexpr int kMaxLimit = 1'000'000;

  Clock& clock_;
  mutable std::mutex mutex_;
  int limit_ = 0;         // requests per second; 0: none known
  long long window_ = 0;  // the epoch second being counted
  int started_ = 0;       // requests started in window_
  std::chrono::system_clock::time_point hold_until_{};
};

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_HTTP_RATE_LIMITER_H_
