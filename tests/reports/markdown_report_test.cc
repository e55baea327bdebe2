#include "reports/markdown_report.h"

#include <gtest/gtest.h>

#include "gate/thresholds_parser.h"
#include "tests/reports/report_fixture.h"

namespace perfgate::reports {
namespace {

TEST(MarkdownReport, MatchesTheGoldenFile) {
  ExpectGolden(RenderMarkdown(ExampleResult()), "example_report.md");
}

TEST(MarkdownReport, TheTracesExampleMatchesItsGoldenFile) {
  ExpectGolden(RenderMarkdown(TracesExampleResult()), "example_traces_report.md");
}

TEST(MarkdownReport, SaysWhyUnderTheTransactionAndInTheList) {
  const std::string markdown = RenderMarkdown(TracesExampleResult());
  const std::size_t list = markdown.find("  - why: in the p95 tail (25 and 25 requests");
  ASSERT_NE(list, std::string::npos) << markdown;
  const std::size_t section = markdown.find("**Why it is slower**: the p95 tail");
  ASSERT_NE(section, std::string::npos);
  EXPECT_NE(markdown.find("1. ai.embed \"batch-embed\": ", section), std::string::npos);
  EXPECT_NE(markdown.find("Offset by ai.run \"generate-summary\": ", section), std::string::npos);
  EXPECT_NE(markdown.find("Traces: [candidate, ", section), std::string::npos);
  EXPECT_NE(markdown.find("](http://localhost:16686/trace/", section), std::string::npos);
  EXPECT_NE(markdown.find("causes: the change in mean time per request on the critical path"),
            std::string::npos);
}

TEST(MarkdownReport, SpanNamesCannotInjectMarkup) {
  explain::ExplainedResult report = TracesExampleResult();
  explain::Cause& top = report.explanations.begin()->second.judged.causes.front();
  top.groups.front().description = "<script>alert(1)</script> | x";
  const std::string markdown = RenderMarkdown(report);
  EXPECT_EQ(markdown.find("<script>"), std::string::npos);
  EXPECT_NE(markdown.find("&lt;script&gt;alert(1)&lt;/script&gt; \\| x"), std::string::npos);
}

TEST(MarkdownReport, VerdictComesFirstAndFailuresCarryTheirNumbers) {
  std::string markdown = RenderMarkdown(ExampleResult());
  EXPECT_TRUE(markdown.starts_with("## ❌ perfgate: FAIL\n"));
  EXPECT_NE(markdown.find(
                "- ❌ `POST /api/reports/export` p95 9141 ms (95 % CI [8542, 10714] ms) > 8000 ms "
                "(baseline 5693 ms, +60.6 %) [thresholds.yaml:14]"),
            std::string::npos);
  EXPECT_NE(
      markdown.find("- ⚠️ `POST /api/reports/export` p95 9141 ms vs 5693 ms (+60.6 %, 95 % CI "
                    "[+45.0, +94.0] %, p = 1.0e-10) > +10 % [thresholds.yaml:20]"),
      std::string::npos);
}

TEST(MarkdownReport, EscapesPipesInTransactionNames) {
  SampleSetBuilder builder;
  for (int i = 0; i < 60; ++i) builder.Add("GET /a|b", 9000, false);
  SampleSet set = std::move(builder).Build("s.ndjson");
  gate::EvaluationResult result =
      gate::Evaluate(gate::DefaultThresholds(), set, set,
                     {std::chrono::year{2026}, std::chrono::month{1}, std::chrono::day{1}});
  std::string markdown = RenderMarkdown({result, {}});
  EXPECT_NE(markdown.find("| ❌ | `GET /a\\|b` |"), std::string::npos) << markdown;
}

TEST(MarkdownReport, StaysWithinAPullRequestCommentForHundredsOfTransactions) {
  // 400 transactions, every one failing p95 and error_rate: the report keeps the worst rows
  // and says what it left out, under GitHub's 65,536-character comment limit.
  SampleSetBuilder base, cand;
  for (int t = 0; t < 400; ++t) {
    const std::string name = "GET /api/v1/resource/" + std::to_string(t) + "/details";
    for (int i = 0; i < 200; ++i) {  // p95 is judged from 200 events
      base.Add(name, 100 + i, false);
      cand.Add(name, 9000 + i, i % 10 == 0);
    }
  }
  gate::EvaluationResult result = gate::Evaluate(
      gate::DefaultThresholds(), std::move(base).Build("b"), std::move(cand).Build("c"),
      {std::chrono::year{2026}, std::chrono::month{1}, std::chrono::day{1}});
  std::string markdown = RenderMarkdown({result, {}});
  EXPECT_LT(markdown.size(), 65536u);
  EXPECT_NE(
      markdown.find("_… and 1540 more rules; the JSON, JUnit and HTML reports list them all._"),
      std::string::npos)
      << markdown.substr(markdown.find("_…"), 300);
  EXPECT_NE(markdown.find("_… and 380 more transactions with details;"), std::string::npos);
}

}  // namespace
}  // namespace perfgate::reports
