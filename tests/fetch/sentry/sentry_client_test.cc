#include "fetch/sentry/sentry_client.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_transport.h"

namespace perfgate::fetch {
namespace {

constexpr const char* kToken = "sntryu_secret_token_value";

SentryOptions Options() {
  SentryOptions options;
  options.selection.url = "https://sentry.example";
  options.selection.organization = "acme";
  options.selection.projects = {"shop"};
  options.selection.environment = "production";
  options.concurrency = 1;  // one cursor chain: the scripted answers follow it
  return options;
}

// A page of `count` events numbered from `first`; each lasts (first + i) ms.
std::string Page(int first, int count, const char* status = "ok") {
  std::string data;
  for (int i = 0; i < count; ++i) {
    data += std::string(i ? "," : "") + R"({"id":"e)" + std::to_string(first + i) +
            R"(","transaction":"GET /a","transaction.duration":)" + std::to_string(first + i) +
            R"(,"transaction.status":")" + status + R"(","timestamp":"2026-11-20T10:00:00+00:00"})";
  }
  return R"({"data":[)" + data +
         R"(],"meta":{"fields":{"transaction.duration":"duration"},"units":{"transaction.duration":"millisecond"}}})";
}

Headers Link(const std::string& next_cursor, bool more) {
  return {
      {"Link",
       "<https://sentry.example/api/0/organizations/acme/events/?&cursor=0:0:1>; rel=\"previous\"; "
       "results=\"false\"; cursor=\"0:0:1\", "
       "<https://sentry.example/api/0/organizations/acme/events/"
       "?&cursor=" +
           next_cursor + ">; rel=\"next\"; results=\"" + (more ? "true" : "false") +
           "\"; cursor=\"" + next_cursor + "\""}};
}

// Answers Sentry's count() queries with `count`; added before the rules for pages, which
// match "/events/" too.
void CountAs(FakeTransport& transport, int count) {
  transport.On("field=count%28%29",
               {Respond(200, R"json({"data":[{"count()":)json" + std::to_string(count) + "}]}")});
}

const char* kRelease =
    R"({"version":"1.1","firstEvent":"2026-11-20T10:00:00Z","lastEvent":"2026-11-20T23:59:59Z"})";

TEST(SentryClient, PaginatesUntilTheLastPageWithTheFieldsAndTokenItNeeds) {
  FakeTransport transport;
  FakeClock clock;
  transport.On("/releases/1.1/", {Respond(200, kRelease)});
  CountAs(transport, 205);
  transport.On("cursor=0%3A100%3A0", {Respond(200, Page(101, 100), Link("0:200:0", true))});
  transport.On("cursor=0%3A200%3A0", {Respond(200, Page(201, 5), Link("0:300:0", false))});
  transport.On("/events/", {Respond(200, Page(1, 100), Link("0:100:0", true))});
  SentryClient client(transport, clock, Options(), kToken);
  Result<SampleSet> set = client.FetchRelease("1.1");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->source, "sentry:1.1");
  EXPECT_EQ(set->TotalEvents(), 205u);
  ASSERT_EQ(transport.requests.size(), 5u);  // the release, count(), three pages
  EXPECT_NE(transport.requests[1].url.find("field=count%28%29"), std::string::npos);
  const std::string& first = transport.requests[2].url;
  for (const char* part :
       {"https://sentry.example/api/0/organizations/acme/events/?", "field=transaction.duration",
        "field=transaction.status", "dataset=transactions", "per_page=100",
        "query=event.type%3Atransaction%20release%3A%221.1%22", "start=2026-11-20T10%3A00%3A00Z",
        "end=2026-11-21T00%3A00%3A00Z", "projectSlug=shop", "environment=production"}) {
    EXPECT_NE(first.find(part), std::string::npos) << part << " not in " << first;
  }
  for (const HttpRequest& request : transport.requests) {
    EXPECT_EQ(request.headers.at(0).second, std::string("Bearer ") + kToken);
  }
  EXPECT_TRUE(clock.sleeps.empty());
}

TEST(SentryClient, WaitsOutRateLimitsAndServerErrorsWithoutRealSleeping) {
  FakeTransport transport;
  FakeClock clock;
  transport.On("/releases/", {Respond(200, kRelease)});
  CountAs(transport, 3);
  transport.On(
      "/events/",
      {Respond(
           429,
           R"({"detail": "You are attempting to use this endpoint too frequently. Limit is 30 requests in 1 seconds"})",
           {{"X-Sentry-Rate-Limit-Reset", "1795608003"}}),
       Respond(503, ""),
       Respond(
           400,
           R"({"detail": "Query timeout. Please try again. If the problem persists try a smaller date range."})"),
       MakeError(ErrorKind::kUnavailable, "Connection reset by peer"),
       Respond(200, Page(1, 3), Link("0:100:0", false))});
  SentryClient client(transport, clock, Options(), kToken);
  Result<SampleSet> set = client.FetchRelease("1.1");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->TotalEvents(), 3u);
  ASSERT_EQ(clock.sleeps.size(), 4u);
  EXPECT_GE(clock.sleeps[0], std::chrono::milliseconds(3000));  // until the reset second
  EXPECT_LE(clock.sleeps[0], std::chrono::milliseconds(3050));
  EXPECT_GE(clock.sleeps[3], std::chrono::milliseconds(2000));  // the fourth backoff: 2-4 s
}

