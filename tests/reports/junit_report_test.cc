#include "reports/junit_report.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "tests/reports/report_fixture.h"

namespace perfgate::reports {
namespace {

TEST(JunitReport, MatchesTheGoldenFile) {
  ExpectGolden(RenderJunit(ExampleResult()), "example_report.junit.xml");
}

TEST(JunitReport, IsValidAgainstTheJunitSchemaByXmllint) {
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
  EXPECT_NE(
      xml.find(
          "<testsuites name=\"perfgate\" tests=\"24\" failures=\"2\" errors=\"0\" skipped=\"4\">"),
      std::string::npos)
      << xml.substr(0, 300);
  EXPECT_NE(xml.find("<failure message=\"POST /api/checkout error_rate 4.38 %"), std::string::npos);
  EXPECT_NE(xml.find("<system-out>WARN POST /api/reports/export p95 9141 ms vs 5693 ms"),
            std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"insufficient_data: GET /health p95: not judged"),
            std::string::npos);
}

}  // namespace
}  // namespace perfgate::reports
