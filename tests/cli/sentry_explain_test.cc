// Why a release fetched from Sentry got slower: raw mode asks for each event's trace id
// and ops breakdown (spans.db, spans.http, ...), the explanation decomposes by op family,
// says that parallel work may be over-counted, and links the exemplars to Sentry's trace
// view. End to end through the real transport against a fake Sentry on 127.0.0.1.
#include <gtest/gtest.h>

#include <set>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "fetch/http/curl_transport.h"
#include "stats/random.h"
#include "tests/fakes/cli_runner.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_sentry_server.h"

namespace perfgate {
namespace {

// Sentry's trace view answer for one request (shaped as sentry-mcp's trace-mixed.json
// fixture): the segment of event `event_id`, its database span, then an http call that
// started halfway through the database work, then a span of another op; the http call's
// callee is another service's transaction, and an error sits beside the segment.
std::string TraceBody(const std::string& trace, const std::string& event_id, double own, double db,
                      double http, double other) {
  const double t0 = 1795168800.0;  // Unix seconds
  auto node = [&](const std::string& event, const std::string& op, const std::string& name,
                  double start_ms, double end_ms, const std::string& children) {
    char times[96];
    std::snprintf(times, sizeof times, R"("start_timestamp":%.6f,"end_timestamp":%.6f)",
                  t0 + start_ms / 1000, t0 + end_ms / 1000);
    return R"({"event_id":")" + event + R"(","transaction_id":")" + event +
           R"(","project_slug":"analyzer","trace":")" + trace + R"(","op":")" + op +
           R"(","description":")" + name + R"(",)" + times + R"(,"is_segment":)" +
           (op == "http.server" ? "true" : "false") + R"(,"children":[)" + children + "]}";
  };
  const double http_start = own + db - http / 2;
  const std::string callee = node(
      "ffffffffffffffffffffffffffffffff", "http.server", "POST /v1/embed", http_start + 5,
      http_start + http - 5, node("ffffffffffffffffffffffffffffffff", "db", "INSERT", 0, 1, ""));
  return "[" +
         node(event_id, "http.server", "POST /api/analyze", 0, own + db + http / 2 + other,
              node(event_id, "db.sql.query", "SELECT * FROM documents WHERE id = 17", own, own + db,
                   "") +
                  "," +
                  node(event_id, "http.client", "POST https://embed.internal/v1/embed", http_start,
                       http_start + http, callee) +
                  "," +
                  node(event_id, "template.render", "summary", own + db + http / 2,
                       own + db + http / 2 + other, "")) +
         R"(,{"id":6507376925,"type":"error","title":"Error: beside the spans"}])";
}

// `requests` events of POST /api/analyze: own time about 40 ms, a database family of about
// `db_ms`, an http family of about 200 ms of which half ran beside the database work, and
// 30 ms in spans of other ops. Each with a trace id and an event id, and its trace's answer
// in `traces`.
SampleSet Release(int requests, double db_ms, std::uint64_t seed,
                  std::map<std::string, std::string>& traces) {
  stats::Random random(seed);
  SampleSetBuilder builder;
  for (int r = 0; r < requests; ++r) {
    auto around = [&](double ms) { return ms * (0.8 + 0.4 * random.Uniform()); };
    const double own = around(40), db = around(db_ms), http = around(200), other = around(30);
    SpanTree spans;
    char id[33];
    std::snprintf(id, sizeof id, "%016llx%016x", static_cast<unsigned long long>(seed), r);
    spans.trace_id = id;
    std::snprintf(id, sizeof id, "e%015llx%016x", static_cast<unsigned long long>(seed), r);
    spans.event_id = id;
    spans.op_times = {{"db", db}, {"http", http}, {std::string(kOtherOps), other}};
    traces[spans.trace_id] = TraceBody(spans.trace_id, spans.event_id, own, db, http, other);
    builder.Add("POST /api/analyze", own + db + http / 2 + other, false, std::move(spans));
  }
  return std::move(builder).Build("");
}

// Sentry answering for releases 1.0 (a database family of about 100 ms) and 1.1 (about
// 500 ms) of POST /api/analyze, with `options` (their traces added).
FakeSentryServer::Handler AnalyzeHandler(SentryServerOptions options) {
  std::map<std::string, SampleSet> releases = {{"1.0", Release(300, 100, 1, options.traces)},
                                               {"1.1", Release(300, 500, 2, options.traces)}};
  return SentryHandler(std::move(releases), "tok", options);
}

