#include "fetch/http/retry_policy.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_transport.h"

namespace perfgate::fetch {
namespace {

using std::chrono::milliseconds;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1795608000));

TEST(BackoffDelay, DoublesWithJitterAndCaps) {
  RetryPolicy policy;  // base 500 ms, cap 30 s
  EXPECT_EQ(BackoffDelay(policy, 0, 0.0), milliseconds(250));
  EXPECT_EQ(BackoffDelay(policy, 0, 0.999999), milliseconds(499));
  EXPECT_EQ(BackoffDelay(policy, 3, 0.0), milliseconds(2000));
  EXPECT_EQ(BackoffDelay(policy, 10, 0.0), milliseconds(15000));
  EXPECT_EQ(BackoffDelay(policy, 100, 0.999999), milliseconds(29999));
}

TEST(RetryDelay, SuccessAndClientErrorsAreNotRetried) {
  RetryPolicy policy;
  EXPECT_FALSE(RetryDelay(policy, 1, Respond(200, "{}"), kNow, 0.5));
  EXPECT_FALSE(RetryDelay(policy, 1, Respond(401, R"({"detail": "Invalid token"})"), kNow, 0.5));
  EXPECT_FALSE(RetryDelay(policy, 1, Respond(404, ""), kNow, 0.5));
  EXPECT_FALSE(RetryDelay(
      policy, 1, Respond(400, R"({"detail": "Invalid per_page value. Cannot exceed 100."})"), kNow,
      0.5));
}

TEST(RetryDelay, AnAnswerThatAskingAgainCannotChangeIsNotRetried) {
  // An oversized header or body (990 KB of Link header) fails the same way every time.
  Error permanent = MakeError(ErrorKind::kUnavailable, "a response header is larger than ...");
  permanent.permanent = true;
  EXPECT_FALSE(RetryDelay(RetryPolicy{}, 1, Result<HttpResponse>(permanent), kNow, 0.5));
  EXPECT_TRUE(RetryDelay(RetryPolicy{}, 1,
                         Result<HttpResponse>(MakeError(ErrorKind::kUnavailable, "reset")), kNow,
                         0.5));
}

TEST(RetryDelay, TooManyRequestsWaitsForRetryAfterThenTheResetHeader) {
  RetryPolicy policy;
  EXPECT_EQ(RetryDelay(policy, 1, Respond(429, "", {{"Retry-After", "7"}}), kNow, 0.0),
            milliseconds(7000));
  // sentry.io: no Retry-After, X-Sentry-Rate-Limit-Reset in epoch seconds (2 s from now).
  EXPECT_EQ(RetryDelay(policy, 1, Respond(429, "", {{"x-sentry-rate-limit-reset", "1795608002"}}),
                       kNow, 0.0),
            milliseconds(2000));
  // A reset in the past falls back to backoff.
  EXPECT_EQ(
      RetryDelay(policy, 1, Respond(429, "", {{"X-Sentry-Rate-Limit-Reset", "1"}}), kNow, 0.0),
      milliseconds(250));
}

TEST(RetryDelay, ServerErrorsQueryTimeoutsAndTransportFailuresBackOffUntilAttemptsRunOut) {
  RetryPolicy policy;  // 6 attempts
  EXPECT_EQ(RetryDelay(policy, 1, Respond(503, ""), kNow, 0.0), milliseconds(250));
  EXPECT_EQ(RetryDelay(policy, 2, Respond(502, ""), kNow, 0.0), milliseconds(500));
  EXPECT_EQ(RetryDelay(policy, 3, Respond(400, R"({"detail": "Query timeout. Please try again."})"),
                       kNow, 0.0),
            milliseconds(1000));
  Result<HttpResponse> reset = MakeError(ErrorKind::kUnavailable, "Connection reset by peer");
  EXPECT_EQ(RetryDelay(policy, 4, reset, kNow, 0.0), milliseconds(2000));
  EXPECT_FALSE(RetryDelay(policy, 6, reset, kNow, 0.0));
}

TEST(RetryDelay, NoServerCanStallTheRunOrOverflowAWait) {
  RetryPolicy policy;  // max_wait 60 s
  // A proxy's day-long Retry-After is capped; negative is no wait.
  EXPECT_EQ(RetryDelay(policy, 1, Respond(429, "", {{"Retry-After", "86400"}}), kNow, 0.0),
            milliseconds(60000));
  EXPECT_EQ(RetryDelay(policy, 1, Respond(429, "", {{"Retry-After", "1e300"}}), kNow, 0.0),
            milliseconds(60000));
  EXPECT_EQ(RetryDelay(policy, 1, Respond(429, "", {{"Retry-After", "-5"}}), kNow, 0.0),
            milliseconds(0));
  // Huge but finite Retry-After values are capped too.
  for (const char* value : {"1e30", "9800000000"}) {
    EXPECT_EQ(RetryDelay(policy, 1, Respond(429, "", {{"Retry-After", value}}), kNow, 0.0),
              milliseconds(60000));
  }
  // Not finite, or a reset beyond any sane wait (1e30, the year 2279): back off instead.
  for (const char* value : {"inf", "-inf", "nan", "1e999"}) {
    EXPECT_EQ(RetryDelay(policy, 1, Respond(429, "", {{"Retry-After", value}}), kNow, 0.0),
              milliseconds(250))
        << value;
  }
  for (const char* value : {"inf", "-inf", "nan", "1e999", "1e30", "9800000000"}) {
    EXPECT_EQ(
        RetryDelay(policy, 1, Respond(429, "", {{"X-Sentry-Rate-Limit-Reset", value}}), kNow, 0.0),
        milliseconds(250))
        << value;
  }
}

}  // namespace
}  // namespace perfgate::fetch
