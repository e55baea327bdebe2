// libFuzzer target: the headers that steer retries and pacing (Retry-After,
// X-Sentry-Rate-Limit-Limit/-Remaining/-Reset) on 429, 5xx and 200 answers. Every wait
// stays within the policy's bound, and the rate limiter never waits past its hold.
#include <chrono>

#include "core/clock.h"
#include "fetch/http/rate_limiter.h"
#include "fetch/http/retry_policy.h"
#include "fuzz/fuzz_input.h"

namespace {

// Time that passes only when slept, from a fixed start.
class StillClock : public perfgate::Clock {
 public:
  std::chrono::system_clock::time_point Now() override { return now_; }
  void Sleep(std::chrono::milliseconds duration) override {
    slept += duration;
    now_ += duration;
  }
  std::chrono::milliseconds slept{0};

 private:
  std::chrono::system_clock::time_point now_{std::chrono::seconds(1795608000)};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using perfgate::fuzz::Require;
  const std::string_view text = perfgate::fuzz::Text(data, size);
  // Four header values separated by newlines.
  const char* names[] = {"Retry-After", "X-Sentry-Rate-Limit-Limit",
                         "X-Sentry-Rate-Limit-Remaining", "X-Sentry-Rate-Limit-Reset"};
  perfgate::fetch::HttpResponse response;
  std::size_t start = 0;
  for (const char* name : names) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    response.headers.emplace_back(name, std::string(text.substr(start, end - start)));
    start = std::min(end + 1, text.size());
  }
  const perfgate::fetch::RetryPolicy policy;
  StillClock clock;
  for (int status : {429, 503, 200}) {
    response.status = status;
    perfgate::Result<perfgate::fetch::HttpResponse> outcome = response;
    auto delay = perfgate::fetch::RetryDelay(policy, 1, outcome, clock.Now(), 0.5);
    if (delay) {
      Require(delay->count() >= 0 && *delay <= std::max(policy.max_wait, policy.max_delay),
              "a bounded wait");
    }
    perfgate::fetch::RateLimiter limiter(clock);
    limiter.Observe(response);
    for (int i = 0; i < 3; ++i) limiter.Acquire();
    Require(clock.slept <= std::chrono::minutes(3), "pacing holds at most its bound");
  }
  return 0;
}
