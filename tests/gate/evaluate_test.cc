#include "gate/evaluate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string_view>

#include "gate/measure.h"
#include "gate/thresholds_parser.h"
#include "stats/random.h"

namespace perfgate::gate {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

const std::chrono::year_month_day kToday{year{2027}, month{1}, day{15}};

Thresholds Config(const std::string& yaml) {
  Result<Thresholds> parsed = ParseThresholds(yaml, "t.yaml");
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  return *parsed;
}

// `count` events of `name` with durations base, base + step, ..., and `failures` failed.
void AddEvents(SampleSetBuilder& builder, const std::string& name, int count, double base,
               double step, int failures = 0) {
  for (int i = 0; i < count; ++i) builder.Add(name, base + step * i, i < failures);
}

const RuleResult& OnlyRule(const EvaluationResult& result, std::string_view group) {
  for (const GroupResult& g : result.groups) {
    if (g.name == group) return g.rules.at(0);
  }
  ADD_FAILURE() << "no group " << group;
  return result.groups.at(0).rules.at(0);
}

// Durations known only to histogram bins (Sentry's histogram mode): the interval is never
// narrower than the bins it rests on, whatever the midpoints say. A p95 whose events all
// sit in one 200 ms bin is not "2100 ms, 95 % CI [2100, 2100]" but covers the whole bin.
TEST(Evaluate, IntervalsOfBinnedDurationsCoverTheirBins) {
  Thresholds config =
      Config("rules:\n  - metric: p95\n    max: 2150ms\n  - metric: p95\n    max_increase: 5%\n");
  SampleSetBuilder base, cand;
  base.AddBinned("GET /a", {{0, 1000, 900}, {2000, 2200, 1100}}, 0);
  cand.AddBinned("GET /a", {{0, 1000, 900}, {2000, 2200, 1100}}, 0);
  EvaluationResult result =
      Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
  const GroupResult& group = result.groups.at(0);
  const RuleResult& limit = group.rules.at(0);
  EXPECT_DOUBLE_EQ(*limit.candidate, 2100);
  ASSERT_TRUE(limit.candidate_ci.has_value());
  EXPECT_LE(limit.candidate_ci->lower, 2000);
  EXPECT_GE(limit.candidate_ci->upper, 2200);
  // Over the limit by the midpoint, within it by the bin: not a failure.
  EXPECT_NE(limit.verdict, Verdict::kFail);
  // Equal releases: no change proven either way, and the change's interval spans what the
  // bins leave open (2000 against 2200 ms: -9 % to +10 %).
  const RuleResult& change = group.rules.at(1);
  ASSERT_TRUE(change.change_ci.has_value());
  EXPECT_LE(change.change_ci->lower, 2000.0 / 2200 - 1 + 1e-9);
  EXPECT_GE(change.change_ci->upper, 2200.0 / 2000 - 1 - 1e-9);
  EXPECT_GT(*change.p_value, 0.05);
  EXPECT_NE(change.verdict, Verdict::kFail);
}

TEST(Evaluate, BinsOfPooledReleasesOverlapAndStillWidenTheInterval) {
  // Two releases binned on different grids, pooled (sentry:previous:2): the p95 rests on a
  // wide bin of one beside a narrow bin of the other.
  Thresholds config = Config("rules:\n  - metric: p95\n    max: 10s\n");
  SampleSetBuilder a, b, cand;
  a.AddBinned("GET /a", {{0, 1000, 900}, {2000, 2400, 100}}, 0);
  b.AddBinned("GET /a", {{0, 1000, 900}, {2190, 2200, 100}}, 0);
  cand.AddBinned("GET /a", {{0, 1000, 1000}}, 0);
  const SampleSet base = PoolEqually({std::move(a).Build("a"), std::move(b).Build("b")}, "pool");
  ASSERT_EQ(base.groups.at(0).bins.size(), 4u);
  EvaluationResult result = Evaluate(config, base, std::move(cand).Build("c"), kToday);
  const RuleResult& limit = result.groups.at(0).rules.at(0);
  ASSERT_TRUE(limit.baseline_ci.has_value());
  EXPECT_LE(limit.baseline_ci->lower, 2000);  // the wide bin's lower edge
  EXPECT_GE(limit.baseline_ci->upper, 2200);
}

TEST(Evaluate, TheTimelineShowsARegressionThatBeganMidRelease) {
  // A day of a candidate, an event a minute: 100 ms in the morning, 200 ms from noon.
  SampleSetBuilder base, cand;
  for (int minute = 0; minute < 24 * 60; ++minute) {
    base.Add("GET /a", 100 + minute % 7, false);
    base.NoteOrigin("1.0", 1.7e9 + 60.0 * minute);
    cand.Add("GET /a", (minute < 12 * 60 ? 100 : 200) + minute % 7, minute % 100 == 0);
    cand.NoteOrigin("1.1", 1.8e9 + 60.0 * minute);
  }
  const EvaluationResult result =
      Evaluate(Config("rules:\n  - metric: p95\n    max: 1s\n"), std::move(base).Build("b"),
               std::move(cand).Build("c"), kToday);
  const std::vector<TimeBucket>& timeline = result.groups.at(0).candidate->timeline;
  ASSERT_EQ(timeline.size(), kTimelineBuckets);
  EXPECT_EQ(timeline.front().start_s, 1.8e9);
  EXPECT_EQ(timeline.back().end_s, 1.8e9 + 60.0 * (24 * 60 - 1));
  std::size_t events = 0, failures = 0;
  for (std::size_t b = 0; b < timeline.size(); ++b) {
    events += timeline[b].count;
    failures += timeline[b].failures;
    EXPECT_NEAR(timeline[b].p50_ms, b < 12 ? 103 : 203, 1.5) << b;
    EXPECT_GT(timeline[b].p95_ms, timeline[b].p50_ms);
  }
  EXPECT_EQ(events, 24u * 60);
  EXPECT_EQ(failures, 15u);
  // Events without times have none.
  SampleSetBuilder untimed;
  untimed.Add("GET /a", 5, false);
  EXPECT_TRUE(
      Timeline(std::move(untimed).Build("u").groups[0], stats::QuantileMethod::kLinear).empty());
}

TEST(Evaluate, AbsoluteLimitComparesTheCandidatesPointEstimate) {
  Thresholds config = Config(
      "statistics: {min_samples: 10}\nrules:\n  - metric: p95\n    max: 1000ms\n"
      "    decide_on: point\n");
  SampleSetBuilder base, cand;
  AddEvents(base, "slow", 201, 0, 5);    // p95 = 950
  AddEvents(cand, "slow", 201, 0, 5.5);  // p95 = 1045
  AddEvents(base, "fast", 201, 0, 1);
  AddEvents(cand, "fast", 201, 0, 1);
  EvaluationResult result =
      Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
  const RuleResult& slow = OnlyRule(result, "slow");
  EXPECT_EQ(slow.verdict, Verdict::kFail);
  EXPECT_DOUBLE_EQ(*slow.candidate, 1045);
  EXPECT_DOUBLE_EQ(*slow.baseline, 950);
  EXPECT_NEAR(*slow.change, 0.1, 1e-12);
  EXPECT_TRUE(slow.change_is_relative);
  EXPECT_EQ(slow.rule.origin.ToString(), "t.yaml:3");
  EXPECT_EQ(OnlyRule(result, "fast").verdict, Verdict::kPass);
  EXPECT_EQ(result.outcome, Outcome::kRegression);
  EXPECT_EQ(ExitCodeFor(result.outcome), 1);
}

TEST(Evaluate, LimitIsInclusive) {
  Thresholds config =
      Config("statistics: {min_samples: 1}\nrules:\n  - metric: max\n    max: 100\n");
  SampleSetBuilder base, cand;
  cand.Add("a", 100, false);
  EvaluationResult result =
      Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
  EXPECT_EQ(OnlyRule(result, "a").verdict, Verdict::kPass);
}

TEST(Evaluate, RelativeLimitFailsOnlyBeyondTheTolerance) {
  Thresholds config = Config(
      "statistics: {min_samples: 10}\n"
      "rules:\n  - metric: mean\n    max_increase: 10%\n"
      "  - metric: mean\n    max_increase: 5ms\n    severity: warn\n");
  SampleSetBuilder base, cand;
  AddEvents(base, "a", 20, 100, 0);
  AddEvents(cand, "a", 20, 109, 0);  // +9 %, +9 ms
  EvaluationResult result =
      Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
  const GroupResult& group = result.groups[0];
  EXPECT_EQ(group.rules[0].verdict, Verdict::kPass);
  EXPECT_NEAR(*group.rules[0].change, 0.09, 1e-12);
  EXPECT_EQ(group.rules[1].verdict, Verdict::kWarn);
  EXPECT_FALSE(group.rules[1].change_is_relative);
  EXPECT_DOUBLE_EQ(*group.rules[1].change, 9);
  EXPECT_EQ(group.verdict, Verdict::kWarn);
  EXPECT_EQ(result.outcome, Outcome::kPass);  // warnings do not fail the gate
}

TEST(Evaluate, ErrorRateInPercentagePointsAndFromZero) {
  Thresholds config = Config(
      "statistics: {min_samples: 10}\n"
      "rules:\n  - metric: error_rate\n    max_increase: 1pp\n"
      "  - metric: error_rate\n    max_increase: 50%\n");
  SampleSetBuilder base, cand;
  AddEvents(base, "a", 2000, 1, 0, 0);
  AddEvents(cand, "a", 2000, 1, 0, 40);  // 0 % -> 2 %: Fisher's p is about 1e-12
  EvaluationResult result =
      Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
  const GroupResult& group = result.groups[0];
  EXPECT_EQ(group.rules[0].verdict, Verdict::kFail);
  EXPECT_DOUBLE_EQ(*group.rules[0].change, 0.02);
  EXPECT_LT(*group.rules[0].adjusted_p_value, 1e-6);
  EXPECT_GT(group.rules[0].change_ci->lower, 0.01);  // Newcombe: the rise is surely > 1 pp
  EXPECT_EQ(group.rules[1].verdict, Verdict::kFail);
  EXPECT_TRUE(std::isinf(*group.rules[1].change));  // from 0 any rise is unbounded
}

TEST(Evaluate, RelativeChangeOverToleranceByNoiseAlonePassesWithWhatTheTrafficCanTell) {
  Thresholds config = Config(
      "statistics: {min_samples: 10}\n"
      "rules:\n  - metric: error_rate\n    max_increase: 1pp\n");
  SampleSetBuilder base, cand;
  AddEvents(base, "a", 100, 1, 0, 0);
  AddEvents(cand, "a", 100, 1, 0, 2);  // 0 % -> 2 % on 100 events: Fisher's p = 0.249
  EvaluationResult result =
      Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
  const RuleResult& rule = result.groups[0].rules[0];
  // Not significant even alone: what noise does to 100 events, not a finding.
  EXPECT_EQ(rule.verdict, Verdict::kPass);
  // R: fisher.test(matrix(c(2, 0, 98, 100), 2), alternative = "greater"): 0.2487
  EXPECT_NEAR(*rule.p_value, 0.2487, 1e-4);
  ASSERT_TRUE(rule.minimum_detectable_effect.has_value());
  EXPECT_GT(*rule.minimum_detectable_effect, 0.02);  // 100 events cannot see 2 pp
  EXPECT_NEAR(*rule.minimum_detectable_effect, 0.035, 5e-5);
  EXPECT_EQ(rule.caveat, Caveat::kNotSignificant);
  EXPECT_EQ(result.outcome, Outcome::kPass);
}

TEST(Evaluate, RelativeChangeSignificantAloneButNotOverTheFamilyIsInconclusive) {
  Thresholds config = Config(
      "statistics: {min_samples: 10}\n"
      "rules:\n  - metric: error_rate\n    max_increase: 1pp\n");
  SampleSetBuilder base, cand;
  AddEvents(base, "a", 100, 1, 0, 0);
  AddEvents(cand, "a", 100, 1, 0, 6);  // 0 % -> 6 %: Fisher's p = 0.0145 alone
  for (int g = 0; g < 9; ++g) {        // nine unchanged transactions: a family of ten tests
    AddEvents(base, "q" + std::to_string(g), 100, 1, 0, 1);
    AddEvents(cand, "q" + std::to_string(g), 100, 1, 0, 1);
  }
  EvaluationResult result =
      Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
  const RuleResult& rule = OnlyRule(result, "a");
  // R: fisher.test(matrix(c(6, 0, 94, 100), 2), alternative = "greater"): 0.01447,
  // choose(100, 6) / choose(200, 6)
  EXPECT_NEAR(*rule.p_value, 0.014465, 1e-5);
  EXPECT_GT(*rule.adjusted_p_value, 0.05);  // Holm over ten
  EXPECT_EQ(rule.verdict, Verdict::kInconclusive);
  EXPECT_EQ(rule.caveat, Caveat::kNotSignificant);
  EXPECT_EQ(result.outcome, Outcome::kPass);  // policy.inconclusive: warn
}

TEST(Evaluate, TooFewEventsIsInsufficientDataNeverAPass) {
  Thresholds config = Config(
      "statistics: {min_samples: 50}\n"
      "rules:\n  - metric: p95\n    max: 1ms\n  - metric: p95\n    max_increase: 10%\n");
  SampleSetBuilder base, cand;
  AddEvents(base, "new", 0, 0, 0);
  AddEvents(cand, "new", 200, 0, 0.001);  // only in the candidate
  AddEvents(base, "rare", 10, 5, 0);
  AddEvents(cand, "rare", 10, 5, 0);
  EvaluationResult result =
      Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
  const GroupResult& fresh = result.groups[0];
  ASSERT_EQ(fresh.name, "new");
  EXPECT_EQ(fresh.rules[0].verdict, Verdict::kPass);              // absolute: candidate suffices
  EXPECT_EQ(fresh.rules[1].verdict, Verdict::kInsufficientData);  // relative: no baseline
  EXPECT_EQ(fresh.rules[1].caveat, Caveat::kBelowMinSamples);
  EXPECT_EQ(fresh.rules[1].shortfall, (Shortfall{false, 0, 50}));
  const GroupResult& rare = result.groups[1];
  EXPECT_EQ(rare.rules[0].verdict, Verdict::kInsufficientData);
  EXPECT_EQ(rare.rules[0].shortfall, (Shortfall{true, 10, 50}));
  EXPECT_DOUBLE_EQ(*rare.rules[0].candidate, 5);  // shown, not judged
  EXPECT_EQ(result.outcome, Outcome::kPass);      // policy warn
}

TEST(Evaluate, APercentileIsJudgedOnlyFromTheEventsItsIntervalNeeds) {
  // Ten events beyond the percentile (bench/coverage_bench.cc: a nominal 95 % interval covers
  // 87-92 % at p95 with 50 events, about 40 % at p99 with 50 and 83-87 % with 200; 93-97 %
  // from ten beyond on): p95 from 200 events, p99 from 1000, p50 from 20.
  Thresholds config = Config(
      "statistics: {min_samples: 5}\n"
      "rules:\n  - metric: p95\n    max: 10s\n  - metric: p99\n    max: 10s\n"
      "  - metric: p50\n    max: 10s\n  - metric: p99\n    max_increase: 10%\n");
  for (int n : {19, 20, 199, 200, 999, 1000}) {
    SampleSetBuilder base, cand;
    AddEvents(base, "a", n, 1, 0.1);
    AddEvents(cand, "a", n, 1, 0.1);
    EvaluationResult result =
        Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
    const std::vector<RuleResult>& rules = result.groups.at(0).rules;
    EXPECT_EQ(rules[0].verdict == Verdict::kInsufficientData, n < 200) << n;
    EXPECT_EQ(rules[1].verdict == Verdict::kInsufficientData, n < 1000) << n;
    EXPECT_EQ(rules[2].verdict == Verdict::kInsufficientData, n < 20) << n;
    EXPECT_EQ(rules[3].verdict == Verdict::kInsufficientData, n < 1000) << n;
    if (n == 199) {
      EXPECT_EQ(rules[0].caveat, Caveat::kThinTail);
      EXPECT_EQ(rules[0].shortfall, (Shortfall{true, 199, 200}));
      EXPECT_TRUE(rules[0].candidate.has_value());  // shown, not judged
    }
  }
}

TEST(Evaluate, UndecidedPolicyDecidesTheOutcome) {
  for (auto [policy, outcome] :
       {std::pair{"warn", Outcome::kPass}, std::pair{"fail", Outcome::kRegression},
        std::pair{"error", Outcome::kUndecided}}) {
    Thresholds config = Config(std::string("policy: {insufficient_data: ") + policy +
                               "}\nrules:\n  - metric: p50\n    max: 1s\n");
    SampleSetBuilder base, cand;
    AddEvents(cand, "a", 3, 1, 0);
    EvaluationResult result =
        Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
    EXPECT_EQ(result.outcome, outcome) << policy;
  }
  EXPECT_EQ(ExitCodeFor(Outcome::kUndecided), 3);
}

TEST(Evaluate, GroupOverridesReplaceRulesOrSkipFirstMatchWins) {
  Thresholds config = Config(
      "statistics: {min_samples: 5}\n"
      "rules:\n  - metric: p50\n    max: 1ms\n"
      "groups:\n"
      "  - match: \"GET /health*\"\n    rules:\n      - metric: p50\n        max: 100ms\n"
      "  - match: \"/internal/*\"\n    skip: true\n"
      "  - match: \"GET /health/deep\"\n    skip: true\n"
      "  - match: \"/nothing/*\"\n    skip: true\n");
  SampleSetBuilder base, cand;
  for (const char* name : {"GET /health/deep", "/internal/jobs", "GET /x"}) {
    AddEvents(base, name, 20, 50, 0);  // p50 is judged from 20 events
    AddEvents(cand, name, 20, 50, 0);
  }
  EvaluationResult result =
      Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
  ASSERT_EQ(result.groups.size(), 3u);
  EXPECT_TRUE(result.groups[0].skipped);                         // /internal/jobs
  EXPECT_EQ(result.groups[1].rules[0].verdict, Verdict::kPass);  // GET /health/deep: first entry
  EXPECT_EQ(result.groups[1].override_origin->ToString(), "t.yaml:6");
  EXPECT_EQ(result.groups[2].rules[0].verdict, Verdict::kFail);  // GET /x: global rule
  ASSERT_EQ(result.unmatched_patterns.size(), 1u);               // the shadowed third entry matched
  EXPECT_EQ(result.unmatched_patterns[0].match, "/nothing/*");
  EXPECT_EQ(result.unmatched_patterns[0].origin.ToString(), "t.yaml:14");
}

TEST(Evaluate, WaiversApplyUntilTheirDateInclusiveThenExpire) {
  const std::string yaml =
      "statistics: {min_samples: 5}\n"
      "rules:\n  - metric: p50\n    max: 1ms\n"
      "waivers:\n  - match: /api/*\n    metric: p50\n    until: 2027-01-15\n    reason: \"known, "
      "#12\"\n";
  SampleSetBuilder base, cand;
  AddEvents(cand, "/api/ask", 20, 50, 0);
  SampleSet b = std::move(base).Build("b");
  SampleSet c = std::move(cand).Build("c");

  EvaluationResult active = Evaluate(Config(yaml), b, c, kToday);
  EXPECT_EQ(active.groups[0].rules[0].verdict, Verdict::kWaived);
  const RuleResult& waived = active.groups[0].rules[0];
  ASSERT_TRUE(waived.waiver.has_value());
  EXPECT_FALSE(waived.waiver_expired);
  EXPECT_EQ(waived.waived_verdict, Verdict::kFail);
  EXPECT_EQ(waived.waiver->reason, "known, #12");
  EXPECT_TRUE(active.expired_waivers.empty());
  EXPECT_EQ(active.outcome, Outcome::kPass);

  EvaluationResult expired = Evaluate(Config(yaml), b, c, {year{2027}, month{1}, day{16}});
  EXPECT_EQ(expired.groups[0].rules[0].verdict, Verdict::kFail);
  EXPECT_TRUE(expired.groups[0].rules[0].waiver_expired);
  ASSERT_EQ(expired.expired_waivers.size(), 1u);
  EXPECT_EQ(expired.expired_waivers[0].origin.ToString(), "t.yaml:6");
  EXPECT_EQ(expired.outcome, Outcome::kRegression);
}

TEST(Evaluate, GroupByNoneJudgesTheWholeRelease) {
  Thresholds config = Config(
      "group_by: none\nstatistics: {min_samples: 5}\nrules:\n  - metric: error_rate\n    max: "
      "10%\n");
  SampleSetBuilder base, cand;
  AddEvents(cand, "a", 10, 1, 0, 1);
  AddEvents(cand, "b", 10, 1, 0, 2);
  EvaluationResult result =
      Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
  ASSERT_EQ(result.groups.size(), 1u);
  EXPECT_EQ(result.groups[0].name, "(all)");
  EXPECT_DOUBLE_EQ(*result.groups[0].rules[0].candidate, 0.15);
  // 3 failures in 20 events: over 10 %, but no proof that the true rate is.
  EXPECT_EQ(result.groups[0].rules[0].verdict, Verdict::kInconclusive);
}

TEST(Evaluate, VerdictDoesNotChangeWhenSamplesAreShuffled) {
  Thresholds config = DefaultThresholds();
  std::mt19937_64 engine(5);
  std::vector<std::pair<double, bool>> events;
  for (int i = 0; i < 3000; ++i)
    events.push_back({static_cast<double>(engine() % 9000), engine() % 50 == 0});
  auto build = [&](const std::vector<std::pair<double, bool>>& list) {
    SampleSetBuilder builder;
    for (auto [d, f] : list) builder.Add("t", d, f);
    return std::move(builder).Build("s");
  };
  SampleSet base = build(events);
  EvaluationResult first = Evaluate(config, base, build(events), kToday);
  std::shuffle(events.begin(), events.end(), engine);
  EvaluationResult shuffled = Evaluate(config, base, build(events), kToday);
  for (std::size_t i = 0; i < first.groups[0].rules.size(); ++i) {
    EXPECT_EQ(first.groups[0].rules[i].verdict, shuffled.groups[0].rules[i].verdict);
    EXPECT_EQ(*first.groups[0].rules[i].candidate, *shuffled.groups[0].rules[i].candidate);
  }
}

TEST(Evaluate, SameInputAsBaselineAndCandidatePassesTheDefaults) {
  SampleSetBuilder builder;
  AddEvents(builder, "a", 2000, 10, 1);
  SampleSet set = std::move(builder).Build("same");
  EvaluationResult result = Evaluate(DefaultThresholds(), set, set, kToday);
  EXPECT_EQ(result.outcome, Outcome::kPass);
  EXPECT_EQ(result.Count(Verdict::kPass), 4u);
}

}  // namespace
}  // namespace perfgate::gate