// A fake Sentry on 127.0.0.1 and runs of perfgate against it, comparing sentry:1.0 with
// sentry:1.1.
struct AnalyzeSentry {
  explicit AnalyzeSentry(FakeSentryServer::Handler handler) : server(std::move(handler)) {}

  // `command` (check, explain) of the two releases, then `more`.
  CliRun Run(const std::string& command, const std::vector<std::string>& more = {}) {
    std::vector<std::string> args = {command,       "--baseline",     "sentry:1.0",
                                     "--candidate", "sentry:1.1",     "--sentry-url",
                                     server.url(),  "--organization", "acme"};
    args.insert(args.end(), more.begin(), more.end());
    return RunPerfgate(args, fs, {{"SENTRY_AUTH_TOKEN", "tok"}}, &transport, &clock);
  }
  // check, writing the Markdown and JSON reports to r.md and r.json.
  CliRun Check(const std::vector<std::string>& more = {}) {
    std::vector<std::string> args = {"--markdown", "r.md", "--json", "r.json"};
    args.insert(args.end(), more.begin(), more.end());
    return Run("check", args);
  }

  FakeSentryServer server;
  fetch::CurlTransport transport;
  FakeClock clock;
  FakeFileSystem fs;
};

// The spans dataset's answer for POST /api/analyze: the documents query's self time grew
// from 90 to 470 ms per request; a new chunks query; the users query and the http call
// unchanged. Descriptions carry literals, which group.
SentryServerOptions SpanGroups() {
  SentryServerOptions options;
  auto totals = [](double documents_ms, bool chunks) {
    SpanGroupTotals t;
    t.transactions = 300;
    t.groups = {{"db.sql.query", "SELECT * FROM documents WHERE id = 17", documents_ms * 200, 200},
                {"db.sql.query", "SELECT * FROM documents WHERE id = 4", documents_ms * 100, 100},
                {"db.sql.query", "SELECT name FROM users WHERE id = 9", 10 * 300, 300},
                {"http.client", "GET https://api.example.com/v1/embed", 200 * 300, 300}};
    if (chunks) t.groups.push_back({"db", "SELECT * FROM chunks WHERE doc = 7", 20 * 300, 300});
    return t;
  };
  options.span_groups["1.0"]["POST /api/analyze"] = totals(90, false);
  options.span_groups["1.1"]["POST /api/analyze"] = totals(470, true);
  return options;
}

