// The examples of the signals besides duration and errors, end to end: a storefront's Web
// Vitals (LCP regressed on one page, a route that lost its traffic, an Apdex drop), an AI
// pipeline's token cost, and a k6 load test's results and summaries.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include <boost/json/parse.hpp>

#include "tests/fakes/cli_runner.h"

namespace perfgate {
namespace {

TEST(SignalsExamples, TheFrontendExampleFailsOnLcpApdexAndThroughput) {
  FakeFileSystem fs = ReadingFixtures();
  CliRun run = RunPerfgate({"check", "--baseline", "examples/frontend/baseline.ndjson",
                            "--candidate", "examples/frontend/candidate.ndjson", "--config",
                            "examples/frontend/thresholds.yaml", "--json", "r.json"},
                           fs);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  for (const char* line : {
           "perfgate: FAIL: 3 rules failed in 2 of 10 transactions; 2 warnings\n",
           "  FAIL         /product/[id] apdex(3000ms) 0.732 vs 0.911 (-19.6 %, 95 % CI [-22.9, "
           "-16.2] %, p < 1e-16) < -10 % [examples/frontend/thresholds.yaml:9]\n",
           "  FAIL         /product/[id] p75(measurements.lcp) 3350 ms (n = 341) vs 2266 ms (n = "
           "341) (+47.9 %, 95 % CI [+35.9, +62.7] %, p < 1e-16) > +20 % "
           "[examples/frontend/thresholds.yaml:7]\n",
           "  FAIL         /search throughput 0.0590 /min vs 0.119 /min (-50.3 %, 95 % CI [-62.1, "
           "-35.2] %, p = 1.2e-06) < -30 % [examples/frontend/thresholds.yaml:11]\n",
           "  note: p75(measurements.inp) <= 200 ms [examples/frontend/thresholds.yaml:5] judged "
           "nothing: no event of either release carries measurements.inp\n",
       }) {
    EXPECT_NE(run.out.find(line), std::string::npos) << line << "\nin:\n" << run.out;
  }
  // The JSON names each rule's value and unit, and its n.
  const boost::json::value report = boost::json::parse(fs.files.at("r.json"));
  bool found = false;
  for (const boost::json::value& group : report.at("groups").as_array()) {
    if (group.at("name").as_string() != "/product/[id]") continue;
    for (const boost::json::value& rule : group.at("rules").as_array()) {
      if (rule.at("limit_text").as_string() != "p75(measurements.lcp) increase <= +20 %") continue;
      EXPECT_EQ(rule.at("value").as_string(), "measurements.lcp");
      EXPECT_EQ(rule.at("unit").as_string(), "ms");
      EXPECT_EQ(rule.at("candidate_n").to_number<int>(), 341);
      EXPECT_EQ(rule.at("verdict").as_string(), "fail");
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST(SignalsExamples, TheTokensExampleFailsOnTokensPerRequestNotOnDuration) {
  FakeFileSystem fs = ReadingFixtures();
  CliRun run = RunPerfgate(
      {"check", "--baseline", "examples/tokens/baseline.otlp.jsonl", "--candidate",
       "examples/tokens/candidate.otlp.jsonl", "--config", "examples/tokens/thresholds.yaml"},
      fs);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.out,
            "perfgate: FAIL: 1 rule failed in 1 of 2 transactions\n"
            "  FAIL         POST /api/analyze sum_per_request(gen_ai.usage.input_tokens) 18082 "
            "(n = 300) vs 10000 (n = 300) (+80.8 %, 95 % CI [+74.1, +88.0] %, p < 1e-16) > +20 % "
            "[examples/tokens/thresholds.yaml:10]\n");
}

// OTLP records of `requests` requests to GET /items, each with a child span carrying the
// custom attribute app.cache_misses = `misses` (plus the request's index mod 3).
std::string CacheMissTraces(int requests, int misses) {
  std::string out;
  for (int r = 0; r < requests; ++r) {
    char ids[96];
    std::snprintf(ids, sizeof ids, "%032x\",\"spanId\":\"%016x", r + 1, r + 1);
    const std::string start = std::to_string(1765600000000000000LL + r * 1000000000LL);
    const std::string end = std::to_string(1765600000000000000LL + r * 1000000000LL + 50000000);
    out += R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":)"
           R"({"stringValue":"shop"}}]},"scopeSpans":[{"spans":[{"traceId":")" +
           std::string(ids) + R"(","name":"GET /items","kind":2,"startTimeUnixNano":")" + start +
           R"(","endTimeUnixNano":")" + end + R"("},{"traceId":")" +
           std::string(ids).substr(0, 32) + R"(","spanId":"f000000000000001","parentSpanId":")" +
           std::string(ids).substr(std::string(ids).size() - 16) +
           R"(","name":"cache","startTimeUnixNano":")" + start + R"(","endTimeUnixNano":")" + end +
           R"(","attributes":[{"key":"app.cache_misses","value":{"intValue":")" +
           std::to_string(misses + r % 3) + R"("}}]}]}]}]})" + "\n";
  }
  return out;
}

