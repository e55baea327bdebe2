#include "fetch/http/rate_limiter.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_transport.h"

namespace perfgate::fetch {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RateLimiter, WithoutHeadersNothingIsHeldBack) {
  FakeClock clock;
  RateLimiter limiter(clock);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.Acquire());
  EXPECT_TRUE(clock.sleeps.empty());
}

TEST(RateLimiter, KeepsToTheLearnedLimitPerSecond) {
  FakeClock clock;  // at a whole second
  RateLimiter limiter(clock);
  limiter.Observe(Respond(200, "", {{"X-Sentry-Rate-Limit-Limit", "3"}}));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Acquire());
  EXPECT_TRUE(clock.sleeps.empty());
  EXPECT_TRUE(limiter.Acquire());  // the fourth waits for the next second
  ASSERT_EQ(clock.sleeps.size(), 1u);
  EXPECT_EQ(clock.sleeps[0], milliseconds(1005));
}

TEST(RateLimiter, HoldsEveryRequestUntilTheResetWhenNoneRemain) {
  FakeClock clock;
  RateLimiter limiter(clock);
  const auto now = std::chrono::duration_cast<seconds>(clock.now.time_since_epoch()).count();
  limiter.Observe(Respond(200, "",
                          {{"X-Sentry-Rate-Limit-Remaining", "0"},
                           {"X-Sentry-Rate-Limit-Reset", std::to_string(now + 2)}}));
  EXPECT_TRUE(limiter.Acquire());
  ASSERT_EQ(clock.sleeps.size(), 1u);
  EXPECT_EQ(clock.sleeps[0], milliseconds(2001));
}

TEST(RateLimiter, AbsurdHeadersAreIgnoredNotCastToIntegers) {
  FakeClock clock;
  RateLimiter limiter(clock);
  for (const char* value : {"inf", "nan", "1e30", "-3", "0"}) {
    limiter.Observe(Respond(200, "",
                            {{"X-Sentry-Rate-Limit-Limit", value},
                             {"X-Sentry-Rate-Limit-Remaining", "0"},
                             {"X-Sentry-Rate-Limit-Reset", value}}));
  }
  limiter.Observe(Respond(200, "",
                          {{"X-Sentry-Rate-Limit-Remaining", "0"},
                           {"X-Sentry-Rate-Limit-Reset", "9800000000"}}));  // the year 2279
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(limiter.Acquire());
  EXPECT_TRUE(clock.sleeps.empty());
}

TEST(RateLimiter, GivesUpRatherThanWaitPastADeadline) {
  FakeClock clock;
  RateLimiter limiter(clock);
  limiter.Observe(Respond(200, "", {{"X-Sentry-Rate-Limit-Limit", "1"}}));
  EXPECT_TRUE(limiter.Acquire(clock.now + seconds(10)));
  EXPECT_FALSE(limiter.Acquire(clock.now + milliseconds(500)));  // the next slot is a second away
  EXPECT_TRUE(clock.sleeps.empty());
  EXPECT_TRUE(limiter.Acquire(clock.now + seconds(2)));
}

}  // namespace
}  // namespace perfgate::fetch
