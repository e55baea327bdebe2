#include "fetch/files/sentry_page_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "fetch/files/row_fields.h"
#include "fetch/files/sample_reader.h"

namespace perfgate::fetch {
namespace {

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(PERFGATE_SOURCE_DIR) + "/tests/data/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ReadSentryPage, MatchesSentrysFailureRateFixture) {
  // getsentry/sentry test_failure_rate_alias_field: 1 ok, 1 unknown_error, 6
  // unauthenticated; Sentry's failure_rate() answers 0.75.
  Result<SampleSet> set =
      ReadSentryPage(ReadFixture("sentry_failure_rate_page.json"), "page.json", ReadOptions{});
  ASSERT_TRUE(set.ok()) << set.error().message;
  ASSERT_EQ(set->groups.size(), 1u);
  const GroupSamples& group = set->groups[0];
  EXPECT_EQ(group.name, "/failure_rate/1");
  EXPECT_EQ(group.size(), 8u);
  EXPECT_EQ(group.Failures(), 6u);
  EXPECT_EQ(static_cast<double>(group.Failures()) / static_cast<double>(group.size()), 0.75);
  EXPECT_EQ(group.durations_ms[0], 3000.0);
}

TEST(ReadSentryPage, ReadsMeasurementsInThePagesUnitsAndUsers) {
  // A page as Sentry answers field=measurements.lcp&field=measurements.cls&field=user: null
  // where an event has none, units in meta (here LCP in seconds, as a page may say).
  Result<SampleSet> set =
      ReadSentryPage(ReadFixture("sentry_vitals_page.json"), "vitals.json", ReadOptions{});
  ASSERT_TRUE(set.ok()) << set.error().message;
  const GroupSamples* checkout = set->Find("/checkout");
  ASSERT_NE(checkout, nullptr);
  const std::vector<double> lcp = checkout->values.at("measurements.lcp").values;
  EXPECT_EQ(lcp[0], 2412);
  EXPECT_TRUE(std::isnan(lcp[1]));
  EXPECT_EQ(checkout->values.at("measurements.cls").values[1], 0);
  const std::vector<double> users = checkout->values.at("user").values;
  EXPECT_NE(users[0], users[1]);
  EXPECT_EQ(set->Find("/")->values.at("measurements.lcp").values[0], 1205);
  EXPECT_EQ(set->Find("/")->values.count("user"), 0u);  // a null user is none
}

TEST(ReadSentryPage, AcceptsSpanFieldsAndABareArray) {
  std::string text = R"([{"transaction": "GET /a", "span.duration": 12.5, "span.status": "ok"},
                          {"transaction": "GET /a", "span.duration": 7, "span.status": "internal_error"}])";
  Result<SampleSet> set = ReadSentryPage(text, "spans.json", ReadOptions{});
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->groups[0].durations_ms, (std::vector<double>{12.5, 7}));
  EXPECT_EQ(set->groups[0].failed, (std::vector<std::uint8_t>{0, 1}));
}

TEST(ReadSentryPage, EmptyDataIsAnEmptySet) {
  Result<SampleSet> set = ReadSentryPage(R"({"data": [], "meta": {"tips": {}}})", "p.json", {});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->TotalEvents(), 0u);
}

TEST(ReadSentryPage, SkipsBadEventsWhenAskedAndNamesThem) {
  std::string text = R"({"data": [{"transaction": "a", "transaction.duration": -1},
                                   {"transaction": "a", "transaction.duration": 5}]})";
  Result<SampleSet> set = ReadSentryPage(text, "p.json", ReadOptions{BadRowPolicy::kSkip, 0, {}});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->TotalEvents(), 1u);
  EXPECT_EQ(set->skipped_rows, 1u);
  EXPECT_EQ(set->skipped_examples[0], "p.json: data[0]: transaction.duration is negative: -1");
}

}  // namespace
}  // namespace perfgate::fetch

namespace perfgate::fetch {
namespace {

// The ops breakdown scales with the durations: by the page's meta.units, else the flag; in
// NDJSON by the flag.
TEST(ReadSentryPage, ScalesDurationsAndOpsBreakdownByUnit) {
  const std::string page =
      R"({"data":[{"transaction":"a","transaction.duration":2,"spans.db":0.5}],)"
      R"("meta":{"units":{"transaction.duration":"second","spans.db":"second"}}})";
  ReadOptions options;
  Result<SampleSet> read = ReadSamples(page, "p.json", InputFormat::kSentryJson, options);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->groups[0].durations_ms[0], 2000);
  EXPECT_EQ(read->groups[0].trees[0].op_times[0].ms, 500);
  options.duration_unit = DurationUnit::kMicroseconds;
  Result<SampleSet> ndjson = ReadSamples(R"({"transaction":"a","duration_ms":2000,"spans.db":500})",
                                         "n.ndjson", InputFormat::kNdjson, options);
  ASSERT_TRUE(ndjson.ok()) << ndjson.error().message;
  EXPECT_EQ(ndjson->groups[0].durations_ms[0], 2);
  EXPECT_EQ(ndjson->groups[0].trees[0].op_times[0].ms, 0.5);
  // Huge values in a large unit stay finite.
  options.duration_unit = DurationUnit::kSeconds;
  Result<SampleSet> huge = ReadSamples(R"({"transaction":"a","duration_ms":1e307})", "h.ndjson",
                                       InputFormat::kNdjson, options);
  ASSERT_TRUE(huge.ok());
  EXPECT_TRUE(std::isfinite(huge->groups[0].durations_ms[0]));
  EXPECT_EQ(SentryUnitMs("minute"), 60000);
  EXPECT_EQ(SentryUnitMs("byte"), std::nullopt);
}

}  // namespace
}  // namespace perfgate::fetch
