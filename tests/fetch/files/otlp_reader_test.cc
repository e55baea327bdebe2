#include "fetch/files/otlp_reader.h"

#include <gtest/gtest.h>

#include <string>

#include "fetch/files/sample_reader.h"
#include "tests/fakes/test_files.h"

namespace perfgate::fetch {
namespace {

std::string Fixture(const std::string& name) { return TestData("otlp/" + name); }

Result<SampleSet> Read(std::string_view text, BadRowPolicy policy = BadRowPolicy::kFail) {
  return ReadOtlp(text, "t.otlp.jsonl", ReadOptions{policy, 1, {}});
}

TEST(OtlpReader, ReadsTheSpecificationsFileExporterExample) {
  // A server span whose parent is not in the file: a local root, one second long.
  Result<SampleSet> read = ReadOtlp(Fixture("spec_trace.otlp.json"), "spec.otlp.json", {});
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->groups.size(), 1u);
  EXPECT_EQ(read->groups[0].name, "I'm a server span");
  ASSERT_EQ(read->groups[0].durations_ms.size(), 1u);
  EXPECT_DOUBLE_EQ(read->groups[0].durations_ms[0], 1000);
  EXPECT_EQ(read->groups[0].Failures(), 0u);
}

TEST(OtlpReader, JaegersTraceWithoutTimesIsABadSpanNamingItsPlace) {
  Result<SampleSet> read = ReadOtlp(Fixture("jaeger_get_trace.otlp.json"), "get.otlp.json", {});
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().kind, ErrorKind::kInput);
  EXPECT_EQ(read.error().message,
            "get.otlp.json:1: resourceSpans[0].scopeSpans[0].spans[0]: no startTimeUnixNano");
}

// One Collector file-exporter line: resource `service` at `version`, then `spans` (JSON).
std::string Line(const std::string& service, const std::string& version, const std::string& spans) {
  return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":")" +
         service + R"("}},{"key":"service.version","value":{"stringValue":")" + version +
         R"("}}]},"scopeSpans":[{"scope":{"name":"s"},"spans":[)" + spans + "]}]}]}\n";
}

std::string Span(const std::string& trace, const std::string& id, const std::string& parent,
                 const std::string& name, long long start_ms, long long end_ms,
                 const std::string& extra = "") {
  return R"({"traceId":")" + trace + R"(","spanId":")" + id + R"(","parentSpanId":")" + parent +
         R"(","name":")" + name + R"(","startTimeUnixNano":")" + std::to_string(start_ms) +
         R"(000000","endTimeUnixNano":")" + std::to_string(end_ms) + R"(000000")" + extra + "}";
}

TEST(OtlpReader, LocalRootsAreTransactionsNamedByRoute) {
  const std::string trace = "0af7651916cd43dd8448eb211c80319c";
  const std::string route =
      R"(,"kind":2,"attributes":[{"key":"http.request.method","value":{"stringValue":"POST"}},)"
      R"({"key":"http.route","value":{"stringValue":"/api/checkout"}},)"
      R"({"key":"http.response.status_code","value":{"intValue":"500"}}])";
  std::string text =
      // The server span (a root), its database child (same service: not a transaction).
      Line("shop", "1.5.0",
           Span(trace, "b7ad6b7169203331", "", "POST /api/checkout", 1000, 1250,
                route + R"(,"status":{"code":2})") +
               "," + Span(trace, "00f067aa0ba902b7", "b7ad6b7169203331", "SELECT", 1010, 1100)) +
      // The payment service, called by the shop: its server span's parent is another
      // service's span, so it is that service's local root. Protobuf's own JSON mapping:
      // base64 ids and enum names.
      Line("payments", "3.1.0",
           R"({"traceId":"CvdlGRbNQ92ESOshHIAxnA==","spanId":"AAAAAAAAAAE=",)"
           R"("parentSpanId":"APBnqgupArc=","name":"charge","kind":"SPAN_KIND_SERVER",)"
           R"("startTimeUnixNano":"1020000000","endTimeUnixNano":"1090000000",)"
           R"("status":{"code":"STATUS_CODE_OK"}})") +
      // A consumer span with a remote parent (flags 0x300) under the shop: a root.
      Line("shop", "1.5.0",
           Span(trace, "1111111111111111", "00f067aa0ba902b7", "process order", 2000, 2030,
                R"(,"flags":768)")) +
      "\n";  // a blank line is fine
  Result<SampleSet> read = Read(text);
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->groups.size(), 3u);
  const GroupSamples* checkout = read->Find("POST /api/checkout");
  ASSERT_NE(checkout, nullptr);
  EXPECT_DOUBLE_EQ(checkout->durations_ms[0], 250);
  EXPECT_EQ(checkout->Failures(), 1u);  // status ERROR
  const GroupSamples* charge = read->Find("charge");
  ASSERT_NE(charge, nullptr);
  EXPECT_DOUBLE_EQ(charge->durations_ms[0], 70);
  EXPECT_EQ(charge->Failures(), 0u);
  ASSERT_NE(read->Find("process order"), nullptr);
  EXPECT_EQ(read->Find("SELECT"), nullptr);
  // Two services, two versions: said, not hidden.
  ASSERT_EQ(read->notes.size(), 1u);
  EXPECT_EQ(read->notes[0],
            "t.otlp.jsonl holds transactions of 2 service.version values (1.5.0, 3.1.0), judged "
            "together as one release; --baseline-release and --candidate-release pick one each");
}

