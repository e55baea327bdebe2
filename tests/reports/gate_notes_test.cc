// The gate's notes as every report words them, from hand-built results: each caveat, the
// pre-existing mark, waivers, and the run's notes in their order.
#include "reports/gate_notes.h"

#include <gtest/gtest.h>

namespace perfgate::reports {
namespace {

using gate::Caveat;
using gate::EvaluationResult;
using gate::RuleResult;

gate::Rule MakeRule(const std::string& metric, gate::LimitKind kind) {
  gate::Rule rule;
  rule.metric = *gate::ParseMetric(metric);
  rule.kind = kind;
  rule.origin = {"t.yaml", 4, 0};
  return rule;
}

RuleResult Absolute(const std::string& metric, Caveat caveat) {
  RuleResult rule;
  rule.rule = MakeRule(metric, gate::LimitKind::kMax);
  rule.caveat = caveat;
  return rule;
}

RuleResult Relative(const std::string& metric, Caveat caveat) {
  RuleResult rule = Absolute(metric, caveat);
  rule.rule.kind = gate::LimitKind::kMaxIncrease;
  return rule;
}

TEST(RuleNote, APlainVerdictHasNoNote) {
  EXPECT_EQ(RuleNote({}, Absolute("p95", Caveat::kNone)), "");
}

TEST(RuleNote, EachCaveatIsWorded) {
  const EvaluationResult result;
  EXPECT_EQ(RuleNote(result, Absolute("p95", Caveat::kNotANumber)),
            "its p95 could not be computed (not a number), so it cannot pass; please report "
            "this with the input");
  EXPECT_EQ(RuleNote(result, Relative("p95", Caveat::kNotANumber)),
            "its change could not be computed (not a number), so it cannot pass; please report "
            "this with the input");
  EXPECT_EQ(RuleNote(result, Absolute("p95", Caveat::kStraddlesLimit)),
            "over the limit, but its CI reaches under it");
  EXPECT_EQ(RuleNote(result, Absolute("p95", Caveat::kFailedInsideCi)),
            "its CI reaches below the limit");
  EXPECT_EQ(RuleNote(result, Absolute("p95", Caveat::kCiReachesOver)),
            "within the limit, but its CI reaches over it");
  EXPECT_EQ(RuleNote(result, Absolute("p99.9", Caveat::kNotAggregated)),
            "p99.9 is not among the aggregates the source gave (Sentry's aggregate mode: p50, "
            "p75, p95, p99, mean, min, max, error_rate; a k6 summary: its trend stats); judge "
            "it on events (Sentry's raw mode, k6's --out json)");
  EXPECT_EQ(RuleNote(result, Relative("p95", Caveat::kAggregateValues)),
            "judged on aggregates alone (Sentry's aggregate mode, a k6 summary), with no "
            "interval or test");
}

TEST(RuleNote, AnIntervalAcrossTheLimitSaysHowMuchMoreTrafficWouldTell) {
  RuleResult rule = Absolute("p95", Caveat::kStraddlesLimit);
  rule.rule.limit = 8000;
  rule.candidate = 8200;
  rule.candidate_ci = stats::Interval{7600, 8900};
  // Its interval reaches 600 ms under the value, the limit is 200 ms under: (600 / 200)^2.
  EXPECT_EQ(RuleNote({}, rule),
            "over the limit, but its CI reaches under it; telling it from the limit needs "
            "about 9x the traffic (or a longer window)");
  rule.caveat = Caveat::kCiReachesOver;
  rule.candidate = 7800;
  rule.candidate_ci = stats::Interval{7500, 8200};
  EXPECT_EQ(RuleNote({}, rule),
            "within the limit, but its CI reaches over it; telling it from the limit needs "
            "about 4x the traffic (or a longer window)");
}

TEST(RuleNote, FloorsAreWordedTheOtherWayRound) {
  RuleResult apdex = Absolute("apdex", Caveat::kStraddlesLimit);
  apdex.rule.kind = gate::LimitKind::kMin;
  EXPECT_EQ(RuleNote({}, apdex), "under the limit, but its CI reaches over it");
  apdex.caveat = Caveat::kFailedInsideCi;
  EXPECT_EQ(RuleNote({}, apdex), "its CI reaches above the limit");
  apdex.caveat = Caveat::kCiReachesOver;
  EXPECT_EQ(RuleNote({}, apdex), "within the limit, but its CI reaches under it");
  RuleResult drop = Absolute("throughput", Caveat::kNotSignificant);
  drop.rule.kind = gate::LimitKind::kMaxDecrease;
  drop.adjusted_p_value = 0.2;
  EXPECT_EQ(RuleNote({}, drop),
            "down more than the tolerance but not significant (p = 0.200 after Holm)");
  drop.caveat = Caveat::kStraddlesLimit;
  EXPECT_EQ(RuleNote({}, drop), "down more than the tolerance, but its CI reaches back within it");
}

TEST(RuleNote, WhatASignalNeedsAndTheEventsLack) {
  RuleResult throughput = Absolute("throughput", Caveat::kNoTimeRange);
  throughput.shortfall.candidate = false;
  EXPECT_EQ(RuleNote({}, throughput),
            "throughput needs each event's time: the baseline's events have none (a timestamp "
            "field or column), or all one");
  EXPECT_EQ(RuleNote({}, Absolute("user_misery", Caveat::kNoUsers)),
            "user_misery(300ms) needs users: no event of the candidate carries one (user, "
            "user.id, user.email or user.username)");
  RuleResult lcp = Absolute("p75(measurements.lcp)", Caveat::kBelowMinSamples);
  lcp.shortfall = {true, 3, 50};
  EXPECT_EQ(RuleNote({}, lcp),
            "candidate has 3 events with measurements.lcp, fewer than min_samples 50");
}

TEST(RuleNote, AShortSideIsNamedWithItsEventsAndWhatItNeeded) {
  RuleResult rule = Relative("p95", Caveat::kBelowMinSamples);
  rule.shortfall = {false, 0, 50};
  EXPECT_EQ(RuleNote({}, rule), "baseline has 0 events, fewer than min_samples 50");
  rule.shortfall = {true, 1, 50};
  EXPECT_EQ(RuleNote({}, rule), "candidate has 1 event, fewer than min_samples 50");
  RuleResult thin = Absolute("p95", Caveat::kThinTail);
  thin.shortfall = {true, 199, 200};
  EXPECT_EQ(RuleNote({}, thin),
            "candidate has 199 events; p95 is judged from 200, where its interval covers what it "
            "claims (10 events beyond it)");
}

TEST(RuleNote, NotSignificantGivesTheCorrectedPValueAndWhatIsDetectable) {
  EvaluationResult result;
  result.correction = stats::Correction::kHolm;
  result.relative_tests = 1;
  RuleResult rule = Relative("error_rate", Caveat::kNotSignificant);
  rule.adjusted_p_value = 0.2487;
  rule.change_is_relative = false;
  rule.minimum_detectable_effect = 0.035;
  EXPECT_EQ(RuleNote(result, rule),
            "over the tolerance but not significant (p = 0.249 after Holm); with these sample "
            "sizes only changes beyond +3.50 pp are detectable (80 % power)");
  result.relative_tests = 40;  // the power is for the whole family
  rule.caveat = Caveat::kStraddlesLimit;
  rule.rule.metric = *gate::ParseMetric("p95");
  rule.change_is_relative = true;
  rule.minimum_detectable_effect = 0.12;
  EXPECT_EQ(RuleNote(result, rule),
            "over the tolerance, but its CI reaches under it; with these sample sizes only "
            "changes beyond +12.0 % are detectable (80 % power, over 40 tests)");
  result.correction = stats::Correction::kNone;  // no correction: no family
  rule.caveat = Caveat::kNotSignificant;
  rule.adjusted_p_value = 0.07;
  EXPECT_EQ(RuleNote(result, rule),
            "over the tolerance but not significant (p = 0.070); with these sample sizes only "
            "changes beyond +12.0 % are detectable (80 % power)");
}

TEST(RuleNote, PreExistingSaysWhenThePolicyMadeItAWarning) {
  EvaluationResult result;
  RuleResult rule = Absolute("p95", Caveat::kFailedInsideCi);
  rule.pre_existing = true;
  EXPECT_EQ(RuleNote(result, rule),
            "its CI reaches below the limit; pre-existing: the baseline breached it too");
  result.pre_existing = gate::PreExistingPolicy::kWarn;
  rule.caveat = Caveat::kNone;
  EXPECT_EQ(RuleNote(result, rule),
            "pre-existing: the baseline breached it too (policy.pre_existing: warn)");
  rule.rule.severity = gate::Severity::kWarn;  // it warned anyway: the policy changed nothing
  EXPECT_EQ(RuleNote(result, rule), "pre-existing: the baseline breached it too");
}

TEST(RuleNote, AWaiverSaysWhatItWaivedOrThatItExpired) {
  RuleResult rule = Absolute("p50", Caveat::kNone);
  rule.waiver = gate::Waiver{"/api/*",
                             std::nullopt,
                             {std::chrono::year{2027}, std::chrono::month{1}, std::chrono::day{15}},
                             "known, #12",
                             {"t.yaml", 6, 0}};
  rule.waived_verdict = gate::Verdict::kFail;
  EXPECT_EQ(RuleNote({}, rule), "would fail; waived until 2027-01-15: known, #12 [t.yaml:6]");
  rule.caveat = Caveat::kFailedInsideCi;  // what it was waived for stays said
  EXPECT_EQ(RuleNote({}, rule),
            "would fail; waived until 2027-01-15: known, #12 [t.yaml:6]; its CI reaches below "
            "the limit");
  rule.waiver_expired = true;
  EXPECT_EQ(RuleNote({}, rule),
            "its CI reaches below the limit; waiver expired on 2027-01-15 [t.yaml:6]");
}

TEST(RunNotes, InTheirOrderBaselineBeforeCandidate) {
  EvaluationResult result;
  result.unparameterised_groups = 30;
  result.unparameterised_example = "GET /users/100";
  gate::GroupOverride pattern;
  pattern.match = "/nothing/*";
  pattern.origin = {"t.yaml", 14, 0};
  result.unmatched_patterns.push_back(pattern);
  result.expired_waivers.push_back(
      {"/api/*",
       *gate::ParseMetric("p50"),
       {std::chrono::year{2027}, std::chrono::month{1}, std::chrono::day{15}},
       "known",
       {"t.yaml", 6, 0}});
  result.baseline_notes = {"b.ndjson", {"b.ndjson: a source's own note"}, 0, ""};
  result.candidate_notes = {"c.csv", {}, 3, "c.csv:7: duration_ms is not a number"};
  const std::vector<std::string> notes = RunNotes(result);
  ASSERT_EQ(notes.size(), 5u);
  EXPECT_TRUE(notes[0].starts_with(
      "30 transaction names look unparameterised (e.g. 'GET /users/100'): ids, UUIDs or hashes"))
      << notes[0];
  EXPECT_EQ(notes[1], "group pattern '/nothing/*' [t.yaml:14] matched no transaction");
  EXPECT_EQ(notes[2],
            "waiver for '/api/*' p50 expired on 2027-01-15 [t.yaml:6]; its rules are judged again");
  EXPECT_EQ(notes[3], "b.ndjson: a source's own note");
  EXPECT_EQ(notes[4],
            "skipped 3 bad rows in c.csv; the first: c.csv:7: duration_ms is not a number");
  result = {};
  result.unparameterised_groups = 1;
  result.unparameterised_example = "GET /users/1234";
  EXPECT_TRUE(RunNotes(result)[0].starts_with("1 transaction name looks unparameterised"));
}

}  // namespace
}  // namespace perfgate::reports
