#include "fetch/redact.h"

#include <gtest/gtest.h>

#include "fetch/sentry_client.h"
#include "fetch/webhook.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_transport.h"

namespace perfgate::fetch {
namespace {

constexpr const char* kToken = "sntryu_0123456789abcdef";

TEST(Redact, ReplacesEveryOccurrenceOfEverySecret) {
  EXPECT_EQ(Redact("Bearer abc, again abc; xyz", {"abc", "xyz"}), "Bearer [redacted], again [redacted]; [redacted]");
  EXPECT_EQ(Redact("nothing here", {"", "secret"}), "nothing here");
  EXPECT_EQ(Redact("aaaa", {"aa"}), "[redacted][redacted]");
}

TEST(Redact, ControlCharactersAreFound) {
  EXPECT_FALSE(HasControlCharacter("sntryu_abc-DEF.123"));
  EXPECT_TRUE(HasControlCharacter("abc\r\nX-Evil: 1"));
  EXPECT_TRUE(HasControlCharacter(std::string("a\0b", 3)));
  EXPECT_TRUE(HasControlCharacter("a\x7f"));
}

SentryOptions Options() {
  SentryOptions options;
  options.selection.url = "https://sentry.example";
  options.selection.organization = "acme";
  options.concurrency = 1;
  return options;
}

TEST(SentryClient, AServerThatEchoesTheTokenCannotShowIt) {
  // A proxy that answers 401 with the request's headers in its detail, and a Link cursor
  // holding the token: neither reaches a message.
  FakeTransport transport;
  FakeClock clock;
  transport.On("/releases/", {Respond(401, std::string(R"({"detail": "bad Authorization: Bearer )") + kToken + "\"}")});
  Result<SampleSet> set = SentryClient(transport, clock, Options(), kToken).FetchRelease("1.1");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().message,
            "GET https://sentry.example/api/0/organizations/acme/releases/1.1/: 401 Unauthorized: bad Authorization: "
            "Bearer [redacted]: check the token is valid and has the org:read scope");

  std::vector<std::string> log;
  SentryOptions verbose = Options();
  verbose.log = [&](const std::string& line) { log.push_back(line); };
  FakeTransport echo;
  echo.On("/releases/", {MakeError(ErrorKind::kUnavailable, std::string("GET x: proxy said ") + kToken)});
  Result<SampleSet> failed = SentryClient(echo, clock, verbose, kToken).FetchRelease("1.1");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message.find(kToken), std::string::npos) << failed.error().message;
  ASSERT_FALSE(log.empty());
  for (const std::string& line : log) EXPECT_EQ(line.find(kToken), std::string::npos) << line;
}

TEST(SentryClient, RefusesATokenThatWouldInjectHeaders) {
  FakeTransport transport;
  FakeClock clock;
  Result<SampleSet> set = SentryClient(transport, clock, Options(), "abc\r\nX-Injected: 1").FetchRelease("1.1");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().kind, ErrorKind::kUsage);
  EXPECT_EQ(set.error().message, "the Sentry token holds a control character (a line break?); a token is one line "
                                 "of printable characters");
  EXPECT_TRUE(transport.requests.empty());
}

TEST(PostJson, TheWebhooksSecretPathIsInNoMessage) {
  const std::string url = "https://hooks.example/services/T000/SECRET";
  FakeTransport transport;
  FakeClock clock;
  transport.On("/services/", {MakeError(ErrorKind::kUnavailable, "POST " + url + ": Could not resolve host; " +
                                                                       "tried /services/T000/SECRET")});
  Status posted = PostJson(transport, clock, url, "{}");
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.error().message,
            "POST https://hooks.example/...: Could not resolve host; tried [redacted]");
}

}  // namespace
}  // namespace perfgate::fetch
