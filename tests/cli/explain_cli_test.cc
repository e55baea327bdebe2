// `perfgate check` on OpenTelemetry traces: the verdict, and under a transaction that did
// not pass, why, from its spans.
#include <gtest/gtest.h>

#include <string>

#include "stats/random.h"
#include "tests/fakes/cli_runner.h"

namespace perfgate {
namespace {

// `requests` traces of POST /api/analyze as one Collector file-exporter line each: a
// database fetch, a batch embedding of about `embed_ms` and a summary, one after another;
// their service at `version` when one is given.
std::string Traces(int requests, double embed_ms, std::uint64_t seed,
                   const std::string& version = "") {
  stats::Random random(seed);
  std::string text;
  // One trace id per call: files made with different seeds can be concatenated.
  char trace[33];
  std::snprintf(trace, sizeof trace, "4bf92f3577b34da6a3ce929d%08llx",
                static_cast<unsigned long long>(seed));
  auto span = [&trace](const std::string& id, const std::string& parent, const std::string& name,
                       long long start_us, long long end_us, const std::string& attributes) {
    return R"({"traceId":")" + std::string(trace) + R"(","spanId":")" + id +
           R"(","parentSpanId":")" + parent + R"(","name":")" + name +
           R"(","startTimeUnixNano":")" + std::to_string(start_us) + R"(000","endTimeUnixNano":")" +
           std::to_string(end_us) + R"(000","attributes":[)" + attributes + "]}";
  };
  auto attr = [](const std::string& key, const std::string& value) {
    return R"({"key":")" + key + R"(","value":{"stringValue":")" + value + R"("}})";
  };
  for (int r = 0; r < requests; ++r) {
    const long long t0 = 1'700'000'000'000'000LL + r * 10'000'000LL;
    const auto fetch = static_cast<long long>(40'000 * (0.8 + 0.4 * random.Uniform()));
    const auto embed = static_cast<long long>(embed_ms * 1000 * (0.8 + 0.4 * random.Uniform()));
    const auto summary = static_cast<long long>(300'000 * (0.8 + 0.4 * random.Uniform()));
    char id[17];
    std::snprintf(id, sizeof id, "%016x", 16 * r + 1);
    const std::string root = id;
    auto child = [&](int k) {
      std::snprintf(id, sizeof id, "%016x", 16 * r + k);
      return std::string(id);
    };
    const long long a = t0 + 5'000, b = a + fetch, c = b + embed, d = c + summary;
    text += R"({"resourceSpans":[{"resource":{"attributes":[)" + attr("service.name", "analyzer") +
            (version.empty() ? "" : "," + attr("service.version", version)) +
            R"(]},"scopeSpans":[{"spans":[)" +
            span(root, "", "POST /api/analyze", t0, d + 5'000,
                 attr("http.request.method", "POST") + "," + attr("http.route", "/api/analyze")) +
            "," +
            span(child(2), root, "fetch-document", a, b, attr("db.system.name", "postgresql")) +
            "," +
            span(child(3), root, "batch-embed", b, c, attr("gen_ai.operation.name", "embeddings")) +
            "," + span(child(4), root, "generate-summary", c, d, attr("sentry.op", "ai.run")) +
            "]}]}]}\n";
  }
  return text;
}

TEST(CliExplain, CheckOnTracesSaysWhichOperationMadeItSlower) {
  FakeFileSystem fs;
  fs.files["base.otlp.jsonl"] = Traces(200, 200, 1);
  fs.files["cand.otlp.jsonl"] = Traces(200, 450, 2);
  CliRun run =
      RunPerfgate({"check", "--baseline", "base.otlp.jsonl", "--candidate", "cand.otlp.jsonl"}, fs);
  EXPECT_EQ(run.exit_code, 0) << run.err;  // the relative p95 rule only warns
  EXPECT_NE(run.out.find("WARN         POST /api/analyze p95"), std::string::npos) << run.out;
  const std::size_t why = run.out.find(
      "  WHY          POST /api/analyze: in the p95 tail (10 and 10 requests at or above each "
      "release's p95): gen_ai.embeddings \"batch-embed\" +");
  ASSERT_NE(why, std::string::npos) << run.out;
  EXPECT_NE(run.out.find("per request (", why), std::string::npos);
  EXPECT_NE(run.out.find("along the critical path", why), std::string::npos);
}

TEST(CliExplain, CompareSaysWhyAsCheckDoesAndNeverForASpeedup) {
  FakeFileSystem fs;
  fs.files["base.otlp.jsonl"] = Traces(200, 200, 1);
  fs.files["cand.otlp.jsonl"] = Traces(200, 450, 2);
  CliRun run = RunPerfgate({"compare", "base.otlp.jsonl", "cand.otlp.jsonl"}, fs);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("\nWHY  POST /api/analyze: in the p95 tail (10 and 10 requests at or "
                         "above each release's p95): gen_ai.embeddings \"batch-embed\" +"),
            std::string::npos)
      << run.out;
  // A transaction that got faster but breaks an absolute limit: a speedup explains nothing
  // about the breach, so no WHY line.
  fs.files["fast.otlp.jsonl"] = Traces(200, 100, 3);
  fs.files["t.yaml"] = "version: 1\nrules:\n  - metric: p95\n    max: 1ms\n";
  CliRun faster = RunPerfgate({"check", "--baseline", "base.otlp.jsonl", "--candidate",
                               "fast.otlp.jsonl", "--config", "t.yaml"},
                              fs);
  EXPECT_EQ(faster.exit_code, 1) << faster.err;  // over an absolute limit, though faster
  EXPECT_EQ(faster.out.find("WHY"), std::string::npos) << faster.out;
}

