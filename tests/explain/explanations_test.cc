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
  // Each exemplar's spans for its waterfall, depth first, times from the request's start.
  const std::vector<ExemplarSpan>& spans = e.exemplars[0].spans;
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(e.exemplars[0].span_count, 3u);
  EXPECT_EQ(spans[0].op, "http.server");
  EXPECT_EQ(spans[0].depth, 0);
  EXPECT_EQ(spans[1].description, "fetch-document");
  EXPECT_EQ(spans[1].depth, 1);
  EXPECT_DOUBLE_EQ(spans[2].start_ms, 45);
  EXPECT_DOUBLE_EQ(spans[2].end_ms, 2645);
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

// A release of POST /api/analyze known as histogram bins, as Sentry's zoomed histograms
// give a big one: 300 events in [400, 410) and 100 in [1000, 1010) (mean at midpoints:
// 405 * 0.75 + 1005 * 0.25 = 555 ms), or all 400 in [400, 410) (405 ms).
SampleSet Binned(bool slow_quarter) {
  SampleSetBuilder builder;
  std::vector<DurationBin> bins = {{400, 410, slow_quarter ? 300u : 400u}};
  if (slow_quarter) bins.push_back({1000, 1010, 100});
  builder.AddBinned("POST /api/analyze", std::move(bins), 0);
  return std::move(builder).Build("release");
}

// Sentry's spans dataset for POST /api/analyze over 400 transactions: the documents query
// (two literals, one group) took `documents_ms` of self time per request; a users query
// 20 ms and an http call 100 ms; a chunks query `chunks_ms` (0: none).
SpanGroupTotals Groups(double documents_ms, double chunks_ms) {
  SpanGroupTotals totals;
  totals.transactions = 400;
  totals.groups = {
      {"db.sql.query", "SELECT * FROM documents WHERE id = 17", documents_ms * 200, 200},
      {"db.sql.query", "SELECT * FROM documents WHERE id = 4", documents_ms * 200, 200},
      {"db.sql.query", "SELECT name FROM users WHERE id = 9", 20 * 400, 400},
      {"http.client", "GET https://api.example.com/v1/embed", 100 * 400, 400}};
  if (chunks_ms > 0)
    totals.groups.push_back(
        {"db.sql.query", "SELECT * FROM chunks WHERE doc = 7", chunks_ms * 400, 400});
  return totals;
}

