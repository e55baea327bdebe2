#include "fetch/sentry/sentry_modes.h"

#include <gtest/gtest.h>

#include "fetch/sentry/sentry_zoom.h"

namespace perfgate::fetch {
namespace {

TEST(ParseAggregatePage, ReadsSentrysFieldKeys) {
  Result<std::vector<AggregateRow>> rows = ParseAggregatePage(
      R"json({"data":[{"transaction":"GET /a","count()":120,"failure_count()":3,"p50()":41.5,"p75()":60,)json"
      R"json("p95()":120.25,"p99()":300,"avg(transaction.duration)":55.5,"min(transaction.duration)":2,)json"
      R"json("max(transaction.duration)":950}],"meta":{}})json");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  const AggregateRow& row = rows->front();
  EXPECT_EQ(row.transaction, "GET /a");
  EXPECT_EQ(row.aggregates.count, 120u);
  EXPECT_EQ(row.aggregates.failures, 3u);
  EXPECT_EQ(row.aggregates.quantiles_ms.at(0.95), 120.25);
  EXPECT_EQ(row.aggregates.quantiles_ms.at(1.0), 950);
  EXPECT_EQ(row.aggregates.mean_ms, 55.5);
  Result<std::vector<AggregateRow>> bad =
      ParseAggregatePage(R"json({"data":[{"transaction":"GET /a"}]})json");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().message.starts_with("an aggregate row is not as expected: "))
      << bad.error().message;
}

TEST(ParseAggregatePage, ReadsEachMeasurementsAggregatesInMilliseconds) {
  const std::string durations =
      R"json("count()":3,"failure_count()":0,"p50()":41.5,"p75()":60,"p95()":120.25,"p99()":300,)json"
      R"json("avg(transaction.duration)":55.5,"min(transaction.duration)":2,)json"
      R"json("max(transaction.duration)":950)json";
  // LCP in seconds (meta.units says so), CLS unitless; TTFB carried by no event (nulls).
  const std::string body =
      R"json({"data":[{"transaction":"/home",)json" + durations +
      R"json(,"count_if(measurements.lcp,greaterOrEquals,0)":3,"p50(measurements.lcp)":1.5,)json"
      R"json("p75(measurements.lcp)":2,"p95(measurements.lcp)":2.5,"p99(measurements.lcp)":2.6,)json"
      R"json("avg(measurements.lcp)":1.8,"min(measurements.lcp)":1,"max(measurements.lcp)":2.7,)json"
      R"json("count_if(measurements.cls,greaterOrEquals,0)":2,"p50(measurements.cls)":0.05,)json"
      R"json("p75(measurements.cls)":0.1,"p95(measurements.cls)":0.2,"p99(measurements.cls)":0.2,)json"
      R"json("avg(measurements.cls)":0.1,"min(measurements.cls)":0,"max(measurements.cls)":0.2,)json"
      R"json("count_if(measurements.ttfb,greaterOrEquals,0)":0,"p50(measurements.ttfb)":null,)json"
      R"json("p75(measurements.ttfb)":null,"p95(measurements.ttfb)":null,"p99(measurements.ttfb)":null,)json"
      R"json("avg(measurements.ttfb)":null,"min(measurements.ttfb)":null,"max(measurements.ttfb)":null}],)json"
      R"json("meta":{"units":{"p50(measurements.lcp)":"second","p75(measurements.lcp)":"second",)json"
      R"json("p95(measurements.lcp)":"second","p99(measurements.lcp)":"second","avg(measurements.lcp)":"second",)json"
      R"json("min(measurements.lcp)":"second","max(measurements.lcp)":"second","p75(measurements.cls)":null}}})json";
  Result<std::vector<AggregateRow>> rows =
      ParseAggregatePage(body, {"measurements.lcp", "measurements.cls", "measurements.ttfb"});
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  const AggregateRow& row = rows->front();
  EXPECT_EQ(row.aggregates.count, 3u);
  EXPECT_EQ(row.values.at("measurements.lcp").count, 3u);
  EXPECT_EQ(row.values.at("measurements.lcp").quantiles_ms.at(0.75), 2000);
  EXPECT_EQ(row.values.at("measurements.lcp").mean_ms, 1800);
  EXPECT_EQ(row.values.at("measurements.cls").quantiles_ms.at(0.75), 0.1);
  EXPECT_EQ(row.values.at("measurements.ttfb").count, 0u);
  EXPECT_TRUE(row.values.at("measurements.ttfb").quantiles_ms.empty());
  // Percentiles out of order are Sentry's (or a proxy's) error, named with the value.
  std::string swapped = body;
  swapped.replace(swapped.find("\"p95(measurements.cls)\":0.2"), 27,
                  "\"p95(measurements.cls)\":0.01");
  Result<std::vector<AggregateRow>> bad =
      ParseAggregatePage(swapped, {"measurements.lcp", "measurements.cls"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("transaction \"/home\", measurements.cls: p95() 0.01 ms is "
                                     "below p75() 0.1 ms"),
            std::string::npos)
      << bad.error().message;
}

TEST(ParseValuePage, ReadsEachSpansValueAndSkipsThoseWithout) {
  Result<std::vector<std::pair<std::string, double>>> rows = ParseValuePage(
      R"json({"data":[{"transaction":"/a","measurements.inp":120},{"transaction":"/b","measurements.inp":null},)json"
      R"json({"transaction":"/a","measurements.inp":0.25}],"meta":{"units":{"measurements.inp":"second"}}})json",
      "measurements.inp");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0], (std::pair<std::string, double>("/a", 120000)));
  EXPECT_EQ((*rows)[1].second, 250);
  EXPECT_FALSE(
      ParseValuePage(R"json({"data":[{"measurements.inp":1}]})json", "measurements.inp").ok());
}