namespace perfgate::gate {
namespace {

// 400 events 1..400 ms: p95 = 380.05 ms, and its 95 % CI spans roughly 370 to 390 ms.
SampleSet Ramp(const std::string& source) {
  SampleSetBuilder builder;
  for (int i = 1; i <= 400; ++i) builder.Add("a", i, false);
  return std::move(builder).Build(source);
}

Verdict AbsoluteVerdict(const std::string& decide_on, const std::string& limit,
                        const std::string& policy = "warn") {
  Thresholds config =
      Config("policy: {inconclusive: " + policy + "}\nrules:\n  - metric: p95\n    max: " + limit +
             "\n    decide_on: " + decide_on + "\n");
  SampleSet set = Ramp("s");
  return Evaluate(config, set, set, kToday).groups[0].rules[0].verdict;
}

TEST(Evaluate, DecideOnChoosesWhatTheLimitIsComparedWith) {
  // Limit 383 ms: the point estimate (380.05) passes, the interval reaches over.
  EXPECT_EQ(AbsoluteVerdict("point", "383ms"), Verdict::kInconclusive);
  EXPECT_EQ(AbsoluteVerdict("upper", "383ms"), Verdict::kFail);
  EXPECT_EQ(AbsoluteVerdict("lower", "383ms"), Verdict::kPass);
  // Limit 378 ms: the point estimate fails, the interval reaches under.
  EXPECT_EQ(AbsoluteVerdict("point", "378ms"), Verdict::kFail);
  EXPECT_EQ(AbsoluteVerdict("upper", "378ms"), Verdict::kFail);
  EXPECT_EQ(AbsoluteVerdict("lower", "378ms"), Verdict::kInconclusive);
  // Far from the limit every way agrees.
  for (const char* how : {"point", "upper", "lower"}) {
    EXPECT_EQ(AbsoluteVerdict(how, "1s"), Verdict::kPass) << how;
    EXPECT_EQ(AbsoluteVerdict(how, "100ms"), Verdict::kFail) << how;
  }
}

TEST(Evaluate, InconclusivePolicyDecidesTheOutcome) {
  for (auto [policy, outcome] :
       {std::pair{"warn", Outcome::kPass}, std::pair{"fail", Outcome::kRegression},
        std::pair{"error", Outcome::kUndecided}}) {
    Thresholds config = Config(std::string("policy: {inconclusive: ") + policy +
                               "}\nrules:\n  - metric: p95\n    max: 383ms\n"
                               "    decide_on: point\n");
    SampleSet set = Ramp("s");
    EXPECT_EQ(Evaluate(config, set, set, kToday).outcome, outcome) << policy;
  }
}

TEST(Evaluate, IntervalsContainTheirEstimatesAndOnlyResamplesFollowTheSeed) {
  SampleSet set = Ramp("s");
  Thresholds one = Config(
      "statistics: {seed: 1}\nrules:\n  - metric: p95\n    max_increase: 10%\n  - metric: mean\n   "
      " max: 1s\n");
  Thresholds two = Config(
      "statistics: {seed: 2}\nrules:\n  - metric: p95\n    max_increase: 10%\n  - metric: mean\n   "
      " max: 1s\n");
  EvaluationResult a = Evaluate(one, set, set, kToday);
  EvaluationResult again = Evaluate(one, set, set, kToday);
  EvaluationResult b = Evaluate(two, set, set, kToday);
  for (const RuleResult& rule : a.groups[0].rules) {
    EXPECT_TRUE(rule.candidate_ci->Contains(*rule.candidate)) << rule.limit_text;
  }
  // A percentile's bootstrap is computed, not sampled: no seed changes it. The mean's
  // resamples follow the seed.
  EXPECT_EQ(a.groups[0].rules[0].change_ci->lower, b.groups[0].rules[0].change_ci->lower);
  EXPECT_EQ(a.groups[0].rules[1].candidate_ci->lower, again.groups[0].rules[1].candidate_ci->lower);
  EXPECT_NE(a.groups[0].rules[1].candidate_ci->lower, b.groups[0].rules[1].candidate_ci->lower);
  EXPECT_TRUE(a.groups[0].rules[0].change_ci->Contains(0));  // A/A: no change
  EXPECT_EQ(a.groups[0].rules[0].verdict, Verdict::kPass);
}

TEST(Evaluate, HolmCoversEveryRelativeTestOfTheRun) {
  // Three groups with the same modest shift: each test alone is significant, and the
  // adjusted p-values are the raw ones times 3, 2 and 1 (made monotone).
  const std::string yaml =
      "statistics: {min_samples: 10}\nrules:\n  - metric: error_rate\n    max_increase: 1pp\n";
  SampleSetBuilder base, cand;
  for (const char* name : {"a", "b", "c"}) {
    AddEvents(base, name, 1000, 1, 0, 10);
    AddEvents(cand, name, 1000, 1, 0, 40);
  }
  SampleSet b = std::move(base).Build("b"), c = std::move(cand).Build("c");
  EvaluationResult holm = Evaluate(Config(yaml), b, c, kToday);
  EXPECT_EQ(holm.relative_tests, 3u);
  const double raw = *holm.groups[0].rules[0].p_value;
  for (const GroupResult& group : holm.groups)
    EXPECT_NEAR(*group.rules[0].adjusted_p_value, 3 * raw, 1e-15);
  EvaluationResult none =
      Evaluate(Config("statistics: {min_samples: 10, correction: none}\nrules:\n"
                      "  - metric: error_rate\n    max_increase: 1pp\n"),
               b, c, kToday);
  EXPECT_EQ(*none.groups[0].rules[0].adjusted_p_value, raw);
}

TEST(Evaluate, AbsoluteRulesDoNotFlakeOnLowTrafficButCatchClearBreaches) {
  // The defaults decide absolute rules on the interval's lower end: a point estimate over
  // the limit fails only when the data prove the breach.
  Thresholds config = DefaultThresholds();
  EXPECT_EQ(config.rules[0].decide_on, DecideOn::kLower);  // p95 <= 8000 ms
  EXPECT_EQ(config.rules[3].decide_on, DecideOn::kPoint);  // p95 increase <= +10 %
  SampleSetBuilder base, cand;
  // Unchanged transactions that happened to see an error or two: 1 in 98, 2 in 206.
  AddEvents(base, "one in 98", 98, 100, 1, 0);
  AddEvents(cand, "one in 98", 98, 100, 1, 1);
  AddEvents(base, "two in 206", 206, 100, 1, 0);
  AddEvents(cand, "two in 206", 206, 100, 1, 2);
  // A clear breach: 40 failures in 1,000 events against 1 %.
  AddEvents(base, "broken", 1000, 100, 0.1, 2);
  AddEvents(cand, "broken", 1000, 100, 0.1, 40);
  // A p95 clearly over 8000 ms with 200 events.
  AddEvents(base, "slow", 200, 1000, 20);
  AddEvents(cand, "slow", 200, 1000, 60);  // p95 about 12,300 ms
  EvaluationResult result =
      Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
  auto verdict = [&](std::string_view group, std::string_view metric) {
    for (const GroupResult& g : result.groups) {
      for (const RuleResult& r : g.rules) {
        if (g.name == group && r.rule.metric.name == metric && r.rule.kind == LimitKind::kMax)
          return r.verdict;
      }
    }
    ADD_FAILURE() << group << " " << metric;
    return Verdict::kPass;
  };
  EXPECT_EQ(verdict("one in 98", "error_rate"), Verdict::kInconclusive);
  EXPECT_EQ(verdict("two in 206", "error_rate"), Verdict::kPass);  // 0.97 %: within
  EXPECT_EQ(verdict("broken", "error_rate"), Verdict::kFail);
  EXPECT_EQ(verdict("slow", "p95"), Verdict::kFail);
  EXPECT_EQ(result.Count(Verdict::kFail), 3u);  // and slow's p50 of about 7,000 ms
}

// A transaction of `n` log-normal durations scaled by `scale`.
void AddLogNormal(SampleSetBuilder& builder, const std::string& name, int n, double scale,
                  stats::Random& random) {
  for (int i = 0; i < n; ++i) builder.Add(name, scale * std::exp(6 + 0.6 * random.Normal()), false);
}

TEST(Evaluate, ALargeChangeStaysSignificantInAFamilyOfThousandsOfTests) {
  // A Monte Carlo p-value cannot go below 2 / (resamples + 1): Holm over 2,001 tests made
  // every relative rule of such a run inconclusive, however large its change.
  Thresholds config =
      Config("statistics: {resamples: 200}\nrules:\n  - metric: p95\n    max_increase: 10%\n");
  stats::Random random(11);
  SampleSetBuilder base, cand;
  for (int g = 0; g < 2000; ++g) {
    AddLogNormal(base, "quiet " + std::to_string(g), 200, 1, random);  // p95 judged from 200
    AddLogNormal(cand, "quiet " + std::to_string(g), 200, 1, random);
  }
  AddLogNormal(base, "busy", 2000, 1, random);
  AddLogNormal(cand, "busy", 2000, 1.35, random);
  EvaluationResult result =
      Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
  EXPECT_EQ(result.relative_tests, 2001u);
  const RuleResult& busy = OnlyRule(result, "busy");
  EXPECT_EQ(busy.verdict, Verdict::kFail) << NameOf(kCaveatNames, busy.caveat);
  EXPECT_LT(*busy.adjusted_p_value, 1e-6);
  EXPECT_EQ(result.Count(Verdict::kFail), 1u);
}

TEST(Evaluate, AChangeCalledDetectableIsDetectedWithThePowerClaimed) {
  // The minimum detectable effect a run reports for a transaction, applied as a true change
  // to it in many simulated runs (19 unchanged transactions beside it, Holm over all 20):
  // the rule must fail in at least 80 % of them.
  const std::string yaml =
      "statistics: {resamples: 200}\nrules:\n  - metric: p95\n    max_increase: 10%\n";
  auto draw = [](std::uint64_t seed, double shift) {
    stats::Random random(seed);
    SampleSetBuilder base, cand;
    for (int g = 0; g < 20; ++g) {
      AddLogNormal(base, "t" + std::to_string(g), 800, 1, random);
      AddLogNormal(cand, "t" + std::to_string(g), 800, g == 0 ? shift : 1, random);
    }
    return std::pair{std::move(base).Build("b"), std::move(cand).Build("c")};
  };
  auto [b, c] = draw(1, 1);
  const double mde =
      *OnlyRule(Evaluate(Config(yaml), b, c, kToday), "t0").minimum_detectable_effect;
  EXPECT_GT(mde, 0.1);
  EXPECT_LT(mde, 0.5);
  constexpr int kRuns = 100;
  int detected = 0, detected_at_half = 0;
  for (int run = 0; run < kRuns; ++run) {
    auto [base, cand] = draw(100 + static_cast<std::uint64_t>(run), 1 + mde);
    detected += OnlyRule(Evaluate(Config(yaml), base, cand, kToday), "t0").verdict == Verdict::kFail
                    ? 1
                    : 0;
    auto [base2, cand2] = draw(500 + static_cast<std::uint64_t>(run), 1 + 0.1 + mde / 4);
    detected_at_half +=
        OnlyRule(Evaluate(Config(yaml), base2, cand2, kToday), "t0").verdict == Verdict::kFail ? 1
                                                                                               : 0;
  }
  // 80 % claimed; 72 of 100 is 2 standard errors under it.
  EXPECT_GE(detected, 72) << "MDE " << mde;
  // And the claim is not vacuous: a change well short of it is mostly missed.
  EXPECT_LT(detected_at_half, detected);
}

namespace edges {

constexpr double kHuge = 1e308;
constexpr double kInf = std::numeric_limits<double>::infinity();

struct EdgeCase {
  const char* rule;  // the rule's YAML, without decide_on
  double baseline_ms;
  double candidate_ms;
  int candidate_failures;
  Verdict expected;
};

std::string Describe(const EdgeCase& c, const char* decide_on) {
  return std::string(c.rule) + " decide_on " + decide_on + ", baseline " +
         std::to_string(c.baseline_ms) + " ms, candidate " + std::to_string(c.candidate_ms) +
         " ms with " + std::to_string(c.candidate_failures) + " failures";
}

}  // namespace edges

// Zero, huge and infinite durations through every verdict path (absolute and relative,
// durations and error rates, under each decide_on): a NaN compares false with every limit,
// so a single one on a deciding path would turn a regression into a pass.
TEST(Evaluate, ZeroHugeAndInfiniteValuesNeverPassARegression) {
  using edges::kHuge;
  using edges::kInf;
  const std::vector<edges::EdgeCase> cases = {
      {"metric: p95, max: 1000ms", 0, 0, 0, Verdict::kPass},
      {"metric: p95, max: 1000ms", 0, kHuge, 0, Verdict::kFail},
      {"metric: p95, max: 1000ms", 0, kInf, 0, Verdict::kFail},
      {"metric: mean, max: 1000ms", 0, 0, 0, Verdict::kPass},
      {"metric: mean, max: 1000ms", kHuge, kHuge, 0,
       Verdict::kFail},  // the sum overflowed into NaN
      {"metric: mean, max: 1000ms", 0, kInf, 0, Verdict::kFail},
      {"metric: max, max: 1000ms", 0, kInf, 0, Verdict::kFail},
      {"metric: p95, max_increase: 10%", 0, 0, 0, Verdict::kPass},
      {"metric: p95, max_increase: 10%", 0, 5000, 0, Verdict::kFail},  // +inf %: was NaN, a pass
      {"metric: p95, max_increase: 10%", 1, kHuge, 0, Verdict::kFail},
      {"metric: p95, max_increase: 10%", kHuge, kHuge, 0, Verdict::kPass},
      {"metric: p95, max_increase: 10%", 0, kInf, 0, Verdict::kFail},
      {"metric: p95, max_increase: 10%", kInf, kInf, 0, Verdict::kFail},  // inf / inf has no change
      {"metric: mean, max_increase: 10%", 0, 5000, 0, Verdict::kFail},
      {"metric: mean, max_increase: 10%", kHuge, kHuge, 0, Verdict::kPass},
      {"metric: mean, max_increase: 10%", 1, kHuge, 0, Verdict::kFail},
      {"metric: p95, max_increase: 100ms", 0, kHuge, 0, Verdict::kFail},
      {"metric: p95, max_increase: 100ms", kHuge, kHuge, 0, Verdict::kPass},
      {"metric: error_rate, max: 1%", 0, 0, 0, Verdict::kPass},
      {"metric: error_rate, max: 1%", 0, 0, 50, Verdict::kFail},
      {"metric: error_rate, max_increase: 10%", 0, 0, 50,
       Verdict::kFail},  // from 0 failures: +inf %
      {"metric: error_rate, max_increase: 10%", 0, 0, 0, Verdict::kPass},
  };
  for (const char* decide_on : {"point", "upper", "lower"}) {
    for (const edges::EdgeCase& c : cases) {
      Thresholds config =
          Config(std::string("statistics: {min_samples: 10, resamples: 500}\nrules:\n  - {") +
                 c.rule + ", decide_on: " + decide_on + "}\n");
      SampleSetBuilder base, cand;
      AddEvents(base, "a", 1000, c.baseline_ms, 0);
      AddEvents(cand, "a", 1000, c.candidate_ms, 0, c.candidate_failures);
      EvaluationResult result =
          Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
      const RuleResult& rule = OnlyRule(result, "a");
      EXPECT_EQ(VerdictName(rule.verdict), VerdictName(c.expected))
          << edges::Describe(c, decide_on) << ": " << NameOf(kCaveatNames, rule.caveat);
      for (const std::optional<double>& number : {rule.candidate, rule.change}) {
        if (number && c.baseline_ms != kInf) {
          EXPECT_FALSE(std::isnan(*number)) << edges::Describe(c, decide_on);
        }
      }
      for (const std::optional<stats::Interval>& ci : {rule.candidate_ci, rule.change_ci}) {
        if (ci && c.baseline_ms != kInf) {
          EXPECT_FALSE(std::isnan(ci->lower) || std::isnan(ci->upper))
              << edges::Describe(c, decide_on);
        }
      }
    }
  }
}

TEST(Evaluate, ANumberThatCannotBeComputedFailsClosedAndSaysWhy) {
  Thresholds config =
      Config("statistics: {min_samples: 10}\nrules:\n  - metric: p95\n    max_increase: 10%\n");
  SampleSetBuilder base, cand;
  AddEvents(base, "a", 1000, edges::kInf, 0);
  AddEvents(cand, "a", 1000, edges::kInf, 0);
  EvaluationResult result =
      Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
  const RuleResult& rule = OnlyRule(result, "a");
  EXPECT_EQ(rule.verdict, Verdict::kFail);
  EXPECT_EQ(rule.caveat, Caveat::kNotANumber);
}

}  // namespace
}  // namespace perfgate::gate

