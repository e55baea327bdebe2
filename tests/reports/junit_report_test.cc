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
  // schema GitLab and Jenkins follow; the traces example's failures carry why and links.
  for (const explain::ExplainedResult& report : {ExampleResult(), TracesExampleResult()}) {
    const std::string path = ::testing::TempDir() + "perfgate-example.junit.xml";
    std::ofstream(path) << RenderJunit(report);
    const std::string command = "xmllint --noout --schema " + std::string(PERFGATE_SOURCE_DIR) +
                                "/tests/data/junit.xsd " + path + " 2>&1";
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
  }
}

TEST(JunitReport, AFailedDurationRuleSaysWhyAndWhichTracesToOpen) {
  const std::string xml = RenderJunit(TracesExampleResult());
  const std::size_t failure = xml.find(
      "<failure message=\"POST /api/analyze p95 9078 ms (95 % CI [8731, 9617] ms) &gt; 8000 ms "
      "(baseline 4466 ms, +103 %) [thresholds.yaml:14]; why: in the p95 tail (25 and 25 requests "
      "at or above each release&apos;s p95): ai.embed &quot;batch-embed&quot; +6381 ms per "
      "request");
  ASSERT_NE(failure, std::string::npos) << xml;
  EXPECT_NE(xml.find("\ncandidate, 12447 ms (p100): http://localhost:16686/trace/", failure),
            std::string::npos);
  // An error-rate failure has no why.
  EXPECT_NE(xml.find("[thresholds.yaml:18]\" type=\"regression\">"), std::string::npos);
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