TEST(SignalsExamples, AnySpanAttributeARuleNamesIsJudged) {
  FakeFileSystem fs;
  fs.files["base.otlp.jsonl"] = CacheMissTraces(300, 1);
  fs.files["cand.otlp.jsonl"] = CacheMissTraces(300, 3);
  fs.files["t.yaml"] =
      "rules:\n  - {metric: mean(sum_per_request(app.cache_misses)), max_increase: 20%}\n"
      "  - {metric: p95(span.app.cache_misses), max: 4}\n";
  CliRun run = RunPerfgate({"check", "--baseline", "base.otlp.jsonl", "--candidate",
                            "cand.otlp.jsonl", "--config", "t.yaml"},
                           fs);
  EXPECT_EQ(run.exit_code, 1) << run.err << run.out;
  EXPECT_NE(
      run.out.find("FAIL         GET /items mean(sum_per_request(app.cache_misses)) 4.00 (n = 300) "
                   "vs 2.00 (n = 300) (+100 %"),
      std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("FAIL         GET /items p95(span.app.cache_misses) 5.00 (n = 300)"),
            std::string::npos)
      << run.out;
}

// examples/pipeline/recordings/: what `perfgate record -- examples/pipeline/load.sh` wrote
// of the example service (the OpenTelemetry JS SDK, 280 traced requests each) on main, on a
// pull request that changed nothing, and on one whose batch-embed step is 1.5x slower.
TEST(PipelineExample, ARecordedPullRequestFailsWhenAStepWasSlowedAndPassesWhenNot) {
  FakeFileSystem fs = ReadingFixtures();
  const std::string dir = "examples/pipeline/";
  CliRun same =
      RunPerfgate({"check", "--baseline", dir + "recordings/main.otlp.jsonl", "--candidate",
                   dir + "recordings/same.otlp.jsonl", "--config", dir + "thresholds.yaml"},
                  fs);
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  CliRun slow =
      RunPerfgate({"check", "--baseline", dir + "recordings/main.otlp.jsonl", "--candidate",
                   dir + "recordings/slow.otlp.jsonl", "--config", dir + "thresholds.yaml"},
                  fs);
  EXPECT_EQ(slow.exit_code, 1) << slow.err;
  EXPECT_NE(slow.out.find("FAIL         POST /api/analyze p50 140 ms vs 121 ms (+15.3 %"),
            std::string::npos)
      << slow.out;
  // The slowed step, not the usage log sent beside the steps, explains the change.
  CliRun why =
      RunPerfgate({"explain", dir + "recordings/main.otlp.jsonl",
                   dir + "recordings/slow.otlp.jsonl", "--config", dir + "thresholds.yaml"},
                  fs);
  EXPECT_EQ(why.exit_code, 0) << why.err;
  const std::size_t every = why.out.find("every request (280 candidate and 280 baseline");
  ASSERT_NE(every, std::string::npos) << why.out;
  EXPECT_NE(why.out.find("  gen_ai.embeddings          41.0 ms    59.6 ms  +18.6 ms  [+17.7, "
                         "+19.5] ms  97.2 %  slower",
                         every),
            std::string::npos)
      << why.out;
  EXPECT_NE(why.out.find("    \"usage-log\"              0.75 ms    0.73 ms  -0.02 ms", every),
            std::string::npos)
      << why.out;
}

TEST(SignalsExamples, TheK6ExampleFailsOnCheckoutFromResultsAndFromSummaries) {
  FakeFileSystem fs = ReadingFixtures();
  CliRun run =
      RunPerfgate({"check", "--baseline", "examples/k6/baseline.json", "--candidate",
                   "examples/k6/candidate.json", "--config", "examples/k6/thresholds.yaml"},
                  fs);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(
      run.out,
      "perfgate: FAIL: 3 rules failed in 2 of 5 transactions\n"
      "  FAIL         https://shop.test/api/checkout p95 1108 ms (95 % CI [1034, 1173] ms) > "
      "800 ms (baseline 799 ms, +38.6 %) [examples/k6/thresholds.yaml:6]\n"
      "  FAIL         https://shop.test/api/checkout p95 1108 ms vs 799 ms (+38.6 %, 95 % CI "
      "[+21.2, +59.0] %, p = 9.6e-06) > +15 % [examples/k6/thresholds.yaml:8]\n"
      "  FAIL         (test) p95(k6.checkout_flow) 2348 (n = 220) vs 2021 (n = 220) (+16.2 %, "
      "95 % CI [+5.9, +21.1] %, p = 0.0002) > +15 % [examples/k6/thresholds.yaml:12]\n");

  // The same runs' summaries: aggregates alone, judged without intervals, and k6's own
  // failed threshold said.
  CliRun summaries =
      RunPerfgate({"check", "--baseline", "examples/k6/summary-baseline.json", "--candidate",
                   "examples/k6/summary-candidate.json", "--config", "examples/k6/thresholds.yaml"},
                  fs);
  EXPECT_EQ(summaries.exit_code, 1) << summaries.err;
  for (const char* line : {
           "  FAIL         (all requests) p95 857 ms > 800 ms (baseline 566 ms, +51.5 %) "
           "[examples/k6/thresholds.yaml:6]\n",
           "  note: examples/k6/summary-candidate.json: k6's own threshold 'p(95)<800' on "
           "http_req_duration failed\n",
       }) {
    EXPECT_NE(summaries.out.find(line), std::string::npos) << line << "\nin:\n" << summaries.out;
  }
}

}  // namespace
}  // namespace perfgate