namespace perfgate::gate {
namespace {

TEST(LooksUnparameterised, IdsUuidsAndHashesButNotRoutes) {
  for (const char* name : {"GET /users/1234", "GET /orders/123e4567-e89b-12d3-a456-426614174000",
                           "GET /blobs/3f2a9c0d1e4b5a6f7788", "GET /search?page=12"}) {
    EXPECT_TRUE(LooksUnparameterised(name)) << name;
  }
  for (const char* name :
       {"GET /users/{id}", "GET /api/users/[id]", "GET /health", "POST /api/v1/checkout",
        "GET /users/:id", "GET /items/7", "GET /feedface"}) {
    EXPECT_FALSE(LooksUnparameterised(name)) << name;
  }
}

TEST(Evaluate, NotesUnparameterisedNamesOnce) {
  Result<Thresholds> config = ParseThresholds(
      "statistics: {min_samples: 5}\nrules:\n  - {metric: p95, max: 1s}\n", "t.yaml");
  ASSERT_TRUE(config.ok());
  SampleSetBuilder base, cand;
  for (int id = 100; id < 130; ++id) cand.Add("GET /users/" + std::to_string(id), 10, false);
  AddEvents(cand, "GET /health", 10, 1, 0);
  EvaluationResult result =
      Evaluate(*config, std::move(base).Build("b"), std::move(cand).Build("c"), kToday);
  EXPECT_EQ(result.unparameterised_groups, 30u);
  EXPECT_EQ(result.unparameterised_example, "GET /users/100");
}

}  // namespace
}  // namespace perfgate::gate

