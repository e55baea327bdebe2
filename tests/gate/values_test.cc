// A metric is a statistic of a value: the grammar ("p75(measurements.lcp)"), the units a
// limit is written in, and judging a value only on the events that carry it.
#include <gtest/gtest.h>

#include <cmath>

#include "gate/evaluate.h"
#include "gate/metric.h"
#include "gate/thresholds_parser.h"

namespace perfgate::gate {
namespace {

constexpr std::chrono::year_month_day kToday{std::chrono::year{2026}, std::chrono::month{12},
                                             std::chrono::day{6}};

TEST(ParseMetric, AStatisticOfAValue) {
  Result<Metric> lcp = ParseMetric("p75(measurements.lcp)");
  ASSERT_TRUE(lcp.ok()) << lcp.error().message;
  EXPECT_EQ(lcp->kind, MetricKind::kQuantile);
  EXPECT_DOUBLE_EQ(lcp->q, 0.75);
  EXPECT_EQ(lcp->value, "measurements.lcp");
  EXPECT_EQ(lcp->unit, MetricUnit::kMilliseconds);
  EXPECT_EQ(lcp->name, "p75(measurements.lcp)");
  EXPECT_FALSE(lcp->OfDuration());

  Result<Metric> cls = ParseMetric("mean(measurements.cls)");
  ASSERT_TRUE(cls.ok());
  EXPECT_EQ(cls->kind, MetricKind::kMean);
  EXPECT_EQ(cls->unit, MetricUnit::kNumber);
  EXPECT_TRUE(cls->unit_known);

  Result<Metric> custom = ParseMetric("p95(measurements.tokens)");
  ASSERT_TRUE(custom.ok());
  EXPECT_EQ(custom->unit, MetricUnit::kNumber);
  EXPECT_FALSE(custom->unit_known);

  Result<Metric> duration = ParseMetric("p95(duration)");  // the same as "p95"
  ASSERT_TRUE(duration.ok());
  EXPECT_EQ(duration->name, "p95");
  EXPECT_TRUE(duration->OfDuration());
  EXPECT_EQ(*duration, *ParseMetric("p95"));
}

TEST(ParseMetric, AValueItCannotReadIsRefusedWithASuggestion) {
  EXPECT_EQ(ParseMetric("p75(lcp)").error().message,
            "unknown value 'lcp' in metric 'p75(lcp)': a metric is a statistic of duration or of "
            "a measurement (measurements.lcp, measurements.cls, ...); did you mean "
            "'measurements.lcp'?");
  EXPECT_EQ(ParseMetric("error_rate(measurements.lcp)").error().message,
            "unknown metric 'error_rate(measurements.lcp)': error_rate is of the whole event; "
            "write 'error_rate'");
  EXPECT_EQ(ParseMetric("p95x(measurements.lcp)").error().message,
            "unknown metric 'p95x'; did you mean 'p95'?");
}

Thresholds Config(const std::string& yaml) {
  Result<Thresholds> parsed = ParseThresholds(yaml, "t.yaml");
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? *parsed : Thresholds{};
}

TEST(ParseThresholds, AValuesLimitIsWrittenInItsUnit) {
  const Thresholds config = Config(
      "rules:\n"
      "  - {metric: p75(measurements.lcp), max: 2.5s}\n"
      "  - {metric: p75(measurements.cls), max: 0.1}\n"
      "  - {metric: mean(measurements.tokens), max: 2000}\n"
      "  - {metric: p95(measurements.render), max: 50ms}\n"
      "  - {metric: mean(measurements.tokens), max_increase: 10%}\n");
  EXPECT_DOUBLE_EQ(config.rules[0].limit, 2500);
  EXPECT_EQ(LimitText(config.rules[0]), "p75(measurements.lcp) <= 2500 ms");
  EXPECT_DOUBLE_EQ(config.rules[1].limit, 0.1);
  EXPECT_EQ(LimitText(config.rules[1]), "p75(measurements.cls) <= 0.1");
  EXPECT_EQ(LimitText(config.rules[2]), "mean(measurements.tokens) <= 2000");
  // A measurement perfgate does not know is a time when its limit is one.
  EXPECT_EQ(config.rules[3].metric.unit, MetricUnit::kMilliseconds);
  EXPECT_EQ(LimitText(config.rules[3]), "p95(measurements.render) <= 50 ms");
  EXPECT_EQ(LimitText(config.rules[4]), "mean(measurements.tokens) increase <= +10 %");

  for (const auto& [yaml, message] : {
           std::pair{"rules:\n  - {metric: p75(measurements.cls), max: 0.1s}\n",
                     "t.yaml:2:42: max has unit 's', but p75(measurements.cls) has none: write a "
                     "plain number ('0.1')"},
           std::pair{"rules:\n  - {metric: p75(measurements.cls), max_increase: 0.05pp}\n",
                     "t.yaml:2:51: max_increase has unit 'pp', but p75(measurements.cls) has "
                     "none: write a relative increase ('10%')"},
       }) {
    Result<Thresholds> parsed = ParseThresholds(yaml, "t.yaml");
    ASSERT_FALSE(parsed.ok()) << yaml;
    EXPECT_EQ(parsed.error().message, message);
  }
}

// `count` page loads of `name`, the i-th with LCP `lcp_ms + step * i` where `every` divides
// i (the others carry none), all with a CLS of `cls`.
void AddPageLoads(SampleSetBuilder& builder, const std::string& name, int count, double lcp_ms,
                  double step, int every, double cls) {
  for (int i = 0; i < count; ++i) {
    builder.Add(name, 1000, false);
    if (i % every == 0) builder.AttachValue("measurements.lcp", lcp_ms + step * i);
    builder.AttachValue("measurements.cls", cls);
  }
}

TEST(Evaluate, AValueIsJudgedOnTheEventsThatCarryIt) {
  const Thresholds config = Config(
      "statistics: {min_samples: 30, resamples: 500}\n"
      "rules:\n"
      "  - {metric: p75(measurements.lcp), max: 2.5s}\n"
      "  - {metric: p75(measurements.lcp), max_increase: 10%}\n"
      "  - {metric: p75(measurements.cls), max: 0.1}\n"
      "  - {metric: p75(measurements.inp), max: 200ms}\n");
  SampleSetBuilder base, cand;
  AddPageLoads(base, "/checkout", 400, 500, 5, 2, 0.05);  // 200 LCPs: p75 1992.5 ms
  AddPageLoads(cand, "/checkout", 400, 900, 5, 2, 0.05);  // p75 2392.5 ms: +20 %
  const EvaluationResult result =
      Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
  const std::vector<RuleResult>& rules = result.groups.at(0).rules;
  // n is per value: 200 of the 400 page loads carry an LCP.
  EXPECT_EQ(rules[0].candidate_n, 200u);
  EXPECT_DOUBLE_EQ(*rules[0].candidate, 2392.5);  // type 7 on 900, 910, ..., 2890
  EXPECT_EQ(rules[0].verdict, Verdict::kPass);
  EXPECT_NEAR(*rules[1].change, 2392.5 / 1992.5 - 1, 1e-12);
  EXPECT_EQ(rules[1].verdict, Verdict::kFail);
  EXPECT_LT(*rules[1].adjusted_p_value, 1e-4);
  EXPECT_EQ(rules[2].candidate_n, 400u);
  EXPECT_DOUBLE_EQ(*rules[2].candidate, 0.05);
  EXPECT_EQ(rules[2].verdict, Verdict::kPass);
  // No page load carries an INP: not judged, and said so per value.
  EXPECT_EQ(rules[3].verdict, Verdict::kInsufficientData);
  EXPECT_EQ(rules[3].caveat, Caveat::kBelowMinSamples);
  EXPECT_EQ(rules[3].shortfall, (Shortfall{true, 0, 30}));
}

TEST(SampleSetBuilder, ValuesStayWithTheirEventsThroughMergesAndRepeats) {
  SampleSetBuilder first, second;
  first.Add("a", 1, false);
  first.Add("a", 2, false);
  first.AttachValue("measurements.lcp", 20);
  second.Add("a", 3, false);
  second.AttachValue("measurements.cls", 0.3);
  second.Add("a", 4, false);
  first.Append(std::move(second));
  const SampleSet set = std::move(first).Build("x");
  const GroupSamples& group = set.groups.at(0);
  ASSERT_EQ(group.values.size(), 2u);
  const std::vector<double>& lcp = group.values.at("measurements.lcp").values;
  const std::vector<double>& cls = group.values.at("measurements.cls").values;
  ASSERT_EQ(lcp.size(), 4u);
  ASSERT_EQ(cls.size(), 4u);
  EXPECT_TRUE(std::isnan(lcp[0]));
  EXPECT_EQ(lcp[1], 20);
  EXPECT_TRUE(std::isnan(lcp[2]) && std::isnan(lcp[3]));
  EXPECT_TRUE(std::isnan(cls[0]) && std::isnan(cls[1]) && std::isnan(cls[3]));
  EXPECT_EQ(cls[2], 0.3);
  EXPECT_EQ(group.values.at("measurements.lcp").Present(), 1u);
  const GroupSamples merged = MergeGroups(set, "(all)");
  EXPECT_EQ(merged.values.at("measurements.cls").values.size(), 4u);
}

}  // namespace
}  // namespace perfgate::gate
