// Every network path against every fault, through the real transport and a fake Sentry on
// 127.0.0.1: the release lookup, the event count, raw event pages, aggregate mode,
// histogram mode, the spans dataset's span groups, the trace view, and the webhook; faults:
// a 200 with an HTML body, a 200 with "meta" but no "data", a stall past the timeout, a
// server error on every attempt, a server error once (retried, then fine), connection
// refused, and TLS spoken to a plain-HTTP port. Each ends in the same answer as without the
// fault (after a retry) or in a kUnavailable error naming the request: never a partial
// result. (A failed DNS lookup reaches the client as a transport error like a refused
// connection; it is not tried here, as it would ask a resolver beyond 127.0.0.1.)
#include <gtest/gtest.h>

#include <atomic>

#include "fetch/http/curl_transport.h"
#include "fetch/http/webhook.h"
#include "fetch/sentry/sentry_client.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_sentry_server.h"

namespace perfgate::fetch {
namespace {

using Reply = FakeSentryServer::Reply;
using std::chrono::milliseconds;

enum class Kind { kRelease, kCount, kRaw, kAggregate, kHistogram, kSpans, kTrace };
const char* const kKindNames[] = {"release lookup", "count", "raw events", "aggregate",
                                  "histogram",      "spans", "trace view"};

Kind KindOf(const std::string& target) {
  const std::string path = target.substr(0, target.find('?'));
  if (path.find("/releases/") != std::string::npos) return Kind::kRelease;
  if (path.find("/trace/") != std::string::npos) return Kind::kTrace;
  if (path.find("/events-histogram/") != std::string::npos) return Kind::kHistogram;
  if (target.find("dataset=spans") != std::string::npos) return Kind::kSpans;
  if (target.find("field=p95%28%29") != std::string::npos) return Kind::kAggregate;
  if (target.find("field=transaction.duration") != std::string::npos ||
      target.find("field=span.duration") != std::string::npos)
    return Kind::kRaw;
  return Kind::kCount;
}

enum class Fault { kHtml, kMetaNoData, kStall, kAlways500, kOnce500 };
const char* const kFaultNames[] = {"200 HTML", "200 meta without data", "stall", "500 every time",
                                   "500 once"};

const std::string kTraceId = "0123456789abcdef0123456789abcdef";
const std::string kEventId = "fedcba9876543210fedcba9876543210";

SampleSet Events() {
  SampleSetBuilder builder;
  for (int i = 0; i < 150; ++i) builder.Add(i % 3 ? "GET /a" : "GET /b", 10.5 + i, i % 10 == 0);
  return std::move(builder).Build("x");
}

SentryServerOptions ServerOptions() {
  SentryServerOptions options;
  SpanGroupTotals totals;
  totals.transactions = 100;
  totals.groups.push_back({"db", "SELECT 1", 1234.5, 100});
  options.span_groups["1.1"]["GET /a"] = totals;
  options.traces[kTraceId] =
      R"([{"event_id":")" + kEventId +
      R"(","op":"http.server","description":"GET /a","start_timestamp":1795168800.0,)"
      R"("end_timestamp":1795168800.5,"is_segment":true,"children":[]}])";
  return options;
}

// A fake Sentry that answers requests of `kind` with `fault` and the rest as Sentry would.
struct FaultyServer {
  FaultyServer(Kind kind, Fault fault)
      : sentry(SentryHandler({{"1.1", Events()}}, "tok", ServerOptions())),
        server([this, kind, fault](const FakeSentryServer::Request& request) -> Reply {
          if (KindOf(request.target) != kind) return sentry(request);
          switch (fault) {
            case Fault::kHtml:
              return Reply{200, {{"Content-Type", "text/html"}}, "<html><body>Login</body></html>"};
            case Fault::kMetaNoData:
              return Reply{200, {}, R"({"meta":{"fields":{}}})"};
            case Fault::kStall: {
              Reply reply = sentry(request);
              reply.delay = milliseconds(700);
              return reply;
            }
            case Fault::kAlways500:
              return Reply{500, {}, R"({"detail":"Internal Error"})"};
            case Fault::kOnce500:
              if (failed++ == 0) return Reply{500, {}, R"({"detail":"Internal Error"})"};
              return sentry(request);
          }
          return sentry(request);
        }) {}
  FakeSentryServer::Handler sentry;
  std::atomic<int> failed{0};
  FakeSentryServer server;
};

SentryOptions Options(const std::string& url, SentryMode mode = SentryMode::kRaw) {
  SentryOptions options;
  options.selection.url = url;
  options.selection.organization = "acme";
  options.selection.mode = mode;
  options.timeout = milliseconds(300);
  options.retry.max_attempts = 3;
  options.retry.base = milliseconds(1);
  return options;
}

// The call that makes a request of `kind`, as ok or the error's kind and message.
Result<std::size_t> Call(Kind kind, const std::string& url, HttpTransport& transport,
                         Clock& clock) {
  const SentryMode mode = kind == Kind::kAggregate   ? SentryMode::kAggregate
                          : kind == Kind::kHistogram ? SentryMode::kHistogram
                                                     : SentryMode::kRaw;
  SentryClient client(transport, clock, Options(url, mode), "tok");
  switch (kind) {
    case Kind::kSpans: {
      Result<SpanGroupTotals> totals = client.FetchSpanGroups("1.1", "GET /a");
      if (!totals.ok()) return totals.error();
      return totals->groups.size();
    }
    case Kind::kTrace: {
      Result<std::string> body = client.FetchTrace("1.1", kTraceId, kEventId);
      if (!body.ok()) return body.error();
      return body->size();
    }
    default: {
      Result<SampleSet> set = client.FetchRelease("1.1");
      if (!set.ok()) return set.error();
      if (set->partial) return MakeError(ErrorKind::kInternal, "a partial result");
      return set->TotalEvents();
    }
  }
}

