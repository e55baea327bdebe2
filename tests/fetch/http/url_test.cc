#include "fetch/http/url.h"

#include <gtest/gtest.h>

namespace perfgate::fetch {
namespace {

TEST(Url, OriginAndHost) {
  EXPECT_EQ(Origin("https://de.sentry.io/api/0/?x=1"), "https://de.sentry.io");
  EXPECT_EQ(Origin("http://127.0.0.1:9000?x"), "http://127.0.0.1:9000");
  EXPECT_EQ(Origin("no-scheme/path"), "");
  EXPECT_EQ(Host("https://de.sentry.io:443/x"), "de.sentry.io");
  EXPECT_EQ(Host("http://[::1]:80/x"), "[::1]");
  EXPECT_EQ(Host("http://user:pw@127.0.0.1/x"), "127.0.0.1");
}

TEST(Url, EncodesAllButTheUnreservedCharacters) {
  EXPECT_EQ(UrlEncode("release:\"1.2\" a/b~_-.é"), "release%3A%221.2%22%20a%2Fb~_-.%C3%A9");
  EXPECT_EQ(UrlEncode(""), "");
}

TEST(Url, SecretsGoOverHttpsOrToLoopbackOnly) {
  EXPECT_TRUE(IsSafeForSecrets("https://sentry.io"));
  EXPECT_TRUE(IsSafeForSecrets("http://127.0.0.1:9000/x"));
  EXPECT_TRUE(IsSafeForSecrets("http://localhost:8080"));
  EXPECT_TRUE(IsSafeForSecrets("http://[::1]:1"));
  EXPECT_FALSE(IsSafeForSecrets("http://sentry.example"));
  EXPECT_FALSE(IsSafeForSecrets("http://localhost.evil.example"));
  EXPECT_FALSE(IsSafeForSecrets("http://user@127.0.0.1.evil.example"));
  EXPECT_FALSE(IsSafeForSecrets("http://127.0.0.1.evil.example/x"));  // a name, not an address
  EXPECT_FALSE(IsSafeForSecrets("http://127.0.0.256/x"));
  EXPECT_FALSE(IsSafeForSecrets("http://127.1/x"));
  EXPECT_TRUE(IsSafeForSecrets("http://127.8.9.10/x"));
  EXPECT_FALSE(IsSafeForSecrets("https://"));
  EXPECT_FALSE(IsSafeForSecrets("ftp://h/x"));
}

}  // namespace
}  // namespace perfgate::fetch
