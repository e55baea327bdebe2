#include "fetch/files/csv_reader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace perfgate::fetch {
namespace {

TEST(ReadCsv, ReadsSentryDiscoverExportWithQuotesAndCrlf) {
  std::ifstream in(std::string(PERFGATE_SOURCE_DIR) + "/tests/data/discover_export.csv");
  std::stringstream text;
  text << in.rdbuf();
  Result<SampleSet> set = ReadCsv(text.str(), "export.csv", ReadOptions{});
  ASSERT_TRUE(set.ok()) << set.error().message;
  ASSERT_EQ(set->groups.size(), 3u);  // sorted by name
  EXPECT_EQ(set->groups[0].name, "GET /api/products");
  EXPECT_EQ(set->groups[0].durations_ms, (std::vector<double>{120.5, 99}));
  EXPECT_EQ(set->groups[0].failed, (std::vector<std::uint8_t>{0, 0}));  // "" status counts as ok
  EXPECT_EQ(set->groups[1].name, "GET /api/search \"quoted\"");
  EXPECT_EQ(set->groups[1].failed, (std::vector<std::uint8_t>{0}));  // cancelled is not a failure
  EXPECT_EQ(set->groups[2].name, "POST /api/checkout, v2");
  EXPECT_EQ(set->groups[2].failed, (std::vector<std::uint8_t>{1}));  // internal_error fails
}

TEST(ReadCsv, QuotedFieldsMaySpanLinesAndLineNumbersFollow) {
  std::string text = "transaction,duration_ms\n\"multi\nline\",5\nx,-1\n";
  Result<SampleSet> set = ReadCsv(text, "in.csv", ReadOptions{});
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().message, "in.csv:4: duration_ms is negative: -1");
}

TEST(ReadCsv, IgnoresAByteOrderMark) {
  Result<SampleSet> set = ReadCsv(
      "\xEF\xBB\xBF"
      "duration_ms\n5\n",
      "bom.csv", ReadOptions{});
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->TotalEvents(), 1u);
}

TEST(ReadCsv, FailurePrecedenceIsErrorThenStatusThenStatusCode) {
  std::string text =
      "duration_ms,error,status,status_code\n"
      "1,false,internal_error,500\n"  // explicit error flag wins: ok
      "2,,internal_error,200\n"       // status decides: failed
      "3,,,503\n"                     // only a code: >= 500 failed
      "4,,,404\n"                     // only a code: < 500 ok
      "5,true,ok,200\n";              // explicit error flag wins: failed
  Result<SampleSet> set = ReadCsv(text, "p.csv", ReadOptions{});
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->groups[0].failed, (std::vector<std::uint8_t>{0, 1, 1, 0, 1}));
}

}  // namespace
}  // namespace perfgate::fetch
