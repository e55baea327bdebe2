#include "explain/decompose.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "stats/random.h"

namespace perfgate::explain {
namespace {

// A request of the article's pipeline: fetch-document (db), chunk-text (its own time),
// batch-embed (gen_ai.embeddings), store-vectors (db), generate-summary (ai.run), with
// `embed_ms` for the embedding and `summary_ms` for the summary.
SpanTree Pipeline(double embed_ms, double summary_ms, double gap_ms = 5) {
  SpanTree tree;
  double t = 0;
  auto step = [&](const std::string& op, const std::string& name, double ms) {
    tree.spans.push_back({op, name, 0, t, t + ms});
    t += ms;
  };
  tree.spans.push_back({"http.server", "POST /api/analyze", -1, 0, 0});
  t = gap_ms;  // middleware before the first span
  step("db", "fetch-document", 40);
  t += 10;  // chunk-text: no span
  step("gen_ai.embeddings", "batch-embed", embed_ms);
  step("db", "store-vectors", 30);
  step("ai.run", "generate-summary", summary_ms);
  tree.spans[0].end_ms = t + gap_ms;
  return tree;
}

GroupSamples Group(const std::vector<SpanTree>& trees) {
  GroupSamples group;
  group.name = "POST /api/analyze";
  for (const SpanTree& tree : trees) {
    group.durations_ms.push_back(tree.spans[0].end_ms - tree.spans[0].start_ms);
    group.failed.push_back(0);
    group.trees.push_back(tree);
  }
  return group;
}

const Part& PartOf(const Decomposition& d, std::string_view op) {
  for (const Part& part : d.parts) {
    if (part.op == op) return part;
  }
  ADD_FAILURE() << "no part " << op;
  return d.parts.front();
}

double ChangeSum(const Decomposition& d) {
  double sum = 0;
  for (const Part& part : d.parts) sum += part.change_ms;
  return sum;
}

TEST(DecomposeMeanChange, ASlowerSequentialStepIsNamedFirstWithItsSize) {
  const auto d = DecomposeMeanChange(Group({Pipeline(200, 400), Pipeline(220, 400)}),
                                     Group({Pipeline(500, 400), Pipeline(520, 400)}));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->parts.front().op, "gen_ai.embeddings");
  EXPECT_DOUBLE_EQ(d->parts.front().change_ms, 300);
  EXPECT_DOUBLE_EQ(d->parts.front().share, 1);
  EXPECT_DOUBLE_EQ(PartOf(*d, "db").change_ms, 0);
  EXPECT_DOUBLE_EQ(PartOf(*d, "db").baseline_ms, 70);
  EXPECT_DOUBLE_EQ(PartOf(*d, std::string(kUnattributed)).baseline_ms, 5 + 10 + 5);
  EXPECT_DOUBLE_EQ(d->candidate_ms - d->baseline_ms, 300);
}

TEST(DecomposeMeanChange, ParallelWorkThatGrewWithoutDelayingIsNotBlamed) {
  // A cache warm-up (http.client) runs beside the summary and grows from 100 to 350 ms,
  // still finishing before the 400 ms summary: no part of the response waited on it.
  auto with_warmup = [](double warmup_ms) {
    SpanTree tree = Pipeline(200, 400);
    const SpanRecord& summary = tree.spans.back();
    tree.spans.push_back(
        {"http.client", "warm cache", 0, summary.start_ms, summary.start_ms + warmup_ms});
    return tree;
  };
  const auto d = DecomposeMeanChange(Group({with_warmup(100)}), Group({with_warmup(350)}));
  ASSERT_TRUE(d.has_value());
  EXPECT_DOUBLE_EQ(d->candidate_ms, d->baseline_ms);
  for (const Part& part : d->parts) EXPECT_DOUBLE_EQ(part.change_ms, 0) << part.op;
}

TEST(DecomposeMeanChange, ANewSpanIsFlaggedNew) {
  SpanTree slower = Pipeline(200, 400);
  // The candidate calls a moderation service after the summary.
  const double end = slower.spans[0].end_ms;
  slower.spans.push_back({"http.client", "POST /moderate", 0, end - 5, end + 75});
  slower.spans[0].end_ms = end + 80;
  const auto d = DecomposeMeanChange(Group({Pipeline(200, 400)}), Group({slower}));
  ASSERT_TRUE(d.has_value());
  const Part& moderation = PartOf(*d, "http.client");
  EXPECT_TRUE(moderation.is_new);
  EXPECT_DOUBLE_EQ(moderation.change_ms, 80);
  EXPECT_EQ(d->parts.front().op, "http.client");
  EXPECT_FALSE(PartOf(*d, "db").is_new);
}

TEST(DecomposeMeanChange, ALargerGapWithNoSpanIsUnattributedFirst) {
  const auto d =
      DecomposeMeanChange(Group({Pipeline(200, 400, 5)}), Group({Pipeline(200, 400, 65)}));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->parts.front().op, kUnattributed);
  EXPECT_DOUBLE_EQ(d->parts.front().change_ms, 120);  // 60 ms more at each end
}

TEST(DecomposeMeanChange, PartsAddUpToTheChangeInMeanDuration) {
  stats::Random random(3);
  std::vector<SpanTree> base, cand;
  for (int i = 0; i < 200; ++i) {
    base.push_back(Pipeline(150 + 100 * random.Uniform(), 300 + 200 * random.Uniform(),
                            2 + 8 * random.Uniform()));
    cand.push_back(Pipeline(180 + 150 * random.Uniform(), 280 + 200 * random.Uniform(),
                            2 + 10 * random.Uniform()));
  }
  cand.resize(170);  // the sides need not have as many requests
  const auto d = DecomposeMeanChange(Group(base), Group(cand));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->baseline_requests, 200u);
  EXPECT_EQ(d->candidate_requests, 170u);
  EXPECT_NEAR(ChangeSum(*d), d->candidate_ms - d->baseline_ms, 1e-9);
  double shares = 0;
  for (const Part& part : d->parts) shares += part.share;
  EXPECT_NEAR(shares, 1, 1e-9);
}

TEST(DecomposeMeanChange, NothingToSayWithoutSpanTrees) {
  GroupSamples plain;
  plain.durations_ms = {5, 6};
  plain.failed = {0, 0};
  EXPECT_FALSE(DecomposeMeanChange(plain, Group({Pipeline(1, 1)})).has_value());
  EXPECT_FALSE(DecomposeMeanChange(Group({Pipeline(1, 1)}), plain).has_value());
}

}  // namespace
}  // namespace perfgate::explain
