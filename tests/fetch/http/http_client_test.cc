#include "fetch/http/http_client.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_transport.h"

namespace perfgate::fetch {
namespace {

using std::chrono::milliseconds;

HttpRequest Get(const std::string& url) {
  return HttpRequest{"GET", url, {{"Authorization", "Bearer s3cret"}}, "", {}};
}

TEST(HttpClient, RetriesUntilAnAnswerThatIsNotRetriedAndCountsAttempts) {
  FakeTransport transport;
  FakeClock clock;
  transport.On("/x",
               {Respond(503, ""), MakeError(ErrorKind::kUnavailable, "Connection reset by peer"),
                Respond(404, "gone")});
  HttpClient client(transport, clock, HttpClientOptions{});
  Result<HttpOutcome> sent = client.Send(Get("https://h.example/x?q=1"), "https://h.example/x");
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  EXPECT_EQ(sent->response.status, 404);  // what a 404 means is the caller's business
  EXPECT_EQ(sent->attempts, 3);
  EXPECT_EQ(clock.sleeps.size(), 2u);
}

TEST(HttpClient, AFailedExchangeNamesTheRequestAsShownWithoutSecrets) {
  FakeTransport transport;
  FakeClock clock;
  transport.On("/x", {MakeError(ErrorKind::kUnavailable, "proxy echoed Bearer s3cret")});
  HttpClientOptions options;
  options.retry.max_attempts = 2;
  options.secrets = {"s3cret"};
  std::vector<std::string> log;
  options.log = [&](const std::string& line) { log.push_back(line); };
  Result<HttpOutcome> sent = HttpClient(transport, clock, options)
                                 .Send(Get("https://h.example/x?q=1"), "https://h.example/x");
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(sent.error().message,
            "GET https://h.example/x: proxy echoed Bearer [redacted] (gave up after 2 attempts)");
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0],
            "GET https://h.example/x?q=1 (Authorization: Bearer [redacted]) -> proxy echoed Bearer "
            "[redacted] "
            "(attempt 1)");
}

TEST(HttpClient, FollowsRedirectsOnlyWithinTheOrigin) {
  FakeTransport transport;
  FakeClock clock;
  transport.On("/old", {Respond(301, "", {{"Location", "/new"}})});
  transport.On("/new", {Respond(302, "", {{"Location", "https://evil.example/steal"}})});
  HttpClientOptions options;
  options.follow_redirects = true;
  options.cross_origin_advice = ": set the url";
  Result<HttpOutcome> sent = HttpClient(transport, clock, options)
                                 .Send(Get("https://h.example/old"), "https://h.example/old");
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().message,
            "GET https://h.example/old: redirected to https://evil.example; perfgate does not "
            "send the token to another host: set the url");
  ASSERT_EQ(transport.requests.size(), 2u);
  EXPECT_EQ(transport.requests[1].url, "https://h.example/new");
  // Without follow_redirects a 3xx is an answer like any other.
  Result<HttpOutcome> plain =
      HttpClient(transport, clock, HttpClientOptions{}).Send(Get("https://h.example/old"), "x");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->response.status, 301);
}

TEST(HttpClient, GivesUpAtTheDeadlineAndShortensTheLastTimeout) {
  FakeTransport transport;
  FakeClock clock;
  transport.On("/x", {Respond(429, "", {{"Retry-After", "40"}})});
  HttpClientOptions options;
  options.retry.max_attempts = 100;
  options.deadline = clock.now + std::chrono::seconds(100);
  options.deadline_setting = "source.sentry.deadline";
  Result<HttpOutcome> sent =
      HttpClient(transport, clock, options).Send(Get("https://h.example/x"), "https://h.example/x");
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().message,
            "GET https://h.example/x: gave up: waiting longer would pass the run's deadline "
            "(source.sentry.deadline)");
  EXPECT_EQ(clock.sleeps, (std::vector<milliseconds>{milliseconds(40000), milliseconds(40000)}));
  ASSERT_EQ(transport.requests.size(), 3u);
  EXPECT_EQ(transport.requests[2].timeout, milliseconds(20000));  // what the deadline leaves
}

}  // namespace
}  // namespace perfgate::fetch
