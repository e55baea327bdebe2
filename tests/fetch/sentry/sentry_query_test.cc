#include "fetch/sentry/sentry_query.h"

#include <gtest/gtest.h>

#include "fetch/http/url.h"

namespace perfgate::fetch {
namespace {

SentrySelection Acme() {
  SentrySelection selection;
  selection.organization = "acme co";
  selection.projects = {"42", "shop"};
  selection.environment = "prod";
  return selection;
}

TEST(SentryQuery, SearchesAReleasesTransactionsWithTheProjectsAndEnvironment) {
  SentrySelection selection = Acme();
  EXPECT_EQ(SearchQuery(selection, "1.2"), "event.type:transaction release:\"1.2\"");
  selection.query = "transaction.op:http.server";
  selection.dataset = SentryDataset::kSpans;
  EXPECT_EQ(SearchQuery(selection, "1.2"),
            "is_transaction:true release:\"1.2\" transaction.op:http.server");
  EXPECT_EQ(ProjectParameters(selection), "&project=42&projectSlug=shop&environment=prod");
  EXPECT_EQ(OrganizationPath(selection, "events"), "/api/0/organizations/acme%20co/events/");
  EXPECT_EQ(QuotedSearchValue(R"(GET /a "b" \c)"), R"("GET /a \"b\" \\c")");
  EXPECT_EQ(RangeParameters(Acme(), "1.2", "2026-11-20T10:00:00Z", "2026-11-21T10:00:00Z"),
            "&dataset=transactions&query=event.type%3Atransaction%20release%3A%221.2%22"
            "&start=2026-11-20T10%3A00%3A00Z&end=2026-11-21T10%3A00%3A00Z"
            "&project=42&projectSlug=shop&environment=prod");
  EXPECT_TRUE(RawEventsQuery(Acme(), "1.2", "a", "b")
                  .starts_with("field=id&field=transaction&field=transaction.duration&"));
  // The measurements and user the rules judge come after the ops breakdown.
  SentrySelection vitals = Acme();
  vitals.fields = {"measurements.lcp", "user"};
  EXPECT_NE(RawEventsQuery(vitals, "1.2", "a", "b")
                .find("&field=spans.total.time&field=measurements.lcp&field=user&per_page="),
            std::string::npos);
  // Aggregate mode asks for each measurement's count, percentiles, mean, min and max.
  EXPECT_NE(AggregatesQuery(vitals, "1.2", "a", "b")
                .find("&field=max%28transaction.duration%29"
                      "&field=count_if%28measurements.lcp%2CgreaterOrEquals%2C0%29"
                      "&field=p50%28measurements.lcp%29"),
            std::string::npos);
  EXPECT_EQ(AggregatesQuery(vitals, "1.2", "a", "b").find("user"), std::string::npos);
  // INP where browser SDKs put it: interaction spans of the spans dataset.
  EXPECT_EQ(InteractionsQuery(Acme(), "1.2", "a", "b", false),
            "field=transaction&field=measurements.inp&per_page=100&sort=-timestamp&dataset=spans"
            "&query=span.op%3A%5Bui.interaction.click%2Cui.interaction.hover%2Cui.interaction."
            "drag%2Cui.interaction.press%5D%20has%3Ameasurements.inp%20release%3A%221.2%22"
            "&start=a&end=b&project=42&projectSlug=shop&environment=prod");
  EXPECT_NE(InteractionsQuery(Acme(), "1.2", "a", "b", true)
                .find("&field=p75%28measurements.inp%29&field=p95%28measurements.inp%29&"),
            std::string::npos);
  EXPECT_NE(HistogramQuery(Acme(), "1.2", "GET \"x\"", "a", "b")
                .find(UrlEncode(" transaction:\"GET \\\"x\\\"\"")),
            std::string::npos);
}

TEST(SplitRange, CutsTheRangeIntoWholeSecondsAFewPagesEach) {
  const std::string start = "2026-11-20T10:00:00Z", end = "2026-11-20T10:00:30Z";
  // 2,000 events: 5 windows of 400 (four pages each), not 15.
  std::vector<TimeWindow> windows = SplitRange(start, end, 2000, 50000, 15);
  ASSERT_EQ(windows.size(), 5u);
  EXPECT_EQ(windows[0].start, start);
  EXPECT_EQ(windows[0].end, "2026-11-20T10:00:06Z");
  EXPECT_EQ(windows[1].start, "2026-11-20T10:00:06Z");
  EXPECT_EQ(windows[4].end, end);
  // Few events, an unreadable range or one of no length: one window.
  EXPECT_EQ(SplitRange(start, end, 300, 50000, 15).size(), 1u);
  EXPECT_EQ(SplitRange("yesterday", end, 1000000, 1000000, 15).size(), 1u);
  EXPECT_EQ(SplitRange(end, end, 1000000, 1000000, 15).size(), 1u);
  // No more windows than seconds, nor than the concurrency allows.
  EXPECT_EQ(SplitRange(start, "2026-11-20T10:00:03Z", 1000000, 1000000, 15).size(), 3u);
  EXPECT_EQ(SplitRange(start, end, 1000000, 1000000, 4).size(), 4u);
}

TEST(ChooseWindows, OverTheCapTakesEachWindowsShareOfAStratifiedSample) {
  const std::vector<TimeWindow> windows = {{"a", "b", 0, 0}, {"b", "c", 0, 0}, {"c", "d", 0, 0}};
  WindowPlan all = ChooseWindows(windows, {100, 200, 300}, 600, 1000);
  EXPECT_FALSE(all.capped);
  EXPECT_EQ(all.expected, 600u);
  ASSERT_EQ(all.windows.size(), 3u);
  EXPECT_EQ(all.windows[1].expected, 200u);
  EXPECT_EQ(all.windows[1].cap, 0u);
  // 400 of 600: two thirds of each window, the shares adding up to 400 exactly.
  WindowPlan capped = ChooseWindows(windows, {100, 200, 300}, 600, 400);
  EXPECT_TRUE(capped.capped);
  EXPECT_EQ(capped.expected, 400u);
  EXPECT_EQ(capped.total, 600u);
  EXPECT_EQ(capped.strata, 3u);
  ASSERT_EQ(capped.windows.size(), 3u);
  EXPECT_EQ(capped.windows[0].cap, 67u);  // 66.7, the largest remainder rounds up
  EXPECT_EQ(capped.windows[1].cap, 133u);
  EXPECT_EQ(capped.windows[2].cap, 200u);
  // A window with no events gets no share and is not fetched.
  WindowPlan gap = ChooseWindows(windows, {0, 300, 300}, 600, 300);
  ASSERT_EQ(gap.windows.size(), 2u);
  EXPECT_EQ(gap.windows[0].start, "b");
  EXPECT_EQ(gap.windows[0].cap + gap.windows[1].cap, 300u);
  WindowPlan one = ChooseWindows({{"a", "d", 0, 0}}, {600}, 600, 400);
  EXPECT_TRUE(one.capped);
  EXPECT_EQ(one.windows[0].cap, 400u);
  EXPECT_EQ(one.expected, 400u);
}

TEST(SplitRange, OverTheCapCutsTheRangeIntoStrata) {
  const std::string start = "2026-11-20T00:00:00Z", end = "2026-11-21T00:00:00Z";
  EXPECT_EQ(SplitRange(start, end, 1000000, 50000, 15).size(), kSampleStrata);
  EXPECT_EQ(SplitRange(start, end, 1000000, 1000, 15).size(), 10u);  // a page each at least
}

}  // namespace
}  // namespace perfgate::fetch