TEST(CliExplain, ExplainPrintsTheWholeTableForAnyTransaction) {
  FakeFileSystem fs;
  fs.files["base.otlp.jsonl"] = Traces(200, 200, 1);
  fs.files["cand.otlp.jsonl"] = Traces(200, 450, 2);
  CliRun run = RunPerfgate({"explain", "base.otlp.jsonl", "cand.otlp.jsonl"}, fs);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.out.starts_with("POST /api/analyze: why its p95 changed, from the p95 tail"))
      << run.out;
  EXPECT_NE(run.out.find("\n  CAUSE "), std::string::npos);
  EXPECT_NE(run.out.find("\n  gen_ai.embeddings "), std::string::npos);
  EXPECT_NE(run.out.find("\n    \"batch-embed\" "), std::string::npos);
  EXPECT_NE(run.out.find("\n  total (mean per request) "), std::string::npos);
  EXPECT_NE(run.out.find("\nevery request (200 candidate and 200 baseline requests"),
            std::string::npos);
  EXPECT_NE(run.out.find("\ntraces:\n  candidate, "), std::string::npos);
  EXPECT_EQ(run.out.find(" \n"), std::string::npos);                 // no trailing blanks
  EXPECT_EQ(run.out.find("0.00 ms    0.00 ms"), std::string::npos);  // no rows of nothing
  EXPECT_EQ(run.out.find("-0 %"), std::string::npos);

  // Named: explained whatever its verdict; a wrong name or a source without spans is exit 2.
  run =
      RunPerfgate({"explain", "base.otlp.jsonl", "base.otlp.jsonl", "-t", "POST /api/analyze"}, fs);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("total (mean per request)"), std::string::npos);
  run =
      RunPerfgate({"explain", "base.otlp.jsonl", "cand.otlp.jsonl", "-t", "POST /api/analyse"}, fs);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.Errors(),
            "perfgate: error: explain: no transaction 'POST /api/analyse' in both releases; did "
            "you mean 'POST /api/analyze'?\n");
  fs.files["plain.ndjson"] = R"({"transaction":"POST /api/analyze","duration_ms":5})"
                             "\n";
  run = RunPerfgate({"explain", "plain.ndjson", "cand.otlp.jsonl", "-t", "POST /api/analyze"}, fs);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.Errors(),
            "perfgate: error: explain: 'POST /api/analyze' has no spans in plain.ndjson: "
            "explanations need span trees (OpenTelemetry OTLP/JSON) or Sentry's ops breakdown (raw "
            "mode, or files with spans.db, spans.http, ...)\n");
  // A breakdown on one side and trees on the other: nothing in common.
  fs.files["breakdown.ndjson"] =
      R"({"transaction":"POST /api/analyze","duration_ms":5,"spans.db":2})"
      "\n";
  run = RunPerfgate({"explain", "breakdown.ndjson", "cand.otlp.jsonl", "-t", "POST /api/analyze"},
                    fs);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.Errors(),
            "perfgate: error: explain: 'POST /api/analyze' has span trees in one release and only "
            "Sentry's ops breakdown in the other, which have no parts in common: give both "
            "releases the same kind of source\n");
}

