// Sentry envelopes as perfgate record keeps them, on what @sentry/node 11 really sent
// (tests/data/record/sentry-*.body, captured by scripts/fixtures/record_capture.mjs): its
// default span streaming and its transactions (with AI spans streamed beside them) read
// back, through the OTLP reader, as the same four requests with their spans, failures and
// token counts; a browser transaction's Web Vitals become its measurements.
#include "fetch/files/sentry_envelope.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fetch/files/otlp_reader.h"
#include "fetch/files/sample_reader.h"
#include "tests/fakes/fake_file_system.h"
#include "tests/fakes/test_files.h"

namespace perfgate::fetch {
namespace {

// A body a real SDK sent (tests/data/record/).
std::string Fixture(const std::string& name) { return TestData("record/" + name); }

// The OTLP lines of several envelopes, read back.
SampleSet Read(const std::vector<std::string>& files) {
  std::string lines;
  for (const std::string& file : files) {
    Result<SentrySpans> spans = SentryEnvelopeSpans(Fixture(file), "42");
    EXPECT_TRUE(spans.ok()) << file << ": " << spans.error().message;
    if (spans.ok()) lines += spans->otlp_json + "\n";
  }
  Result<SampleSet> set = ReadOtlp(lines, "sentry", {});
  EXPECT_TRUE(set.ok()) << set.error().message;
  return set.ok() ? *set : SampleSet{};
}

TEST(SentryEnvelope, StreamedSpansAreRebuiltIntoTheirSegments) {
  Result<SentrySpans> spans = SentryEnvelopeSpans(Fixture("sentry-stream-3.body"), "42");
  ASSERT_TRUE(spans.ok()) << spans.error().message;
  EXPECT_EQ(spans->transactions, 0u);
  EXPECT_EQ(spans->spans, 12u);
  const SampleSet set = Read({"sentry-stream-3.body"});
  ASSERT_EQ(set.groups.size(), 1u);
  const GroupSamples& group = set.groups[0];
  EXPECT_EQ(group.name, "POST /api/analyze");
  EXPECT_EQ(group.size(), 4u);
  EXPECT_EQ(group.failed, (std::vector<std::uint8_t>{0, 0, 0, 1}));  // the fourth set an error
  for (const SpanTree& tree : group.trees) {
    ASSERT_EQ(tree.spans.size(), 3u);
    EXPECT_EQ(tree.spans[0].op, "http.server");
  }
  EXPECT_EQ(group.values.at("sum_per_request(gen_ai.usage.input_tokens)").values,
            (std::vector<double>{1200, 1201, 1202, 1203}));
  EXPECT_EQ(set.origin.releases.at(0).first, "analyzer@1.4.0");
}

TEST(SentryEnvelope, TransactionsKeepTheirSpansAndTheAiSpansSentBesideThem) {
  const SampleSet set = Read({"sentry-static-4.body", "sentry-static-5.body",
                              "sentry-static-6.body", "sentry-static-7.body"});
  ASSERT_EQ(set.groups.size(), 1u);
  const GroupSamples& group = set.groups[0];
  EXPECT_EQ(group.size(), 4u);
  EXPECT_EQ(group.Failures(), 1u);
  for (const SpanTree& tree : group.trees) {
    ASSERT_EQ(tree.spans.size(), 3u);  // the root, the query, and the streamed model call
    std::vector<std::string> ops;
    for (const SpanRecord& span : tree.spans) ops.push_back(span.op);
    std::sort(ops.begin(), ops.end());
    EXPECT_EQ(ops, (std::vector<std::string>{"db.query", "gen_ai.chat", "http.server"}));
  }
  EXPECT_EQ(group.sample_values.at("span.gen_ai.usage.input_tokens").size(), 4u);
}

TEST(SentryEnvelope, ABrowserTransactionsWebVitalsAreItsMeasurements) {
  const std::string event =
      R"({"type":"transaction","transaction":"/product/:id","event_id":"0123456789abcdef0123456789abcdef",)"
      R"("start_timestamp":1796568372.5,"timestamp":"2026-12-06T14:46:14.000Z","release":"web@2.4.0",)"
      R"("contexts":{"trace":{"trace_id":"C0D3B6413B3D441083D1295ABF7D9579","span_id":"8f394054b1089b03",)"
      R"("op":"pageload","status":"ok"}},"spans":[],)"
      R"("measurements":{"lcp":{"value":2.35,"unit":"second"},"cls":{"value":0.12,"unit":""},)"
      R"("ttfb":{"value":310,"unit":"millisecond"}}})";
  const std::string envelope = R"({"event_id":"0123456789abcdef0123456789abcdef"})"
                               "\n"
                               R"({"type":"transaction","length":)" +
                               std::to_string(event.size()) + "}\n" + event + "\n" +
                               R"({"type":"client_report"})"
                               "\n"
                               R"({"discarded_events":[]})";
  Result<SentrySpans> spans = SentryEnvelopeSpans(envelope, "7");
  ASSERT_TRUE(spans.ok()) << spans.error().message;
  EXPECT_EQ(spans->event_id, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(spans->other_items, 1u);
  Result<SampleSet> set = ReadOtlp(spans->otlp_json, "browser", {});
  ASSERT_TRUE(set.ok()) << set.error().message;
  const GroupSamples& page = set->groups.at(0);
  EXPECT_EQ(page.name, "/product/:id");
  EXPECT_DOUBLE_EQ(page.durations_ms.at(0), 1500);  // an RFC 3339 end and a numeric start
  EXPECT_DOUBLE_EQ(page.values.at("measurements.lcp").values.at(0), 2350);
  EXPECT_DOUBLE_EQ(page.values.at("measurements.cls").values.at(0), 0.12);
  EXPECT_DOUBLE_EQ(page.values.at("measurements.ttfb").values.at(0), 310);
  // The bare event, as the legacy /store/ endpoint takes it.
  Result<SentrySpans> stored = SentryEventSpans(event, "7");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->otlp_json, spans->otlp_json);
}

TEST(SentryEvents, AFileOfEventsOrASavedEnvelopeReadsAsTheRecordingDoes) {
  // The four transactions @sentry/node sent, one event per line as an SDK sends them or
  // Sentry's event API gives them, in a .ndjson file: told from perfgate's NDJSON by content.
  std::string lines;
  for (const char* file : {"sentry-static-4.body", "sentry-static-5.body", "sentry-static-6.body",
                           "sentry-static-7.body"}) {
    const std::string body = Fixture(file);  // the items' payloads are views into it
    Result<Envelope> envelope = ParseEnvelope(body);
    ASSERT_TRUE(envelope.ok());
    lines += std::string(envelope->items.at(0).payload) + "\n";
  }
  FakeFileSystem fs;
  fs.files["events.ndjson"] = lines;
  fs.files["stream.json"] = Fixture("sentry-stream-3.body");  // a saved envelope
  Result<SampleSet> events = ReadSampleFile(fs, "events.ndjson", std::nullopt, {});
  ASSERT_TRUE(events.ok()) << events.error().message;
  EXPECT_EQ(events->TotalEvents(), 4u);
  EXPECT_EQ(events->groups.at(0).Failures(), 1u);
  EXPECT_EQ(events->groups.at(0).trees.at(0).spans.size(), 2u);  // the AI spans came apart
  Result<SampleSet> envelope = ReadSampleFile(fs, "stream.json", std::nullopt, {});
  ASSERT_TRUE(envelope.ok()) << envelope.error().message;
  EXPECT_EQ(envelope->TotalEvents(), 4u);
  EXPECT_EQ(envelope->groups.at(0).trees.at(0).spans.size(), 3u);
  EXPECT_TRUE(LooksLikeSentryEvents(lines));
  EXPECT_FALSE(LooksLikeSentryEvents("{\"transaction\":\"a\",\"duration_ms\":1}\n"));
}

TEST(SentryEnvelope, WhatIsNotAnEnvelopeIsRefusedSayingWhy) {
  EXPECT_EQ(ParseEnvelope("nope").error().message,
            "not a Sentry envelope: the envelope header is not JSON: syntax error");
  EXPECT_EQ(ParseEnvelope("{}\n{\"type\":\"transaction\",\"length\":999}\n{}").error().message,
            "not a Sentry envelope: item 1's header gives a length past the end of the envelope");
  EXPECT_EQ(
      SentryEnvelopeSpans("{}\n{\"type\":\"transaction\"}\n{\"contexts\":{}}", "1").error().message,
      "a Sentry envelope: a transaction has no contexts.trace");
  EXPECT_EQ(SentryEnvelopeSpans("{}\n{\"type\":\"span\"}\n{\"items\":[{\"trace_id\":\"x\"}]}", "1")
                .error()
                .message,
            "a Sentry envelope: a streamed span has no trace_id of 32 hex digits");
  // An envelope of sessions alone keeps nothing, and is no error.
  Result<SentrySpans> sessions = SentryEnvelopeSpans("{}\n{\"type\":\"session\"}\n{}", "1");
  ASSERT_TRUE(sessions.ok());
  EXPECT_EQ(sessions->spans, 0u);
  EXPECT_EQ(sessions->other_items, 1u);
}

}  // namespace
}  // namespace perfgate::fetch
