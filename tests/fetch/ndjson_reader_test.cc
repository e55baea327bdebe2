#include "fetch/ndjson_reader.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace perfgate::fetch {
namespace {

TEST(ReadNdjson, ReadsPerfgateAndSentryFieldNames) {
  std::string text =
      R"({"transaction":"GET /a","duration_ms":12.5,"status":"ok","timestamp":"2026-11-20T10:00:00Z"})"
      "\n"
      R"({"transaction":"GET /a","transaction.duration":30,"transaction.status":"internal_error"})"
      "\n\n"
      R"({"transaction":"GET /b","span.duration":7,"span.status":"unknown","extra":{"nested":[1,{"status":"x"}]}})"
      "\r\n";
  Result<SampleSet> set = ReadNdjson(text, "in.ndjson", ReadOptions{});
  ASSERT_TRUE(set.ok()) << set.error().message;
  ASSERT_EQ(set->groups.size(), 2u);
  EXPECT_EQ(set->groups[0].durations_ms, (std::vector<double>{12.5, 30}));
  EXPECT_EQ(set->groups[0].failed, (std::vector<std::uint8_t>{0, 1}));
  EXPECT_EQ(set->groups[1].name, "GET /b");
  EXPECT_EQ(set->groups[1].failed, (std::vector<std::uint8_t>{0}));  // nested "status" ignored
}

TEST(ReadNdjson, DecodesEscapesInNamesAndKeys) {
  std::string text = R"({"transaction":"GET /caf\u00e9 \"x\"","dur\u0061tion_ms":1})";
  Result<SampleSet> set = ReadNdjson(text, "in.ndjson", ReadOptions{});
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->groups[0].name, "GET /caf\xC3\xA9 \"x\"");
}

TEST(ReadNdjson, MissingTransactionIsTheEmptyName) {
  Result<SampleSet> set = ReadNdjson(R"({"duration_ms":1})", "in.ndjson", ReadOptions{});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->groups[0].name, "");
}

std::string BigInput(std::size_t lines, std::size_t bad_line) {
  std::mt19937_64 engine(3);
  std::string text;
  for (std::size_t i = 1; i <= lines; ++i) {
    double duration = static_cast<double>(engine() % 1000000) / 100.0;
    if (i == bad_line) duration = -1;
    text += R"({"timestamp":"2026-11-20T10:00:00Z","transaction":"GET /api/)" +
            std::to_string(engine() % 50) + R"(","duration_ms":)" + std::to_string(duration) +
            R"(,"status":")" + (engine() % 100 == 0 ? "internal_error" : "ok") +
            R"(","release":"shop@1.4.0"})" + "\n";
  }
  return text;
}

TEST(ReadNdjson, ResultDoesNotDependOnThreadCount) {
  std::string text = BigInput(120000, 0);  // about 15 MB: several chunks
  Result<SampleSet> one = ReadNdjson(text, "big.ndjson", ReadOptions{BadRowPolicy::kFail, 1});
  Result<SampleSet> four = ReadNdjson(text, "big.ndjson", ReadOptions{BadRowPolicy::kFail, 4});
  ASSERT_TRUE(one.ok() && four.ok());
  ASSERT_EQ(one->groups.size(), four->groups.size());
  for (std::size_t g = 0; g < one->groups.size(); ++g) {
    EXPECT_EQ(one->groups[g].name, four->groups[g].name);
    EXPECT_EQ(one->groups[g].durations_ms, four->groups[g].durations_ms);
    EXPECT_EQ(one->groups[g].failed, four->groups[g].failed);
  }
  EXPECT_EQ(one->TotalEvents(), 120000u);
}

TEST(ReadNdjson, LineNumbersAreRightInLaterChunks) {
  std::string text = BigInput(120000, 100001);
  for (unsigned threads : {1u, 2u, 4u}) {
    Result<SampleSet> read = ReadNdjson(text, "big.ndjson", ReadOptions{BadRowPolicy::kFail, threads});
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().message.substr(0, 46), "big.ndjson:100001: duration_ms is negative: -1")
        << threads << " threads";
  }
}

}  // namespace
}  // namespace perfgate::fetch