TEST(CliExplain, OneOtlpFileHoldingBothReleasesIsSplitByServiceVersion) {
  FakeFileSystem fs;
  fs.files["base.otlp.jsonl"] = Traces(200, 200, 1, "1.4.0");
  fs.files["cand.otlp.jsonl"] = Traces(200, 450, 2, "1.5.0");
  fs.files["both.otlp.jsonl"] = fs.files["cand.otlp.jsonl"] + fs.files["base.otlp.jsonl"];
  CliRun two =
      RunPerfgate({"compare", "base.otlp.jsonl", "cand.otlp.jsonl", "--json", "two.json"}, fs);
  CliRun one = RunPerfgate({"compare", "both.otlp.jsonl", "--baseline-release", "1.4.0",
                            "--candidate-release", "1.5.0", "--json", "one.json"},
                           fs);
  EXPECT_EQ(one.exit_code, two.exit_code) << one.err;
  // The same verdicts and explanations; only the sources' names differ.
  std::string json = fs.files["one.json"];
  for (const auto& [from, to] :
       {std::pair<std::string, std::string>{"both.otlp.jsonl (release 1.4.0)", "base.otlp.jsonl"},
        {"both.otlp.jsonl (release 1.5.0)", "cand.otlp.jsonl"}}) {
    const std::size_t at = json.find(from);
    ASSERT_NE(at, std::string::npos) << json;
    json.replace(at, from.size(), to);
  }
  EXPECT_EQ(json, fs.files["two.json"]);

  // check takes the one file as --baseline; a missing release says what the file holds.
  CliRun check = RunPerfgate({"check", "--baseline", "both.otlp.jsonl", "--baseline-release",
                              "1.4.0", "--candidate-release", "1.6.0"},
                             fs);
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_EQ(check.Errors(),
            "perfgate: error: both.otlp.jsonl: no transactions of release 1.6.0 "
            "(service.version); it holds 1.4.0, 1.5.0\n");
  CliRun ndjson = RunPerfgate({"stats", "plain.ndjson", "--release", "1.4.0"}, fs);
  EXPECT_EQ(ndjson.exit_code, 2);
}

TEST(CliExplain, ParallelWorkNeverAwaitedGetsNothingOnTheRealOpenTelemetryJsSdksTraces) {
  // Captured from the OpenTelemetry JavaScript SDK (scripts/fixtures/otel_js_usage_log.mjs):
  // a usage-log http.client call sent at 10 ms and never awaited, ending before the
  // response, three times slower in 1.1; the database query and the model call in turn,
  // the model call 25 % slower. The critical path takes only a child that had ended where
  // the walk stands (Jaeger's rule): the log, still running when the model call started,
  // is not what the response waited for, and the query is.
  FakeFileSystem fs = ReadingFixtures();
  CliRun run =
      RunPerfgate({"explain", "tests/data/otlp/otel_js_usage_log.otlp.jsonl", "--baseline-release",
                   "1.0", "--candidate-release", "1.1", "--transaction", "POST /api/analyze"},
                  fs);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.find("http.client"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("usage.internal"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\n  db "), std::string::npos) << run.out;
  const std::size_t model = run.out.find("\n  gen_ai.chat ");
  ASSERT_NE(model, std::string::npos) << run.out;
  const std::string row = run.out.substr(model, run.out.find('\n', model + 1) - model);
  EXPECT_TRUE(row.ends_with("slower")) << row;
}

}  // namespace
}  // namespace perfgate