TEST(OtlpReader, ABatchExportedTwiceCountsEachSpanOnceAndSaysSo) {
  // Two requests, each a root with one child; the whole batch sent again (a retry of an
  // export that had in fact arrived).
  const std::string trace = "0af7651916cd43dd8448eb211c80319c";
  const std::string batch =
      Line("shop", "1.0",
           Span(trace, "00f067aa0ba902b7", "", "GET /a", 0, 100) + "," +
               Span(trace, "00f067aa0ba902b8", "00f067aa0ba902b7", "db", 10, 60) + "," +
               Span(trace, "00f067aa0ba902b9", "", "GET /a", 200, 250) + "," +
               Span(trace, "00f067aa0ba902c0", "00f067aa0ba902b9", "db", 210, 220));
  Result<SampleSet> once = Read(batch);
  Result<SampleSet> twice = Read(batch + batch);
  ASSERT_TRUE(once.ok() && twice.ok()) << twice.error().message;
  EXPECT_EQ(once->TotalEvents(), 2u);
  EXPECT_EQ(twice->TotalEvents(), 2u);
  EXPECT_EQ(twice->groups[0].durations_ms, once->groups[0].durations_ms);
  EXPECT_EQ(twice->groups[0].trees[0].spans.size(), 2u);  // the child once, not twice
  EXPECT_TRUE(once->notes.empty());
  EXPECT_EQ(twice->notes,
            std::vector<std::string>{"t.otlp.jsonl: 4 spans repeated an earlier span's traceId "
                                     "and spanId (a batch exported twice?) and counted once"});
}

TEST(OtlpReader, SpansWhoseParentsFormACycleAreBadRowsNotSilentlyLost) {
  const std::string trace = "0af7651916cd43dd8448eb211c80319c";
  const std::string text =
      Line("shop", "1.0",
           Span(trace, "00f067aa0ba902b7", "", "GET /a", 0, 100) + "," +
               Span(trace, "00000000000000a1", "00000000000000a2", "x", 10, 20) + "," +
               Span(trace, "00000000000000a2", "00000000000000a1", "y", 10, 20));
  Result<SampleSet> refused = Read(text);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message,
            "t.otlp.jsonl: span 00000000000000a1 of trace 0af7651916cd43dd8448eb211c80319c: its "
            "parentSpanId chain loops back on itself, so it belongs to no transaction");
  Result<SampleSet> skipped = Read(text, BadRowPolicy::kSkip);
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(skipped->TotalEvents(), 1u);
  EXPECT_EQ(skipped->skipped_rows, 2u);
}

