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

  Result<Metric> tokens = ParseMetric("sum_per_request(gen_ai.usage.input_tokens)");
  ASSERT_TRUE(tokens.ok()) << tokens.error().message;
  EXPECT_EQ(tokens->kind, MetricKind::kMean);  // tokens per request, on average
  EXPECT_EQ(tokens->value, "sum_per_request(gen_ai.usage.input_tokens)");
  EXPECT_EQ(tokens->name, "sum_per_request(gen_ai.usage.input_tokens)");
  EXPECT_EQ(tokens->unit, MetricUnit::kNumber);
  EXPECT_TRUE(tokens->unit_known);
  Result<Metric> per_span = ParseMetric("p95(span.ai.total_tokens)");
  ASSERT_TRUE(per_span.ok());
  EXPECT_EQ(per_span->value, "span.ai.total_tokens");
  Result<Metric> tail = ParseMetric("p95(sum_per_request(gen_ai.usage.output_tokens))");
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(tail->name, "p95(sum_per_request(gen_ai.usage.output_tokens))");

  Result<Metric> duration = ParseMetric("p95(duration)");  // the same as "p95"
  ASSERT_TRUE(duration.ok());
  EXPECT_EQ(duration->name, "p95");
  EXPECT_TRUE(duration->OfDuration());
  EXPECT_EQ(*duration, *ParseMetric("p95"));
}