// Found by the sentry_answer fuzzer: a count() of 6.7e111 was cast to an integer (undefined
// behaviour); counts that are not counts of events, and histograms that count more events
// than can be rebuilt, are now refused.
TEST(ParseAggregatePage, RefusesCountsThatAreNotCountsOfEvents) {
  const std::string row =
      R"json("p50()":41.5,"p75()":60,"p95()":120.25,"p99()":300,"avg(transaction.duration)":55.5,)json"
      R"json("min(transaction.duration)":2,"max(transaction.duration)":950,"failure_count()":3})json";
  for (const char* count : {"6.7e111", "-1", "1e300"}) {
    Result<std::vector<AggregateRow>> rows =
        ParseAggregatePage(std::string(R"json({"data":[{"transaction":"a","count()":)json") +
                           count + "," + row + "]}");
    ASSERT_FALSE(rows.ok()) << count;
    EXPECT_EQ(rows.error().message,
              "an aggregate row is not as expected: count() is not a count of events");
  }
  EXPECT_TRUE(
      ParseAggregatePage(std::string(R"json({"data":[{"transaction":"a","count()":120.4,)json") +
                         row + "]}")
          .ok());  // extrapolated counts are rounded
  Result<DurationHistogram> huge = ParseHistogram(
      R"json({"transaction.duration":[{"bin":0,"count":6000000},{"bin":10,"count":6000000}]})json");
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().message,
            "a histogram is not as expected: more than 10000000 events in one histogram; use "
            "aggregate mode");
  EXPECT_FALSE(ParseHistogram(R"json({"transaction.duration":[{"bin":0,"count":1e30}]})json").ok());
}

TEST(ParseAggregatePage, RefusesAnswersNoSetOfEventsCouldGive) {
  auto row = [](const std::string& count, const std::string& failures, const std::string& p50,
                const std::string& p95, const std::string& mean) {
    return R"json({"data":[{"transaction":"GET /a","count()":)json" + count +
           R"json(,"failure_count()":)json" + failures + R"json(,"p50()":)json" + p50 +
           R"json(,"p75()":60,"p95()":)json" + p95 +
           R"json(,"p99()":300,"avg(transaction.duration)":)json" + mean +
           R"json(,"min(transaction.duration)":2,"max(transaction.duration)":950}]})json";
  };
  auto error = [](const std::string& body) {
    Result<std::vector<AggregateRow>> rows = ParseAggregatePage(body);
    EXPECT_FALSE(rows.ok()) << body;
    return rows.ok() ? std::string() : rows.error().message;
  };
  const std::string head = "an aggregate row is not as expected: transaction \"GET /a\": ";
  EXPECT_TRUE(ParseAggregatePage(row("120", "3", "41.5", "120", "55")).ok());
  EXPECT_EQ(error(row("120", "3", "41.5", "-120", "55")), head + "p95() is negative (-120 ms)");
  EXPECT_EQ(error(row("120", "3", "70", "120", "55")),
            head + "p75() 60 ms is below p50() 70 ms: percentiles out of order");
  EXPECT_EQ(error(row("120", "3", "41.5", "999", "55")),
            head + "p99() 300 ms is below p95() 999 ms: percentiles out of order");
  EXPECT_EQ(error(row("10", "12", "41.5", "120", "55")),
            head + "failure_count() 12 is more than count() 10");
  EXPECT_EQ(error(row("120", "3", "41.5", "120", "1000")), head + "avg() is outside [min, max]");
}

TEST(ParseHistogram, RebuildsEventsAtBinMidpointsWithExactFailures) {
  Result<DurationHistogram> histogram = ParseHistogram(
      R"json({"transaction.duration":[{"bin":0,"count":2},{"bin":50,"count":0},{"bin":100,"count":1}]})json");
  ASSERT_TRUE(histogram.ok()) << histogram.error().message;
  EXPECT_EQ(histogram->BinWidth(), 50);
  SampleSetBuilder builder;
  builder.AddBinned("GET /a", BinsOf(*histogram, histogram->BinWidth()), 1);
  SampleSet set = std::move(builder).Build("h");
  ASSERT_EQ(set.groups.size(), 1u);
  EXPECT_EQ(set.groups[0].durations_ms, (std::vector<double>{25, 25, 125}));
  EXPECT_EQ(set.groups[0].failed, (std::vector<std::uint8_t>{1, 0, 0}));
  ASSERT_EQ(set.groups[0].bins.size(), 2u);  // the empty bin left out
  EXPECT_EQ(set.groups[0].bins[1].lower, 100);
  EXPECT_EQ(set.groups[0].bins[1].upper, 150);
  EXPECT_FALSE(ParseHistogram("{\"other\": []}").ok());
  EXPECT_FALSE(  // bins out of order are not Sentry's
      ParseHistogram(
          R"json({"transaction.duration":[{"bin":50,"count":1},{"bin":0,"count":1}]})json")
          .ok());
}

}  // namespace
}  // namespace perfgate::fetch
