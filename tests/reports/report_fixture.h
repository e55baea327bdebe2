// The bundled examples evaluated, for the report tests: the same inputs as the README's,
// with a fixed date.
#ifndef PERFGATE_TESTS_REPORTS_REPORT_FIXTURE_H_
#define PERFGATE_TESTS_REPORTS_REPORT_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "explain/explanations.h"
#include "fetch/files/sample_reader.h"
#include "gate/evaluate.h"
#include "gate/thresholds_parser.h"

namespace perfgate {

// The example under `examples/` named by its two files, judged and explained.
inline explain::ExplainedResult JudgeExample(const std::string& baseline_path,
                                             const std::string& candidate_path,
                                             const explain::ExplainOptions& options = {},
                                             const std::string& config_path = "thresholds.yaml") {
  RealFileSystem fs;
  auto config = gate::ParseThresholds(*fs.ReadFile(config_path), config_path);
  auto baseline = fetch::ReadSampleFile(fs, baseline_path, std::nullopt, {});
  auto candidate = fetch::ReadSampleFile(fs, candidate_path, std::nullopt, {});
  EXPECT_TRUE(config.ok() && baseline.ok() && candidate.ok());
  explain::ExplainedResult report{
      gate::Evaluate(*config, *baseline, *candidate,
                     {std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{25}}),
      {}};
  report.explanations = explain::ExplainNotPassed(report.result, *baseline, *candidate, options);
  return report;
}

// The web shop's Sentry-shaped events: no spans.
inline explain::ExplainedResult ExampleResult() {
  return JudgeExample("examples/baseline.ndjson", "examples/candidate.ndjson");
}

// README command (1): the analysis service's traces, with trace links.
inline explain::ExplainedResult TracesExampleResult() {
  explain::ExplainOptions options;
  options.trace_url = "http://localhost:16686/trace/{trace_id}";
  return JudgeExample("examples/traces/baseline.otlp.jsonl", "examples/traces/candidate.otlp.jsonl",
                      options);
}

// Compares `actual` with the golden file tests/data/golden/`name`. With
// PERFGATE_UPDATE_GOLDEN=1 in the environment it rewrites the file instead.
inline void ExpectGolden(const std::string& actual, const std::string& name) {
  std::string path = std::string(PERFGATE_SOURCE_DIR) + "/tests/data/golden/" + name;
  if (const char* update = std::getenv("PERFGATE_UPDATE_GOLDEN");
      update && std::string(update) == "1") {
    std::ofstream(path) << actual;
    return;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << "missing golden file " << path << "; run with PERFGATE_UPDATE_GOLDEN=1";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "golden file " << name
                                    << " differs; if the change is intended, rerun with "
                                       "PERFGATE_UPDATE_GOLDEN=1 and review the diff";
}

}  // namespace perfgate

#endif  // PERFGATE_TESTS_REPORTS_REPORT_FIXTURE_H_