TEST(SentryClient, GivesUpWithTheUrlAndWhatToCheck) {
  struct Case {
    Result<HttpResponse> answer;
    ErrorKind kind;
    const char* message;
  };
  const Case cases[] = {
      {Respond(401, R"({"detail": "Invalid token"})"), ErrorKind::kUnavailable,
       "GET https://sentry.example/api/0/organizations/acme/events/: 401 Unauthorized: Invalid "
       "token: check the "
       "token is valid and has the org:read scope"},
      {Respond(403, R"({"detail": "You do not have permission to perform this action."})"),
       ErrorKind::kUnavailable,
       "GET https://sentry.example/api/0/organizations/acme/events/: 403 Forbidden: You do not "
       "have permission to "
       "perform this action.: the token needs org:read on organization 'acme' (organization "
       "tokens, sntrys_..., "
       "have only org:ci and cannot read events)"},
      {Respond(404, ""), ErrorKind::kUnavailable,
       "GET https://sentry.example/api/0/organizations/acme/events/: 404 Not Found: check the "
       "organization slug "
       "'acme' and that it has Performance (Discover) enabled"},
      {Respond(400, R"({"detail": "Invalid query. Unknown field foo"})"), ErrorKind::kConfig,
       "GET https://sentry.example/api/0/organizations/acme/events/: 400 Bad Request: Invalid "
       "query. Unknown field "
       "foo: check source.sentry.query and project"},
      {Respond(
           429,
           R"("You are attempting to use this endpoint too frequently. Limit is 3 requests in 3600 seconds")"),
       ErrorKind::kUnavailable,
       "GET https://sentry.example/api/0/organizations/acme/events/: 429 Too Many Requests: You "
       "are attempting to "
       "use this endpoint too frequently. Limit is 3 requests in 3600 seconds: still rate limited "
       "after 6 attempts"},
      {Respond(500, R"({"detail": "Internal Error", "errorId": "abc"})"), ErrorKind::kUnavailable,
       "GET https://sentry.example/api/0/organizations/acme/events/: 500 Internal Server Error: "
       "Internal Error "
       "(after 6 attempts)"},
      {MakeError(ErrorKind::kUnavailable, "Timeout was reached"), ErrorKind::kUnavailable,
       "GET https://sentry.example/api/0/organizations/acme/events/: Timeout was reached (gave up "
       "after 6 attempts)"},
  };
  for (const Case& c : cases) {
    FakeTransport transport;
    FakeClock clock;
    transport.On("/releases/", {Respond(200, kRelease)});
    transport.On("/events/", {c.answer});
    SentryClient client(transport, clock, Options(), kToken);
    Result<SampleSet> set = client.FetchRelease("1.1");
    ASSERT_FALSE(set.ok());
    EXPECT_EQ(set.error().kind, c.kind);
    EXPECT_EQ(set.error().message, c.message);
    EXPECT_EQ(set.error().message.find(kToken), std::string::npos);
  }
}

TEST(SentryClient, NeverTakesTheTokenToAnotherHost) {
  FakeTransport transport;
  FakeClock clock;
  transport.On(
      "/releases/",
      {Respond(302, "",
               {{"Location", "https://evil.example/api/0/organizations/acme/releases/1.1/"}})});
  SentryClient client(transport, clock, Options(), kToken);
  Result<SampleSet> set = client.FetchRelease("1.1");
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().message.find(
                "redirected to https://evil.example; perfgate does not send the token to "
                "another host"),
            std::string::npos)
      << set.error().message;
  for (const HttpRequest& request : transport.requests)
    EXPECT_EQ(request.url.find("evil"), std::string::npos);

  FakeTransport same_host;
  same_host.On("/old/",
               {Respond(301, "", {{"Location", "/api/0/organizations/acme/releases/1.1/"}})});
  same_host.On("/releases/", {Respond(200, kRelease)});
  CountAs(same_host, 2);
  same_host.On("/events/", {Respond(200, Page(1, 2), Link("x", false))});
  SentryOptions options = Options();
  SentryClient follows(same_host, clock, options, kToken);
  EXPECT_TRUE(follows.FetchRelease("1.1").ok());
}