TEST(OtlpReader, OneFileSplitsByReleaseOnServiceVersion) {
  const std::string trace = "0af7651916cd43dd8448eb211c80319c";
  const std::string text =
      Line("api", "1.4.0", Span(trace, "b7ad6b7169203331", "", "GET /a", 0, 100)) +
      Line("api", "1.5.0",
           Span(trace, "b7ad6b7169203332", "", "GET /a", 0, 300) + "," +
               Span(trace, "b7ad6b7169203333", "", "GET /b", 0, 50));
  ReadOptions options{BadRowPolicy::kFail, 1, {}};
  options.release = "1.5.0";
  Result<SampleSet> candidate = ReadOtlp(text, "t.otlp.jsonl", options);
  ASSERT_TRUE(candidate.ok()) << candidate.error().message;
  EXPECT_EQ(candidate->source, "t.otlp.jsonl (release 1.5.0)");
  ASSERT_EQ(candidate->groups.size(), 2u);
  EXPECT_EQ(candidate->groups[0].durations_ms, std::vector<double>{300});
  EXPECT_TRUE(candidate->notes.empty());
  options.release = "1.4.0";
  Result<SampleSet> baseline = ReadOtlp(text, "t.otlp.jsonl", options);
  ASSERT_TRUE(baseline.ok()) << baseline.error().message;
  ASSERT_EQ(baseline->groups.size(), 1u);
  EXPECT_EQ(baseline->groups[0].durations_ms, std::vector<double>{100});
  // A release the file does not hold says which it does.
  options.release = "1.6.0";
  Result<SampleSet> missing = ReadOtlp(text, "t.otlp.jsonl", options);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kInput);
  EXPECT_EQ(missing.error().message,
            "t.otlp.jsonl: no transactions of release 1.6.0 (service.version); it holds 1.4.0, "
            "1.5.0");
  // Other formats do not know releases: refused, not ignored.
  options.release = "1.5.0";
  Result<SampleSet> ndjson = ReadSamples(R"({"transaction":"a","duration_ms":1})", "t.ndjson",
                                         InputFormat::kNdjson, options);
  ASSERT_FALSE(ndjson.ok());
  EXPECT_EQ(ndjson.error().kind, ErrorKind::kUsage);
}

TEST(OtlpReader, KeepsEachTransactionsSpanTreeWithSentrysOps) {
  const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  auto attr = [](const std::string& key, const std::string& value) {
    return R"({"key":")" + key + R"(","value":{"stringValue":")" + value + R"("}})";
  };
  const std::string server = R"(,"kind":2,"attributes":[)" + attr("http.request.method", "POST") +
                             "," + attr("http.route", "/api/analyze") + "]";
  const std::string text = Line(
      "ai", "2.0",
      Span(trace, "a000000000000001", "", "POST /api/analyze", 1700000000000, 1700000000900,
           server) +
          "," +
          Span(trace, "a000000000000002", "a000000000000001", "fetch-document", 1700000000010,
               1700000000060, R"(,"attributes":[)" + attr("db.system.name", "postgresql") + "]") +
          "," +
          Span(trace, "a000000000000003", "a000000000000001", "embed", 1700000000060, 1700000000700,
               R"(,"kind":3,"attributes":[)" + attr("gen_ai.operation.name", "embeddings") + "]") +
          "," +
          Span(trace, "a000000000000004", "a000000000000003", "POST", 1700000000100, 1700000000690,
               R"(,"kind":3,"attributes":[)" + attr("http.request.method", "POST") + "]") +
          "," +
          Span(trace, "a000000000000005", "a000000000000001", "summary", 1700000000700,
               1700000000890, R"(,"attributes":[)" + attr("sentry.op", "ai.run") + "]"));
  Result<SampleSet> read = Read(text);
  ASSERT_TRUE(read.ok()) << read.error().message;
  const GroupSamples& group = read->groups.at(0);
  EXPECT_EQ(group.name, "POST /api/analyze");
  ASSERT_EQ(group.trees.size(), 1u);
  const SpanTree& tree = group.trees[0];
  EXPECT_EQ(tree.trace_id, trace);
  ASSERT_EQ(tree.spans.size(), 5u);
  // Breadth first: the root, its three children, then the embedding's HTTP call.
  EXPECT_EQ(tree.spans[0].op, "http.server");
  EXPECT_EQ(tree.spans[0].parent, -1);
  EXPECT_DOUBLE_EQ(tree.spans[0].end_ms, 900);
  EXPECT_EQ(tree.spans[1].op, "db");
  EXPECT_EQ(tree.spans[1].description, "fetch-document");
  EXPECT_DOUBLE_EQ(tree.spans[1].start_ms, 10);
  EXPECT_EQ(tree.spans[2].op, "gen_ai.embeddings");
  EXPECT_EQ(tree.spans[3].op, "ai.run");  // sentry.op wins
  EXPECT_EQ(tree.spans[4].op, "http.client");
  EXPECT_EQ(tree.spans[4].parent, 2);
  EXPECT_DOUBLE_EQ(tree.spans[4].end_ms, 690);
}

