// `perfgate alert` end to end: state transitions across runs, notifications to a webhook
// receiver on 127.0.0.1, and a failing webhook that must not advance the state.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "fetch/http/curl_transport.h"
#include "tests/fakes/cli_runner.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_sentry_server.h"

namespace perfgate {
namespace {

using Reply = FakeSentryServer::Reply;

struct AlertRig {
  FakeSentryServer receiver{[](const FakeSentryServer::Request&) { return Reply{200, {}, "ok"}; }};
  fetch::CurlTransport transport;
  FakeClock clock;
  FakeFileSystem fs = ReadingFixtures();

  CliRun Alert(const std::string& candidate, std::initializer_list<std::string> more = {}) {
    std::vector<std::string> args = {"alert",
                                     "--candidate",
                                     candidate,
                                     "--state",
                                     "state.json",
                                     "--webhook",
                                     receiver.url() + "/hooks/T000/SECRET",
                                     "--remind-after",
                                     "24h"};
    args.insert(args.end(), more);
    return RunPerfgate(args, fs, {}, &transport, &clock);
  }
  std::vector<boost::json::value> Payloads() const {
    std::vector<boost::json::value> payloads;
    for (const auto& request : receiver.requests())
      payloads.push_back(boost::json::parse(request.body));
    return payloads;
  }
};

TEST(Alert, NotifiesNewBreachesRemindersAndResolutionsOnlyOnce) {
  AlertRig rig;
  CliRun first = rig.Alert("examples/candidate.ndjson");
  EXPECT_EQ(first.exit_code, 0) << first.err;  // breaching is news, not a failed run
  // The error rate's breach is proven over the family of 18 rules; the export's p95 (47 of
  // 600 events over 8000 ms, where 5 % are allowed) is over the limit at this look but not
  // proven for every look (--fixed-sample would announce it: below).
  EXPECT_NE(first.out.find("perfgate: alert: 1 change, notifying the webhook"), std::string::npos)
      << first.out;
  EXPECT_NE(first.out.find("INCONCLUSIVE POST /api/reports/export p95 9141 ms (95 % CI [8542, "
                           "10714] ms) > 8000 ms [thresholds.yaml:14]; anytime-valid: not proven "
                           "(evidence 7.7, 360 needed over 18 rules and every look); a look of "
                           "this traffic (600 events) proves a breach once 9.17 % of its events "
                           "are over 8000 ms (5.00 % allowed)\n"),
            std::string::npos)
      << first.out;
  ASSERT_EQ(rig.Payloads().size(), 1u);
  boost::json::value payload = rig.Payloads()[0];
  const std::string text(payload.at("text").as_string());
  EXPECT_TRUE(text.starts_with("perfgate alert for examples/candidate.ndjson: 1 new breach\n• NEW "
                               "POST /api/checkout error_rate 4.38 %"))
      << text;
  EXPECT_NE(text.find("; anytime-valid: breach proven (evidence 2.3e9, 360 needed over 18 rules "
                      "and every look)"),
            std::string::npos)
      << text;
  EXPECT_EQ(payload.at("perfgate").at("changes").as_array().size(), 1u);
  EXPECT_EQ(payload.at("perfgate").at("changes").at(0).at("change"), "new_breach");
  EXPECT_EQ(rig.receiver.requests()[0].target, "/hooks/T000/SECRET");

  rig.clock.now += std::chrono::hours(1);  // an hour later, still breaching: quiet
  CliRun second = rig.Alert("examples/candidate.ndjson");
  EXPECT_EQ(second.exit_code, 0);
  EXPECT_NE(second.out.find("perfgate: alert: no change since the last run"), std::string::npos);
  EXPECT_EQ(rig.Payloads().size(), 1u);

  rig.clock.now += std::chrono::hours(24);  // past the reminder interval
  rig.Alert("examples/candidate.ndjson");
  ASSERT_EQ(rig.Payloads().size(), 2u);
  EXPECT_EQ(rig.Payloads()[1].at("perfgate").at("changes").at(0).at("change"), "still_breaching");

  // The fix ships: its first hours are too few events to prove the end (0.12 % errors
  // of 800 against a 1 % limit), so the breach stays open, quietly.
  CliRun fixing = rig.Alert("examples/baseline.ndjson");
  EXPECT_EQ(fixing.exit_code, 0);
  EXPECT_EQ(rig.Payloads().size(), 2u);
  EXPECT_NE(fixing.out.find("anytime-valid: breaching until its end is proven"), std::string::npos)
      << fixing.out;
  // A day of the fixed release: 4,000 checkouts, 4 failed.
  std::string fixed = "transaction,duration_ms,status\n";
  for (int i = 0; i < 4000; ++i)
    fixed += "POST /api/checkout," + std::to_string(300 + i % 50) + (i % 1000 ? ",ok\n" : ",internal_error\n");
  rig.fs.files["fixed.csv"] = fixed;
  rig.Alert("fixed.csv");
  ASSERT_EQ(rig.Payloads().size(), 3u);
  const std::string resolved(rig.Payloads()[2].at("text").as_string());
  EXPECT_TRUE(resolved.starts_with("perfgate alert for fixed.csv: 1 resolved\n• RESOLVED POST "
                                   "/api/checkout error_rate 0.10 %"))
      << resolved;
  EXPECT_NE(resolved.find("anytime-valid: back within the limit, proven"), std::string::npos);
  rig.Alert("fixed.csv");
  EXPECT_EQ(rig.Payloads().size(), 3u);  // nothing new
}

TEST(Alert, AFailedNotificationIsExitThreeAndKeepsTheState) {
  AlertRig rig;
  FakeSentryServer broken([](const FakeSentryServer::Request&) { return Reply{500, {}, "down"}; });
  CliRun run = RunPerfgate({"alert", "--candidate", "examples/candidate.ndjson", "--state",
                            "state.json", "--webhook", broken.url() + "/hooks/T000/SECRET"},
                           rig.fs, {}, &rig.transport, &rig.clock);
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(run.err, "perfgate: error: POST " + broken.url() +
                         "/...: answered 500; the state was not advanced, "
                         "so the next run notifies again\n");
  EXPECT_EQ(run.err.find("SECRET"), std::string::npos);
  EXPECT_FALSE(rig.fs.files.contains("state.json"));
  EXPECT_EQ(broken.requests().size(), 4u);  // retried
  // The next run, with the webhook back, announces the same breaches.
  CliRun retry = rig.Alert("examples/candidate.ndjson");
  EXPECT_EQ(retry.exit_code, 0);
  ASSERT_EQ(rig.Payloads().size(), 1u);
  EXPECT_EQ(rig.Payloads()[0].at("perfgate").at("changes").as_array().size(), 1u);
}

TEST(Alert, DryRunPrintsThePayloadSendsNothingAndKeepsTheState) {
  AlertRig rig;
  CliRun run = rig.Alert("examples/candidate.ndjson",
                         {"--dry-run", "--webhook-format", "slack", "--report-url",
                          "https://ci.example.com/jobs/7"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("perfgate: alert: 1 change (--dry-run: the payload below, not sent)\n"),
            std::string::npos)
      << run.out;
  const std::size_t payload = run.out.find("{\n  \"text\": ");
  ASSERT_NE(payload, std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"type\": \"header\""), std::string::npos);
  EXPECT_NE(run.out.find("<https://ci.example.com/jobs/7|Full report>"), std::string::npos);
  EXPECT_TRUE(run.out.ends_with("perfgate: alert: --dry-run: nothing sent, the state left as it "
                                "was\n"));
  EXPECT_TRUE(rig.receiver.requests().empty());
  EXPECT_FALSE(rig.fs.files.contains("state.json"));
  // The real run then announces it, in the same dialect.
  CliRun real = rig.Alert("examples/candidate.ndjson", {"--webhook-format", "slack"});
  ASSERT_EQ(rig.Payloads().size(), 1u);
  EXPECT_TRUE(rig.Payloads()[0].as_object().contains("blocks"));
  CliRun bad = rig.Alert("examples/candidate.ndjson", {"--webhook-format", "mattermost"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--webhook-format is json, slack, teams or discord, not 'mattermost'"),
            std::string::npos)
      << bad.err;
}

TEST(Alert, FixedSampleJudgesEachRunOnItsOwnInterval) {
  AlertRig rig;
  CliRun run = rig.Alert("examples/candidate.ndjson", {"--fixed-sample"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(rig.Payloads().size(), 1u);
  EXPECT_EQ(rig.Payloads()[0].at("perfgate").at("changes").as_array().size(), 2u);
  EXPECT_EQ(run.out.find("anytime-valid"), std::string::npos) << run.out;
}

TEST(Alert, WithoutAWebhookPrintsAndAdvances) {
  AlertRig rig;
  CliRun run =
      RunPerfgate({"alert", "--candidate", "examples/candidate.ndjson", "--state", "state.json"},
                  rig.fs, {}, &rig.transport, &rig.clock);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("1 change (no --webhook: printed only)\n"
                         "perfgate alert for examples/candidate.ndjson: 1 new breach\n"
                         "• NEW POST /api/checkout error_rate 4.38 % "),
            std::string::npos)
      << run.out;
  EXPECT_TRUE(rig.fs.files.contains("state.json"));
  EXPECT_TRUE(rig.receiver.requests().empty());
  CliRun bad = RunPerfgate({"alert", "--candidate", "examples/candidate.ndjson", "--state",
                            "state.json", "--webhook", "http://hooks.example.com/x"},
                           rig.fs, {}, &rig.transport, &rig.clock);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(
      bad.err,
      "perfgate: error: the webhook must be an https:// URL (plain http only on loopback), not "
      "http://hooks.example.com\n");
  // A reminder period whose seconds would overflow is refused, not wrapped.
  CliRun overflow = RunPerfgate({"alert", "--candidate", "examples/candidate.ndjson", "--state",
                                 "state.json", "--remind-after", "999999999999999d"},
                                rig.fs, {}, &rig.transport, &rig.clock);
  EXPECT_EQ(overflow.exit_code, 2);
  EXPECT_EQ(overflow.err,
            "perfgate: error: --remind-after is at most 100 years, not '999999999999999d'\nrun "
            "'perfgate alert --help' for its options\n");
}

TEST(Alert, AStateThatCannotBeWrittenStopsTheRunBeforeAnyoneIsNotified) {
  AlertRig rig;
  rig.fs.failing_writes.insert("state.json");
  CliRun run = rig.Alert("examples/candidate.ndjson");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "perfgate: error: state.json: cannot write: Permission denied\n");
  EXPECT_TRUE(rig.receiver.requests().empty());  // so the same news is never sent twice
  // A state in a folder that does not exist yet: the folder is made.
  CliRun nested = RunPerfgate(
      {"alert", "--candidate", "examples/candidate.ndjson", "--state", "alerts/prod/state.json"},
      rig.fs, {}, &rig.transport, &rig.clock);
  EXPECT_EQ(nested.exit_code, 0) << nested.err;
  EXPECT_TRUE(rig.fs.directories.contains("alerts/prod"));
  EXPECT_TRUE(rig.fs.files.contains("alerts/prod/state.json"));
}

TEST(Alert, ACorruptStateSaysWhereWithoutParserInternals) {
  AlertRig rig;
  rig.fs.files["state.json"] = "{\n  \"schema_version\": 2,\n  \"entries\": {\n    \"a\": tru";
  CliRun run = rig.Alert("examples/candidate.ndjson");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(
      run.err.starts_with("perfgate: error: state.json: not a perfgate alert state (line 4: "))
      << run.err;
  EXPECT_TRUE(
      run.err.ends_with("); --fresh-state starts afresh, announcing every open breach again\n"))
      << run.err;
  EXPECT_EQ(run.err.find("boost"), std::string::npos) << run.err;
  EXPECT_TRUE(rig.receiver.requests().empty());
}

TEST(Alert, AnEmptiedStateIsRefusedUnlessAFreshStartIsAsked) {
  AlertRig rig;
  CliRun first = rig.Alert("examples/candidate.ndjson");  // opens the example's breaches
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::size_t announced = rig.receiver.requests().size();
  ASSERT_EQ(announced, 1u);
  rig.fs.files["state.json"] = "";  // a cut cache restore
  CliRun emptied = rig.Alert("examples/candidate.ndjson");
  EXPECT_EQ(emptied.exit_code, 2);
  EXPECT_EQ(emptied.Errors(),
            "perfgate: error: state.json: not a perfgate alert state (it is empty: a cut cache "
            "restore or a full disk?); --fresh-state starts afresh, announcing every open breach "
            "again\n");
  EXPECT_EQ(rig.receiver.requests().size(), announced);  // nothing announced again
  EXPECT_EQ(rig.fs.files["state.json"], "");             // and the file left for a look
  CliRun fresh = rig.Alert("examples/candidate.ndjson", {"--fresh-state"});
  EXPECT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_EQ(rig.receiver.requests().size(), announced + 1);
  EXPECT_NE(rig.fs.files["state.json"], "");
}

TEST(Alert, ABareLimitThatCannotBeMeantIsRefusedBeforeAnyBreachIsAnnounced) {
  AlertRig rig;
  rig.fs.files["t.yaml"] = "version: 1\nrules:\n  - metric: p50\n    max: 1\n";
  CliRun run = rig.Alert("examples/candidate.ndjson", {"--config", "t.yaml"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("t.yaml:3: p50 max: 1 is read as 1 ms"), std::string::npos) << run.err;
  EXPECT_TRUE(rig.receiver.requests().empty());
  EXPECT_FALSE(rig.fs.files.contains("state.json"));
}

TEST(Alert, ARunWhileAnotherHoldsTheStateWaitsThenExitsThreeDoingNothing) {
  AlertRig rig;
  Result<std::unique_ptr<FileSystem::Lock>> other =
      rig.fs.LockFile("state.json.lock", std::chrono::seconds(0));
  ASSERT_TRUE(other.ok());
  CliRun run = rig.Alert("examples/candidate.ndjson");
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(run.Errors(),
            "perfgate: error: state.json.lock: held by another run (waited 0.0 s): another "
            "perfgate alert is using state.json; this run did nothing (--lock-wait waits "
            "longer)\n");
  EXPECT_TRUE(rig.receiver.requests().empty());
  EXPECT_FALSE(rig.fs.files.contains("state.json"));
  other->reset();  // released: the next run goes ahead
  EXPECT_EQ(rig.Alert("examples/candidate.ndjson").exit_code, 0);
  EXPECT_EQ(rig.receiver.requests().size(), 1u);
}

TEST(Alert, ABreachingTransactionThatVanishesIsClosedOnceAfterADay) {
  AlertRig rig;
  rig.Alert("examples/candidate.ndjson");
  ASSERT_EQ(rig.Payloads().size(), 1u);
  // The next release has none of the breaching transactions.
  rig.fs.files["other.csv"] = "transaction,duration_ms\n";
  for (int i = 0; i < 60; ++i)
    rig.fs.files["other.csv"] += "GET /health," + std::to_string(i) + "\n";
  rig.clock.now += std::chrono::hours(2);
  CliRun away = rig.Alert("other.csv");
  EXPECT_EQ(away.exit_code, 0) << away.err;
  EXPECT_EQ(rig.Payloads().size(), 1u);  // not yet
  rig.clock.now += std::chrono::hours(23);
  CliRun gone = rig.Alert("other.csv");
  ASSERT_EQ(rig.Payloads().size(), 2u);
  const std::string text(rig.Payloads()[1].at("text").as_string());
  EXPECT_TRUE(text.starts_with("perfgate alert for other.csv: 1 without data\n• NO DATA ")) << text;
  EXPECT_NE(text.find(" was breaching; not judged since 2026-"), std::string::npos) << text;
  EXPECT_EQ(rig.Payloads()[1].at("perfgate").at("changes").at(0).at("change"), "no_data");
  rig.clock.now += std::chrono::hours(48);
  rig.Alert("other.csv");
  EXPECT_EQ(rig.Payloads().size(), 2u);  // closed once, never reminded
}

}  // namespace
}  // namespace perfgate