TEST(SentryTraceUrl, SaasUsesTheOrganizationsSubdomainSelfHostedItsPath) {
  const std::string path = "/explore/traces/trace/{trace_id}/";
  EXPECT_EQ(SentryTraceUrl("https://sentry.io", "acme"), "https://acme.sentry.io" + path);
  EXPECT_EQ(SentryTraceUrl("https://de.sentry.io/", "acme"), "https://acme.sentry.io" + path);
  EXPECT_EQ(SentryTraceUrl("https://sentry.example.com/", "my org"),
            "https://sentry.example.com/organizations/my%20org" + path);
  EXPECT_EQ(SentryTraceUrl("https://notsentry.io", "acme"),
            "https://notsentry.io/organizations/acme" + path);
}

TEST(SentryClient, RefusesPlainHttpExceptOnLoopback) {
  FakeTransport transport;
  FakeClock clock;
  SentryOptions options = Options();
  options.selection.url = "http://sentry.example";
  Result<SampleSet> refused = SentryClient(transport, clock, options, kToken).FetchRelease("1.1");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message,
            "source.sentry.url http://sentry.example: plain http would send the token in clear; "
            "use https:// "
            "(http is allowed only for loopback addresses)");
  EXPECT_TRUE(transport.requests.empty());
  for (const char* loopback :
       {"http://127.0.0.1:9000", "http://localhost:8080", "http://[::1]:1"}) {
    options.selection.url = loopback;
    EXPECT_TRUE(SentryClient(transport, clock, options, kToken).Validate().ok()) << loopback;
  }
}

TEST(SentryClient, GuardsAgainstACursorThatNeverEnds) {
  FakeTransport transport;
  FakeClock clock;
  transport.On("/releases/", {Respond(200, kRelease)});
  CountAs(transport, 0);
  transport.On("/events/",
               {Respond(200, Page(1, 0), Link("0:100:0", true))});  // same cursor forever
  Result<SampleSet> repeated =
      SentryClient(transport, clock, Options(), kToken).FetchRelease("1.1");
  ASSERT_FALSE(repeated.ok());
  EXPECT_NE(repeated.error().message.find("the cursor 0:100:0 came back twice"), std::string::npos);

  // New cursors forever, every page empty: stopped by max_pages.
  class Endless : public HttpTransport {
   public:
    Result<HttpResponse> Send(const HttpRequest& request) override {
      if (request.url.find("/releases/") != std::string::npos) return Respond(200, kRelease);
      if (request.url.find("field=count%28%29") != std::string::npos)
        return Respond(200, R"json({"data":[{"count()":0}]})json");
      ++pages;
      return Respond(200, Page(1, 0), Link("0:" + std::to_string(pages * 100) + ":0", true));
    }
    int pages = 0;
  } endless;
  SentryOptions options = Options();
  options.max_pages = 50;
  Result<SampleSet> capped = SentryClient(endless, clock, options, kToken).FetchRelease("1.1");
  ASSERT_FALSE(capped.ok());
  EXPECT_NE(capped.error().message.find("still more pages after 50 (max_pages)"),
            std::string::npos);
  EXPECT_EQ(endless.pages, 50);
}

TEST(SentryClient, StopsAtMaxSamplesAndSaysSo) {
  FakeTransport transport;
  FakeClock clock;
  transport.On("/releases/", {Respond(200, kRelease)});
  CountAs(transport, 205);
  transport.On("/events/", {Respond(200, Page(1, 100), Link("0:100:0", true))});
  SentryOptions options = Options();
  options.selection.max_samples = 100;
  options.selection.mode = SentryMode::kRaw;  // a stratified sample, not histograms
  Result<SampleSet> set = SentryClient(transport, clock, options, kToken).FetchRelease("1.1");
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->notes.size(), 1u);
  // One page of cap: one stratum, so the newest events, said so.
  EXPECT_EQ(set->notes[0],
            "sentry:1.1: stopped at max_samples 100 (100 events, the newest of the release)");
}

TEST(SentryClient, ResolvesLatestAndReportsAnEmptyRelease) {
  FakeTransport transport;
  FakeClock clock;
  transport.On("/releases/?per_page=1", {Respond(200, R"([{"version":"shop@2.0"}])")});
  transport.On("/releases/shop%402.0/", {Respond(200, kRelease)});
  CountAs(transport, 0);
  transport.On("/events/", {Respond(200, Page(1, 0), Link("0:100:0", false))});
  Result<SampleSet> set = SentryClient(transport, clock, Options(), kToken).FetchRelease("latest");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().message,
            "sentry:shop@2.0: no transactions from 2026-11-20T10:00:00Z to 2026-11-21T00:00:00Z "
            "(check the release "
            "name, the environment and the projects)");
}

