// Sentry sources as a gate reads them, end to end through the real transport against a
// fake Sentry on 127.0.0.1: sentry:latest is resolved and named before anything is fetched,
// and a release is never judged against itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>

#include "fetch/files/sample_reader.h"
#include "fetch/http/curl_transport.h"
#include "tests/fakes/cli_runner.h"
#include "tests/fakes/fake_sentry_server.h"

namespace perfgate {
namespace {

std::map<std::string, SampleSet> Releases() {
  RealFileSystem fs;
  return {{"1.0", *fetch::ReadSampleFile(fs, "examples/baseline.ndjson", std::nullopt, {})},
          {"1.1", *fetch::ReadSampleFile(fs, "examples/candidate.ndjson", std::nullopt, {})}};
}

// A fake Sentry (Releases() by default) and a run of perfgate against it: `Run` adds the
// organization (acme unless given), the cache and the server's URL.
struct SentryFixture {
  explicit SentryFixture(std::string secret = "tok")
      : SentryFixture(SentryHandler(Releases(), secret), secret) {}
  SentryFixture(FakeSentryServer::Handler handler, std::string secret)
      : server(std::move(handler)), token(std::move(secret)) {}

  FakeSentryServer server;
  std::string token;
  fetch::CurlTransport transport;
  FakeClock clock;
  FakeFileSystem fs;

