#include "fetch/sentry/sentry_trace.h"

#include <gtest/gtest.h>

#include <string>

namespace perfgate::fetch {
namespace {

// A trace view answer in the shape of Sentry's (nodes with children, an error beside):
// segment a1 (2 s) with a database span and an http call, whose callee is another
// service's segment b2 with its own span.
constexpr const char* kTrace = R"([
  {"event_id": "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", "op": "function", "description": "tools/call",
   "start_timestamp": 1713805458.25, "end_timestamp": 1713805460.25, "is_segment": true,
   "children": [
     {"event_id": "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", "op": "db", "description": "SELECT 1",
      "start_timestamp": 1713805458.5, "end_timestamp": 1713805458.75, "children": []},
     {"event_id": "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", "op": "http.client", "description": "GET /x",
      "start_timestamp": 1713805459.0, "end_timestamp": 1713805460.0, "children": [
        {"event_id": "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2", "op": "http.server", "description": "GET /x",
         "start_timestamp": 1713805459.125, "end_timestamp": 1713805459.875, "is_segment": true,
         "children": [{"event_id": "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2", "op": "db",
                       "description": "SELECT 2", "start_timestamp": 1713805459.25,
                       "end_timestamp": 1713805459.5, "children": []}]}]}]},
  {"id": 6507376925, "type": "error", "title": "Error: beside the spans"}
])";

TEST(SentryTraceTree, KeepsOneTransactionsSpansWithTimesFromItsStart) {
  Result<SpanTree> tree =
      SentryTraceTree(kTrace, "t", "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", "trace.json");
  ASSERT_TRUE(tree.ok()) << tree.error().message;
  ASSERT_EQ(tree->spans.size(), 3u);  // the callee's segment and span are its own
  EXPECT_EQ(tree->spans[0].op, "function");
  EXPECT_EQ(tree->spans[0].parent, -1);
  EXPECT_DOUBLE_EQ(tree->spans[0].end_ms, 2000);
  EXPECT_EQ(tree->spans[1].description, "SELECT 1");
  EXPECT_EQ(tree->spans[1].parent, 0);
  EXPECT_DOUBLE_EQ(tree->spans[1].start_ms, 250);
  EXPECT_DOUBLE_EQ(tree->spans[2].end_ms, 1750);

  // The callee's transaction is found below its caller.
  Result<SpanTree> callee =
      SentryTraceTree(kTrace, "t", "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2", "trace.json");
  ASSERT_TRUE(callee.ok()) << callee.error().message;
  EXPECT_EQ(callee->spans.size(), 2u);
  EXPECT_DOUBLE_EQ(callee->spans[1].start_ms, 125);
}

TEST(SentryTraceTree, AnAnswerItCannotUseSaysWhy) {
  const std::string id = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
  auto message = [&](std::string_view body, const std::string& event = "") {
    Result<SpanTree> tree = SentryTraceTree(body, "t", event.empty() ? id : event, "trace.json");
    EXPECT_FALSE(tree.ok());
    return tree.ok() ? std::string() : tree.error().message;
  };
  EXPECT_EQ(message("<html>"), "trace.json: not JSON: syntax error");
  EXPECT_EQ(message(R"({"transactions": []})"),
            "trace.json: not a trace: expected a list of nodes");
  EXPECT_EQ(message(kTrace, "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3"),
            "trace.json: no span of event c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3 in the trace");
  EXPECT_EQ(
      message(R"([{"event_id": ")" + id + R"(", "start_timestamp": 2, "end_timestamp": 1}])"),
      "trace.json: a span of event " + id + " has no valid start_timestamp and end_timestamp");
  // A flat tree past the limit (the critical path grows with children squared).
  std::string wide =
      R"([{"event_id": ")" + id + R"(", "start_timestamp": 1, "end_timestamp": 2, "children": [)";
  for (std::size_t i = 0; i <= kMaxTraceSpans; ++i)
    wide += std::string(i ? "," : "") + R"({"start_timestamp": 1, "end_timestamp": 2})";
  EXPECT_EQ(message(wide + "]}]"), "trace.json: event " + id + " has more than " +
                                       std::to_string(kMaxTraceSpans) + " spans");
}

}  // namespace
}  // namespace perfgate::fetch
