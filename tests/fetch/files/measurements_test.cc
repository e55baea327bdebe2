// Measurements (Web Vitals and others) read from every file shape that carries them: a flat
// field or column "measurements.lcp", Sentry's event shape {"measurements": {"lcp":
// {"value", "unit"}}}, and back from perfgate's own saved releases.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "fetch/files/csv_reader.h"
#include "fetch/files/ndjson_reader.h"
#include "fetch/files/otlp_reader.h"
#include "fetch/sentry/release_cache.h"

namespace perfgate::fetch {
namespace {

// A copy: a reference into `set` from a call with temporary names reads as dangling to
// GCC 14's -Wdangling-reference.
std::vector<double> Column(const SampleSet& set, const std::string& group,
                           const std::string& value) {
  return set.Find(group)->values.at(value).values;
}

TEST(Measurements, AFlatFieldOnTheFastPathAndInSentrysEventShape) {
  const std::string text =
      R"({"transaction":"/a","duration_ms":900,"measurements.lcp":2400,"measurements.cls":0.05})"
      "\n"
      R"({"transaction":"/a","duration_ms":800,"measurements":{"lcp":{"value":2.5,"unit":"second"},)"
      R"("cls":{"value":0.1,"unit":""},"fcp":{"value":1200},"ttfb":300,"odd":[1,2],"note":"x"}})"
      "\n"
      R"({"transaction":"/a","duration_ms":700})"
      "\n";
  Result<SampleSet> set = ReadNdjson(text, "pages.ndjson", ReadOptions{});
  ASSERT_TRUE(set.ok()) << set.error().message;
  const std::vector<double> lcp = Column(*set, "/a", "measurements.lcp");
  ASSERT_EQ(lcp.size(), 3u);
  EXPECT_EQ(lcp[0], 2400);
  EXPECT_EQ(lcp[1], 2500);  // 2.5 s
  EXPECT_TRUE(std::isnan(lcp[2]));
  EXPECT_EQ(Column(*set, "/a", "measurements.cls")[1], 0.1);
  EXPECT_EQ(Column(*set, "/a", "measurements.fcp")[1], 1200);  // no unit: as given
  EXPECT_EQ(Column(*set, "/a", "measurements.ttfb")[1], 300);  // a bare number
  EXPECT_EQ(set->Find("/a")->values.count("measurements.odd"), 0u);
  EXPECT_EQ(set->Find("/a")->durations_ms, (std::vector<double>{900, 800, 700}));
}

TEST(Measurements, ACsvColumnEmptyWhereAPageHasNone) {
  Result<SampleSet> set = ReadCsv(
      "transaction,duration_ms,measurements.lcp\n/a,900,2400\n/a,800,\n", "p.csv", ReadOptions{});
  ASSERT_TRUE(set.ok()) << set.error().message;
  const std::vector<double> lcp = Column(*set, "/a", "measurements.lcp");
  EXPECT_EQ(lcp[0], 2400);
  EXPECT_TRUE(std::isnan(lcp[1]));
}

TEST(Measurements, ABadValueNamesTheFileLineAndField) {
  for (const auto& [text, message] : {
           std::pair{std::string("{\"transaction\":\"/a\",\"duration_ms\":9}\n"
                                 "{\"transaction\":\"/a\",\"duration_ms\":9,"
                                 "\"measurements.lcp\":\"slow\"}\n"),
                     "p.ndjson:2: measurements.lcp must be a number, not a string: \"slow\""},
           std::pair{std::string("{\"transaction\":\"/a\",\"duration_ms\":9,"
                                 "\"measurements.lcp\":1e999}\n"),
                     "p.ndjson:1: measurements.lcp is not a finite number: \"1e999\""},
       }) {
    Result<SampleSet> set = ReadNdjson(text, "p.ndjson", ReadOptions{});
    ASSERT_FALSE(set.ok()) << text;
    EXPECT_EQ(set.error().message, message);
  }
  Result<SampleSet> csv =
      ReadCsv("transaction,duration_ms,measurements.cls\n/a,9,abc\n", "p.csv", ReadOptions{});
  ASSERT_FALSE(csv.ok());
  EXPECT_EQ(csv.error().message, "p.csv:2: measurements.cls is not a number: \"abc\"");
}

TEST(Measurements, TheFirstUserFieldNamesTheUser) {
  const std::string text =
      R"({"transaction":"/a","duration_ms":1,"user.id":"42","user.email":"a@b"})"
      "\n"
      R"({"transaction":"/a","duration_ms":1,"user":"id:42"})"
      "\n"
      R"({"transaction":"/a","duration_ms":1,"user.id":42})"
      "\n"
      R"({"transaction":"/a","duration_ms":1,"user":{"id":"42"}})"
      "\n";
  Result<SampleSet> set = ReadNdjson(text, "u.ndjson", ReadOptions{});
  ASSERT_TRUE(set.ok()) << set.error().message;
  const std::vector<double> users = Column(*set, "/a", std::string(kUserValue));
  EXPECT_EQ(users[0], users[2]);            // "42" and 42: one user
  EXPECT_NE(users[0], users[1]);            // "id:42" is another id
  EXPECT_TRUE(std::isnan(users[3]));        // a user object is not read
  EXPECT_LT(users[0], 9007199254740992.0);  // 2^53: exact in a double
}

// One OTLP record: a server span and two AI children carrying tokens as OTLP/JSON writes
// them (intValue as a string or a number, doubleValue), and `extra` appended to the first
// child's attributes (a value the fast reader leaves to the full one, say).
std::string TokenRecord(const std::string& extra) {
  return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":)"
         R"({"stringValue":"svc"}}]},"scopeSpans":[{"spans":[)"
         R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",)"
         R"("name":"POST /ask","kind":2,"startTimeUnixNano":"1000000000",)"
         R"("endTimeUnixNano":"2000000000"},)"
         R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00f067aa0ba902b7",)"
         R"("parentSpanId":"b7ad6b7169203331","name":"chat","startTimeUnixNano":"1100000000",)"
         R"("endTimeUnixNano":"1500000000","attributes":[{"key":"gen_ai.usage.input_tokens",)"
         R"("value":{"intValue":"1200"}},{"key":"gen_ai.usage.output_tokens","value":)"
         R"({"intValue":300}})" +
         extra +
         R"(]},{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00f067aa0ba902b8",)"
         R"("parentSpanId":"b7ad6b7169203331","name":"embed","startTimeUnixNano":"1500000000",)"
         R"("endTimeUnixNano":"1600000000","attributes":[{"key":"gen_ai.usage.input_tokens",)"
         R"("value":{"doubleValue":80.5}}]}]}]}]})"
         "\n";
}

TEST(Measurements, TokensFromOtlpSpansPerRequestAndPerSpan) {
  // The second record's negative number leaves the fast reader for the full one: both
  // readers must agree.
  for (const std::string& extra :
       {std::string(), std::string(R"(,{"key":"x","value":{"doubleValue":-1}})")}) {
    Result<SampleSet> set = ReadOtlp(TokenRecord(extra), "t.otlp.jsonl", ReadOptions{});
    ASSERT_TRUE(set.ok()) << set.error().message;
    const GroupSamples& group = set->groups.at(0);
    EXPECT_EQ(group.values.at("sum_per_request(gen_ai.usage.input_tokens)").values,
              (std::vector<double>{1280.5}));
    EXPECT_EQ(group.values.at("sum_per_request(gen_ai.usage.output_tokens)").values,
              (std::vector<double>{300}));
    std::vector<double> spans = group.sample_values.at("span.gen_ai.usage.input_tokens");
    std::sort(spans.begin(), spans.end());
    EXPECT_EQ(spans, (std::vector<double>{80.5, 1200}));
  }
}

TEST(Measurements, AnySpanAttributeARuleNamesIsReadAsAValue) {
  // app.cache_misses on the first child: read only when asked for, by both readers.
  for (const std::string& negative :
       {std::string(), std::string(R"(,{"key":"x","value":{"doubleValue":-1}})")}) {
    const std::string record = TokenRecord(
        R"(,{"key":"app.cache_misses","value":{"intValue":"7"}},{"key":"app.note","value":)"
        R"({"stringValue":"not a number"}})" +
        negative);
    ReadOptions asked;
    asked.span_values = {"app.cache_misses", "app.note", "gen_ai.usage.input_tokens"};
    Result<SampleSet> set = ReadOtlp(record, "t.otlp.jsonl", asked);
    ASSERT_TRUE(set.ok()) << set.error().message;
    const GroupSamples& group = set->groups.at(0);
    EXPECT_EQ(group.values.at("sum_per_request(app.cache_misses)").values,
              (std::vector<double>{7}));
    EXPECT_EQ(group.sample_values.at("span.app.cache_misses"), (std::vector<double>{7}));
    EXPECT_FALSE(group.sample_values.contains("span.app.note"));  // not a number
    // A token count asked for again is read once.
    EXPECT_EQ(group.sample_values.at("span.gen_ai.usage.input_tokens").size(), 2u);
    Result<SampleSet> unasked = ReadOtlp(record, "t.otlp.jsonl", ReadOptions{});
    ASSERT_TRUE(unasked.ok());
    EXPECT_FALSE(unasked->groups.at(0).sample_values.contains("span.app.cache_misses"));
  }
}

TEST(Measurements, ASavedReleaseKeepsThem) {
  SampleSetBuilder builder;
  builder.Add("/a", 900, false);
  builder.AttachValue("measurements.lcp", 2400.5);
  builder.Add("/a", 800, true);
  const SampleSet saved = std::move(builder).Build("sentry:1.0");
  Result<SampleSet> read = ReadNdjson(SamplesToNdjson(saved), "saved.ndjson", ReadOptions{});
  ASSERT_TRUE(read.ok()) << read.error().message;
  const std::vector<double> lcp = Column(*read, "/a", "measurements.lcp");
  EXPECT_EQ(lcp[0], 2400.5);
  EXPECT_TRUE(std::isnan(lcp[1]));
}

}  // namespace
}  // namespace perfgate::fetch
