// Every reader's answer to malformed input: the exact message, naming the file, the line
// (and column for syntax errors) and what was wrong. These texts are the user interface.
#include <gtest/gtest.h>

#include "fetch/files/sample_reader.h"

namespace perfgate::fetch {
namespace {

struct BadInput {
  InputFormat format;
  const char* text;
  const char* message;
};

const char* SourceName(InputFormat format) {
  switch (format) {
    case InputFormat::kNdjson:
      return "in.ndjson";
    case InputFormat::kCsv:
      return "in.csv";
    case InputFormat::kSentryJson:
      return "in.json";
    case InputFormat::kOtlp:
      return "in.otlp.jsonl";
    case InputFormat::kK6:
      return "k6.json";
    case InputFormat::kK6Summary:
      return "summary.json";
    case InputFormat::kSentryEvents:
      return "events.ndjson";
  }
  return "";
}

constexpr InputFormat kNd = InputFormat::kNdjson;
constexpr InputFormat kCsv = InputFormat::kCsv;
constexpr InputFormat kJson = InputFormat::kSentryJson;
constexpr InputFormat kK6 = InputFormat::kK6;
constexpr InputFormat kK6Summary = InputFormat::kK6Summary;
constexpr InputFormat kEvents = InputFormat::kSentryEvents;

const BadInput kBadInputs[] = {
    // k6's --out json and end-of-test summary
    {kK6,
     R"({"type":"Point","data":{"time":"2026-12-01T10:00:00Z","value":"slow","tags":null},)"
     R"("metric":"http_req_duration"})",
     "k6.json:1: data.value must be a number"},
    {kK6, R"({"type":"Point","data":{"value":-5},"metric":"http_req_duration"})",
     "k6.json:1: http_req_duration is negative"},
    {kK6, R"({"type":"Sample","data":{},"metric":"my_trend"})",
     "k6.json:1: type must be \"Metric\" or \"Point\", as k6's --out json writes"},
    {kK6, R"({"type":"Point","data":{"value":5,"tags":["a"]},"metric":"http_req_duration"})",
     "k6.json:1: data.tags must be an object"},
    {kK6,
     "{\"type\":\"Point\",\"data\":{\"value\":5},\"metric\":\"http_req_duration\"}\n"
     "{\"type\":\"Point\",\"data\":{\"value\":5},",
     "k6.json:2: invalid JSON: incomplete JSON"},
    {kK6, R"({"type":"Point","data":{"value":1},"metric":"http_reqs"})",
     "k6.json: no samples (the input has no rows)"},
    {kK6Summary, R"({"metrics":{"http_req_duration":{"avg":5,"med":4}},"root_group":{}})",
     "summary.json: http_reqs has no count: a k6 summary needs it to judge anything"},
    {kK6Summary, R"({"metrics":)", "summary.json: invalid JSON: incomplete JSON"},
    {kK6Summary,
     R"({"metrics":{"http_req_duration":{"avg":5},"http_reqs":{"count":10},)"
     R"("http_req_failed":{"passes":11,"fails":0,"value":1}},"root_group":{}})",
     "summary.json: http_req_failed counts more failures than http_reqs counts requests"},
    // Sentry SDK events
    {kEvents,
     "{\"type\":\"transaction\",\"contexts\":{\"trace\":{\"trace_id\":"
     "\"0af7651916cd43dd8448eb211c80319c\","
     "\"span_id\":\"b7ad6b7169203331\"}},\"start_timestamp\":1,\"timestamp\":2}\n"
     "{\"type\":\"transaction\",\"contexts\":{}}",
     "events.ndjson:2: a Sentry event: a transaction has no contexts.trace"},
    {kEvents,
     "{\"type\":\"transaction\",\"contexts\":{\"trace\":{\"trace_id\":"
     "\"0af7651916cd43dd8448eb211c80319c\","
     "\"span_id\":\"b7ad6b7169203331\"}},\"start_timestamp\":1}",
     "events.ndjson:1: a Sentry event: a transaction has no timestamp time"},
    {kEvents, "{\"type\":\"error\",\"contexts\":{}}",
     "events.ndjson: no transaction events (1 other events)"},
    // NDJSON
    {kNd, R"({"transaction":"a","duration_ms":-5})", "in.ndjson:1: duration_ms is negative: -5"},
    {kNd, R"({"transaction":"a","duration_ms":"12"})",
     R"(in.ndjson:1: duration_ms must be a number, not a string: "12")"},
    {kNd, R"({"transaction":"a"})",
     "in.ndjson:1: no duration: expected one of duration_ms, transaction.duration, span.duration"},
    {kNd, R"({"transaction":"a","duration_ms":null})", "in.ndjson:1: duration_ms is null"},
    {kNd, "{\"duration_ms\":1}\n{\"duration_ms\":2}\n{\"transaction\":\"a\",\"duration_ms\":1",
     "in.ndjson:3:35: invalid JSON: incomplete JSON"},
    {kNd, "{\"duration_ms\":1}\n{\"duration_ms\":2,}",
     "in.ndjson:2:18: invalid JSON: syntax error"},
    {kNd, "[1, 2]", "in.ndjson:1: expected one JSON object per line, got an array"},
    {kNd, "42", "in.ndjson:1: expected one JSON object per line, got a number"},
    {kNd, R"({"duration_ms":5} {"duration_ms":6})",
     "in.ndjson:1:19: invalid JSON: more than one value on the line"},
    {kNd, R"({"transaction":5,"duration_ms":5})",
     "in.ndjson:1: transaction must be a string, not a number: 5"},
    {kNd, R"({"duration_ms":5,"error":"yes"})",
     R"(in.ndjson:1: error must be true or false, not a string: "yes")"},
    {kNd, R"({"duration_ms":5,"http.status_code":"abc"})",
     R"(in.ndjson:1: http.status_code is not an HTTP status code: "abc")"},
    {kNd, R"({"duration_ms":5,"transaction.duration":6})",
     "in.ndjson:1: two durations in one row: duration_ms and transaction.duration"},
    {kNd, R"({"duration_ms":{"value":1}})", "in.ndjson:1: duration_ms must not be an object"},
    {kNd, R"({"duration_ms":5,"status":true})", "in.ndjson:1: status must not be a boolean"},
    {kNd, R"({"duration_ms":1e400})",
     R"(in.ndjson:1: duration_ms is not a finite number: "1e400")"},
    {kNd, "{\"transaction\":\"a\u0001\",\"duration_ms\":1}",
     "in.ndjson:1:18: invalid JSON: syntax error"},
    {kNd, "{\"transaction\":\"\xff\",\"duration_ms\":1}",
     "in.ndjson:1:17: invalid JSON: syntax error"},
    {kNd, "", "in.ndjson: no samples (the input has no rows)"},
    {kNd, "\n  \n", "in.ndjson: no samples (the input has no rows)"},
    // CSV
    {kCsv, "transaction,status\na,ok\n",
     "in.csv:1: no duration column: the header needs one of duration_ms, transaction.duration, "
     "span.duration; it has 2 columns: transaction, status"},
    {kCsv, "duration_ms\n12\nabc\n", R"(in.csv:3: duration_ms is not a number: "abc")"},
    {kCsv, "duration_ms,transaction\n5\n", "in.csv:2: expected 2 fields as in the header, got 1"},
    {kCsv, "duration_ms,transaction\n5,\"abc\n",
     "in.csv:2: unterminated quoted field (opened at line 2, column 3)"},
    {kCsv, "duration_ms,transaction\n5,\"a\"b\n",
     "in.csv:2:6: expected a comma after the closing quote"},
    {kCsv, "duration_ms\n-3\n", "in.csv:2: duration_ms is negative: -3"},
    {kCsv, "duration_ms\ninf\n", R"(in.csv:2: duration_ms is not a finite number: "inf")"},
    {kCsv, "duration_ms\n\n12\n\n\n", nullptr},  // blank lines are fine
    {kCsv, "span.duration,duration_ms\n",
     "in.csv:1: two duration columns: span.duration and duration_ms"},
    {kCsv, "duration_ms\n", "in.csv: no samples (the input has no rows)"},
    {kCsv, "duration_ms\n\"\"\n", "in.csv:2: duration_ms is empty"},
    {kCsv, "duration_ms,error\n5,maybe\n", R"(in.csv:2: error must be true or false, not "maybe")"},
    {kCsv, "duration_ms,status_code\n5,5000\n",
     R"(in.csv:2: status_code is not an HTTP status code: "5000")"},
    // Saved Sentry pages
    {kJson, R"({"data": {}})", R"(in.json: "data" must be an array, not an object)"},
    {kJson, R"({"meta": {}})",
     R"(in.json: expected a Sentry events page {"data": [...]} or an array of events, got an object without "data")"},
    {kJson, R"({"data": [1]})", "in.json: data[0]: expected an event object, got a number"},
    {kJson, "{\"data\": [\n  {\"transaction.duration\": 5},\n  {\"transaction.duration\": 6}",
     "in.json:3:30: invalid JSON: incomplete JSON"},
    {kJson, R"({"data": []} x)", "in.json:1:14: invalid JSON: extra data"},
    {kJson, R"({"data": [{"transaction.duration": 5}, {"transaction.duration": "slow"}]})",
     R"(in.json: data[1]: transaction.duration must be a number, not a string: "slow")"},
    {kJson, R"({"data": []})", "in.json: no samples (the input has no rows)"},
    // Sentry's ops breakdown and trace id.
    {kNd, R"({"duration_ms":5,"spans.db":-1})",
     R"(in.ndjson:1: spans.db is not a duration in ms: "-1")"},
    {kNd, R"({"duration_ms":5,"spans.db":"12"})",
     R"(in.ndjson:1: spans.db must be a number, not a string: "12")"},
    {kNd, R"({"duration_ms":5,"trace":"../../admin"})",
     R"(in.ndjson:1: trace is not a trace id of 32 hex digits: "../../admin")"},
    {kNd, R"({"duration_ms":5,"trace":7})", "in.ndjson:1: trace must be a string, not a number: 7"},
    {kCsv, "duration_ms,spans.http\n5,fast\n", R"(in.csv:2: spans.http is not a number: "fast")"},
};

TEST(BadInput, EveryReaderNamesFileLineAndProblem) {
  int cases = 0;
  for (const BadInput& bad : kBadInputs) {
    Result<SampleSet> read =
        ReadSamples(bad.text, SourceName(bad.format), bad.format, ReadOptions{});
    if (bad.message == nullptr) {
      EXPECT_TRUE(read.ok()) << bad.text;
      continue;
    }
    ++cases;
    ASSERT_FALSE(read.ok()) << bad.text;
    EXPECT_EQ(read.error().kind, ErrorKind::kInput);
    EXPECT_EQ(read.error().message, bad.message) << "input: " << bad.text;
  }
  EXPECT_GE(cases, 20);
}

TEST(BadInput, SkipPolicyCountsBadRowsAndKeepsTheFirstFew) {
  std::string text;
  for (int i = 0; i < 10; ++i) text += "{\"duration_ms\": -1}\n{\"duration_ms\": 3}\n";
  Result<SampleSet> read =
      ReadSamples(text, "in.ndjson", kNd, ReadOptions{BadRowPolicy::kSkip, 1, {}});
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->TotalEvents(), 10u);
  EXPECT_EQ(read->skipped_rows, 10u);
  ASSERT_EQ(read->skipped_examples.size(), BadRowLog::kMaxExamples);
  EXPECT_EQ(read->skipped_examples[0], "in.ndjson:1: duration_ms is negative: -1");
  EXPECT_EQ(read->skipped_examples[4], "in.ndjson:9: duration_ms is negative: -1");
}

TEST(BadInput, AllRowsBadIsAnErrorEvenWhenSkipping) {
  Result<SampleSet> read =
      ReadSamples("duration_ms\nx\ny\n", "in.csv", kCsv, ReadOptions{BadRowPolicy::kSkip, 1, {}});
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(
      read.error().message,
      R"(in.csv: no samples: all 2 rows were bad; the first: in.csv:2: duration_ms is not a number: "x")");
}

TEST(BadInput, UnknownExtensionSaysHowToChooseAFormat) {
  Result<InputFormat> format = InputFormatForPath("samples.txt");
  ASSERT_FALSE(format.ok());
  EXPECT_EQ(format.error().kind, ErrorKind::kUsage);
  EXPECT_EQ(format.error().message,
            "samples.txt: cannot tell the format from the file name; name it .ndjson, .jsonl, "
            ".csv, .json, .otlp.json or .otlp.jsonl, or pass --format "
            "ndjson|csv|json|otlp|k6|k6-summary");
}

}  // namespace
}  // namespace perfgate::fetch
