#include "reports/stats_report.h"

#include <gtest/gtest.h>

#include "fetch/files/sample_reader.h"
#include "tests/reports/report_fixture.h"

namespace perfgate::reports {
namespace {

gate::SourceSummary ExampleSummary() {
  RealFileSystem fs;
  Result<SampleSet> candidate =
      fetch::ReadSampleFile(fs, "examples/candidate.ndjson", std::nullopt, {});
  EXPECT_TRUE(candidate.ok());
  const std::vector<double> percentiles = {50, 75, 90, 95, 99, 99.9};
  return gate::SummarizeSource(*candidate, percentiles, stats::QuantileMethod::kLinear);
}

TEST(StatsReport, TableMatchesTheGoldenFile) {
  ExpectGolden(RenderStatsTable(ExampleSummary()), "example_stats.txt");
}

TEST(StatsReport, JsonMatchesTheGoldenFile) {
  ExpectGolden(RenderStatsJson(ExampleSummary()), "example_stats.json");
}

TEST(SummarizeSource, EveryGroupThenTheWholeSource) {
  SampleSetBuilder builder;
  for (double ms : {1.0, 2.0, 3.0, 4.0}) builder.Add("a", ms, ms == 2.0);
  builder.Add("b", 10, false);
  const std::vector<double> percentiles = {50, 99.9};
  gate::SourceSummary summary = gate::SummarizeSource(std::move(builder).Build("s.csv"),
                                                      percentiles, stats::QuantileMethod::kLinear);
  ASSERT_EQ(summary.groups.size(), 3u);
  EXPECT_EQ(summary.groups[2].name, "(all)");
  EXPECT_EQ(summary.groups[2].summary.count, 5u);
  EXPECT_DOUBLE_EQ(summary.groups[0].percentiles_ms[0].second, 2.5);    // numpy: median of 1..4
  EXPECT_DOUBLE_EQ(summary.groups[2].percentiles_ms[1].second, 9.976);  // 4 + 0.996 * (10 - 4)
}

}  // namespace
}  // namespace perfgate::reports