TEST(CliSentryExplain, SaysWhichOpFamilyGrewByTheOpsBreakdownAndLinksSentrysTraceView) {
  AnalyzeSentry sentry(AnalyzeHandler(SpanGroups()));
  CliRun run = sentry.Check();
  EXPECT_EQ(run.exit_code, 0) << run.err;  // the built-in relative p95 rule warns
  // Raw mode asked for the breakdown with the events.
  bool asked = false;
  for (const FakeSentryServer::Request& request : sentry.server.requests())
    asked = asked || (request.target.find("&field=trace&field=spans.http&field=spans.db") !=
                          std::string::npos &&
                      request.target.find("&field=spans.total.time") != std::string::npos);
  EXPECT_TRUE(asked);
  const std::size_t why = run.out.find(
      "  WHY          POST /api/analyze: in the p95 tail (15 and 15 requests at or above each "
      "release's p95): db +");
  ASSERT_NE(why, std::string::npos) << run.out;
  EXPECT_NE(run.out.find("by Sentry's ops breakdown\n", why), std::string::npos) << run.out;

  const boost::json::value json = boost::json::parse(sentry.fs.files["r.json"]);
  const boost::json::value& explanation = json.at("groups").at(0).at("explanation");
  EXPECT_EQ(explanation.at("method"), "ops_breakdown");
  const boost::json::array& causes = explanation.at("mean").at("causes").as_array();
  ASSERT_FALSE(causes.empty());
  EXPECT_EQ(causes[0].at("op"), "db");
  // The family's span groups from the spans dataset: self time per request, no interval.
  const boost::json::array& groups = causes[0].at("groups").as_array();
  ASSERT_EQ(groups.size(), 3u) << boost::json::serialize(causes[0]);
  EXPECT_EQ(groups[0].at("op"), "db.sql.query");
  EXPECT_EQ(groups[0].at("description"), "SELECT * FROM documents WHERE id = %s");
  EXPECT_DOUBLE_EQ(groups[0].at("baseline_ms").to_number<double>(), 90);
  EXPECT_DOUBLE_EQ(groups[0].at("change_ms").to_number<double>(), 380);
  EXPECT_TRUE(groups[0].at("change_ci").is_null());
  EXPECT_EQ(groups[0].at("status"), "untested");
  EXPECT_EQ(groups[1].at("description"), "SELECT * FROM chunks WHERE doc = %s");
  EXPECT_EQ(groups[1].at("status"), "new");
  EXPECT_EQ(groups[2].at("status"), "untested");  // users: unchanged, but not tested
  // The tail's families have none: the aggregates are over every request.
  EXPECT_TRUE(explanation.at("causes").at(0).at("groups").as_array().empty());
  // The families and the rest add up to the change in mean duration.
  double sum = explanation.at("mean").at("unattributed").at("change_ms").to_number<double>();
  for (const boost::json::value& cause : causes) sum += cause.at("change_ms").to_number<double>();
  EXPECT_NEAR(sum, explanation.at("mean").at("change_ms").to_number<double>(), 1e-9);
  // The db family grew by about 400 ms; http and the other ops did not change.
  EXPECT_NEAR(causes[0].at("change_ms").to_number<double>(), 400, 25);
  for (const boost::json::value& cause : causes) {
    if (cause.at("op") != "db") {
      EXPECT_EQ(cause.at("status"), "unchanged") << boost::json::serialize(cause);
    }
  }

  // Each exemplar's parts along its trace tree's critical path: the render, and the http
  // call it waited for; the database query was still running when that call started, so
  // the request's own time covers it (Jaeger's rule); the callee's own transaction is not
  // this one's.
  for (const boost::json::value& exemplar : explanation.at("exemplars").as_array()) {
    EXPECT_EQ(exemplar.at("top_ops_from"), "trace") << boost::json::serialize(exemplar);
    EXPECT_EQ(exemplar.at("event_id").as_string().size(), 32u);
    for (const boost::json::value& op : exemplar.at("top_ops").as_array())
      EXPECT_NE(op.at("op"), "db") << "the callee's db span is another transaction's";
  }
  const boost::json::value& slowest = explanation.at("exemplars").at(0);
  std::set<std::string> on_path;
  for (const boost::json::value& op : slowest.at("top_ops").as_array())
    on_path.insert(std::string(op.at("op").as_string()));
  EXPECT_TRUE(on_path.contains("http.client")) << boost::json::serialize(slowest);
  EXPECT_FALSE(on_path.contains("db.sql.query")) << boost::json::serialize(slowest);

  // A self-hosted Sentry's trace view, and the method said in the report.
  const std::string& markdown = sentry.fs.files["r.md"];
  const std::string link = sentry.server.url() + "/organizations/acme/explore/traces/trace/";
  EXPECT_NE(markdown.find("](" + link), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("most of the change in db (most in \"SELECT \\* FROM documents WHERE "
                          "id = %s\") +"),
            std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("by Sentry's ops breakdown (spans.db, spans.http, ...: the time each "
                          "op family's spans cover; families that ran in parallel are each "
                          "counted in full, so parallel work may be over-counted"),
            std::string::npos)
      << markdown;

  // The cache keeps trace ids and breakdowns: the rerun explains the same, byte for byte.
  const std::string first = sentry.fs.files["r.json"];
  const std::size_t requests = sentry.server.requests().size();
  CliRun cached = sentry.Check();
  EXPECT_EQ(sentry.server.requests().size(), requests);
  EXPECT_EQ(cached.out, run.out);
  EXPECT_EQ(sentry.fs.files["r.json"], first);
}