TEST(OtlpReader, AcceptsOldKeysAndOtherEnvelopes) {
  const std::string span =
      Span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", "", "GET /", 0, 5);
  // Before OTLP 0.19: instrumentationLibrarySpans; Tempo: batches; times as numbers.
  Result<SampleSet> old =
      Read(R"({"batches":[{"instrumentationLibrarySpans":[{"spans":[)" + span + "]}]}]}");
  ASSERT_TRUE(old.ok()) << old.error().message;
  EXPECT_DOUBLE_EQ(old->groups[0].durations_ms[0], 5);
  Result<SampleSet> numbers = Read(
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c",)"
      R"("spanId":"b7ad6b7169203331","name":"x","startTimeUnixNano":1000000,"endTimeUnixNano":3500000}]}]}]})");
  ASSERT_TRUE(numbers.ok()) << numbers.error().message;
  EXPECT_DOUBLE_EQ(numbers->groups[0].durations_ms[0], 2.5);
}

TEST(OtlpReader, BadInputNamesLineAndPlace) {
  const std::string trace = "0af7651916cd43dd8448eb211c80319c";
  struct Case {
    std::string text;
    std::string message;
  };
  const Case cases[] = {
      {"{\"resourceSpans\": [}\n", "t.otlp.jsonl:1:20: invalid JSON: syntax error"},
      {Line("s", "1", Span(trace, "b7ad6b7169203331", "", "a", 0, 1)) + "{\"x\":1}\n",
       "t.otlp.jsonl:2: no resourceSpans: not an OTLP/JSON trace record"},
      {Line("s", "1", Span(trace, "b7ad6b716920333", "", "a", 0, 1)),
       "t.otlp.jsonl:1: resourceSpans[0].scopeSpans[0].spans[0]: spanId 'b7ad6b716920333' is "
       "neither hex nor base64 of 8 bytes"},
      {Line("s", "1", Span(trace, "b7ad6b7169203331", "", "a", 5, 1)),
       "t.otlp.jsonl:1: resourceSpans[0].scopeSpans[0].spans[0]: endTimeUnixNano is before "
       "startTimeUnixNano"},
      {Line("s", "1", Span(trace, "b7ad6b7169203331", "", "a", 0, 1, R"(,"kind":9)")),
       "t.otlp.jsonl:1: resourceSpans[0].scopeSpans[0].spans[0]: kind is not one of its values"},
      {Line("s", "1",
            Span(trace, "b7ad6b7169203331", "", "a", 0, 1, R"(,"status":{"code":"BAD"})")),
       "t.otlp.jsonl:1: resourceSpans[0].scopeSpans[0].spans[0]: status.code is not one of its "
       "values"},
      {R"({"resourceSpans":{}})", "t.otlp.jsonl:1: resourceSpans is not an array"},
      {R"({"resourceSpans":[]})", "t.otlp.jsonl: no transactions: no spans in the input"},
  };
  for (const Case& c : cases) {
    Result<SampleSet> read = Read(c.text);
    ASSERT_FALSE(read.ok()) << c.text;
    EXPECT_EQ(read.error().kind, ErrorKind::kInput);
    EXPECT_EQ(read.error().message, c.message) << c.text;
  }
  // Skipping keeps the good spans and counts the bad.
  Result<SampleSet> skipped = Read(Line("s", "1",
                                        Span(trace, "b7ad6b7169203331", "", "a", 5, 1) + "," +
                                            Span(trace, "c7ad6b7169203331", "", "b", 0, 4)),
                                   BadRowPolicy::kSkip);
  ASSERT_TRUE(skipped.ok()) << skipped.error().message;
  EXPECT_EQ(skipped->TotalEvents(), 1u);
  EXPECT_EQ(skipped->skipped_rows, 1u);
}

// Everything a read gives, as text, to compare two reads whole.
std::string Dump(const Result<SampleSet>& read) {
  if (!read.ok()) return "error: " + read.error().message;
  std::string out;
  for (const GroupSamples& group : read->groups) {
    out += group.name + "\n";
    for (std::size_t i = 0; i < group.size(); ++i) {
      out += "  " + std::to_string(group.durations_ms[i]) + (group.failed[i] ? " failed" : "") +
             " " + group.trees[i].trace_id + "\n";
      for (const SpanRecord& span : group.trees[i].spans) {
        out += "    " + span.op + " | " + span.description + " | " + std::to_string(span.parent) +
               " " + std::to_string(span.start_ms) + " " + std::to_string(span.end_ms) + "\n";
      }
    }
  }
  for (const std::string& note : read->notes) out += "note: " + note + "\n";
  return out;
}

