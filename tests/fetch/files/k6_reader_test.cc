// k6's results as k6's documentation shows them (written here, not copied): --out json lines
// and both summary shapes, read into events and aggregates.
#include "fetch/files/k6_reader.h"

#include <gtest/gtest.h>

#include <string>

#include "fetch/files/sample_reader.h"

namespace perfgate::fetch {
namespace {

std::string Point(const std::string& metric, double value, const std::string& tags) {
  return R"({"type":"Point","data":{"time":"2017-05-09T14:34:45.625742514+02:00","value":)" +
         std::to_string(value) + R"(,"tags":)" + tags + R"(},"metric":")" + metric + "\"}\n";
}

TEST(ReadK6, RequestsAreEventsGroupedByNameFailedAsK6Says) {
  const std::string text =
      R"({"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time",)"
      R"("thresholds":["p(95)<500"],"submetrics":null},"metric":"http_req_duration"})"
      "\n" +
      Point("http_reqs", 1, R"({"url":"https://a.test/x"})") +
      Point("http_req_duration", 120.5,
            R"({"expected_response":"true","method":"GET","name":"https://a.test/x",)"
            R"("status":"200","url":"https://a.test/x"})") +
      Point("http_req_duration", 80,
            R"({"expected_response":"false","name":"https://a.test/x","status":"200"})") +
      // No expected_response (setResponseCallback(null)): the status decides, 400 and over
      // or 0 (no response) failing; no name: the URL is the group.
      Point("http_req_duration", 30, R"({"status":"404","url":"https://a.test/y"})") +
      Point("http_req_duration", 31, R"({"status":"0","url":"https://a.test/y"})") +
      Point("http_req_duration", 32, R"({"status":"302","url":"https://a.test/y"})") +
      Point("http_req_duration", 33, "null") +
      Point("http_req_waiting", 100, R"({"name":"https://a.test/x"})") + "\n";
  Result<SampleSet> set = ReadK6(text, "run.json", ReadOptions{});
  ASSERT_TRUE(set.ok()) << set.error().message;
  ASSERT_EQ(set->groups.size(), 3u);
  EXPECT_EQ(set->groups[0].name, "(no name)");
  const GroupSamples* x = set->Find("https://a.test/x");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->durations_ms, (std::vector<double>{120.5, 80}));
  EXPECT_EQ(x->failed, (std::vector<std::uint8_t>{0, 1}));
  const GroupSamples* y = set->Find("https://a.test/y");
  ASSERT_NE(y, nullptr);
  EXPECT_EQ(y->failed, (std::vector<std::uint8_t>{1, 1, 0}));
  // Times read to the millisecond, in UTC: 14:34:45.625 at +02:00.
  ASSERT_TRUE(set->origin.first_seconds.has_value());
  EXPECT_DOUBLE_EQ(*set->origin.first_seconds, 1494333285.625);
}

TEST(ReadK6, CustomTrendsAreValuesOtherCustomMetricsAreSaidNotRead) {
  const std::string text =
      R"({"type":"Metric","data":{"name":"checkout_flow","type":"trend","contains":"time"},)"
      R"("metric":"checkout_flow"})"
      "\n"
      R"({"type":"Metric","data":{"name":"orders","type":"counter","contains":"default"},)"
      R"("metric":"orders"})"
      "\n" +
      Point("http_req_duration", 10, R"({"name":"/checkout"})") +
      Point("checkout_flow", 900, R"({"name":"/checkout"})") +
      Point("checkout_flow", 950, R"({"group":"::buy"})") +
      Point("checkout_flow", 990, R"({"scenario":"default"})") + Point("orders", 1, "{}");
  Result<SampleSet> set = ReadK6(text, "run.json", ReadOptions{});
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->Find("/checkout")->sample_values.at("k6.checkout_flow"),
            (std::vector<double>{900}));
  EXPECT_EQ(set->Find("::buy")->sample_values.at("k6.checkout_flow"), (std::vector<double>{950}));
  EXPECT_EQ(set->Find("(test)")->sample_values.at("k6.checkout_flow"), (std::vector<double>{990}));
  ASSERT_EQ(set->notes.size(), 1u);
  EXPECT_EQ(set->notes[0],
            "run.json: k6 metrics that are not Trends are not read (orders); Trends are, as "
            "k6.NAME");
}

TEST(ReadK6, TheBrowserModulesWebVitalsAreTheVitals) {
  const std::string text =
      R"({"type":"Metric","data":{"name":"browser_web_vital_lcp","type":"trend","contains":"time"},)"
      R"("metric":"browser_web_vital_lcp"})"
      "\n"
      R"({"type":"Metric","data":{"name":"browser_web_vital_cls","type":"trend","contains":"default"},)"
      R"("metric":"browser_web_vital_cls"})"
      "\n" +
      Point("browser_web_vital_lcp", 1800, R"({"url":"https://shop.test/","rating":"good"})") +
      Point("browser_web_vital_lcp", 4100, R"({"url":"https://shop.test/","rating":"poor"})") +
      Point("browser_web_vital_cls", 0.05, R"({"url":"https://shop.test/","rating":"good"})");
  Result<SampleSet> set = ReadK6(text, "browser.json", ReadOptions{});
  ASSERT_TRUE(set.ok()) << set.error().message;
  const GroupSamples* page = set->Find("https://shop.test/");
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(page->sample_values.at("measurements.lcp"), (std::vector<double>{1800, 4100}));
  EXPECT_EQ(page->sample_values.at("measurements.cls"), (std::vector<double>{0.05}));
  EXPECT_EQ(page->sample_values.at("k6.browser_web_vital_lcp").size(), 2u);
}

TEST(ReadK6, TheResultIsTheSameOnAnyNumberOfThreads) {
  std::string text;
  for (int i = 0; i < 20000; ++i) {
    text += Point("http_reqs", 1, "{}");
    text += Point("http_req_duration", i % 997, "{\"name\":\"n" + std::to_string(i % 7) + "\"}");
  }
  ReadOptions one, four;
  one.threads = 1;
  four.threads = 4;
  Result<SampleSet> a = ReadK6(text, "run.json", one);
  Result<SampleSet> b = ReadK6(text, "run.json", four);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->groups.size(), 7u);
  for (std::size_t g = 0; g < a->groups.size(); ++g) {
    EXPECT_EQ(a->groups[g].durations_ms, b->groups[g].durations_ms);
  }
}

TEST(ReadK6Summary, TheLegacyExportAndHandleSummaryBothRead) {
  // --summary-export: each metric's stats flat, thresholds true when FAILED.
  const std::string legacy = R"k6({"root_group":{},"metrics":{
    "http_req_duration":{"avg":210.5,"min":50,"med":180,"max":1500,"p(90)":350,"p(95)":480,
                         "thresholds":{"p(95)<500":false,"p(99)<900":true}},
    "http_reqs":{"count":1000,"rate":16.6},
    "http_req_failed":{"passes":7,"fails":993,"value":0.007},
    "http_req_duration{name:https://a.test/x}":{"avg":100,"med":90,"p(95)":200},
    "http_reqs{name:https://a.test/x}":{"count":400},
    "http_req_duration{name:https://a.test/y}":{"avg":100,"med":90,"p(95)":200}}})k6";
  // handleSummary(data) written as JSON: values nested, thresholds {"ok": ...}.
  const std::string handle = R"k6({"state":{"testRunDurationMs":60000},"metrics":{
    "http_req_duration":{"type":"trend","contains":"time","values":{"avg":210.5,"min":50,
      "med":180,"max":1500,"p(90)":350,"p(95)":480},"thresholds":{"p(95)<500":{"ok":true},
      "p(99)<900":{"ok":false}}},
    "http_reqs":{"type":"counter","values":{"count":1000,"rate":16.6}},
    "http_req_failed":{"type":"rate","values":{"rate":0.007,"passes":7,"fails":993}}}})k6";
  for (const std::string& text : {legacy, handle}) {
    ASSERT_TRUE(LooksLikeK6Summary(text));
    Result<SampleSet> set = ReadK6Summary(text, "summary.json", ReadOptions{});
    ASSERT_TRUE(set.ok()) << set.error().message;
    const GroupSamples* all = set->Find("(all requests)");
    ASSERT_NE(all, nullptr);
    ASSERT_TRUE(all->aggregates.has_value());
    EXPECT_EQ(all->aggregates->count, 1000u);
    EXPECT_EQ(all->aggregates->failures, 7u);  // a Rate's passes: the failed requests
    EXPECT_EQ(all->aggregates->quantiles_ms.at(0.5), 180);
    EXPECT_EQ(all->aggregates->quantiles_ms.at(0.95), 480);
    EXPECT_EQ(all->aggregates->quantiles_ms.at(0), 50);
    EXPECT_EQ(all->aggregates->quantiles_ms.at(1), 1500);
    EXPECT_EQ(*all->aggregates->mean_ms, 210.5);
    ASSERT_FALSE(set->notes.empty());
    EXPECT_EQ(set->notes.back(),
              "summary.json: k6's own threshold 'p(99)<900' on http_req_duration failed");
  }
  Result<SampleSet> named = ReadK6Summary(legacy, "summary.json", ReadOptions{});
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->Find("https://a.test/x")->aggregates->count, 400u);
  EXPECT_EQ(named->Find("https://a.test/y"), nullptr);  // no count beside it: said, not judged
  EXPECT_EQ(named->notes[0],
            "summary.json: http_req_duration{name:https://a.test/y} has no "
            "http_reqs{name:https://a.test/y} count beside it, so it is not judged");
}

TEST(ReadSampleFile, K6FilesAreToldFromSentryPagesByTheirContent) {
  EXPECT_TRUE(LooksLikeK6(Point("http_req_duration", 1, "{}")));
  EXPECT_FALSE(LooksLikeK6(R"({"data":[{"transaction":"a","transaction.duration":1}]})"));
  EXPECT_FALSE(LooksLikeK6Summary(R"({"data":[],"meta":{}})"));
}

}  // namespace
}  // namespace perfgate::fetch
