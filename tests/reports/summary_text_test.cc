#include "reports/summary_text.h"

#include <gtest/gtest.h>

#include "gate/evaluate.h"
#include "gate/thresholds_parser.h"

namespace perfgate::reports {
namespace {

// The two releases judged by `yaml`.
gate::EvaluationResult Judge(const std::string& yaml, SampleSetBuilder base,
                             SampleSetBuilder cand) {
  Result<gate::Thresholds> config = gate::ParseThresholds(yaml, "t.yaml");
  EXPECT_TRUE(config.ok());
  return gate::Evaluate(*config, std::move(base).Build("b"), std::move(cand).Build("c"),
                        {std::chrono::year{2026}, std::chrono::month{1}, std::chrono::day{1}});
}

// `short_groups` transactions of 3 events each and one of 200, under p95 and error_rate rules.
gate::EvaluationResult WithShortGroups(int short_groups) {
  SampleSetBuilder base, cand;
  for (int g = 0; g < short_groups; ++g) {
    for (int i = 0; i < 3; ++i)
      cand.Add("GET /quiet/" + std::string(1, static_cast<char>('a' + g)), 10, false);
  }
  for (int i = 0; i < 200; ++i) cand.Add("GET /busy", 10, false);
  return Judge(
      "statistics: {min_samples: 50, resamples: 200}\n"
      "rules:\n  - {metric: p95, max: 1s}\n  - {metric: error_rate, max: 1%}\n",
      std::move(base), std::move(cand));
}

TEST(InsufficientLines, ALinePerGroupWhileFewGroupsAreShort) {
  const std::vector<std::string> lines = InsufficientLines(WithShortGroups(2));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            "GET /quiet/a: 2 rules not judged, candidate has 3 events, fewer than min_samples 50");
}

TEST(InsufficientLines, ALinePerRuleForALongTailOfQuietTransactions) {
  const std::vector<std::string> lines = InsufficientLines(WithShortGroups(12));
  ASSERT_EQ(lines.size(), 2u);  // one per rule, not 12
  EXPECT_EQ(
      lines[0],
      "12 transactions have too few events to decide p95 <= 1000 ms (fewer than min_samples on a "
      "side it needs): GET /quiet/a (3 events), GET /quiet/b (3 events), GET /quiet/c (3 events) "
      "and 9 more");
  EXPECT_TRUE(
      lines[1].starts_with("12 transactions have too few events to decide error_rate <= 1 % "))
      << lines[1];
}

TEST(Headline, CountsPreExistingBreachesApart) {
  SampleSetBuilder base, cand;
  for (int i = 0; i < 40; ++i) {
    base.Add("GET /old", 500 + i, false);  // over the limit in both releases
    cand.Add("GET /old", 520 + i, false);
    base.Add("GET /new", 50 + i, false);  // over it only in the candidate
    cand.Add("GET /new", 400 + i, false);
  }
  gate::EvaluationResult result =
      Judge("statistics: {min_samples: 10}\nrules:\n  - {metric: p50, max: 100ms}\n",
            std::move(base), std::move(cand));
  EXPECT_EQ(Headline(result), "2 rules failed (1 pre-existing) in 2 of 2 transactions");
}

TEST(NotableRules, TheNearestToADecisionFirstWithinAVerdict) {
  gate::EvaluationResult result;
  for (auto [name, p] :
       {std::pair{"GET /a", 1.0}, std::pair{"GET /b", 0.2}, std::pair{"GET /c", 0.9}}) {
    gate::GroupResult group;
    group.name = name;
    group.verdict = gate::Verdict::kInconclusive;
    gate::RuleResult rule;
    rule.verdict = gate::Verdict::kInconclusive;
    rule.adjusted_p_value = p;
    group.rules.push_back(rule);
    result.groups.push_back(group);
  }
  gate::GroupResult absolute;
  absolute.name = "GET /d";
  absolute.verdict = gate::Verdict::kInconclusive;
  gate::RuleResult over_limit;  // an absolute rule: no p-value
  over_limit.verdict = gate::Verdict::kInconclusive;
  absolute.rules.push_back(over_limit);
  result.groups.push_back(absolute);
  std::vector<std::string> order;
  for (const RuleRef& ref : NotableRules(result)) order.push_back(ref.group->name);
  EXPECT_EQ(order, (std::vector<std::string>{"GET /d", "GET /b", "GET /c", "GET /a"}));
}

}  // namespace
}  // namespace perfgate::reports

namespace perfgate::reports {
namespace {

TEST(OriginText, NamesReleasesAndTheTimeRangeAsFarAsKnown) {
  SourceOrigin origin;
  EXPECT_EQ(OriginText(origin), "");
  origin.releases = {{"a", 5}};
  EXPECT_EQ(OriginText(origin), "release a");
  origin.releases = {{"a", 5}, {"b", 3}};
  EXPECT_EQ(OriginText(origin), "releases a and b");
  origin.releases = {{"a", 5}, {"b", 3}, {"c", 2}, {"d", 1}, {"e", 1}};
  EXPECT_EQ(OriginText(origin), "releases a, b, c and 2 more");
  origin.releases.clear();
  origin.first_seconds = 1795168800;
  origin.last_seconds = 1795255199;
  EXPECT_EQ(OriginText(origin), "2026-11-20 10:00 to 2026-11-21 09:59 UTC");
}

}  // namespace
}  // namespace perfgate::reports