TEST(CliSentryExplain, ReleasesReadAsHistogramsAreExplainedBySentrysSpanGroups) {
  // Big releases are read as zoomed histograms: no event carries its spans, so the
  // explanation comes from the spans dataset's aggregates, over every request.
  AnalyzeSentry sentry(AnalyzeHandler(SpanGroups()));
  CliRun run = sentry.Check({"--mode", "histogram"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const std::size_t why = run.out.find(
      "  WHY          POST /api/analyze: over 300 and 300 requests (aggregates): db.sql.query "
      "(most in \"SELECT * FROM documents WHERE id = %s\") +380 ms per request (no "
      "interval: aggregates only; ");
  ASSERT_NE(why, std::string::npos) << run.out;
  EXPECT_NE(run.out.find("by span group, from Sentry's spans dataset\n", why), std::string::npos)
      << run.out;
  const boost::json::value json = boost::json::parse(sentry.fs.files["r.json"]);
  const boost::json::value& explanation = json.at("groups").at(0).at("explanation");
  EXPECT_EQ(explanation.at("method"), "span_groups");
  EXPECT_TRUE(explanation.at("exemplars").as_array().empty());
  EXPECT_TRUE(explanation.at("change_ci").is_null());
  EXPECT_TRUE(explanation.at("interval").is_null());
  const boost::json::array& causes = explanation.at("causes").as_array();
  ASSERT_FALSE(causes.empty());
  EXPECT_EQ(causes[0].at("op"), "db.sql.query");
  EXPECT_EQ(causes[0].at("status"), "untested");
  EXPECT_TRUE(causes[0].at("change_ci").is_null());
  EXPECT_EQ(causes[0].at("groups").at(0).at("description"),
            "SELECT * FROM documents WHERE id = %s");
  EXPECT_NE(
      sentry.fs.files["r.md"].find("causes: the change in mean time per request of releases read "
                                   "as histogram bins or aggregates, by span group: each span op's "
                                   "and group's self time per "
                                   "request from Sentry's spans dataset"),
      std::string::npos)
      << sentry.fs.files["r.md"];

  // `explain` says the same; a transaction Sentry's spans dataset holds nothing of is named.
  CliRun explained = sentry.Run("explain", {"--mode", "histogram"});
  EXPECT_EQ(explained.exit_code, 0) << explained.err;
  EXPECT_NE(explained.out.find("POST /api/analyze: why its mean changed, from every request (300 "
                               "candidate and 300 baseline requests, from aggregates), by span "
                               "group, from Sentry's spans dataset\n"),
            std::string::npos)
      << explained.out;
}

TEST(CliSentryExplain, AReleaseWithoutSpansInTheSpansDatasetIsNotExplainedAndSaysSo) {
  SentryServerOptions options = SpanGroups();
  options.span_groups["1.0"]["POST /api/analyze"].transactions = 0;
  options.span_groups["1.0"]["POST /api/analyze"].groups.clear();
  AnalyzeSentry sentry(AnalyzeHandler(options));
  CliRun run = sentry.Check({"--mode", "histogram"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("perfgate: warning: POST /api/analyze is not explained: Sentry's spans "
                         "dataset holds none of its transactions in sentry:1.0\n"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.out.find("WHY"), std::string::npos) << run.out;
  CliRun named =
      sentry.Run("explain", {"--mode", "histogram", "--transaction", "POST /api/analyze"});
  EXPECT_EQ(named.exit_code, 3) << named.err;
  EXPECT_NE(named.err.find("explain: 'POST /api/analyze' is known only as histogram bins or "
                           "aggregates, without spans, and Sentry's span groups of it could not "
                           "be had"),
            std::string::npos)
      << named.err;
}

TEST(CliSentryExplain, SpanGroupsThatCannotBeFetchedAreAWarningNotAFailure) {
  // A Sentry without the spans dataset: its aggregate queries are refused; no trace found.
  auto answer = AnalyzeHandler({});
  AnalyzeSentry sentry([&](const FakeSentryServer::Request& request) {
    if (QueryParameter(request.target, "dataset") == "spans")
      return FakeSentryServer::Reply{400, {}, R"({"detail": "Invalid dataset"})"};
    if (request.target.find("/trace/") != std::string::npos)
      return FakeSentryServer::Reply{404, {}, R"({"detail": "Not found"})"};
    return answer(request);
  });
  CliRun run = sentry.Check();
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("perfgate: warning: sentry:1.0: span groups of POST /api/analyze not "
                         "fetched, its explanation names op families only: "),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("perfgate: warning: sentry:1.1: trace "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(" not fetched, its exemplar keeps the ops breakdown: "),
            std::string::npos);
  EXPECT_NE(run.out.find("WHY          POST /api/analyze"), std::string::npos);
}

}  // namespace
}  // namespace perfgate
