#include "fetch/http/webhook.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_transport.h"

namespace perfgate::fetch {
namespace {

TEST(PostJson, TheWebhooksSecretPathIsInNoMessage) {
  const std::string url = "https://hooks.example/services/T000/SECRET";
  FakeTransport transport;
  FakeClock clock;
  transport.On("/services/",
               {MakeError(ErrorKind::kUnavailable, "Could not resolve host for " + url +
                                                       "; tried "
                                                       "/services/T000/SECRET")});
  Status posted = PostJson(transport, clock, url, "{}");
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.error().message,
            "POST https://hooks.example/...: Could not resolve host for [redacted]; tried "
            "[redacted] (gave up after 4 "
            "attempts)");
}

TEST(PostJson, RetriesServerErrorsThenSucceeds) {
  FakeTransport transport;
  FakeClock clock;
  transport.On("/hook",
               {Respond(503, ""), Respond(429, "", {{"Retry-After", "2"}}), Respond(204, "")});
  EXPECT_TRUE(PostJson(transport, clock, "https://hooks.example/hook", "{}").ok());
  ASSERT_EQ(transport.requests.size(), 3u);
  EXPECT_EQ(transport.requests[0].method, "POST");
  EXPECT_EQ(transport.requests[0].body, "{}");
  ASSERT_EQ(clock.sleeps.size(), 2u);
  EXPECT_EQ(clock.sleeps[1], std::chrono::milliseconds(2000));
}

TEST(ValidateWebhookUrl, HttpsOrLoopbackOnly) {
  EXPECT_TRUE(ValidateWebhookUrl("https://hooks.slack.com/services/T/B/X").ok());
  EXPECT_TRUE(ValidateWebhookUrl("http://127.0.0.1:9000/hook").ok());
  EXPECT_TRUE(ValidateWebhookUrl("http://localhost/hook").ok());
  Status plain = ValidateWebhookUrl("http://hooks.example/secret/path");
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.error().message,
            "the webhook must be an https:// URL (plain http only on loopback), not "
            "http://hooks.example");
}

}  // namespace
}  // namespace perfgate::fetch