  CliRun Run(std::vector<std::string> args, const std::string& organization = "acme") {
    for (const std::string& option :
         {std::string("--organization"), organization, std::string("--cache-dir"),
          std::string("cache"), std::string("--sentry-url"), server.url()})
      args.push_back(option);
    return RunPerfgate(args, fs, {{"SENTRY_AUTH_TOKEN", token}}, &transport, &clock);
  }
};

TEST(CliSentrySource, LatestThatIsTheCandidateIsRefusedNamingBoth) {
  SentryFixture sentry;  // 1.1 is the newest release
  CliRun run = sentry.Run(
      {"check", "--baseline", "sentry:latest", "--candidate", "sentry:1.1", "--markdown", "r.md"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("perfgate: sentry:latest is release 1.1 (the newest events of acme in "
                         "the last 24 hours)\n"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("perfgate: error: the baseline (sentry:latest) and the candidate "
                         "(sentry:1.1) are both release 1.1: a release compared with itself "
                         "always passes"),
            std::string::npos)
      << run.err;
  EXPECT_FALSE(sentry.fs.Exists("r.md"));          // no report claims a verdict
  EXPECT_EQ(sentry.server.requests().size(), 1u);  // the releases list only: nothing fetched
}

TEST(CliSentrySource, TheSameReleaseOnBothSidesIsRefused) {
  SentryFixture sentry;
  CliRun run = sentry.Run({"compare", "sentry:1.0", "sentry:1.0"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("are both release 1.0"), std::string::npos) << run.err;
}

TEST(CliSentrySource, LatestIsJudgedAsTheReleaseItNamesAndFetchedAnewEachRun) {
  SentryFixture sentry;
  CliRun run = sentry.Run(
      {"check", "--baseline", "sentry:1.0", "--candidate", "sentry:latest", "--json", "r.json"});
  EXPECT_EQ(run.exit_code, 1) << run.err;  // the example's regression
  EXPECT_NE(run.err.find("perfgate: sentry:latest is release 1.1"), std::string::npos) << run.err;
  EXPECT_NE(sentry.fs.files["r.json"].find("\"sentry:1.1\""), std::string::npos);
  // The newest release is still gathering events: the next run resolves latest again and
  // fetches it again, while the named baseline comes from the cache.
  CliRun again = sentry.Run({"check", "--baseline", "sentry:1.0", "--candidate", "sentry:latest"});
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_NE(again.err.find("perfgate: sentry:1.0: 6130 events from the cache"), std::string::npos)
      << again.err;
  EXPECT_NE(again.err.find("perfgate: sentry:1.1: fetched 6130 events"), std::string::npos)
      << again.err;
}

TEST(CliSentrySource, LatestIsTheReleaseServingNowNotTheNewestCreated) {
  std::map<std::string, SampleSet> releases = Releases();
  releases["1.2"] = SampleSet{};  // created by the build, not deployed: no events yet
  FakeSentryServer server{SentryHandler(std::move(releases), "tok")};
  fetch::CurlTransport transport;
  FakeClock clock;
  FakeFileSystem fs;
  CliRun run = RunPerfgate({"stats", "sentry:latest", "--organization", "acme", "--cache-dir",
                            "cache", "--sentry-url", server.url()},
                           fs, {{"SENTRY_AUTH_TOKEN", "tok"}}, &transport, &clock);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("perfgate: sentry:latest is release 1.1 (the newest events of acme in "
                         "the last 24 hours)\n"),
            std::string::npos)
      << run.err;
  // With a range where no release has events, the newest created, said.
  CliRun empty = RunPerfgate({"stats", "sentry:latest", "--organization", "acme", "--cache-dir",
                              "cache", "--sentry-url", server.url(), "--since", "1h"},
                             fs, {{"SENTRY_AUTH_TOKEN", "tok"}}, &transport, &clock);
  EXPECT_NE(empty.err.find("perfgate: sentry:latest is release 1.2 (the newest created of acme; "
                           "no release has transactions from 2026-11-25T11:00:00Z to "
                           "2026-11-25T12:00:00Z)\n"),
            std::string::npos)
      << empty.err;
}

TEST(CliSentrySource, PreviousIsTheReleaseBeforeTheCandidateByFirstEvent) {
  std::map<std::string, SampleSet> releases = Releases();
  releases["1.2"] = releases["1.1"];
  SentryServerOptions options;
  options.release_offsets = {{"1.0", std::chrono::hours(-48)},  // two days before
                             {"1.1", std::chrono::hours(-24)}};
  SentryFixture sentry(SentryHandler(std::move(releases), "tok", options), "tok");
  const auto run = [&](std::vector<std::string> args) { return sentry.Run(std::move(args)); };
  CliRun check = run({"check", "--baseline", "sentry:previous", "--candidate", "sentry:1.2"});
  EXPECT_NE(check.err.find("perfgate: sentry:previous is release 1.1 (the release before 1.2, by "
                           "first event, in acme)\n"),
            std::string::npos)
      << check.err;
  EXPECT_NE(check.err.find("perfgate: sentry:1.1: fetched 6130 events"), std::string::npos)
      << check.err;
  CliRun first = run({"check", "--baseline", "sentry:previous", "--candidate", "sentry:1.0"});
  EXPECT_EQ(first.exit_code, 3);
  EXPECT_NE(first.err.find("sentry:previous: no release of acme has transactions in the 90 days "
                           "before 1.0's first"),
            std::string::npos)
      << first.err;
  CliRun file =
      run({"check", "--baseline", "sentry:previous", "--candidate", "examples/candidate.ndjson"});
  EXPECT_EQ(file.exit_code, 2);
  EXPECT_NE(file.err.find("sentry:previous is the release before the candidate's, so the "
                          "candidate must be a sentry: release too, not examples/candidate.ndjson"),
            std::string::npos)
      << file.err;
}

TEST(CliSentrySource, PreviousThreeIsTheThreeReleasesBeforePooledWithEqualWeights) {
  std::map<std::string, SampleSet> releases = Releases();
  releases["0.9"] = releases["1.0"];
  releases["1.2"] = releases["1.1"];
  releases["1.3"] = releases["1.1"];
  SentryServerOptions options;
  options.release_offsets = {{"0.9", std::chrono::hours(-96)},
                             {"1.0", std::chrono::hours(-72)},
                             {"1.1", std::chrono::hours(-48)},
                             {"1.2", std::chrono::hours(-24)}};
  SentryFixture sentry(SentryHandler(std::move(releases), "tok", options), "tok");
  CliRun run = sentry.Run({"check", "--baseline", "sentry:previous:3", "--candidate", "sentry:1.3",
                           "--json", "r.json"});
  EXPECT_NE(run.err.find("perfgate: sentry:previous:3 is releases 1.2, 1.1, 1.0, pooled with "
                         "equal weights (the 3 releases before 1.3, by first event, in acme)\n"),
            std::string::npos)
      << run.err;
  const boost::json::value report = boost::json::parse(sentry.fs.files["r.json"]);
  EXPECT_EQ(report.at("baseline").at("source"), "sentry:previous:3 (1.2, 1.1, 1.0)");
  // Equal weights: per transaction, each release gives as many events as the one with the
  // fewest (all three have the same counts here: all of each).
  EXPECT_EQ(report.at("baseline").at("events").to_number<int>(), 3 * 6130);
  // Aggregate mode has Sentry's percentiles, not events: nothing to pool.
  CliRun aggregated = sentry.Run({"check", "--baseline", "sentry:previous:3", "--candidate",
                                  "sentry:1.3", "--mode", "aggregate"});
  EXPECT_EQ(aggregated.exit_code, 2);
  EXPECT_NE(aggregated.err.find(
                "perfgate: error: sentry:previous:3 (1.2, 1.1, 1.0) pools releases' events, and "
                "aggregate mode gives Sentry's percentiles, which cannot be "
                "pooled: use mode auto, raw or histogram\n"),
            std::string::npos)
      << aggregated.err;
  // N out of range is a usage error.
  CliRun bad =
      sentry.Run({"check", "--baseline", "sentry:previous:0", "--candidate", "sentry:1.3"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("sentry:previous:0: sentry:previous:N pools the N releases before the "
                         "candidate's, N from 1 to 20"),
            std::string::npos)
      << bad.err;
}

TEST(CliSentrySource, DeployedIsTheReleaseLastDeployedToTheEnvironment) {
  std::map<std::string, SampleSet> releases = Releases();
  releases["1.2"] = releases["1.1"];
  SentryServerOptions options;
  options.deploys = {{"1.0", "production", "2026-11-18T09:00:00Z"},
                     {"1.1", "production", "2026-11-19T09:00:00Z"},
                     {"1.1", "staging", "2026-11-18T12:00:00Z"},
                     {"1.2", "staging", "2026-11-20T09:00:00Z"},
                     {"1.2", "production", "2026-11-20T10:00:00Z"}};
  SentryFixture sentry(SentryHandler(std::move(releases), "tok", options), "tok");
  const auto run = [&](std::vector<std::string> args) { return sentry.Run(std::move(args)); };
  // The candidate 1.2 is itself deployed to production (a canary): the one before it.
  CliRun check =
      run({"check", "--baseline", "sentry:deployed:production", "--candidate", "sentry:1.2"});
  EXPECT_NE(check.err.find("perfgate: sentry:deployed:production is release 1.1 (the release "
                           "last deployed to production (2026-11-19T09:00:00Z))\n"),
            std::string::npos)
      << check.err;
  CliRun staging =
      run({"check", "--baseline", "sentry:deployed:staging", "--candidate", "sentry:1.0"});
  EXPECT_NE(staging.err.find("perfgate: sentry:deployed:staging is release 1.2"), std::string::npos)
      << staging.err;
  CliRun none = run({"check", "--baseline", "sentry:deployed:qa", "--candidate", "sentry:1.2"});
  EXPECT_EQ(none.exit_code, 3);
  EXPECT_NE(none.err.find("sentry:deployed:qa: no deploy to qa among the 25 newest releases of "
                          "acme other than 1.2"),
            std::string::npos)
      << none.err;
}

// Six releases a day apart, 1.0 to 1.5, each 8 % slower than the one before (the same
// draws, scaled).
FakeSentryServer::Handler CreepingReleases() {
  std::map<std::string, SampleSet> releases;
  SentryServerOptions options;
  for (int k = 0; k < 6; ++k) {
    std::mt19937_64 random(5);
    std::lognormal_distribution<double> duration(std::log(200.0), 0.3);
    SampleSetBuilder builder;
    for (int i = 0; i < 3000; ++i)
      builder.Add("GET /a", duration(random) * std::pow(1.08, k), i % 500 == 0);
    const std::string name = "1." + std::to_string(k);
    releases[name] = std::move(builder).Build(name);
    options.release_offsets[name] = std::chrono::hours(24 * (k - 5));
  }
  return SentryHandler(std::move(releases), "tok", options);
}

// Every step passes a +10 % gate; the creep (+47 % over five releases) is what max_drift
// catches, naming where it came from.
TEST(CliSentrySource, MaxDriftCatchesACreepEveryStepPasses) {
  SentryFixture sentry(CreepingReleases(), "tok");
  FakeFileSystem& fs = sentry.fs;
  fs.files["t.yaml"] =
      "rules:\n"
      "  - {metric: p95, max_increase: 10%}\n"
      "  - {metric: p95, max_drift: 20%, releases: 5}\n";
  CliRun run = sentry.Run({"check", "--config", "t.yaml", "--baseline", "sentry:previous",
                           "--candidate", "sentry:1.5", "--json", "r.json"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  const boost::json::value report = boost::json::parse(fs.files["r.json"]);
  const boost::json::value& rules = report.at("groups").at(0).at("rules");
  EXPECT_EQ(rules.at(0).at("limit_text"), "p95 increase <= +10 %");
  EXPECT_EQ(rules.at(0).at("verdict"), "pass");
  EXPECT_NEAR(rules.at(0).at("change").to_number<double>(), 0.08, 1e-9);
  EXPECT_EQ(rules.at(1).at("limit_text"), "p95 drift over 5 releases <= +20 %");
  EXPECT_EQ(rules.at(1).at("verdict"), "fail");
  EXPECT_NEAR(rules.at(1).at("change").to_number<double>(), std::pow(1.08, 5) - 1, 1e-9);
  const std::string note(rules.at(1).at("note").as_string());
  EXPECT_TRUE(note.starts_with("drift since 1.0 over 5 releases: p95 1.0 ")) << note;
  for (const char* release : {", 1.1 ", ", 1.2 ", ", 1.3 ", ", 1.4 ", "; candidate "})
    EXPECT_NE(note.find(release), std::string::npos) << note;
}

TEST(CliSentrySource, TrendShowsEachReleasesPercentilesAndErrorRateWithIntervals) {
  SentryFixture sentry(CreepingReleases(), "tok");
  FakeFileSystem& fs = sentry.fs;
  CliRun run = sentry.Run({"trend", "--releases", "6", "--release", "1.5", "--json", "t.json",
                           "--html", "t.html", "--markdown", "t.md"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(
      run.out.starts_with("perfgate trend: 6 releases, 1.0 to 1.5\n\nGET /a (18000 "
                          "events)\n  RELEASE  EVENTS  "))
      << run.out;
  const boost::json::value trend = boost::json::parse(fs.files["t.json"]);
  const boost::json::array& points = trend.at("transactions").at(0).at("points").as_array();
  ASSERT_EQ(points.size(), 6u);
  for (std::size_t k = 0; k < 6; ++k) {
    EXPECT_EQ(points[k].at("release").as_string(), "1." + std::to_string(k));
    const double p95 = points[k].at("p95_ms").to_number<double>();
    EXPECT_NEAR(p95 / points[0].at("p95_ms").to_number<double>(), std::pow(1.08, k), 1e-9);
    EXPECT_LE(points[k].at("p95_ci").at("lower").to_number<double>(), p95);
    EXPECT_GE(points[k].at("p95_ci").at("upper").to_number<double>(), p95);
    EXPECT_NEAR(points[k].at("error_rate").to_number<double>(), 6.0 / 3000, 1e-12);
  }
  EXPECT_NE(fs.files["t.html"].find("<svg"), std::string::npos);
  EXPECT_NE(fs.files["t.md"].find("| 1.5 | 3000 |"), std::string::npos) << fs.files["t.md"];
}

// group_by: none pools every event: auto mode reads the events themselves; histogram and
// aggregate modes, whose values are per transaction, are refused.
TEST(CliSentrySource, GroupByNoneReadsRawUnderAutoAndRefusesPerTransactionModes) {
  SentryFixture sentry;
  sentry.fs.files["t.yaml"] = "group_by: none\nrules:\n  - {metric: p95, max: 8000ms}\n";
  const std::vector<std::string> args = {"check",      "--config",    "t.yaml",    "--baseline",
                                         "sentry:1.0", "--candidate", "sentry:1.1"};
  CliRun pooled = sentry.Run(args);
  EXPECT_NE(pooled.exit_code, 2) << pooled.err;
  EXPECT_NE(pooled.err.find(" pages ("), std::string::npos) << pooled.err;  // raw
  std::vector<std::string> histogram = args;
  histogram.insert(histogram.end(), {"--mode", "histogram"});
  CliRun refused = sentry.Run(histogram);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("histogram mode gives per-transaction values, which cannot be "
                             "pooled for group_by: none; use raw mode"),
            std::string::npos)
      << refused.err;
}

// A release Sentry does not have is said with the nearest names it has; an organization it
// does not have (or the token cannot see) is said as that, not blamed on the release.
TEST(CliSentrySource, AMissingReleaseListsTheNearestAndAMissingOrganizationIsNamed) {
  // A token that is no word of the messages (they are redacted of it).
  SentryFixture sentry("s3cret");
  const auto run = [&](const std::string& organization) {
    return sentry.Run({"check", "--baseline", "sentry:1.0", "--candidate", "sentry:1.10"},
                      organization);
  };
  CliRun release = run("acme");
  EXPECT_EQ(release.exit_code, 3);
  EXPECT_NE(release.err.find("sentry:1.10: no such release in organization 'acme'; the nearest "
                             "of its 2 newest: 1.1, 1.0"),
            std::string::npos)
      << release.err;
  CliRun organization = run("acne");
  EXPECT_EQ(organization.exit_code, 3);
  EXPECT_NE(organization.err.find("organization 'acne' does not exist on " + sentry.server.url() +
                                  ", or the token cannot see it (check "
                                  "source.sentry.organization or --organization, and the "
                                  "organization the token was made in)"),
            std::string::npos)
      << organization.err;
}

TEST(CliSentrySource, ReleasesAreCachedWhereCachesGo) {
  FakeSentryServer server{SentryHandler(Releases(), "tok")};
  fetch::CurlTransport transport;
  FakeClock clock;
  const auto cached_under = [&](std::map<std::string, std::string> vars) {
    FakeFileSystem fs;
    vars["SENTRY_AUTH_TOKEN"] = "tok";
    CliRun run = RunPerfgate({"check", "--baseline", "sentry:1.0", "--candidate", "sentry:1.1",
                              "--organization", "acme", "--sentry-url", server.url()},
                             fs, vars, &transport, &clock);
    EXPECT_EQ(run.exit_code, 1) << run.err;  // the example's regression
    std::string folder;
    for (const auto& [path, text] : fs.files) {
      if (path.ends_with(".ndjson")) folder = path.substr(0, path.rfind('/'));
    }
    return folder;
  };
  EXPECT_EQ(cached_under({{"XDG_CACHE_HOME", "/xdg"}, {"HOME", "/home/ci"}}), "/xdg/perfgate");
  EXPECT_EQ(cached_under({{"HOME", "/home/ci"}}), "/home/ci/.cache/perfgate");
  EXPECT_EQ(cached_under({{"XDG_CACHE_HOME", "relative"}, {"HOME", "/home/ci"}}),
            "/home/ci/.cache/perfgate");  // a relative XDG_CACHE_HOME is ignored, as the spec says
  EXPECT_EQ(cached_under({}), ".perfgate-cache");
}

TEST(CliSentrySource, SinceTakesADurationBeforeNowAndReadsUntilNow) {
  SentryFixture sentry;  // the fake clock reads 2026-11-25T12:00:00Z
  CliRun run = sentry.Run({"stats", "sentry:1.1", "--since", "2h"});
  // The fake release's events are older: none in the last two hours, and the range is said.
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("sentry:1.1: no transactions from 2026-11-25T10:00:00Z to "
                         "2026-11-25T12:00:00Z"),
            std::string::npos)
      << run.err;
  const auto& requests = sentry.server.requests();
  ASSERT_FALSE(requests.empty());
  bool ranged = false;
  for (const auto& request : requests) {
    ranged = ranged || (request.target.find("start=2026-11-25T10%3A00%3A00Z&end=2026-11-25T12%3A00%"
                                            "3A00Z") != std::string::npos);
  }
  EXPECT_TRUE(ranged) << requests.back().target;
  CliRun bad = sentry.Run({"stats", "sentry:1.1", "--since", "yesterday"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.Errors(),
            "perfgate: error: --since 'yesterday' is neither a time (2026-12-06T10:00:00Z), a "
            "duration before now (30m, 1h, 2d) nor 'now'\n");
  CliRun lone = sentry.Run({"stats", "sentry:1.1", "--until", "now"});
  EXPECT_EQ(lone.exit_code, 2);
  EXPECT_NE(lone.err.find("--until needs --since (the start of the time range)"), std::string::npos)
      << lone.err;
}

TEST(CliSentrySource, ACacheEntryCutShortIsSaidAndFetchedAgainNeverJudged) {
  SentryFixture sentry;
  const std::vector<std::string> check = {"check", "--baseline", "sentry:1.0", "--candidate",
                                          "sentry:1.1"};
  ASSERT_EQ(sentry.Run(check).exit_code, 1);  // fetched and cached
  // A partial CI cache restore: the candidate's entry cut at a line boundary.
  std::string entry;
  for (const auto& [path, text] : sentry.fs.files)
    if (path.starts_with("cache/") && text.find("\"release\":\"1.1\"") != std::string::npos)
      entry = path;
  ASSERT_FALSE(entry.empty());
  const std::string whole = sentry.fs.files[entry];
  sentry.fs.files[entry].resize(whole.find('\n', whole.size() / 5) + 1);
  CliRun run = sentry.Run(check);
  EXPECT_EQ(run.exit_code, 1) << run.err;  // the regression, judged on the whole release
  EXPECT_NE(run.err.find(": a damaged cache entry (its last line is not perfgate's seal: cut "
                         "short, or written by an older perfgate); fetching the release again\n"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("perfgate: sentry:1.1: fetched 6130 events"), std::string::npos)
      << run.err;
  EXPECT_EQ(sentry.fs.files[entry], whole);  // and stored whole again
}

}  // namespace
}  // namespace perfgate

namespace perfgate {
namespace {

// The frontend example's two releases as Sentry holds them, with INP where current browser
// SDKs send it: interaction spans of the product page (the candidate's twice as slow).
std::map<std::string, SampleSet> FrontendReleases() {
  RealFileSystem disk;
  std::map<std::string, SampleSet> releases = {
      {"web@2.3.0",
       *fetch::ReadSampleFile(disk, "examples/frontend/baseline.ndjson", std::nullopt, {})},
      {"web@2.4.0",
       *fetch::ReadSampleFile(disk, "examples/frontend/candidate.ndjson", std::nullopt, {})}};
  for (auto& [version, set] : releases) {
    for (GroupSamples& group : set.groups) {
      if (group.name != "/product/[id]") continue;
      std::vector<double>& inp = group.sample_values["measurements.inp"];
      for (int i = 0; i < 250; ++i)  // 40 ms to 290 ms, doubled in the candidate
        inp.push_back((40.0 + i) * (version == "web@2.4.0" ? 2 : 1));
    }
  }
  return releases;
}

CliRun RunFrontend(FakeSentryServer& server, FakeFileSystem& fs, std::vector<std::string> args) {
  fetch::CurlTransport transport;
  FakeClock clock;
  std::vector<std::string> all = {
      "check",    "--baseline",   "sentry:web@2.3.0", "--candidate", "sentry:web@2.4.0",
      "--config", "t.yaml",       "--organization",   "acme",        "--cache-dir",
      "cache",    "--sentry-url", server.url()};
  all.insert(all.end(), args.begin(), args.end());
  return RunPerfgate(all, fs, {{"SENTRY_AUTH_TOKEN", "tok"}}, &transport, &clock);
}

TEST(CliSentrySource, TheMeasurementsAndUsersTheRulesJudgeAreAskedForAndJudged) {
  FakeSentryServer server{SentryHandler(FrontendReleases(), "tok")};
  FakeFileSystem fs;
  fs.files["t.yaml"] =
      "rules:\n  - {metric: p75(measurements.lcp), max_increase: 20%}\n"
      "  - {metric: user_misery(3s), max: 0.5}\n";
  CliRun run = RunFrontend(server, fs, {});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  // The same verdict as from the files: Sentry's rows carried each page load's LCP.
  EXPECT_NE(run.out.find("FAIL         /product/[id] p75(measurements.lcp) 3350 ms (n = 341) vs "
                         "2266 ms (n = 341) (+47.9 %"),
            std::string::npos)
      << run.out;
  bool asked = false;
  for (const FakeSentryServer::Request& request : server.requests()) {
    if (request.target.find("field=measurements.lcp&field=user&") != std::string::npos)
      asked = true;
  }
  EXPECT_TRUE(asked);
  EXPECT_EQ(run.out.find("user_misery(3000ms) needs users"), std::string::npos) << run.out;
}

TEST(CliSentrySource, AggregateModeAsksSentryForTheMeasurementsPercentiles) {
  FakeSentryServer server{SentryHandler(FrontendReleases(), "tok")};
  FakeFileSystem fs;
  fs.files["t.yaml"] = "rules:\n  - {metric: p75(measurements.lcp), max_increase: 20%}\n";
  CliRun run = RunFrontend(server, fs, {"--mode", "aggregate"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  // Sentry's p75(measurements.lcp) over the page loads carrying it: the raw events' value,
  // judged without an interval as aggregate mode is.
  EXPECT_NE(run.out.find("FAIL         /product/[id] p75(measurements.lcp) 3350 ms (n = 341) vs "
                         "2266 ms (n = 341) (+47.9 %"),
            std::string::npos)
      << run.out;
  bool asked = false;
  for (const FakeSentryServer::Request& request : server.requests()) {
    if (QueryParameter(request.target, "field") != "transaction") continue;
    const std::vector<std::string> fields = QueryParameters(request.target, "field");
    asked =
        asked || std::find(fields.begin(), fields.end(), "p75(measurements.lcp)") != fields.end();
  }
  EXPECT_TRUE(asked);
  EXPECT_EQ(run.out.find("not_in_aggregates"), std::string::npos) << run.out;
}

TEST(CliSentrySource, InpIsReadFromTheInteractionSpansInRawAndAggregateMode) {
  FakeSentryServer server{SentryHandler(FrontendReleases(), "tok")};
  FakeFileSystem fs;
  fs.files["t.yaml"] = "rules:\n  - {metric: p75(measurements.inp), max: 300ms}\n";
  // Raw: each span's INP; p75 of 40..289 is 226.75 ms (type 7), doubled 453.5 ms.
  CliRun raw = RunFrontend(server, fs, {});
  EXPECT_EQ(raw.exit_code, 1) << raw.err << raw.out;
  EXPECT_NE(raw.out.find("FAIL         /product/[id] p75(measurements.inp) 454 ms (n = 250)"),
            std::string::npos)
      << raw.out;
  EXPECT_NE(raw.out.find("INP from 250 interaction spans"), std::string::npos) << raw.out;
  bool spans_asked = false;
  for (const FakeSentryServer::Request& request : server.requests()) {
    spans_asked =
        spans_asked ||
        (QueryParameter(request.target, "dataset") == "spans" &&
         QueryParameter(request.target, "query").starts_with("span.op:[ui.interaction.click,"));
  }
  EXPECT_TRUE(spans_asked);
  // The cached releases keep the spans' values: the same verdict without asking again.
  const std::size_t asked_before = server.requests().size();
  CliRun cached = RunFrontend(server, fs, {});
  EXPECT_EQ(cached.exit_code, 1) << cached.err;
  EXPECT_NE(cached.out.find("FAIL         /product/[id] p75(measurements.inp) 454 ms (n = 250)"),
            std::string::npos)
      << cached.out;
  EXPECT_EQ(server.requests().size(), asked_before);
  // Aggregate: Sentry's p75(measurements.inp) of the spans, one row per page.
  CliRun aggregated = RunFrontend(server, fs, {"--mode", "aggregate"});
  EXPECT_EQ(aggregated.exit_code, 1) << aggregated.err;
  EXPECT_NE(
      aggregated.out.find("FAIL         /product/[id] p75(measurements.inp) 454 ms (n = 250)"),
      std::string::npos)
      << aggregated.out;
}

}  // namespace
}  // namespace perfgate
