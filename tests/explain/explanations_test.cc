#include "explain/explanations.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "gate/evaluate.h"
#include "gate/thresholds_parser.h"
#include "stats/random.h"

namespace perfgate::explain {
namespace {

// A request of POST /api/analyze: a db fetch, then a summary of `summary_ms`; its trace id
// holds its index, so a test can tell which request an exemplar is.
SpanTree Request(int index, double summary_ms) {
  SpanTree tree;
  char id[33];
  std::snprintf(id, sizeof id, "%032x", index);
  tree.trace_id = id;
  tree.spans.push_back({"http.server", "POST /api/analyze", -1, 0, 50 + summary_ms});
  tree.spans.push_back({"db", "fetch-document", 0, 5, 45});
  tree.spans.push_back({"ai.run", "generate-summary", 0, 45, 45 + summary_ms});
  return tree;
}

// `count` requests whose summaries take 300 ms, but the slowest 5 % `slow_ms`.
SampleSet Release(int count, double slow_ms, std::uint64_t seed, bool failing = false) {
  stats::Random random(seed);
  SampleSetBuilder builder;
  for (int i = 0; i < count; ++i) {
    const double summary = i % 20 == 0 ? slow_ms : 250 + 100 * random.Uniform();
    SpanTree tree = Request(i, summary);
    const double duration = tree.spans[0].end_ms;
    builder.Add("POST /api/analyze", duration, false, std::move(tree));
    builder.Add("GET /health", 5 + random.Uniform(), failing && i % 10 == 0);
  }
  return std::move(builder).Build("release");
}

gate::EvaluationResult Judge(const SampleSet& base, const SampleSet& cand) {
  gate::Thresholds config = gate::DefaultThresholds();
  config.resamples = 200;
  return gate::Evaluate(config, base, cand,
                        {std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{25}});
}

TEST(Explain, APercentileRuleIsExplainedByItsSlowTail) {
  // Only the slowest 5 % got slower (600 -> 2600 ms): the mean barely moves, the tail's
  // mean moves by about 2000 ms, all of it in the summary.
  // (The p95 sits at the edge of the slow 5 %: its +10 % rule is not significant, so it
  // passes; the transaction is explained as on request.)
  const SampleSet base = Release(400, 600, 1);
  const SampleSet cand = Release(400, 2600, 2);
  const gate::EvaluationResult result = Judge(base, cand);
  ExplainOptions options;
  options.trace_url = "http://jaeger.test/trace/{trace_id}?uiFind={trace_id}";
  const gate::GroupResult& group = result.groups.back();
  ASSERT_EQ(group.name, "POST /api/analyze");
  const std::optional<Explanation> why =
      Explain(result, group, *base.Find(group.name), *cand.Find(group.name), options);
  ASSERT_TRUE(why.has_value());
  const Explanation& e = *why;
  EXPECT_EQ(e.statistic, "p95");
  ASSERT_TRUE(e.candidate_from_ms && e.baseline_from_ms && e.mean);
  EXPECT_EQ(e.judged.candidate_requests, 20u);  // requests 0, 20, 40, ...: the 5 % set slow
  EXPECT_NEAR(e.judged.candidate_ms - e.judged.baseline_ms, 2000, 25);
  const Cause& top = e.judged.causes.front();
  EXPECT_EQ(top.op, "ai.run");
  EXPECT_EQ(top.status, CauseStatus::kSlower);
  EXPECT_GT(top.share, 0.98);
  EXPECT_LT(e.mean->candidate_ms - e.mean->baseline_ms, 120);
  // Exemplars: the three slowest candidate requests, then a baseline one near its p95.
  ASSERT_EQ(e.exemplars.size(), 4u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(e.exemplars[i].baseline);
    EXPECT_DOUBLE_EQ(e.exemplars[i].duration_ms, 2650);
    EXPECT_EQ(e.exemplars[i].top_ops.front().first, "ai.run");
    EXPECT_DOUBLE_EQ(e.exemplars[i].top_ops.front().second, 2600);
  }
  EXPECT_EQ(e.exemplars[0].trace_id, std::string(32, '0'));  // request 0; ties by order
  EXPECT_EQ(e.exemplars[0].url,
            "http://jaeger.test/trace/" + std::string(32, '0') + "?uiFind=" + std::string(32, '0'));
  EXPECT_DOUBLE_EQ(e.exemplars[0].percentile, 100);
  EXPECT_TRUE(e.exemplars[3].baseline);
  EXPECT_NEAR(e.exemplars[3].duration_ms, *e.baseline_from_ms, 60);
}

TEST(Explain, OnlyDurationRulesThatDidNotPassAreExplained) {
  // /health fails its error rate: nothing about its durations to explain.
  const SampleSet base = Release(400, 600, 1);
  const SampleSet cand = Release(400, 600, 2, /*failing=*/true);
  const gate::EvaluationResult result = Judge(base, cand);
  ASSERT_EQ(result.groups.front().name, "GET /health");
  ASSERT_EQ(result.groups.front().verdict, gate::Verdict::kFail);
  EXPECT_TRUE(ExplainNotPassed(result, base, cand, {}).empty());
}

TEST(Explain, AnyGroupOnRequestWithItsFirstDurationRule) {
  const SampleSet base = Release(200, 600, 1);
  const SampleSet cand = Release(200, 600, 2);
  const gate::EvaluationResult result = Judge(base, cand);
  const gate::GroupResult& group = result.groups.back();
  ASSERT_EQ(group.name, "POST /api/analyze");
  ASSERT_EQ(group.verdict, gate::Verdict::kPass);
  const std::optional<Explanation> e =
      Explain(result, group, *base.Find(group.name), *cand.Find(group.name), {});
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->statistic, "p95");  // the default config's first rule
  EXPECT_TRUE(e->exemplars.back().baseline);
  EXPECT_EQ(e->exemplars.front().url, "");
  EXPECT_FALSE(Explain(result, group, *base.Find("GET /health"), *cand.Find(group.name), {}));
}

TEST(TraceUrl, ReplacesEveryField) {
  EXPECT_EQ(TraceUrl("https://o.sentry.io/explore/traces/trace/{trace_id}/", "ab12"),
            "https://o.sentry.io/explore/traces/trace/ab12/");
  EXPECT_EQ(TraceUrl("", "ab12"), "");
  EXPECT_EQ(TraceUrl("x{trace_id}{trace_id}", "1"), "x11");
}

}  // namespace
}  // namespace perfgate::explain
