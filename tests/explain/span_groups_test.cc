#include "explain/span_groups.h"

#include <gtest/gtest.h>

namespace perfgate::explain {
namespace {

TEST(SpanGroup, SqlLiteralsAndListsBecomePlaceholders) {
  EXPECT_EQ(SpanGroup("db", "SELECT * FROM users WHERE id = 42"),
            "SELECT * FROM users WHERE id = %s");
  EXPECT_EQ(SpanGroup("db.query", "SELECT *\n  FROM t WHERE name = 'O''Brien' AND x > 1.5"),
            "SELECT * FROM t WHERE name = %s AND x > %s");
  EXPECT_EQ(SpanGroup("db.sql.query", "SELECT a FROM t WHERE id IN (1, 2, 3) AND b IN ('x','y')"),
            "SELECT a FROM t WHERE id IN (%s) AND b IN (%s)");
  // Digits inside identifiers stay.
  EXPECT_EQ(SpanGroup("db", "SELECT col1 FROM table2"), "SELECT col1 FROM table2");
  // An unterminated string does not run past the end.
  EXPECT_EQ(SpanGroup("db", "SELECT 'oops"), "SELECT %s");
}

TEST(SpanGroup, UrlIdsBecomeStarsAndQueriesAreDropped) {
  EXPECT_EQ(SpanGroup("http.client", "GET https://api.example.com/v2/users/12345/orders?page=3"),
            "GET https://api.example.com/v2/users/*/orders");
  EXPECT_EQ(SpanGroup("http", "GET /items/3fa85f64-5717-4562-b3fc-2c963f66afa6#top"),
            "GET /items/*");
  EXPECT_EQ(SpanGroup("http.client", "GET /blobs/deadbeef42"), "GET /blobs/*");
  // Words that only look like hex ("cafe", "added") are not ids.
  EXPECT_EQ(SpanGroup("http.client", "POST /cafe/added"), "POST /cafe/added");
}

TEST(SpanGroup, OtherOpsLoseOnlyIds) {
  EXPECT_EQ(SpanGroup("ai.run", "generate-summary"), "generate-summary");
  EXPECT_EQ(SpanGroup("queue.process", "job 8812 for tenant 77"), "job * for tenant *");
  EXPECT_EQ(SpanGroup("function", ""), "");
}

TEST(SpanGroup, LongNamesAreCutOnACharacterBoundary) {
  std::string name(300, 'a');
  name.replace(195, 2, "\xC3\xA9");  // é across the cut
  const std::string group = SpanGroup("ai.run", name);
  EXPECT_LE(group.size(), kMaxGroupName);
  EXPECT_TRUE(group.ends_with("..."));
  EXPECT_EQ(group.find("\xC3...", 0), std::string::npos);
}

}  // namespace
}  // namespace perfgate::explain