namespace perfgate::gate {
namespace {

TEST(Evaluate, ABreachTheBaselineHadTooIsPreExistingAndMayOnlyWarn) {
  const std::string rules =
      "rules:\n  - {metric: p95, max: 1000ms}\n  - {metric: p50, max: 1000ms}\n";
  SampleSetBuilder base, cand;
  AddEvents(base, "a", 200, 2000, 0);  // p95 and p50 over 1000 ms already
  AddEvents(cand, "a", 200, 2100, 0);
  AddEvents(base, "b", 200, 100, 0);  // new breach
  AddEvents(cand, "b", 200, 2100, 0);
  const SampleSet baseline = std::move(base).Build("b");
  const SampleSet candidate = std::move(cand).Build("c");
  EvaluationResult fails =
      Evaluate(Config("statistics: {min_samples: 10, resamples: 300}\n" + rules), baseline,
               candidate, kToday);
  const RuleResult& old_breach = OnlyRule(fails, "a");
  EXPECT_EQ(old_breach.verdict, Verdict::kFail);
  EXPECT_TRUE(old_breach.pre_existing);
  EXPECT_EQ(old_breach.caveat, Caveat::kNone);
  EXPECT_FALSE(OnlyRule(fails, "b").pre_existing);
  EXPECT_EQ(fails.outcome, Outcome::kRegression);

  EvaluationResult warns = Evaluate(
      Config("statistics: {min_samples: 10, resamples: 300}\npolicy: {pre_existing: warn}\n" +
             rules),
      baseline, candidate, kToday);
  EXPECT_EQ(OnlyRule(warns, "a").verdict, Verdict::kWarn);
  EXPECT_TRUE(OnlyRule(warns, "a").pre_existing);
  EXPECT_EQ(OnlyRule(warns, "b").verdict, Verdict::kFail);  // the new breach still fails
}

}  // namespace
}  // namespace perfgate::gate
