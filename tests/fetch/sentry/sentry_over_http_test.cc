// The Sentry client over the real curl transport against a fake Sentry on 127.0.0.1:
// pagination, faults, concurrency, caps and partial data end to end.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "fetch/http/curl_transport.h"
#include "fetch/sentry/sentry_client.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_sentry_server.h"

namespace perfgate::fetch {
namespace {

using Reply = FakeSentryServer::Reply;
using std::chrono::milliseconds;

SampleSet Events(int count) {
  SampleSetBuilder builder;
  for (int i = 0; i < count; ++i) builder.Add(i % 3 ? "GET /a" : "GET /b", 10.5 + i, i % 10 == 0);
  return std::move(builder).Build("x");
}

SentryOptions LocalOptions(const std::string& url) {
  SentryOptions options;
  options.selection.url = url;
  options.selection.organization = "acme";
  options.retry.base = milliseconds(1);
  return options;
}

TEST(SentryOverHttp, FetchesEveryPageFromARealServer) {
  FakeSentryServer server(SentryHandler({{"1.1", Events(250)}}, "tok"));
  CurlTransport transport;
  RealClock clock;
  SentryClient client(transport, clock, LocalOptions(server.url()), "tok");
  Result<SampleSet> set = client.FetchRelease("1.1");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->TotalEvents(), 250u);
  EXPECT_EQ(set->Find("GET /b")->Failures(), Events(250).Find("GET /b")->Failures());
  EXPECT_EQ(server.requests().size(), 5u);  // release details, count() and 3 pages in one window
}

TEST(SentryOverHttp, EventsAServerAnswersInTwoWindowsAreCountedOnce) {
  // A server whose window end is inclusive (here: a minute past it), so every boundary's
  // events come in both windows that meet there.
  SentryServerOptions slack;
  slack.end_slack = std::chrono::minutes(1);
  FakeSentryServer server(SentryHandler({{"1.1", Events(3000)}}, "tok", slack));
  CurlTransport transport;
  RealClock clock;
  SentryOptions options = LocalOptions(server.url());
  options.concurrency = 4;
  SentryClient client(transport, clock, options, "tok");
  Result<SampleSet> set = client.FetchRelease("1.1");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->TotalEvents(), 3000u);
  EXPECT_EQ(set->Find("GET /b")->Failures(), Events(3000).Find("GET /b")->Failures());
  ASSERT_EQ(set->notes.size(), 1u);
  EXPECT_TRUE(
      set->notes[0].ends_with(" events came in two time windows (by event id) and counted "
                              "once"))
      << set->notes[0];
}

TEST(SentryOverHttp, AnAggregateAnswerNamingATransactionTwiceIsAnErrorNotAReplacement) {
  auto sentry = SentryHandler({{"1.1", Events(1000)}}, "tok");
  FakeSentryServer server([&](const FakeSentryServer::Request& request) {
    Reply reply = sentry(request);
    if (request.target.find("failure_count") == std::string::npos) return reply;
    // The first row again, as a second row (a proxy or a broken page join).
    boost::json::value page = boost::json::parse(reply.body);
    boost::json::array& data = page.at("data").as_array();
    data.push_back(data.at(0));
    reply.body = boost::json::serialize(page);
    return reply;
  });
  CurlTransport transport;
  RealClock clock;
  SentryOptions options = LocalOptions(server.url());
  options.selection.mode = SentryMode::kAggregate;
  Result<SampleSet> set = SentryClient(transport, clock, options, "tok").FetchRelease("1.1");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().kind, ErrorKind::kUnavailable);  // exit 3: Sentry's data, not the user's
  EXPECT_EQ(set.error().message, "GET " + server.url() +
                                     "/api/0/organizations/acme/events/: transaction \"GET /a\" "
                                     "is in two aggregate rows; an answer Sentry cannot give");
}

TEST(SentryOverHttp, RetriesBurstsOfFaultsAndTruncatedPages) {
  std::atomic<int> calls{0};
  auto sentry = SentryHandler({{"1.1", Events(120)}}, "tok");
  FakeSentryServer server([&](const FakeSentryServer::Request& request) -> Reply {
    if (request.target.find("/events/") == std::string::npos) return sentry(request);
    switch (calls++) {
      case 0:
        return Reply{429, {}, R"("You are attempting to use this endpoint too frequently.")"};
      case 1:
        return Reply{502, {}, "<html>bad gateway</html>"};
      case 2:
        return Reply{503, {}, ""};
      case 3: {
        Reply r = sentry(request);
        r.body.resize(r.body.size() / 2);
        return r;
      }  // truncated JSON
      case 4: {
        Reply r = sentry(request);
        r.reset_mid_body = true;
        return r;
      }
      default:
        return sentry(request);
    }
  });
  CurlTransport transport;
  FakeClock clock;
  SentryOptions options = LocalOptions(server.url());
  options.retry.max_attempts = 8;
  SentryClient client(transport, clock, options, "tok");
  Result<SampleSet> set = client.FetchRelease("1.1");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->TotalEvents(), 120u);
  EXPECT_GE(clock.sleeps.size(), 5u);
}