TEST(SentryClient, AWindowShortOfItsCountIsFetchedAgainThenFails) {
  // Sentry counted 205 events, but the second page is empty and has no Link header: the
  // cursor chain ends at 100. Judged as whole, a regression in the missing events passes.
  FakeTransport transport;
  FakeClock clock;
  transport.On("/releases/", {Respond(200, kRelease)});
  CountAs(transport, 205);
  transport.On("cursor=0%3A100%3A0", {Respond(200, R"({"data":[]})")});
  transport.On("/events/", {Respond(200, Page(1, 100), Link("0:100:0", true))});
  Result<SampleSet> set = SentryClient(transport, clock, Options(), kToken).FetchRelease("1.1");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(set.error().message,
            "sentry:1.1: the time window 2026-11-20T10:00:00Z to 2026-11-21T00:00:00Z gave 100 "
            "events, but Sentry "
            "counted 205 in it; its pagination ended early in each of 3 attempts");
  EXPECT_EQ(transport.requests.size(),
            2u + 3 * 2);  // the release, count(), three chains of two pages

  // Events that arrived after the count are welcome; a chain that recovers is kept.
  FakeTransport recovers;
  recovers.On("/releases/", {Respond(200, kRelease)});
  CountAs(recovers, 150);
  recovers.On("cursor=0%3A100%3A0", {Respond(200, R"({"data":[]})"),
                                     Respond(200, Page(101, 60), Link("0:200:0", false))});
  recovers.On("/events/", {Respond(200, Page(1, 100), Link("0:100:0", true))});
  Result<SampleSet> second = SentryClient(recovers, clock, Options(), kToken).FetchRelease("1.1");
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->TotalEvents(), 160u);
  EXPECT_FALSE(second->partial);
}

TEST(SentryClient, GivesUpAtTheRunsDeadlineInsteadOfWaiting) {
  FakeTransport transport;
  FakeClock clock;
  transport.On("/releases/", {Respond(200, kRelease)});
  transport.On("/events/",
               {Respond(429, "", {{"Retry-After", "86400"}})});  // a proxy asking for a day
  SentryOptions options = Options();
  options.retry.max_attempts = 1000;
  options.deadline = clock.now + std::chrono::minutes(5);
  Result<SampleSet> set = SentryClient(transport, clock, options, kToken).FetchRelease("1.1");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(set.error().message,
            "GET https://sentry.example/api/0/organizations/acme/events/: gave up: waiting longer "
            "would pass the "
            "run's deadline (source.sentry.deadline, default 30m)");
  // Each wait was capped at a minute, and none went past the deadline.
  ASSERT_FALSE(clock.sleeps.empty());
  for (std::chrono::milliseconds sleep : clock.sleeps)
    EXPECT_EQ(sleep, std::chrono::milliseconds(60000));
  EXPECT_LE(clock.now, *options.deadline);
  EXPECT_EQ(clock.sleeps.size(), 5u);
}

constexpr const char* kEchoedToken = "sntryu_0123456789abcdef";

TEST(SentryClient, AServerThatEchoesTheTokenCannotShowIt) {
  // A proxy that answers 401 with the request's headers in its detail, and a Link cursor
  // holding the token: neither reaches a message.
  FakeTransport transport;
  FakeClock clock;
  transport.On("/releases/",
               {Respond(401, std::string(R"({"detail": "bad Authorization: Bearer )") +
                                 kEchoedToken + "\"}")});
  Result<SampleSet> set =
      SentryClient(transport, clock, Options(), kEchoedToken).FetchRelease("1.1");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().message,
            "GET https://sentry.example/api/0/organizations/acme/releases/1.1/: 401 Unauthorized: "
            "bad Authorization: "
            "Bearer [redacted]: check the token is valid and has the org:read scope");

  std::vector<std::string> log;
  SentryOptions verbose = Options();
  verbose.log = [&](const std::string& line) { log.push_back(line); };
  FakeTransport echo;
  echo.On("/releases/",
          {MakeError(ErrorKind::kUnavailable, std::string("proxy said ") + kEchoedToken)});
  Result<SampleSet> failed = SentryClient(echo, clock, verbose, kEchoedToken).FetchRelease("1.1");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message.find(kEchoedToken), std::string::npos) << failed.error().message;
  ASSERT_FALSE(log.empty());
  for (const std::string& line : log) EXPECT_EQ(line.find(kEchoedToken), std::string::npos) << line;
}

TEST(SentryClient, RefusesATokenThatWouldInjectHeaders) {
  FakeTransport transport;
  FakeClock clock;
  Result<SampleSet> set =
      SentryClient(transport, clock, Options(), "abc\r\nX-Injected: 1").FetchRelease("1.1");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().kind, ErrorKind::kUsage);
  EXPECT_EQ(set.error().message,
            "the Sentry token holds a control character (a line break?); a token is one line "
            "of printable characters");
  EXPECT_TRUE(transport.requests.empty());
}

}  // namespace
}  // namespace perfgate::fetch
