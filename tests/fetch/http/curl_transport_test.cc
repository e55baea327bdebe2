// The real libcurl transport against a real HTTP server on 127.0.0.1 that the test starts,
// with faults injected: one request, one response, and failures that never echo a header.
#include "fetch/http/curl_transport.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_sentry_server.h"

namespace perfgate::fetch {
namespace {

using Reply = FakeSentryServer::Reply;
using std::chrono::milliseconds;

TEST(CurlTransport, ExchangesOneRequestAndResponse) {
  FakeSentryServer server([](const FakeSentryServer::Request&) {
    return Reply{429, {{"X-Sentry-Rate-Limit-Reset", "1795608003"}}, R"({"detail": "slow down"})"};
  });
  CurlTransport transport;
  HttpRequest request;
  request.url = server.url() + "/api/0/x/?a=1";
  request.headers = {{"Authorization", "Bearer secret"}};
  Result<HttpResponse> response = transport.Send(request);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 429);  // an HTTP error status is a successful exchange
  EXPECT_EQ(response->Header("x-sentry-rate-limit-reset"), "1795608003");
  EXPECT_EQ(response->body, R"({"detail": "slow down"})");
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].target, "/api/0/x/?a=1");
  EXPECT_EQ(server.requests()[0].authorization, "Bearer secret");
}

TEST(CurlTransport, DoesNotFollowRedirects) {
  FakeSentryServer server([](const FakeSentryServer::Request&) {
    return Reply{302, {{"Location", "http://127.0.0.2:1/elsewhere"}}, ""};
  });
  CurlTransport transport;
  Result<HttpResponse> response =
      transport.Send(HttpRequest{"GET", server.url() + "/", {}, "", milliseconds(5000)});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 302);
  EXPECT_EQ(response->Header("Location"), "http://127.0.0.2:1/elsewhere");
}

TEST(CurlTransport, TimesOutOnAStalledServerWithoutEchoingHeaders) {
  FakeSentryServer server([](const FakeSentryServer::Request&) {
    return Reply{200, {}, "{}", milliseconds(700)};
  });
  CurlTransport transport;
  HttpRequest request{"GET",
                      server.url() + "/slow?x=1",
                      {{"Authorization", "Bearer secret"}},
                      "",
                      milliseconds(300)};
  Result<HttpResponse> response = transport.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(response.error().message.find("timed out"), std::string::npos)
      << response.error().message;
  EXPECT_EQ(response.error().message.find(server.url()),
            std::string::npos);  // the caller names the request
  EXPECT_EQ(response.error().message.find("secret"), std::string::npos);
}

TEST(CurlTransport, ReportsAConnectionResetMidBody) {
  FakeSentryServer server([](const FakeSentryServer::Request&) {
    Reply reply{200, {}, std::string(R"({"data":[)") + std::string(4000, ' ') + "]}"};
    reply.reset_mid_body = true;
    return reply;
  });
  CurlTransport transport;
  Result<HttpResponse> response =
      transport.Send(HttpRequest{"GET", server.url() + "/", {}, "", milliseconds(5000)});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kUnavailable);
}

TEST(CurlTransport, ReportsARefusedConnection) {
  std::string url;
  {
    FakeSentryServer closed([](const FakeSentryServer::Request&) { return Reply{}; });
    url = closed.url();
  }
  CurlTransport transport;
  Result<HttpResponse> response =
      transport.Send(HttpRequest{"GET", url + "/", {}, "", milliseconds(2000)});
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.error().message.find("onnect"), std::string::npos) << response.error().message;
}

TEST(CurlTransport, StopsReadingAnAnswerLargerThanItsLimit) {
  FakeSentryServer server([](const FakeSentryServer::Request&) {
    return Reply{200, {}, std::string(5000, 'x')};
  });
  CurlTransport transport;
  HttpRequest request{"GET", server.url() + "/", {}, "", milliseconds(5000)};
  request.max_body = 4999;
  Result<HttpResponse> response = transport.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(response.error().message,
            "the answer is larger than 4999 bytes, the most perfgate reads");
  request.max_body = 5000;
  EXPECT_TRUE(transport.Send(request).ok());
}

TEST(CurlTransport, FailsClearlyOnTlsToAPlainPort) {
  FakeSentryServer server([](const FakeSentryServer::Request&) { return Reply{200, {}, "{}"}; });
  CurlTransport transport;
  std::string https = server.url();
  https.replace(0, 4, "https");
  Result<HttpResponse> tls =
      transport.Send(HttpRequest{"GET", https + "/", {}, "", milliseconds(5000)});
  ASSERT_FALSE(tls.ok());
  EXPECT_EQ(tls.error().kind, ErrorKind::kUnavailable);
  EXPECT_FALSE(tls.error().message.empty());
}

TEST(CurlTransport, AnOversizedHeaderIsNamedAndNotRetried) {
  // A 990 KB Link header (a broken proxy or pagination): libcurl refuses headers over
  // 100 KB; the error says so, and retrying cannot change it.
  FakeSentryServer server([](const FakeSentryServer::Request&) {
    Reply reply;
    reply.raw = "HTTP/1.1 200 OK\r\nLink: <" + std::string(990 * 1024, 'x') +
                ">; rel=\"next\"\r\nContent-Length: 2\r\n\r\n[]";
    return reply;
  });
  CurlTransport transport;
  HttpRequest request;
  request.url = server.url() + "/api/0/";
  Result<HttpResponse> response = transport.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().message,
            "a response header is larger than the 100 KB libcurl accepts (a broken server or "
            "proxy?)");
  EXPECT_TRUE(response.error().permanent);
}

}  // namespace
}  // namespace perfgate::fetch