TEST(SentryOverHttp, AWrongTokenIsAClearErrorThatDoesNotShowTheToken) {
  FakeSentryServer server(SentryHandler({{"1.1", Events(5)}}, "right"));
  CurlTransport transport;
  FakeClock clock;
  SentryClient client(transport, clock, LocalOptions(server.url()), "wrong-token-123");
  Result<SampleSet> set = client.FetchRelease("1.1");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().message,
            "GET " + server.url() +
                "/api/0/organizations/acme/releases/1.1/: 401 Unauthorized: "
                "Invalid token: check the token is valid and has the org:read scope");
  EXPECT_TRUE(clock.sleeps.empty());  // 401 is not retried
}

TEST(SentryOverHttp, TimesOutAndGivesUpAfterItsAttempts) {
  FakeSentryServer server([](const FakeSentryServer::Request&) {
    return Reply{200, {}, "{}", milliseconds(400)};
  });
  CurlTransport transport;
  FakeClock clock;
  SentryOptions options = LocalOptions(server.url());
  options.timeout = milliseconds(100);
  options.retry.max_attempts = 2;
  Result<SampleSet> set =
      SentryClient(transport, clock, options, "test-token-123").FetchRelease("1.1");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(set.error().message.find("(gave up after 2 attempts)"), std::string::npos)
      << set.error().message;
}

TEST(SentryOverHttp, RefusesARedirectToAnotherPort) {
  FakeSentryServer other([](const FakeSentryServer::Request&) { return Reply{200, {}, "{}"}; });
  FakeSentryServer server([&](const FakeSentryServer::Request&) {
    return Reply{301, {{"Location", other.url() + "/api/0/organizations/acme/releases/1.1/"}}, ""};
  });
  CurlTransport transport;
  FakeClock clock;
  Result<SampleSet> set =
      SentryClient(transport, clock, LocalOptions(server.url()), "tok").FetchRelease("1.1");
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().message.find("redirected to " + other.url()), std::string::npos)
      << set.error().message;
  EXPECT_TRUE(other.requests().empty());  // the token never reached the other server
}

std::vector<double> Sorted(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values;
}

TEST(SentryOverHttp, FetchesTimeWindowsConcurrentlyWithoutLosingOrRepeatingEvents) {
  SampleSet events = Events(3000);
  FakeSentryServer server(SentryHandler({{"1.1", events}}, "tok"));
  CurlTransport transport;
  RealClock clock;
  SentryOptions options = LocalOptions(server.url());
  options.concurrency = 6;
  Result<SampleSet> set = SentryClient(transport, clock, options, "tok").FetchRelease("1.1");
  ASSERT_TRUE(set.ok()) << set.error().message;
  ASSERT_EQ(set->groups.size(), events.groups.size());
  for (std::size_t g = 0; g < events.groups.size(); ++g) {
    EXPECT_EQ(Sorted(set->groups[g].durations_ms),
              Sorted(events.groups[g].durations_ms));  // each event once
  }
  std::size_t windows = 0;
  for (const auto& request : server.requests())
    windows += request.target.find("cursor=") == std::string::npos &&
               request.target.find("field=id") != std::string::npos;
  EXPECT_EQ(windows, 6u);  // 30 pages: six windows of five
  // The same release fetched twice gives the same samples in the same order.
  Result<SampleSet> again = SentryClient(transport, clock, options, "tok").FetchRelease("1.1");
  EXPECT_EQ(again->groups[0].durations_ms, set->groups[0].durations_ms);
}

