#include "reports/github_actions.h"

#include <gtest/gtest.h>

#include "tests/reports/report_fixture.h"

namespace perfgate::reports {
namespace {

TEST(GithubActions, AnnotatesTheConfigLineOfEveryFailedOrWarnedRule) {
  std::string annotations = RenderAnnotations(ExampleResult());
  EXPECT_EQ(annotations.substr(0, annotations.find('\n')),
            "::error file=thresholds.yaml,line=18,title=perfgate fail%3A POST /api/checkout "
            "error_rate::POST "
            "/api/checkout error_rate 4.38 %25 (95 %25 CI [3.07, 6.03] %25) > 1 %25 (baseline 0.12 "
            "%25, +4.25 pp) "
            "[thresholds.yaml:18]");  // GitHub's escaping: % is %25 in a message
  EXPECT_NE(annotations.find("::warning file=thresholds.yaml,line=20,"), std::string::npos);
  EXPECT_EQ(RenderStepOutputs(ExampleResult(), "r.md"), "verdict=fail\nfailed=2\nreport=r.md\n");
}

}  // namespace
}  // namespace perfgate::reports
