#include "fetch/retry_policy.h"

#include <gtest/gtest.h>

#include "fetch/link_header.h"
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
  EXPECT_FALSE(RetryDelay(policy, 1, Respond(400, R"({"detail": "Invalid per_page value. Cannot exceed 100."})"), kNow, 0.5));
}

TEST(RetryDelay, TooManyRequestsWaitsForRetryAfterThenTheResetHeader) {
  RetryPolicy policy;
  EXPECT_EQ(RetryDelay(policy, 1, Respond(429, "", {{"Retry-After", "7"}}), kNow, 0.0), milliseconds(7000));
  // sentry.io: no Retry-After, X-Sentry-Rate-Limit-Reset in epoch seconds (2 s from now).
  EXPECT_EQ(RetryDelay(policy, 1, Respond(429, "", {{"x-sentry-rate-limit-reset", "1795608002"}}), kNow, 0.0),
            milliseconds(2000));
  // A reset in the past falls back to backoff.
  EXPECT_EQ(RetryDelay(policy, 1, Respond(429, "", {{"X-Sentry-Rate-Limit-Reset", "1"}}), kNow, 0.0),
            milliseconds(250));
}

TEST(RetryDelay, ServerErrorsQueryTimeoutsAndTransportFailuresBackOffUntilAttemptsRunOut) {
  RetryPolicy policy;  // 6 attempts
  EXPECT_EQ(RetryDelay(policy, 1, Respond(503, ""), kNow, 0.0), milliseconds(250));
  EXPECT_EQ(RetryDelay(policy, 2, Respond(502, ""), kNow, 0.0), milliseconds(500));
  EXPECT_EQ(RetryDelay(policy, 3, Respond(400, R"({"detail": "Query timeout. Please try again."})"), kNow, 0.0),
            milliseconds(1000));
  Result<HttpResponse> reset = MakeError(ErrorKind::kUnavailable, "GET x: Connection reset by peer");
  EXPECT_EQ(RetryDelay(policy, 4, reset, kNow, 0.0), milliseconds(2000));
  EXPECT_FALSE(RetryDelay(policy, 6, reset, kNow, 0.0));
}

TEST(NextCursor, ReadsSentrysDocumentedHeader) {
  // Verbatim from getsentry/sentry-docs docs/api/pagination.mdx.
  const char* header =
      "<https://sentry.io/api/0/organizations/acme/issues/123456/events/?&cursor=0:0:1>; rel=\"previous\"; "
      "results=\"false\"; cursor=\"0:0:1\", <https://sentry.io/api/0/organizations/acme/issues/123456/events/"
      "?&cursor=0:100:0>; rel=\"next\"; results=\"true\"; cursor=\"0:100:0\"";
  EXPECT_EQ(NextCursor(header), "0:100:0");
}

TEST(NextCursor, StopsWhenNextHasNoResultsOrIsMissing) {
  EXPECT_FALSE(NextCursor("<https://x/?&cursor=0:0:1>; rel=\"previous\"; results=\"false\"; cursor=\"0:0:1\", "
                          "<https://x/?&cursor=0:200:0>; rel=\"next\"; results=\"false\"; cursor=\"0:200:0\""));
  EXPECT_FALSE(NextCursor(""));
  EXPECT_FALSE(NextCursor("garbage"));
  // A raw comma inside a URL does not split a link.
  EXPECT_EQ(NextCursor("<https://x/?field=a,b&cursor=0:100:0>; rel=\"next\"; results=\"true\"; cursor=\"0:100:0\""),
            "0:100:0");
}

}  // namespace
}  // namespace perfgate::fetch
