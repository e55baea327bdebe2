#include "fetch/http/rate_limiter.h"

#include <algorithm>

namespace perfgate::fetch {

bool RateLimiter::Acquire(std::optional<std::chrono::system_clock::time_point> deadline) {
  using namespace std::chrono;
  while (true) {
    milliseconds wait{0};
    {
      std::lock_guard lock(mutex_);
      const auto now = clock_.Now();
      if (now < hold_until_) {
        wait = duration_cast<milliseconds>(hold_until_ - now) + milliseconds(1);
      } else {
        const long long second = duration_cast<seconds>(now.time_since_epoch()).count();
        if (second != window_) {
          window_ = second;
          started_ = 0;
        }
        if (limit_ <= 0 || started_ < limit_) {
          ++started_;
          return true;
        }
        // The window is full: wait for the next one (plus a little, for clock skew).
        const auto next = system_clock::time_point(seconds(second + 1));
        wait = duration_cast<milliseconds>(next - now) + milliseconds(5);
      }
    }
    if (deadline && clock_.Now() + wait > *deadline) return false;
    clock_.Sleep(wait);
  }
}

int RateLimiter::Limit() const {
  std::lock_guard lock(mutex_);
  return limit_;
}

void RateLimiter::Observe(const HttpResponse& response) {
  std::lock_guard lock(mutex_);
  // Every number is checked as a double before it becomes an integer: "inf" and 1e30 are
  // not limits or times (NumberHeader already refuses the non-finite).
  if (auto limit = response.NumberHeader("X-Sentry-Rate-Limit-Limit"); limit && *limit >= 1) {
    limit_ = static_cast<int>(std::min(*limit, static_cast<double>(kMaxLimit)));
  }
  auto remaining = response.NumberHeader("X-Sentry-Rate-Limit-Remaining");
  auto reset = response.NumberHeader("X-Sentry-Rate-Limit-Reset");
  if (remaining && *remaining <= 0 && reset) {
    using namespace std::chrono;
    const auto now = clock_.Now();
    const double wait_ms =
        *reset * 1000 - duration<double, std::milli>(now.time_since_epoch()).count();
    if (wait_ms > 0 &&
        wait_ms <= static_cast<double>(duration_cast<milliseconds>(kMaxHold).count())) {
      const auto until = now + milliseconds(static_cast<long long>(wait_ms));
      if (until > hold_until_) hold_until_ = until;
    }
  }
}

}  // namespace perfgate::fetch