TEST(OtlpReader, TheStreamingPathReadsWhatTheDomReads) {
  // JSON Lines records go through the streaming path first; the same record as a
  // multi-line document is read from a DOM. Both must give the same samples, for records
  // in every shape the tests know and for variants the streaming path has to get right.
  const std::string trace = "0af7651916cd43dd8448eb211c80319c";
  auto attr = [](const std::string& key, const std::string& value) {
    return R"({"key":")" + key + R"(","value":{"stringValue":")" + value + R"("}})";
  };
  std::vector<std::string> records = {
      Line(
          "shop", "1.5.0",
          Span(
              trace, "b7ad6b7169203331", "", "POST /api/checkout", 1000, 1250,
              R"(,"kind":"SPAN_KIND_SERVER","status":{"code":"STATUS_CODE_ERROR","message":"x"},)"
              R"("attributes":[{"key":"http.request.method","value":{"stringValue":"POST"}},)"
              R"({"value":{"stringValue":"/api/checkout"},"key":"http.route"},)"
              R"({"key":"http.route","value":{"stringValue":"/ignored-second"}},)"
              R"({"key":"http.response.status_code","value":{"intValue":"500"}}],)"
              R"("events":[{"name":"e","attributes":[{"key":"k","value":{"arrayValue":{"values":[]}}}]}],)"
              R"("links":[],"droppedAttributesCount":0)") +
              "," +
              Span(trace, "00f067aa0ba902b7", "b7ad6b7169203331", "SELECT", 1010, 1100,
                   R"(,"kind":3,"flags":256,"attributes":[)" + attr("db.system", "postgresql") +
                       R"(,{"key":"n","value":{"intValue":7}},{"key":7,"value":{}}])")),
      // The resource after its spans; base64 ids; times as numbers; null optional fields.
      R"({"resourceSpans":[{"scopeSpans":[{"scope":{"name":"s","version":"1"},"spans":[)"
      R"({"traceId":"CvdlGRbNQ92ESOshHIAxnA==","spanId":"AAAAAAAAAAE=","parentSpanId":null,)"
      R"("name":"charge","kind":null,"status":null,"attributes":null,)"
      R"("startTimeUnixNano":1020000000,"endTimeUnixNano":1090000000,"flags":768}]}],)"
      R"("resource":{"attributes":[{"key":"service.version","value":{"intValue":3}},)"
      R"({"key":"service.name","value":{"stringValue":"payments"}}]}}]})"
      "\n",
      // A resource without attributes, a scope without spans, a name that is not a string.
      R"({"resourceSpans":[{"resource":{},"scopeSpans":[{"scope":{}},{"spans":[)"
      R"({"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"a000000000000001","name":5,)"
      R"("startTimeUnixNano":"5","endTimeUnixNano":"9"}]}]}]})"
      "\n",
      // What the streaming path leaves to the DOM: envelopes, old keys, odd values.
      R"({"result":{"resourceSpans":[]}})"
      "\n",
      R"({"resourceSpans":[{"instrumentationLibrarySpans":[{"spans":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"a000000000000001","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]})"
      "\n",
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz","spanId":"a000000000000001","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]})"
      "\n",
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"a000000000000001","startTimeUnixNano":"3","endTimeUnixNano":"2"}]}]}]})"
      "\n",
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"a000000000000001","kind":9,"startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]})"
      "\n",
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"a000000000000001","status":"ok","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]})"
      "\n",
      R"({"resourceSpans":[{"resource":"shop","scopeSpans":[]}]})"
      "\n",
      R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"a000000000000001","attributes":[{"key":"sentry.op","value":{"stringValue":true}}],"startTimeUnixNano":"1","endTimeUnixNano":"2.5"}]}]}]})"
      "\n",
  };
  for (const std::string& record : records) {
    const std::string document = "{\n" + record.substr(1);
    for (BadRowPolicy policy : {BadRowPolicy::kFail, BadRowPolicy::kSkip}) {
      EXPECT_EQ(Dump(Read(record, policy)), Dump(Read(document, policy))) << record;
    }
  }
}

TEST(OtlpReader, FormatFromTheFileName) {
  EXPECT_EQ(*InputFormatForPath("traces.otlp.jsonl"), InputFormat::kOtlp);
  EXPECT_EQ(*InputFormatForPath("trace.otlp.json"), InputFormat::kOtlp);
  EXPECT_EQ(*InputFormatForPath("events.jsonl"), InputFormat::kNdjson);
}

}  // namespace
}  // namespace perfgate::fetch
