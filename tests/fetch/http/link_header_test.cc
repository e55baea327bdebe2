#include "fetch/http/link_header.h"

#include <gtest/gtest.h>

namespace perfgate::fetch {
namespace {

TEST(NextCursor, ReadsSentrysDocumentedHeader) {
  // Verbatim from getsentry/sentry-docs docs/api/pagination.mdx.
  const char* header =
      "<https://sentry.io/api/0/organizations/acme/issues/123456/events/?&cursor=0:0:1>; "
      "rel=\"previous\"; "
      "results=\"false\"; cursor=\"0:0:1\", "
      "<https://sentry.io/api/0/organizations/acme/issues/123456/events/"
      "?&cursor=0:100:0>; rel=\"next\"; results=\"true\"; cursor=\"0:100:0\"";
  EXPECT_EQ(NextCursor(header), "0:100:0");
}

TEST(NextCursor, StopsWhenNextHasNoResultsOrIsMissing) {
  EXPECT_FALSE(NextCursor(
      "<https://x/?&cursor=0:0:1>; rel=\"previous\"; results=\"false\"; cursor=\"0:0:1\", "
      "<https://x/?&cursor=0:200:0>; rel=\"next\"; results=\"false\"; cursor=\"0:200:0\""));
  EXPECT_FALSE(NextCursor(""));
  EXPECT_FALSE(NextCursor("garbage"));
  // A raw comma inside a URL does not split a link.
  EXPECT_EQ(NextCursor("<https://x/?field=a,b&cursor=0:100:0>; rel=\"next\"; results=\"true\"; "
                       "cursor=\"0:100:0\""),
            "0:100:0");
}

}  // namespace
}  // namespace perfgate::fetch
