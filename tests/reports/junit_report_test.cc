#include "reports/junit_report.h"

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "reports/github_actions.h"
#include "tests/reports/report_fixture.h"

namespace perfgate::reports {
namespace {

TEST(JunitReport, MatchesTheGoldenFile) {
  ExpectGolden(RenderJunit(ExampleResult()), "example_report.junit.xml");
}

TEST(JunitReport, IsValidAgainstTheJunitSchema) {
  // xmllint (Debian's libxml2-utils, installed by scripts/setup.sh) validates against the
  // schema GitLab and Jenkins follow.
  const std::string path = ::testing::TempDir() + "perfgate-example.junit.xml";
  std::ofstream(path) << RenderJunit(ExampleResult());
  const std::string command = "xmllint --noout --schema " + std::string(PERFGATE_SOURCE_DIR) +
                              "/tests/data/junit.xsd " + path + " 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

TEST(JunitReport, FailuresAreFailuresAndWarningsPass) {
  std::string xml = RenderJunit(ExampleResult());
  EXPECT_NE(xml.find("<testsuites name=\"perfgate\" tests=\"24\" failures=\"2\" errors=\"0\" skipped=\"5\">"),
            std::string::npos) << xml.substr(0, 300);
  EXPECT_NE(xml.find("<failure message=\"POST /api/checkout error_rate 4.38 %"), std::string::npos);
  EXPECT_NE(xml.find("<system-out>WARN POST /api/reports/export p95 8438 ms vs 5693 ms"), std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"insufficient_data: GET /health p95: not judged"), std::string::npos);
}

TEST(GithubActions, AnnotatesTheConfigLineOfEveryFailedOrWarnedRule) {
  std::string annotations = RenderAnnotations(ExampleResult());
  EXPECT_EQ(annotations.substr(0, annotations.find('\n')),
            "::error file=thresholds.yaml,line=18,title=perfgate fail%3A POST /api/checkout error_rate::POST "
            "/api/checkout error_rate 4.38 %25 (95 %25 CI [3.16, 6.02] %25) > 1 %25 (baseline 0.12 %25, +4.25 pp) "
            "[thresholds.yaml:18]");  // GitHub's escaping: % is %25 in a message
  EXPECT_NE(annotations.find("::warning file=thresholds.yaml,line=20,"), std::string::npos);
  EXPECT_EQ(RenderStepOutputs(ExampleResult(), "r.md"), "verdict=fail\nfailed=2\nreport=r.md\n");
}

}  // namespace
}  // namespace perfgate::reports
