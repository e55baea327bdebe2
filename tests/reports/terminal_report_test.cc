#include "reports/terminal_report.h"

#include <gtest/gtest.h>

#include "tests/reports/report_fixture.h"

namespace perfgate::reports {
namespace {

TEST(TerminalReport, TableMatchesTheGoldenFile) {
  ExpectGolden(RenderTerminalTable(ExampleResult(), TerminalStyle{false}), "example_compare.txt");
}

TEST(TerminalReport, ColourOnlyWhenAsked) {
  gate::EvaluationResult result = ExampleResult();
  EXPECT_EQ(RenderVerdictSummary(result, TerminalStyle{false}).find("\033["), std::string::npos);
  EXPECT_NE(RenderVerdictSummary(result, TerminalStyle{true}).find("\033[31mFAIL\033[0m"),
            std::string::npos);
}

}  // namespace
}  // namespace perfgate::reports