TEST(ParseMetric, AValueItCannotReadIsRefusedWithASuggestion) {
  EXPECT_EQ(ParseMetric("p75(lcp)").error().message,
            "unknown value 'lcp' in metric 'p75(lcp)': a metric is a statistic of duration, of a "
            "measurement (measurements.lcp, measurements.cls, ...), of a span attribute "
            "(span.gen_ai.usage.input_tokens), of its sum over a request's spans "
            "(sum_per_request(gen_ai.usage.input_tokens)) or of a k6 custom Trend (k6.NAME); did "
            "you mean 'measurements.lcp'?");
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

void ExpectConfigError(const std::string& yaml, const std::string& message) {
  Result<Thresholds> parsed = ParseThresholds(yaml, "t.yaml");
  ASSERT_FALSE(parsed.ok()) << yaml;
  EXPECT_EQ(parsed.error().message, message);
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
    ExpectConfigError(yaml, message);
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
  // No page load carries an INP: the rule applies to no group, and the run says so.
  ASSERT_EQ(rules.size(), 3u);
  ASSERT_EQ(result.unjudged_rules.size(), 1u);
  EXPECT_EQ(result.unjudged_rules[0].metric.name, "p75(measurements.inp)");
}

TEST(Evaluate, AValueTheCandidateLostIsTooFewEventsNotNothingToJudge) {
  const Thresholds config = Config(
      "statistics: {min_samples: 30}\nrules:\n  - {metric: p75(measurements.lcp), max: 2.5s}\n"
      "  - {metric: p75(measurements.lcp), max_increase: 10%}\n");
  SampleSetBuilder base, cand;
  AddPageLoads(base, "/", 100, 500, 5, 1, 0.05);
  for (int i = 0; i < 100; ++i) cand.Add("/", 1000, false);  // the SDK stopped sending LCP
  const EvaluationResult result =
      Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
  const std::vector<RuleResult>& rules = result.groups.at(0).rules;
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[1].verdict, Verdict::kInsufficientData);
  EXPECT_EQ(rules[1].shortfall, (Shortfall{true, 0, 30}));
  EXPECT_TRUE(result.unjudged_rules.empty());
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

namespace perfgate::gate {
namespace {

TEST(ParseThresholds, SignalsBetterHigherTakeFloors) {
  const Thresholds config = Config(
      "rules:\n"
      "  - {metric: apdex(500ms), min: 0.9}\n"
      "  - {metric: apdex, max_decrease: 5%}\n"
      "  - {metric: throughput, max_decrease: 20%}\n"
      "  - {metric: throughput, min: 10/min}\n"
      "  - {metric: performance_score, min: 0.8}\n"
      "  - {metric: user_misery(1s), max: 0.05}\n");
  EXPECT_EQ(LimitText(config.rules[0]), "apdex(500ms) >= 0.9");
  EXPECT_DOUBLE_EQ(config.rules[0].metric.threshold_ms, 500);
  EXPECT_EQ(LimitText(config.rules[1]), "apdex(300ms) change >= -5 %");  // Sentry's default T
  EXPECT_EQ(LimitText(config.rules[2]), "throughput change >= -20 %");
  EXPECT_EQ(LimitText(config.rules[3]), "throughput >= 10 /min");
  EXPECT_EQ(LimitText(config.rules[4]), "performance_score >= 0.8");
  EXPECT_EQ(LimitText(config.rules[5]), "user_misery(1000ms) <= 0.05");
  EXPECT_EQ(config.rules[0].decide_on, DecideOn::kLower);
  EXPECT_EQ(config.rules[1].decide_on, DecideOn::kPoint);

  for (const auto& [yaml, message] : {
           std::pair{"rules:\n  - {metric: apdex, max: 0.9}\n",
                     "t.yaml:2:26: apdex(300ms) is better higher: write 'min' (a floor) or "
                     "'max_decrease' (against the baseline), not 'max'"},
           std::pair{"rules:\n  - {metric: p95, min: 1s}\n",
                     "t.yaml:2:24: p95 is better lower: write 'max' or 'max_increase' (against "
                     "the baseline), not 'min'"},
           std::pair{"rules:\n  - {metric: throughput}\n",
                     "t.yaml:2:5: rule needs a limit: 'min' (absolute) or 'max_decrease' (vs "
                     "baseline)"},
           std::pair{"rules:\n  - {metric: apdex(0ms), min: 0.9}\n",
                     "t.yaml:2:14: unknown metric 'apdex(0ms)': apdex's threshold T must be a "
                     "positive duration (apdex(300ms)), not '0ms'"},
           std::pair{"rules:\n  - {metric: throughput, max_decrease: 20pp}\n",
                     "t.yaml:2:40: max_decrease has unit 'pp', but throughput has none: write a "
                     "relative decrease ('10%')"},
       }) {
    ExpectConfigError(yaml, message);
  }
}

// `count` events of `name` from `first_second` on, one a second, every `slow_every`-th
// taking 2000 ms (else 100 ms), the i-th served to user i % `users`.
void AddTraffic(SampleSetBuilder& builder, const std::string& name, int count, double first_second,
                int slow_every, int users) {
  for (int i = 0; i < count; ++i) {
    builder.Add(name, i % slow_every == 0 ? 2000 : 100, false);
    builder.AttachValue(kUserValue, i % users);
    builder.NoteOrigin("", first_second + i);
  }
}

TEST(Evaluate, AnApdexDropAThroughputDropAndMiseryFail) {
  const Thresholds config = Config(
      "statistics: {min_samples: 30, resamples: 500}\n"
      "rules:\n"
      "  - {metric: apdex(300ms), min: 0.9}\n"
      "  - {metric: apdex(300ms), max_decrease: 5%}\n"
      "  - {metric: throughput, max_decrease: 20%}\n"
      "  - {metric: user_misery(300ms), max: 0.08}\n");
  SampleSetBuilder base, cand;
  AddTraffic(base, "/a", 1200, 0, 20, 100);  // 5 % frustrated: apdex 0.95, 60 a minute
  AddTraffic(cand, "/a", 600, 0, 4, 100);    // 25 % frustrated: apdex 0.75, 30 a minute
  cand.NoteOrigin("", 1199);                 // the candidate's window: 20 minutes too
  const EvaluationResult result =
      Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
  const std::vector<RuleResult>& rules = result.groups.at(0).rules;
  EXPECT_DOUBLE_EQ(*rules[0].candidate, 0.75);
  EXPECT_DOUBLE_EQ(*rules[0].baseline, 0.95);
  EXPECT_EQ(rules[0].verdict, Verdict::kFail);
  ASSERT_TRUE(rules[0].candidate_ci.has_value());
  EXPECT_LT(rules[0].candidate_ci->upper, 0.9);
  EXPECT_NEAR(*rules[1].change, 0.75 / 0.95 - 1, 1e-12);
  EXPECT_EQ(rules[1].verdict, Verdict::kFail);
  EXPECT_LT(*rules[1].minimum_detectable_effect, 0);  // a decrease, shown as one
  // 1200 events in 1199 s against 600 in 1199 s: half the traffic.
  EXPECT_NEAR(*rules[2].baseline, 1200 / (1199 / 60.0), 1e-9);
  EXPECT_NEAR(*rules[2].change, -0.5, 1e-12);
  EXPECT_EQ(rules[2].verdict, Verdict::kFail);
  EXPECT_LT(*rules[2].p_value, 1e-20);
  // User u's events are the i = u mod 100: every 4th user had a slow one in the candidate
  // (25 of 100), every 20th in the baseline (5): (25 + 5.8875) / (100 + 117.75).
  EXPECT_NEAR(*rules[3].candidate, 30.8875 / 217.75, 1e-12);
  EXPECT_NEAR(*rules[3].baseline, 10.8875 / 217.75, 1e-12);
  EXPECT_EQ(rules[3].verdict, Verdict::kFail);
  EXPECT_FALSE(rules[3].pre_existing);
}

TEST(Evaluate, ThroughputWithoutTimesAndMiseryWithoutUsersSaySo) {
  const Thresholds config = Config(
      "statistics: {min_samples: 5}\n"
      "rules:\n"
      "  - {metric: throughput, min: 1}\n"
      "  - {metric: user_misery, max: 0.1}\n");
  SampleSetBuilder base, cand;
  for (int i = 0; i < 10; ++i) cand.Add("/a", 100, false);
  const EvaluationResult result =
      Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
  const std::vector<RuleResult>& rules = result.groups.at(0).rules;
  EXPECT_EQ(rules[0].verdict, Verdict::kInsufficientData);
  EXPECT_EQ(rules[0].caveat, Caveat::kNoTimeRange);
  EXPECT_EQ(rules[1].caveat, Caveat::kNoUsers);
  EXPECT_TRUE(rules[1].shortfall.candidate);
}

TEST(Evaluate, ThePerformanceScoreIsTheMeanOfEachPageLoadsScore) {
  const Thresholds config = Config(
      "statistics: {min_samples: 10, resamples: 300}\n"
      "rules:\n  - {metric: performance_score, min: 0.6}\n");
  SampleSetBuilder cand;
  for (int i = 0; i < 40; ++i) {
    cand.Add("/", 1000, false);
    cand.AttachValue("measurements.lcp", i % 2 == 0 ? 1200 : 2400);  // scores 0.9 and 0.5
    cand.AttachValue("measurements.cls", 0.25);                      // 0.5
  }
  const EvaluationResult result =
      Evaluate(config, SampleSetBuilder().Build("b"), std::move(cand).Build("c"), kToday);
  const RuleResult& rule = result.groups.at(0).rules.at(0);
  // Page loads scored (0.3 * 0.9 + 0.15 * 0.5) / 0.45 and (0.3 * 0.5 + 0.15 * 0.5) / 0.45.
  const double mean = ((0.27 + 0.075) / 0.45 + (0.15 + 0.075) / 0.45) / 2;
  EXPECT_NEAR(*rule.candidate, mean, 1e-6);
  EXPECT_EQ(rule.candidate_n, 40u);
  EXPECT_EQ(rule.verdict, Verdict::kPass);
}

}  // namespace
}  // namespace perfgate::gate

namespace perfgate::gate {
namespace {

TEST(ParseThresholds, TheWebVitalsPresetIsGooglesLimitsAtP75) {
  const Thresholds config = Config("preset: web-vitals\nrules:\n  - {metric: p95, max: 8s}\n");
  ASSERT_EQ(config.rules.size(), 11u);
  std::vector<std::string> texts;
  for (const Rule& rule : config.rules) {
    texts.push_back(LimitText(rule) + (rule.severity == Severity::kWarn ? " warn" : " fail") +
                    " " + rule.origin.ToString());
  }
  EXPECT_EQ(texts, (std::vector<std::string>{
                       "p95 <= 8000 ms fail t.yaml:3",
                       "p75(measurements.lcp) <= 2500 ms warn t.yaml:1",
                       "p75(measurements.lcp) <= 4000 ms fail t.yaml:1",
                       "p75(measurements.inp) <= 200 ms warn t.yaml:1",
                       "p75(measurements.inp) <= 500 ms fail t.yaml:1",
                       "p75(measurements.cls) <= 0.1 warn t.yaml:1",
                       "p75(measurements.cls) <= 0.25 fail t.yaml:1",
                       "p75(measurements.fcp) <= 1800 ms warn t.yaml:1",
                       "p75(measurements.fcp) <= 3000 ms fail t.yaml:1",
                       "p75(measurements.ttfb) <= 800 ms warn t.yaml:1",
                       "p75(measurements.ttfb) <= 1800 ms fail t.yaml:1",
                   }));
  EXPECT_EQ(Config("preset: [web-vitals]\n").rules.size(), 10u);  // a preset alone will do
  ExpectConfigError("preset: web-vital\n",
                    "t.yaml:1:9: unknown preset 'web-vital' (known: web-vitals); did you mean "
                    "'web-vitals'?");
}

}  // namespace
}  // namespace perfgate::gate
