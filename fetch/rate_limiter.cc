#include "fetch/rate_limiter.h"

namespace perfgate::fetch {

void RateLimiter::Acquire() {
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
          return;
        }
        // The window is full: wait for the next one (plus a little, for clock skew).
        const auto next = system_clock::time_point(seconds(second + 1));
        wait = duration_cast<milliseconds>(next - now) + milliseconds(5);
      }
    }
    clock_.Sleep(wait);
  }
}

void RateLimiter::Observe(const HttpResponse& response) {
  std::lock_guard lock(mutex_);
  if (auto limit = response.NumberHeader("X-Sentry-Rate-Limit-Limit"); limit && *limit > 0) {
    limit_ = static_cast<int>(*limit);
  }
  auto remaining = response.NumberHeader("X-Sentry-Rate-Limit-Remaining");
  auto reset = response.NumberHeader("X-Sentry-Rate-Limit-Reset");
  if (remaining && *remaining <= 0 && reset) {
    auto until = std::chrono::system_clock::time_point(std::chrono::milliseconds(static_cast<long long>(*reset * 1000)));
    const auto now = clock_.Now();
    if (until > now && until - now <= std::chrono::seconds(60) && until > hold_until_) hold_until_ = until;
  }
}

}  // namespace perfgate::fetch
