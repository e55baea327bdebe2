// Sentry sources as a gate reads them, end to end through the real transport against a
// fake Sentry on 127.0.0.1: sentry:latest is resolved and named before anything is fetched,
// and a release is never judged against itself.
#include <gtest/gtest.h>

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

struct SentryFixture {
  FakeSentryServer server{SentryHandler(Releases(), "tok")};
  fetch::CurlTransport transport;
  FakeClock clock;
  FakeFileSystem fs;

  CliRun Run(std::vector<std::string> args) {
    for (const char* option : {"--organization", "acme", "--cache-dir", "cache"})
      args.emplace_back(option);
    args.emplace_back("--sentry-url");
    args.push_back(server.url());
    return RunPerfgate(args, fs, {{"SENTRY_AUTH_TOKEN", "tok"}}, &transport, &clock);
  }
};

TEST(CliSentrySource, LatestThatIsTheCandidateIsRefusedNamingBoth) {
  SentryFixture sentry;  // 1.1 is the newest release
  CliRun run = sentry.Run(
      {"check", "--baseline", "sentry:latest", "--candidate", "sentry:1.1", "--markdown", "r.md"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("perfgate: sentry:latest is release 1.1 (the newest of acme)\n"),
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
  CliRun run = sentry.Run({"check", "--baseline", "sentry:1.0", "--candidate", "sentry:latest",
                           "--json", "r.json"});
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

TEST(CliSentrySource, TheMeasurementsAndUsersTheRulesJudgeAreAskedForAndJudged) {
  RealFileSystem disk;
  std::map<std::string, SampleSet> releases = {
      {"web@2.3.0",
       *fetch::ReadSampleFile(disk, "examples/frontend/baseline.ndjson", std::nullopt, {})},
      {"web@2.4.0",
       *fetch::ReadSampleFile(disk, "examples/frontend/candidate.ndjson", std::nullopt, {})}};
  FakeSentryServer server{SentryHandler(releases, "tok")};
  fetch::CurlTransport transport;
  FakeClock clock;
  FakeFileSystem fs;
  fs.files["t.yaml"] =
      "rules:\n  - {metric: p75(measurements.lcp), max_increase: 20%}\n"
      "  - {metric: user_misery(3s), max: 0.5}\n";
  CliRun run = RunPerfgate({"check", "--baseline", "sentry:web@2.3.0", "--candidate",
                            "sentry:web@2.4.0", "--config", "t.yaml", "--organization", "acme",
                            "--cache-dir", "cache", "--sentry-url", server.url()},
                           fs, {{"SENTRY_AUTH_TOKEN", "tok"}}, &transport, &clock);
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

}  // namespace
}  // namespace perfgate
