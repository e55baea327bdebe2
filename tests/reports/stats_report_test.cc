#include "reports/stats_report.h"

#include <gtest/gtest.h>

#include <algorithm>

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
  return gate::SummarizeSource(*candidate, percentiles, stats::QuantileMethod::kLinear,
                               gate::Thresholds{});
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
  gate::SourceSummary summary =
      gate::SummarizeSource(std::move(builder).Build("s.csv"), percentiles,
                            stats::QuantileMethod::kLinear, gate::Thresholds{});
  ASSERT_EQ(summary.groups.size(), 3u);
  EXPECT_EQ(summary.groups[2].name, "(all)");
  EXPECT_EQ(summary.groups[2].summary.count, 5u);
  EXPECT_DOUBLE_EQ(summary.groups[0].percentiles_ms[0].second, 2.5);    // numpy: median of 1..4
  EXPECT_DOUBLE_EQ(summary.groups[2].percentiles_ms[1].second, 9.976);  // 4 + 0.996 * (10 - 4)
  // The error rate's interval: Clopper-Pearson for 1 of 4, [0.0063, 0.8059].
  EXPECT_NEAR(summary.groups[0].error_rate_ci.lower, 0.0063, 1e-4);
  EXPECT_NEAR(summary.groups[0].error_rate_ci.upper, 0.8059, 1e-4);
  // 4 events: fewer than min_samples, so neither the mean nor a percentile has one.
  EXPECT_FALSE(summary.groups[0].mean_ci.has_value());
  EXPECT_FALSE(summary.groups[0].percentile_cis[0].has_value());
}

TEST(SummarizeSource, IntervalsAreTheGatesOwn) {
  // The stats of a group and a rule's candidate value and interval agree exactly.
  RealFileSystem fs;
  Result<SampleSet> candidate =
      fetch::ReadSampleFile(fs, "examples/candidate.ndjson", std::nullopt, {});
  ASSERT_TRUE(candidate.ok());
  const std::vector<double> percentiles = {95};
  const gate::SourceSummary summary = gate::SummarizeSource(
      *candidate, percentiles, stats::QuantileMethod::kLinear, gate::Thresholds{});
  const explain::ExplainedResult report = ExampleResult();
  for (const gate::GroupResult& group : report.result.groups) {
    for (const gate::RuleResult& rule : group.rules) {
      if (rule.limit_text != "p95 <= 8000 ms" || !rule.candidate_ci) continue;
      const auto row = std::find_if(summary.groups.begin(), summary.groups.end(),
                                    [&](const auto& g) { return g.name == group.name; });
      ASSERT_NE(row, summary.groups.end());
      EXPECT_EQ(row->percentiles_ms[0].second, *rule.candidate);
      ASSERT_TRUE(row->percentile_cis[0].has_value()) << group.name;
      EXPECT_EQ(row->percentile_cis[0]->lower, rule.candidate_ci->lower);
      EXPECT_EQ(row->percentile_cis[0]->upper, rule.candidate_ci->upper);
    }
  }
}

}  // namespace
}  // namespace perfgate::reports