TEST(SentryOverHttp, KeepsExactlyMaxSamplesAStratifiedSample) {
  SampleSet events = Events(1000);
  FakeSentryServer server(SentryHandler({{"1.1", events}}, "tok"));
  CurlTransport transport;
  RealClock clock;
  SentryOptions options = LocalOptions(server.url());
  options.selection.max_samples = 250;
  options.selection.mode = SentryMode::kRaw;  // a stratified sample, not histograms
  Result<SampleSet> set = SentryClient(transport, clock, options, "tok").FetchRelease("1.1");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->TotalEvents(), 250u);
  // The fake spreads timestamps over the events in group order ("GET /a": 666 events,
  // then "GET /b": 334). Two strata of about 500 events (their boundary a whole second),
  // 125 from each: the older half's newest 125 are "GET /a"'s events up to about 500, the
  // newer half's the last 125 of "GET /b".
  ASSERT_NE(set->Find("GET /a"), nullptr);
  ASSERT_NE(set->Find("GET /b"), nullptr);
  const std::vector<double>& a = events.Find("GET /a")->durations_ms;
  const std::vector<double>& b = events.Find("GET /b")->durations_ms;
  const std::vector<double> from_a = Sorted(set->Find("GET /a")->durations_ms);
  ASSERT_EQ(from_a.size(), 125u);
  const auto end = std::find(a.begin(), a.end(), from_a.back()) + 1;
  EXPECT_NEAR(static_cast<double>(end - a.begin()), 500, 5);
  EXPECT_EQ(from_a, Sorted({end - 125, end}));
  EXPECT_EQ(Sorted(set->Find("GET /b")->durations_ms), Sorted({b.end() - 125, b.end()}));
  ASSERT_EQ(set->notes.size(), 1u);
  EXPECT_EQ(set->notes[0],
            "sentry:1.1: a sample of 250 of 1000 events (max_samples 250), spread over the "
            "release's whole time range: 2 windows, each one's share in proportion to its "
            "events");
}

// Auto mode (the default): every event when they fit max_samples and the fetch budget at
// the server's rate limit; else zoomed histograms, saying why.
TEST(SentryOverHttp, AutoModeFetchesRawWithinTheBudgetElseZoomsAndSaysWhy) {
  SentryServerOptions limits;
  limits.requests_per_second = 30;
  FakeSentryServer server(SentryHandler({{"1.1", Events(1000)}}, "tok", limits));
  CurlTransport transport;
  RealClock clock;
  SentryOptions options = LocalOptions(server.url());
  Result<SampleSet> raw = SentryClient(transport, clock, options, "tok").FetchRelease("1.1");
  ASSERT_TRUE(raw.ok()) << raw.error().message;
  EXPECT_EQ(raw->TotalEvents(), 1000u);
  EXPECT_TRUE(raw->notes.empty());
  EXPECT_TRUE(raw->groups[0].bins.empty());  // the events' own durations

  // No raw fetch fits a budget of nothing.
  options.fetch_budget = std::chrono::seconds(0);
  Result<SampleSet> slow = SentryClient(transport, clock, options, "tok").FetchRelease("1.1");
  ASSERT_TRUE(slow.ok()) << slow.error().message;
  EXPECT_EQ(slow->TotalEvents(), 1000u);
  ASSERT_FALSE(slow->notes.empty());
  EXPECT_EQ(slow->notes[0],
            "sentry:1.1: auto mode: 1000 events, more than the 0.0 s fetch budget allows raw "
            "(10 requests of 100 events at 30 a second): zoomed histograms instead");
  EXPECT_FALSE(slow->groups[0].bins.empty());

  options.fetch_budget = std::chrono::seconds(60);
  options.selection.max_samples = 500;
  Result<SampleSet> big = SentryClient(transport, clock, options, "tok").FetchRelease("1.1");
  ASSERT_TRUE(big.ok()) << big.error().message;
  EXPECT_EQ(big->TotalEvents(), 1000u);  // all of them, not a sample of 500
  EXPECT_EQ(big->notes[0],
            "sentry:1.1: auto mode: 1000 events, more than max_samples 500: zoomed "
            "histograms instead");
  EXPECT_TRUE(big->notes[1].starts_with("sentry:1.1: histogram mode: every event's rank exact"))
      << big->notes[1];
}

TEST(SentryOverHttp, PacesItselfToTheRateLimitHeaders) {
  SentryServerOptions limits;
  limits.requests_per_second = 10;
  limits.concurrent_requests = 4;
  FakeSentryServer server(SentryHandler({{"1.1", Events(1500)}}, "tok", limits));
  CurlTransport transport;
  RealClock clock;
  SentryOptions options = LocalOptions(server.url());
  options.concurrency = 4;
  options.retry.base = milliseconds(50);
  options.retry.max_attempts = 10;
  Result<SampleSet> set = SentryClient(transport, clock, options, "tok").FetchRelease("1.1");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->TotalEvents(), 1500u);
}