TEST(Explain, ReleasesKnownAsBinsAreExplainedBySentrysSpanGroupsWithoutIntervals) {
  const SampleSet base = Binned(false);
  const SampleSet cand = Binned(true);
  const gate::EvaluationResult result = Judge(base, cand);
  const gate::GroupResult& group = result.groups.back();
  ASSERT_EQ(group.name, "POST /api/analyze");
  ASSERT_NE(group.verdict, gate::Verdict::kPass);
  const Explanations pending = ExplainNotPassed(result, base, cand, {});
  ASSERT_EQ(pending.count(group.name), 1u);
  const Explanation& why = pending.at(group.name);
  EXPECT_EQ(why.statistic, "mean");  // the aggregates are over every request
  EXPECT_EQ(why.judged.method, Method::kSpanGroups);
  EXPECT_DOUBLE_EQ(why.judged.baseline_ms, 405);
  EXPECT_DOUBLE_EQ(why.judged.candidate_ms, 555);
  EXPECT_EQ(why.judged.candidate_requests, 400u);
  EXPECT_TRUE(why.judged.causes.empty());
  EXPECT_TRUE(WantedDetails(why).span_groups);
  // Without Sentry's groups (or with a side that has no spans) it says nothing.
  EXPECT_FALSE(WithSentryDetails(why, {}));
  SpanGroupTotals empty;
  EXPECT_FALSE(WithSentryDetails(why, {Groups(100, 0), empty, {}}));

  // The documents query went from 100 to 200 ms a request and a chunks query is new (30 ms):
  // 130 of the 150 ms; the rest of the mean duration is unattributed (+20 ms).
  const std::optional<Explanation> explained =
      WithSentryDetails(why, {Groups(100, 0), Groups(200, 30), {}});
  ASSERT_TRUE(explained);
  const Decomposition& d = explained->judged;
  EXPECT_FALSE(d.change_ci);
  ASSERT_EQ(d.causes.size(), 3u);
  EXPECT_EQ(d.causes[0].op, "db.sql.query");
  EXPECT_DOUBLE_EQ(d.causes[0].baseline_ms, 120);
  EXPECT_DOUBLE_EQ(d.causes[0].candidate_ms, 250);
  EXPECT_NEAR(d.causes[0].share, 130.0 / 150, 1e-12);
  EXPECT_EQ(d.causes[0].status, CauseStatus::kUntested);
  EXPECT_FALSE(d.causes[0].change_ci);
  ASSERT_EQ(d.causes[0].groups.size(), 3u);
  EXPECT_EQ(d.causes[0].groups[0].description, "SELECT * FROM documents WHERE id = %s");
  EXPECT_DOUBLE_EQ(d.causes[0].groups[0].change_ms, 100);
  EXPECT_EQ(d.causes[0].groups[1].description, "SELECT * FROM chunks WHERE doc = %s");
  EXPECT_EQ(d.causes[0].groups[1].status, CauseStatus::kNew);
  EXPECT_EQ(d.causes[1].op, kUnattributed);
  EXPECT_DOUBLE_EQ(d.causes[1].baseline_ms, 405 - 220);  // the spans' 120 + 100 ms
  EXPECT_DOUBLE_EQ(d.causes[1].change_ms, 20);
  EXPECT_EQ(d.causes[2].op, "http.client");
  EXPECT_DOUBLE_EQ(d.causes[2].change_ms, 0);
  double sum = 0;
  for (const Cause& cause : d.causes) sum += cause.change_ms;
  EXPECT_NEAR(sum, d.candidate_ms - d.baseline_ms, 1e-9);  // the parts add up
}

TEST(Explain, AggregateModeReleasesNeedSentrysMeanToBeExplained) {
  auto aggregated = [](std::optional<double> mean_ms) {
    SampleSetBuilder builder;
    Aggregates aggregates;
    aggregates.count = 1000;
    aggregates.quantiles_ms = {{0.5, 300.0}, {0.95, 900.0}};
    aggregates.mean_ms = mean_ms;
    builder.AddAggregated("GET /a", aggregates);
    return std::move(builder).Build("release");
  };
  const SampleSet base = aggregated(350);
  const SampleSet cand = aggregated(420);
  const SampleSet no_mean = aggregated(std::nullopt);
  const gate::EvaluationResult result = Judge(base, cand);
  const gate::GroupResult& group = result.groups.front();
  const std::optional<Explanation> why =
      Explain(result, group, *base.Find("GET /a"), *cand.Find("GET /a"), {});
  ASSERT_TRUE(why);
  EXPECT_EQ(why->judged.method, Method::kSpanGroups);
  EXPECT_DOUBLE_EQ(why->judged.candidate_ms - why->judged.baseline_ms, 70);
  EXPECT_EQ(why->judged.baseline_requests, 1000u);
  EXPECT_FALSE(Explain(result, group, *base.Find("GET /a"), *no_mean.Find("GET /a"), {}));
}

TEST(TraceUrl, ReplacesEveryField) {
  EXPECT_EQ(TraceUrl("https://o.sentry.io/explore/traces/trace/{trace_id}/", "ab12"),
            "https://o.sentry.io/explore/traces/trace/ab12/");
  EXPECT_EQ(TraceUrl("", "ab12"), "");
  EXPECT_EQ(TraceUrl("x{trace_id}{trace_id}", "1"), "x11");
}

}  // namespace
}  // namespace perfgate::explain
