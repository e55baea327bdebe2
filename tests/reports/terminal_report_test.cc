#include "reports/terminal_report.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "gate/thresholds_parser.h"
#include "tests/reports/report_fixture.h"

namespace perfgate::reports {
namespace {

TEST(TerminalReport, TableMatchesTheGoldenFile) {
  ExpectGolden(RenderTerminalTable(ExampleResult(), TerminalStyle{false}), "example_compare.txt");
}

TEST(TerminalReport, ColourOnlyWhenAsked) {
  const explain::ExplainedResult result = ExampleResult();
  EXPECT_EQ(RenderVerdictSummary(result, TerminalStyle{false}).find("\033["), std::string::npos);
  EXPECT_NE(RenderVerdictSummary(result, TerminalStyle{true}).find("\033[31mFAIL\033[0m"),
            std::string::npos);
}

TEST(TerminalReport, TheSummaryStaysShortForThousandsOfTransactions) {
  // 2,000 transactions failing p95 and error_rate: a CI log gets the worst 40 lines and a
  // count of the rest, not 4,000 lines.
  SampleSetBuilder base, cand;
  for (int t = 0; t < 2000; ++t) {
    const std::string name = "GET /api/v1/resource/" + std::to_string(t);
    for (int i = 0; i < 200; ++i) {  // p95 is judged from 200 events
      base.Add(name, 100 + i, false);
      cand.Add(name, 9000 + i, i % 10 == 0);
    }
  }
  gate::Thresholds config = gate::DefaultThresholds();
  config.resamples = 200;  // the intervals do not matter here, the count of lines does
  gate::EvaluationResult result =
      gate::Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"),
                     {std::chrono::year{2026}, std::chrono::month{1}, std::chrono::day{1}});
  const std::string summary = RenderVerdictSummary({result, {}}, TerminalStyle{false});
  // The headline, 40 rule lines, the count of the rest, and the one note that the names
  // look unparameterised ("/resource/1234").
  EXPECT_EQ(std::count(summary.begin(), summary.end(), '\n'), 1 + 40 + 1 + 1);
  EXPECT_NE(summary.find("\n  note: 1990 transaction names look unparameterised"),
            std::string::npos);
  EXPECT_TRUE(summary.starts_with("perfgate: FAIL: 6000 rules failed in 2000 of 2000 transactions"))
      << summary;
  EXPECT_NE(summary.find("\n  FAIL "), std::string::npos);
  EXPECT_NE(
      summary.find(
          "  ... and " +
          std::to_string(result.Count(gate::Verdict::kFail) + result.Count(gate::Verdict::kWarn) +
                         result.Count(gate::Verdict::kInconclusive) - 40) +
          " more lines like these: the Markdown, JSON, JUnit and HTML reports list them all\n"),
      std::string::npos)
      << summary.substr(summary.size() - 200);
}

}  // namespace
}  // namespace perfgate::reports