// Release 1.1 (3000 events, fetched in six time windows) from a fake Sentry whose answers
// to the oldest window's event pages come from `fault` where it gives one: fetched first
// without allow_partial, then with it.
struct StrictThenPartial {
  Result<SampleSet> strict;
  Result<SampleSet> partial;
};
StrictThenPartial FetchWithAFaultyOldestWindow(
    const std::function<std::optional<Reply>(const FakeSentryServer::Request&)>& fault) {
  auto sentry = SentryHandler({{"1.1", Events(3000)}}, "tok");
  FakeSentryServer server([&](const FakeSentryServer::Request& request) -> Reply {
    if (request.target.find("field=id") != std::string::npos &&
        request.target.find("start=2026-11-20T10%3A00%3A00Z") != std::string::npos) {
      if (std::optional<Reply> reply = fault(request)) return *reply;
    }
    return sentry(request);
  });
  CurlTransport transport;
  FakeClock clock;
  SentryOptions options = LocalOptions(server.url());
  options.concurrency = 6;
  Result<SampleSet> strict = SentryClient(transport, clock, options, "tok").FetchRelease("1.1");
  options.allow_partial = true;
  return {std::move(strict), SentryClient(transport, clock, options, "tok").FetchRelease("1.1")};
}

// Five of the six windows, marked partial and noted.
void ExpectFiveWindowsNoted(const Result<SampleSet>& partial) {
  ASSERT_TRUE(partial.ok()) << partial.error().message;
  EXPECT_TRUE(partial->partial);
  EXPECT_NEAR(static_cast<double>(partial->TotalEvents()), 2500, 5);
  ASSERT_EQ(partial->notes.size(), 1u);
  EXPECT_TRUE(partial->notes[0].starts_with(
      "sentry:1.1: PARTIAL DATA: 1 of 6 time windows could not be fetched"))
      << partial->notes[0];
}

TEST(SentryOverHttp, PartialDataOnlyWhenAllowedAndThenNoted) {
  // The oldest time window's pages always fail.
  StrictThenPartial fetched = FetchWithAFaultyOldestWindow([](const FakeSentryServer::Request&) {
    return Reply{503, {}, ""};
  });
  ASSERT_FALSE(fetched.strict.ok());
  EXPECT_NE(fetched.strict.error().message.find("503 Service Unavailable"), std::string::npos)
      << fetched.strict.error().message;
  ExpectFiveWindowsNoted(fetched.partial);
}

TEST(SentryOverHttp, AWindowWhosePagesEndBeforeItsCountIsAFailedWindow) {
  // In the oldest time window, every page after the first is empty and has no Link
  // header: the cursor chain ends silently, 400 events short of the window's count().
  StrictThenPartial fetched = FetchWithAFaultyOldestWindow(
      [](const FakeSentryServer::Request& request) -> std::optional<Reply> {
        if (request.target.find("cursor=") == std::string::npos) return std::nullopt;
        return Reply{200, {}, R"({"data":[],"meta":{}})"};
      });
  ASSERT_FALSE(fetched.strict.ok());
  EXPECT_EQ(fetched.strict.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(fetched.strict.error().message.find(
                "to 2026-11-20T12:20:00Z gave 100 events, but Sentry counted 501 in it"),
            std::string::npos)
      << fetched.strict.error().message;
  ExpectFiveWindowsNoted(fetched.partial);
}

// A release whose latency drifts over the day (slower hour by hour, then a quiet, fast
// night): capped at a tenth, the stratified sample's p95 is within its interval of the whole
// release's, where the release's newest events alone (the fast night) would be far off.
TEST(SentryOverHttp, ACappedReleaseIsAStratifiedSampleOfItsWholeDay) {
  SampleSetBuilder builder;
  std::vector<double> all, newest;
  for (int i = 0; i < 20000; ++i) {
    const double ms = (i < 18000 ? 400 + 0.02 * i : 100) + 10 * std::sin(i);
    builder.Add("GET /drift", ms, false);
    all.push_back(ms);
    if (i >= 18000) newest.push_back(ms);
  }
  FakeSentryServer server(SentryHandler({{"1.1", std::move(builder).Build("x")}}, "tok"));
  CurlTransport transport;
  RealClock clock;
  SentryOptions options = LocalOptions(server.url());
  options.selection.max_samples = 2000;
  options.selection.mode = SentryMode::kRaw;  // a stratified sample, not histograms
  Result<SampleSet> set = SentryClient(transport, clock, options, "tok").FetchRelease("1.1");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->TotalEvents(), 2000u);
  ASSERT_EQ(set->notes.size(), 1u);
  EXPECT_EQ(set->notes[0],
            "sentry:1.1: a sample of 2000 of 20000 events (max_samples 2000), spread over the "
            "release's whole time range: 20 windows, each one's share in proportion to its "
            "events");
  const auto p95 = [](std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(0.95 * static_cast<double>(values.size() - 1))];
  };
  const double full = p95(all), sample = p95(set->groups[0].durations_ms);
  // 2,000 events spread over 360 ms near the p95: its 95 % interval is about +-10 ms.
  EXPECT_NEAR(sample, full, 20) << sample << " vs " << full;
  EXPECT_GT(full - p95(newest), 500);  // the newest 2,000 alone: the fast night
}

}  // namespace
}  // namespace perfgate::fetch