TEST(FaultMatrix, EveryRequestKindEndsInTheRightAnswerOrAClearUnavailableError) {
  CurlTransport transport;
  int tried = 0;
  for (int k = 0; k <= static_cast<int>(Kind::kTrace); ++k) {
    const auto kind = static_cast<Kind>(k);
    Result<std::size_t> clean = [&] {
      FaultyServer healthy(kind, Fault::kOnce500);
      healthy.failed = 1;  // no fault at all
      FakeClock clock;
      return Call(kind, healthy.server.url(), transport, clock);
    }();
    ASSERT_TRUE(clean.ok()) << kKindNames[k] << ": " << clean.error().message;
    for (int f = 0; f <= static_cast<int>(Fault::kOnce500); ++f) {
      const auto fault = static_cast<Fault>(f);
      SCOPED_TRACE(std::string(kKindNames[k]) + " / " + kFaultNames[f]);
      FaultyServer faulty(kind, fault);
      FakeClock clock;
      Result<std::size_t> got = Call(kind, faulty.server.url(), transport, clock);
      ++tried;
      if (fault == Fault::kOnce500) {
        ASSERT_TRUE(got.ok()) << got.error().message;
        EXPECT_EQ(*got, *clean);  // retried to the same answer
        EXPECT_FALSE(clock.sleeps.empty());
        continue;
      }
      ASSERT_FALSE(got.ok()) << "an answer from a faulty " << kKindNames[k];
      EXPECT_EQ(got.error().kind, ErrorKind::kUnavailable) << got.error().message;
      EXPECT_EQ(got.error().message.find("tok"), std::string::npos) << got.error().message;
      if (kind == Kind::kRelease && fault == Fault::kMetaNoData) {
        // JSON, but no event times: what Sentry says of a release without events.
        EXPECT_EQ(got.error().message,
                  "sentry:1.1: the release has no events yet in organization 'acme' (Sentry "
                  "records no first event for it): judge it once it has served traffic, or name "
                  "a release that has (sentry:latest is the newest with events)");
        continue;
      }
      // The request named (its URL without the token), and that it was tried again.
      EXPECT_NE(
          got.error().message.find("GET " + faulty.server.url() + "/api/0/organizations/acme/"),
          std::string::npos)
          << got.error().message;
      EXPECT_NE(got.error().message.find(" 3 attempts"), std::string::npos) << got.error().message;
    }
  }
  EXPECT_EQ(tried, 35);
}

TEST(FaultMatrix, ARefusedConnectionAndTlsToAPlainPortFailEveryKindClearly) {
  CurlTransport transport;
  std::string closed;
  {
    FakeSentryServer gone([](const FakeSentryServer::Request&) { return Reply{}; });
    closed = gone.url();
  }
  FakeSentryServer plain(SentryHandler({{"1.1", Events()}}, "tok", ServerOptions()));
  std::string tls = plain.url();
  tls.replace(0, 4, "https");
  for (const std::string& url : {closed, tls}) {
    for (Kind kind : {Kind::kRaw, Kind::kAggregate, Kind::kHistogram, Kind::kSpans, Kind::kTrace}) {
      SCOPED_TRACE(url + " " + kKindNames[static_cast<int>(kind)]);
      FakeClock clock;
      Result<std::size_t> got = Call(kind, url, transport, clock);
      ASSERT_FALSE(got.ok());
      EXPECT_EQ(got.error().kind, ErrorKind::kUnavailable);
      EXPECT_NE(got.error().message.find("(gave up after 3 attempts)"), std::string::npos)
          << got.error().message;
    }
  }
  EXPECT_TRUE(plain.requests().empty());  // TLS never became a request
}

TEST(FaultMatrix, TheWebhookRetriesThenFailsClearlyAndSucceedsOnARetry) {
  CurlTransport transport;
  const RetryPolicy policy{3, milliseconds(1), milliseconds(10)};
  std::atomic<int> calls{0};
  FakeSentryServer flaky([&](const FakeSentryServer::Request&) {
    return calls++ == 0 ? Reply{503, {}, "busy"} : Reply{200, {}, "ok"};
  });
  FakeClock clock;
  EXPECT_TRUE(PostJson(transport, clock, flaky.url() + "/hooks/SECRET", "{}", policy).ok());
  EXPECT_EQ(calls.load(), 2);

  FakeSentryServer broken([](const FakeSentryServer::Request&) { return Reply{500, {}, "no"}; });
  std::string closed;
  {
    FakeSentryServer gone([](const FakeSentryServer::Request&) { return Reply{}; });
    closed = gone.url();
  }
  for (const std::string& url : {broken.url(), closed}) {
    Status sent = PostJson(transport, clock, url + "/hooks/SECRET", "{}", policy);
    ASSERT_FALSE(sent.ok()) << url;
    EXPECT_EQ(sent.error().kind, ErrorKind::kUnavailable);
    EXPECT_EQ(sent.error().message.find("SECRET"), std::string::npos) << sent.error().message;
  }
}

}  // namespace
}  // namespace perfgate::fetch
