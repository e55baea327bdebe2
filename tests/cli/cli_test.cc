// The perfgate binary's behaviour end to end, in-process, on the bundled example and on
// small files: exit codes, messages, and the reports written.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "fetch/files/sample_reader.h"
#include "fetch/http/curl_transport.h"
#include "tests/fakes/cli_runner.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_sentry_server.h"

namespace perfgate {
namespace {

const std::vector<std::string> kExampleCheck = {"check", "--baseline", "examples/baseline.ndjson",
                                                "--candidate", "examples/candidate.ndjson"};

std::vector<std::string> With(std::vector<std::string> args,
                              std::initializer_list<std::string> more) {
  args.insert(args.end(), more);
  return args;
}

TEST(Cli, ExampleFailsWithTheRegressedEndpointAndTheErrorRateBreach) {
  FakeFileSystem fs = ReadingFixtures();
  CliRun run = RunPerfgate(With(kExampleCheck, {"--markdown", "r.md", "--json", "r.json"}), fs);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_NE(run.out.find("perfgate: FAIL: 2 rules failed in 2 of 6 transactions"),
            std::string::npos);
  EXPECT_NE(
      run.out.find(
          "FAIL         POST /api/reports/export p95 9141 ms (95 % CI [8542, 10714] ms) > 8000 ms"),
      std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find(
                "FAIL         POST /api/checkout error_rate 4.38 % (95 % CI [3.07, 6.03] %) > 1 %"),
            std::string::npos);
  EXPECT_NE(run.out.find("wrote the Markdown report to r.md"), std::string::npos);
  ASSERT_TRUE(fs.files.contains("r.md"));
  ASSERT_TRUE(fs.files.contains("r.json"));
  EXPECT_TRUE(fs.files["r.md"].starts_with("## ❌ perfgate: FAIL\n"));
  EXPECT_EQ(boost::json::parse(fs.files["r.json"]).at("verdict").as_string(), "fail");
}

TEST(Cli, UnderGitHubActionsAnnotatesAndWritesTheStepSummaryAndOutputs) {
  FakeFileSystem fs = ReadingFixtures();
  fs.files["summary.md"] = "earlier step\n";
  CliRun run = RunPerfgate(With(kExampleCheck, {"--markdown", "r.md", "--junit", "r.xml"}), fs,
                           {{"GITHUB_ACTIONS", "true"},
                            {"GITHUB_STEP_SUMMARY", "summary.md"},
                            {"GITHUB_OUTPUT", "out.txt"}});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.out.find("\n::error file=thresholds.yaml,line=14,title=perfgate fail%3A POST "
                         "/api/reports/export p95::"),
            std::string::npos)
      << run.out;
  EXPECT_TRUE(fs.files["summary.md"].starts_with("earlier step\n## ❌ perfgate: FAIL\n"));
  EXPECT_EQ(fs.files["out.txt"], "verdict=fail\nfailed=2\nreport=r.md\n");
  EXPECT_TRUE(fs.files["r.xml"].starts_with("<?xml"));
  // Outside GitHub Actions none of it happens.
  FakeFileSystem plain;
  CliRun local = RunPerfgate(kExampleCheck, plain);
  EXPECT_EQ(local.out.find("::error"), std::string::npos);
}

TEST(Cli, SameFileAsBaselineAndCandidatePasses) {
  FakeFileSystem fs = ReadingFixtures();
  CliRun run = RunPerfgate({"check", "--baseline", "examples/baseline.ndjson", "--candidate",
                            "examples/baseline.ndjson"},
                           fs);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(
      run.out.starts_with("perfgate: PASS, NOT ALL JUDGED: no rule failed in 6 transactions; 1 "
                          "transaction with too few events to judge\n"))
      << run.out;
}

TEST(Cli, OutputIsByteIdenticalAcrossRuns) {
  FakeFileSystem first, second;
  auto args = With(kExampleCheck, {"--markdown", "r.md", "--json", "r.json"});
  CliRun a = RunPerfgate(args, first);
  CliRun b = RunPerfgate(args, second);
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(first.files["r.md"], second.files["r.md"]);
  EXPECT_EQ(first.files["r.json"], second.files["r.json"]);
}

TEST(Cli, MissingInputFileIsExitTwoWithTheOsReason) {
  FakeFileSystem fs = ReadingFixtures();
  CliRun run = RunPerfgate(
      {"check", "--baseline", "nope.ndjson", "--candidate", "examples/candidate.ndjson"}, fs);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "perfgate: error: nope.ndjson: cannot open: No such file or directory\n");
  EXPECT_EQ(run.out, "");
}

TEST(Cli, BadConfigIsExitTwoAndNoReportIsWritten) {
  FakeFileSystem fs = ReadingFixtures();
  fs.files["bad.yaml"] =
      "rules:\n  - metric: p95\n    max: 8000ms\n  - metric: p959\n    max: 1s\n";
  CliRun run = RunPerfgate(With(kExampleCheck, {"--config", "bad.yaml", "--markdown", "r.md"}), fs);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(
      run.err,
      "perfgate: error: bad.yaml:4:13: unknown metric 'p959': a percentile is p followed by a "
      "number in (0, 100]; did you mean 'p95'?\n");
  EXPECT_FALSE(fs.files.contains("r.md"));
}

TEST(Cli, ExplicitConfigThatDoesNotExistIsAnError) {
  FakeFileSystem fs = ReadingFixtures();
  CliRun run = RunPerfgate(With(kExampleCheck, {"--config", "missing.yaml"}), fs);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "perfgate: error: missing.yaml: cannot open: No such file or directory\n");
}

TEST(Cli, BadRowIsExitTwoUnlessSkippedThenReported) {
  FakeFileSystem fs = ReadingFixtures();
  fs.files["b.ndjson"] = "{\"transaction\":\"a\",\"duration_ms\":5}\n";
  fs.files["c.ndjson"] =
      "{\"transaction\":\"a\",\"duration_ms\":5}\n{\"transaction\":\"a\",\"duration_ms\":\"x\"}\n";
  CliRun failed = RunPerfgate({"check", "--baseline", "b.ndjson", "--candidate", "c.ndjson"}, fs);
  EXPECT_EQ(failed.exit_code, 2);
  EXPECT_EQ(failed.err,
            "perfgate: error: c.ndjson:2: duration_ms must be a number, not a string: \"x\"\n");

  CliRun skipped = RunPerfgate({"check", "--baseline", "b.ndjson", "--candidate", "c.ndjson",
                                "--on-bad-row", "skip", "--markdown", "r.md"},
                               fs);
  EXPECT_EQ(skipped.exit_code, 0) << skipped.err;
  EXPECT_NE(skipped.out.find("note: skipped 1 bad rows in c.ndjson; the first: c.ndjson:2: "
                             "duration_ms must be a number, not a string: \"x\""),
            std::string::npos)
      << skipped.out;
  EXPECT_NE(fs.files["r.md"].find("skipped 1 bad rows in c.ndjson"), std::string::npos);
}

TEST(Cli, InsufficientDataUnderErrorPolicyIsExitThree) {
  FakeFileSystem fs = ReadingFixtures();
  fs.files["p.yaml"] = "policy: {insufficient_data: error}\nrules:\n  - metric: p95\n    max: 8s\n";
  fs.files["tiny.ndjson"] = "{\"transaction\":\"a\",\"duration_ms\":5}\n";
  CliRun run = RunPerfgate(
      {"check", "--config", "p.yaml", "--baseline", "tiny.ndjson", "--candidate", "tiny.ndjson"},
      fs);
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(
      run.out.starts_with("perfgate: UNDECIDED: no rule failed in 1 transaction; 1 "
                          "transaction with too few events to judge\n"))
      << run.out;
}

TEST(Cli, FailedReportWriteIsAnErrorNotASilentPass) {
  FakeFileSystem fs = ReadingFixtures();
  fs.failing_writes.insert("locked.md");
  CliRun run = RunPerfgate({"check", "--baseline", "examples/baseline.ndjson", "--candidate",
                            "examples/baseline.ndjson", "--markdown", "locked.md"},
                           fs);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err,
            "perfgate: warning: the baseline and the candidate are the same, "
            "examples/baseline.ndjson: every change will be zero\n"
            "perfgate: error: locked.md: cannot write: Permission denied\n");
  // It never hides a regression: the verdict was printed, and its exit code stands.
  CliRun regression = RunPerfgate(
      With(kExampleCheck, {"--markdown", "locked.md", "--json", "reports/new/r.json"}), fs);
  EXPECT_EQ(regression.exit_code, 1);
  EXPECT_EQ(regression.err,
            "perfgate: error: locked.md: cannot write: Permission denied\n"
            "perfgate: the verdict stands: a regression (exit 1)\n");
  // A report's folder is made when missing.
  EXPECT_TRUE(fs.directories.contains("reports/new"));
  CliRun same = RunPerfgate(With(kExampleCheck, {"--json", "r.out", "--junit", "r.out"}), fs);
  EXPECT_EQ(same.exit_code, 2);
  EXPECT_EQ(same.err,
            "perfgate: error: --json and --junit name the same file, r.out; give each its own\n"
            "run 'perfgate check --help' for its options\n");
}

TEST(Cli, UsageErrorsAreExitTwoAndPointAtHelp) {
  FakeFileSystem fs = ReadingFixtures();
  CliRun no_args = RunPerfgate({}, fs);
  EXPECT_EQ(no_args.exit_code, 2);
  EXPECT_NE(no_args.err.find("Usage: perfgate <command> [options]"), std::string::npos);

  CliRun unknown = RunPerfgate({"chek"}, fs);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(
      unknown.err,
      "perfgate: error: unknown command 'chek'; did you mean 'check'? (the commands are check, "
      "compare, explain, stats, trend, fetch, watch, alert, init, validate, record)\n");
  EXPECT_EQ(RunPerfgate({"frobnicate"}, fs).err,
            "perfgate: error: unknown command 'frobnicate' (the commands are check, compare, "
            "explain, stats, trend, fetch, watch, alert, init, validate, record)\n");
  CliRun help = RunPerfgate({"--help"}, fs);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find(
                "\n  compare   the same evaluation, printed as a table for a local comparison\n"),
            std::string::npos)
      << help.out;

  CliRun bad_option = RunPerfgate({"check", "--baseline", "a.ndjson", "--candidat", "b"}, fs);
  EXPECT_EQ(bad_option.exit_code, 2);
  EXPECT_NE(bad_option.err.find("run 'perfgate check --help' for its options"), std::string::npos);

  CliRun missing = RunPerfgate({"check", "--baseline", "a.ndjson"}, fs);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(
      missing.err,
      "perfgate: error: missing --candidate SRC\nrun 'perfgate check --help' for its options\n");

  CliRun compare = RunPerfgate({"compare", "examples/baseline.ndjson"}, fs);
  EXPECT_EQ(compare.err,
            "perfgate: error: compare needs two sources: perfgate compare BASELINE "
            "CANDIDATE, or one OTLP file with --baseline-release and --candidate-release\nrun "
            "'perfgate compare --help' for its options\n");

  CliRun format = RunPerfgate(With(kExampleCheck, {"--format", "xml"}), fs);
  EXPECT_EQ(format.exit_code, 2);
  EXPECT_NE(format.err.find("--format must be one of auto, ndjson, jsonl, csv, json, otlp, k6, "
                            "k6-summary, sentry-events, not 'xml'"),
            std::string::npos);
}

TEST(Cli, HelpShowsDefaultsAllowedValuesAndExitCodes) {
  FakeFileSystem fs = ReadingFixtures();
  CliRun run = RunPerfgate({"check", "--help"}, fs);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("--config FILE (=thresholds.yaml)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("--on-bad-row POLICY (=fail)"), std::string::npos);
  EXPECT_NE(run.out.find("Exit codes: 0 pass"), std::string::npos);
  EXPECT_EQ(RunPerfgate({"--version"}, fs).out, "perfgate 0.1.0\n");
}

TEST(Cli, EveryCommandsHelpNamesItsValuesAndItsOwnExitCodes) {
  FakeFileSystem fs = ReadingFixtures();
  const std::pair<const char*, const char*> kCommands[] = {
      {"check", "1 regression (also when a report"},
      {"compare", "1 regression"},
      {"explain", "0 explained (whatever the verdict)"},
      {"stats", "0 done"},
      {"fetch", "0 done"},
      {"alert", "0 the run did its job, breaching or not"},
      {"init", "0 done"},
      {"validate", "0 every config is valid"}};
  for (const auto& [command, exit_codes] : kCommands) {
    CliRun help = RunPerfgate({command, "--help"}, fs);
    EXPECT_EQ(help.exit_code, 0) << command;
    // Boost's placeholder for a value without a name says nothing to a reader.
    EXPECT_EQ(help.out.find(" arg "), std::string::npos) << command << ":\n" << help.out;
    EXPECT_NE(help.out.find(exit_codes), std::string::npos) << command << ":\n" << help.out;
  }
  // fetch reads only Sentry: the options of reading files are not offered.
  EXPECT_EQ(RunPerfgate({"fetch", "--help"}, fs).out.find("--format"), std::string::npos);
  CliRun format = RunPerfgate({"fetch", "--release", "1.0", "-o", "x", "--format", "csv"}, fs);
  EXPECT_EQ(format.exit_code, 2);
  EXPECT_NE(format.err.find("unrecognised option '--format'"), std::string::npos) << format.err;
  // A misspelt option is answered as a misspelt command is.
  CliRun typo = RunPerfgate({"check", "--baselin", "a.ndjson", "--candidate", "b.ndjson"}, fs);
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_EQ(typo.err,
            "perfgate: error: check: unrecognised option '--baselin'; did you mean '--baseline'?\n"
            "run 'perfgate check --help' for its options\n");
}

TEST(Cli, CheckGivenBareFilesPointsAtCompare) {
  FakeFileSystem fs = ReadingFixtures();
  CliRun run = RunPerfgate({"check", "examples/baseline.ndjson", "examples/candidate.ndjson"}, fs);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err,
            "perfgate: error: check takes its sources as --baseline SRC --candidate SRC, not as "
            "bare arguments ('perfgate compare BASELINE CANDIDATE' takes them so)\nrun 'perfgate "
            "check --help' for its options\n");
}

TEST(Cli, AMissingDefaultConfigIsSaidAndAYmlBesideItSuggested) {
  FakeFileSystem fs;  // no thresholds.yaml
  fs.files["a.ndjson"] = "{\"transaction\":\"a\",\"duration_ms\":5}\n";
  fs.files["b.ndjson"] = fs.files["a.ndjson"];
  const std::vector<std::string> compare = {"compare", "a.ndjson", "b.ndjson"};
  CliRun run = RunPerfgate(compare, fs);
  EXPECT_EQ(run.err,
            "perfgate: note: no thresholds.yaml here, so the built-in rules apply (p95 <= 8000 ms, "
            "p50 <= 3000 ms, error_rate <= 1 %, p95 increase <= +10 % as a warning)\n");
  fs.files["thresholds.yml"] = "rules:\n  - metric: p95\n    max: 1s\n";
  run = RunPerfgate(compare, fs);
  EXPECT_NE(run.err.find("warning); thresholds.yml exists: pass --config thresholds.yml\n"),
            std::string::npos)
      << run.err;
  // stats reads only source.sentry from a config: no note.
  EXPECT_EQ(RunPerfgate({"stats", "a.ndjson"}, fs).err, "");
  // A config named is required.
  CliRun named = RunPerfgate(With(compare, {"--config", "thresholds.yaml"}), fs);
  EXPECT_EQ(named.exit_code, 2);
  EXPECT_EQ(named.err,
            "perfgate: error: thresholds.yaml: cannot open: No such file or directory\n");
}

TEST(Cli, ValidateChecksConfigsWithoutDataAsCheckWould) {
  FakeFileSystem fs;  // no thresholds.yaml
  fs.files["a.ndjson"] = "{\"transaction\":\"a\",\"duration_ms\":5}\n";
  fs.files["good.yaml"] =
      "rules:\n  - metric: p95\n    max: 1s\ngroups:\n  - match: /a\n    skip: true\n"
      "waivers:\n  - match: /b\n    until: 2026-01-31\n    reason: r\n";
  fs.files["bad.yaml"] = "rules:\n  - metric: error_rate\n    max: 1\n";
  CliRun good = RunPerfgate({"validate", "good.yaml"}, fs);
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_EQ(good.out,
            "perfgate: good.yaml is valid: 1 rule, 1 group, 1 waiver\n"
            "  note: the waiver for '/b' [good.yaml:8] expired on 2026-01-31\n");
  CliRun both = RunPerfgate({"validate", "good.yaml", "bad.yaml"}, fs);
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_EQ(both.err,
            "perfgate: error: bad.yaml:3:10: max '1' is ambiguous: as a fraction it means 100 %; "
            "write '1%' or '100%'\n");
  // The same message as check gives.
  CliRun check = RunPerfgate(
      {"check", "--config", "bad.yaml", "--baseline", "a.ndjson", "--candidate", "a.ndjson"}, fs);
  EXPECT_EQ(check.err, both.err);
  // A config with several problems lists them all, not one per run.
  fs.files["worse.yaml"] = "rules:\n  - metric: error_rate\n    max: 1\n  - metrc: p95\n";
  CliRun worse = RunPerfgate({"validate", "worse.yaml"}, fs);
  EXPECT_EQ(worse.exit_code, 2);
  EXPECT_EQ(worse.err,
            "perfgate: error: worse.yaml: 2 errors:\n"
            "  worse.yaml:3:10: max '1' is ambiguous: as a fraction it means 100 %; write '1%' "
            "or '100%'\n"
            "  worse.yaml:4:5: unknown key in rule 'metrc'; did you mean 'metric'?\n");
  // Without files: --config, or thresholds.yaml, which must exist.
  EXPECT_EQ(RunPerfgate({"validate", "--config", "good.yaml"}, fs).exit_code, 0);
  CliRun missing = RunPerfgate({"validate"}, fs);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err,
            "perfgate: error: thresholds.yaml: cannot open: No such file or directory\n");
}

TEST(Cli, CompareprintsAnAlignedTable) {
  FakeFileSystem fs = ReadingFixtures();
  CliRun run =
      RunPerfgate({"compare", "examples/baseline.ndjson", "examples/candidate.ndjson"}, fs);
  EXPECT_EQ(run.exit_code, 1);
  std::istringstream lines(run.out);
  std::string header, first;
  std::getline(lines, header);
  std::getline(lines, first);
  EXPECT_TRUE(header.starts_with("TRANSACTION ")) << header;
  EXPECT_TRUE(first.starts_with("POST /api/checkout ")) << first;
  EXPECT_EQ(header.find("RULE"), first.find("p95 <= 8000 ms"));  // columns line up
  EXPECT_EQ(run.out.find("\033["), std::string::npos);           // no colour off a TTY
}

TEST(Cli, ColourOnATerminalUnlessNoColor) {
  FakeFileSystem fs = ReadingFixtures();
  const std::vector<std::string> args = {"compare", "examples/baseline.ndjson",
                                         "examples/candidate.ndjson"};
  EXPECT_NE(RunPerfgate(args, fs, {}, nullptr, nullptr, true).out.find("\033[31mfail\033[0m"),
            std::string::npos);
  EXPECT_EQ(RunPerfgate(args, fs, {{"NO_COLOR", "1"}}, nullptr, nullptr, true).out.find("\033["),
            std::string::npos);
  EXPECT_EQ(RunPerfgate(args, fs).out.find("\033["), std::string::npos);
}

TEST(Cli, StatsSummarisesPerTransactionAndOverall) {
  FakeFileSystem fs = ReadingFixtures();
  fs.files["s.csv"] =
      "transaction,duration_ms,status\na,1,ok\na,2,internal_error\na,3,ok\na,4,ok\nb,10,ok\n";
  CliRun run = RunPerfgate({"stats", "s.csv", "--percentiles", "50,p99.9"}, fs);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "TRANSACTION  EVENTS           ERRORS %  MEAN ms  MIN ms  P50 ms  P99.9 ms  MAX ms\n"
            "a                 4  25.0 [0.63, 80.6]     2.50    1.00    2.50      4.00    4.00\n"
            "b                 1  0.00 [0.00, 97.5]     10.0    10.0    10.0      10.0    10.0\n"
            "(all)             5  20.0 [0.51, 71.6]     4.00    1.00    3.00      9.98    10.0\n"
            "\n"
            "[95 % intervals, where the gate would judge: error rates by Clopper-Pearson, means "
            "(from min_samples events) by BCa bootstrap, percentiles (from 10 events beyond "
            "them) by their exact bootstrap] · percentiles: linear · source: s.csv\n");
  CliRun json = RunPerfgate({"stats", "s.csv", "--json"}, fs);
  boost::json::value parsed = boost::json::parse(json.out);
  EXPECT_DOUBLE_EQ(parsed.at("groups").at(2).at("percentiles_ms").at("p95").as_double(), 8.8);
  EXPECT_EQ(parsed.at("groups").at(0).at("error_rate").as_double(), 0.25);
}

// The bundled example served by a fake Sentry on 127.0.0.1 as releases 1.0 and 1.1.
std::map<std::string, SampleSet> ExampleReleases() {
  RealFileSystem fs;
  return {{"1.0", *fetch::ReadSampleFile(fs, "examples/baseline.ndjson", std::nullopt, {})},
          {"1.1", *fetch::ReadSampleFile(fs, "examples/candidate.ndjson", std::nullopt, {})}};
}

// `perfgate check --baseline sentry:1.0 --candidate sentry:1.1` against `server`, plus `more`.
CliRun CheckSentry(const FakeSentryServer& server, FakeFileSystem& fs,
                   fetch::HttpTransport& transport, FakeClock& clock,
                   std::initializer_list<std::string> more, const std::string& token = "tok") {
  std::vector<std::string> args = {"check",       "--baseline",     "sentry:1.0",
                                   "--candidate", "sentry:1.1",     "--sentry-url",
                                   server.url(),  "--organization", "acme"};
  args.insert(args.end(), more);
  return RunPerfgate(args, fs, {{"SENTRY_AUTH_TOKEN", token}}, &transport, &clock);
}

TEST(CliSentry, ReachesTheSameVerdictAsTheSameSamplesFromFiles) {
  FakeSentryServer server(SentryHandler(ExampleReleases(), "s3cret-token"));
  fetch::CurlTransport transport;
  FakeClock clock;
  FakeFileSystem fs = ReadingFixtures();
  CliRun live = CheckSentry(server, fs, transport, clock,
                            {"--json", "live.json", "--markdown", "live.md"}, "s3cret-token");
  CliRun files = RunPerfgate(With(kExampleCheck, {"--json", "files.json"}), fs);
  EXPECT_EQ(live.exit_code, 1) << live.err;
  EXPECT_EQ(files.exit_code, 1);
  boost::json::value a = boost::json::parse(fs.files["live.json"]);
  boost::json::value b = boost::json::parse(fs.files["files.json"]);
  EXPECT_EQ(a.at("groups"), b.at("groups"));  // every number, interval and verdict
  EXPECT_EQ(a.at("counts"), b.at("counts"));
  EXPECT_NE(live.err.find("perfgate: sentry:1.1: fetched 6130 events in "), std::string::npos)
      << live.err;
  for (const auto& [path, content] : fs.files) {
    EXPECT_EQ(content.find("s3cret-token"), std::string::npos)
        << path;  // not in reports, not in the cache
  }
  EXPECT_EQ(live.out.find("s3cret-token"), std::string::npos);
  EXPECT_EQ(live.err.find("s3cret-token"), std::string::npos);

  // The rerun takes both releases from the cache: no new request reaches the server.
  const std::size_t requests = server.requests().size();
  CliRun cached =
      CheckSentry(server, fs, transport, clock, {"--json", "cached.json"}, "s3cret-token");
  EXPECT_EQ(cached.exit_code, 1);
  EXPECT_EQ(server.requests().size(), requests);
  EXPECT_NE(cached.err.find("events from the cache"), std::string::npos);
  EXPECT_EQ(boost::json::parse(fs.files["cached.json"]).at("groups"), a.at("groups"));
  CliRun refreshed = CheckSentry(server, fs, transport, clock, {"--refresh"}, "s3cret-token");
  EXPECT_EQ(refreshed.exit_code, 1);
  EXPECT_GT(server.requests().size(), requests);
}

TEST(CliSentry, FetchSavesNdjsonThatChecksLikeTheOriginal) {
  FakeSentryServer server(SentryHandler(ExampleReleases(), "tok"));
  fetch::CurlTransport transport;
  FakeClock clock;
  FakeFileSystem fs = ReadingFixtures();
  CliRun fetched = RunPerfgate({"fetch", "--release", "1.1", "-o", "c.ndjson", "--sentry-url",
                                server.url(), "--organization", "acme", "--cache-dir", "cache"},
                               fs, {{"SENTRY_AUTH_TOKEN", "tok"}}, &transport, &clock);
  EXPECT_EQ(fetched.exit_code, 0) << fetched.err;
  EXPECT_EQ(fetched.out, "perfgate: wrote 6130 events of sentry:1.1 to c.ndjson\n");
  EXPECT_TRUE(fs.directories.contains("cache"));
  // Each event keeps its status, time, release and ids, and the file says where it came from.
  const std::string& saved = fs.files["c.ndjson"];
  EXPECT_TRUE(saved.starts_with(
      "{\"perfgate_origin\":{\"releases\":[[\"1.1\",6130]],\"first\":\"2026-11-20T10:00:00Z\","))
      << saved.substr(0, 300);
  const std::string second_line = saved.substr(
      saved.find('\n') + 1, saved.find('\n', saved.find('\n') + 1) - saved.find('\n') - 1);
  const boost::json::object row = boost::json::parse(second_line).as_object();
  for (const char* field :
       {"transaction", "duration_ms", "error", "status", "timestamp", "release", "id"})
    EXPECT_TRUE(row.contains(field)) << field << " in " << second_line;
  EXPECT_EQ(row.at("release"), "1.1");
  EXPECT_EQ(row.at("status"), row.at("error").as_bool() ? "internal_error" : "ok");
  // Fetched again from the cache: the same bytes.
  CliRun again = RunPerfgate({"fetch", "--release", "1.1", "-o", "d.ndjson", "--sentry-url",
                              server.url(), "--organization", "acme", "--cache-dir", "cache"},
                             fs, {{"SENTRY_AUTH_TOKEN", "tok"}}, &transport, &clock);
  EXPECT_NE(again.err.find("from the cache"), std::string::npos) << again.err;
  EXPECT_EQ(fs.files["d.ndjson"], saved);
  CliRun compared = RunPerfgate({"check", "--baseline", "examples/baseline.ndjson", "--candidate",
                                 "c.ndjson", "--json", "saved.json"},
                                fs);
  CliRun original = RunPerfgate(With(kExampleCheck, {"--json", "original.json"}), fs);
  EXPECT_EQ(boost::json::parse(fs.files["saved.json"]).at("groups"),
            boost::json::parse(fs.files["original.json"]).at("groups"));
}

TEST(CliSentry, MissingSettingsAreUsageErrors) {
  FakeFileSystem fs = ReadingFixtures();
  FakeClock clock;
  CliRun no_org =
      RunPerfgate({"check", "--baseline", "sentry:1.0", "--candidate", "sentry:1.1"}, fs);
  EXPECT_EQ(no_org.exit_code, 2);
  EXPECT_EQ(
      no_org.err,
      "perfgate: error: a sentry: source needs an organization: set source.sentry.organization "
      "in the config or pass --organization\n");
  CliRun no_token = RunPerfgate(
      {"check", "--baseline", "sentry:1.0", "--candidate", "sentry:1.1", "--organization", "acme"},
      fs);
  EXPECT_EQ(no_token.exit_code, 2);
  EXPECT_EQ(no_token.err,
            "perfgate: error: no Sentry token: set SENTRY_AUTH_TOKEN to a token with the org:read "
            "scope, or pass --token-file FILE\n");
  // Files meant to be small are read only so far: an endless one cannot take the memory.
  fs.files["huge.token"] = std::string(70 << 10, 'x');
  CliRun huge_token = RunPerfgate({"check", "--baseline", "sentry:1.0", "--candidate", "sentry:1.1",
                                   "--organization", "acme", "--token-file", "huge.token"},
                                  fs);
  EXPECT_EQ(huge_token.exit_code, 2);
  EXPECT_EQ(huge_token.err,
            "perfgate: error: huge.token: larger than 65536 bytes, the most read from such a "
            "file\n");
  fs.files["huge.yaml"] = "rules: []\n" + std::string(1 << 20, '#');
  CliRun huge_config = RunPerfgate(
      {"check", "--baseline", "sentry:1.0", "--candidate", "sentry:1.1", "--config", "huge.yaml"},
      fs);
  EXPECT_EQ(huge_config.exit_code, 2);
  EXPECT_EQ(huge_config.err,
            "perfgate: error: huge.yaml: larger than 1048576 bytes, the most read from such a "
            "file\n");
  CliRun unreachable =
      RunPerfgate({"check", "--baseline", "sentry:1.0", "--candidate", "sentry:1.1",
                   "--organization", "acme", "--sentry-url", "http://127.0.0.1:9", "--refresh"},
                  fs, {{"SENTRY_AUTH_TOKEN", "t"}}, nullptr, &clock);
  EXPECT_EQ(unreachable.exit_code, 2);  // no transport wired: an internal error, not a verdict
}

TEST(CliSentry, VerboseLogRedactsTheToken) {
  FakeSentryServer server(SentryHandler(ExampleReleases(), "s3cret-token"));
  fetch::CurlTransport transport;
  FakeClock clock;
  FakeFileSystem fs = ReadingFixtures();
  CliRun run = RunPerfgate({"stats", "sentry:1.0", "--sentry-url", server.url(), "--organization",
                            "acme", "--verbose", "--refresh"},
                           fs, {{"SENTRY_AUTH_TOKEN", "s3cret-token"}}, &transport, &clock);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("(Authorization: Bearer [redacted]) -> 200 (attempt 1)"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find("s3cret-token"), std::string::npos);
  EXPECT_NE(run.out.find("\n(all)                       6130  "), std::string::npos) << run.out;
}

TEST(CliSentry, AggregateModeJudgesSentrysOwnValuesInOneRequestPerRelease) {
  FakeSentryServer server(SentryHandler(ExampleReleases(), "tok"));
  fetch::CurlTransport transport;
  FakeClock clock;
  FakeFileSystem fs = ReadingFixtures();
  CliRun run =
      CheckSentry(server, fs, transport, clock, {"--mode", "aggregate", "--json", "agg.json"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  // Per release: its details and one aggregate page; then, for the explanation of what did
  // not pass, its details again and two of the spans dataset's aggregates (the fake has no
  // spans of these releases).
  std::size_t spans = 0;
  for (const FakeSentryServer::Request& request : server.requests())
    spans += QueryParameter(request.target, "dataset") == "spans" ? 1 : 0;
  EXPECT_EQ(server.requests().size() - spans, 6u);
  EXPECT_EQ(spans, 4u);
  EXPECT_NE(run.err.find("is not explained: Sentry's spans dataset holds none of its "
                         "transactions in sentry:1.0"),
            std::string::npos)
      << run.err;
  RunPerfgate(With(kExampleCheck, {"--json", "files.json"}), fs);
  boost::json::value aggregate = boost::json::parse(fs.files["agg.json"]);
  boost::json::value files = boost::json::parse(fs.files["files.json"]);
  // The failing rules fail alike, on the same numbers; percentiles carry no interval.
  for (std::size_t g = 0; g < 6; ++g) {
    const auto& a = aggregate.at("groups").at(g);
    const auto& f = files.at("groups").at(g);
    EXPECT_EQ(a.at("name"), f.at("name"));
    for (std::size_t r = 0; r < 4; ++r) {
      const auto& ar = a.at("rules").at(r);
      const auto& fr = f.at("rules").at(r);
      if (fr.at("verdict") == "fail") {
        EXPECT_EQ(ar.at("verdict"), "fail") << a.at("name") << " " << r;
      }
      if (!fr.at("candidate").is_null()) {
        EXPECT_NEAR(ar.at("candidate").to_number<double>(), fr.at("candidate").to_number<double>(),
                    1e-9 * fr.at("candidate").to_number<double>());
      }
      if (ar.at("metric") != "error_rate") {
        EXPECT_TRUE(ar.at("candidate_ci").is_null());
      }
    }
  }
  EXPECT_NE(fs.files["agg.json"].find("aggregate mode: percentiles are Sentry's own"),
            std::string::npos);
  // The method says one thing of the percentiles: no bootstrap claimed for aggregates.
  CliRun markdown =
      CheckSentry(server, fs, transport, clock, {"--mode", "aggregate", "--markdown", "agg.md"});
  EXPECT_NE(fs.files["agg.md"].find("intervals: percentiles and means as the source aggregated "
                                    "them, with no interval or test, error rates by"),
            std::string::npos)
      << fs.files["agg.md"];
  EXPECT_EQ(fs.files["agg.md"].find("bootstrap"), std::string::npos) << fs.files["agg.md"];
  CliRun fetched = RunPerfgate({"fetch", "--release", "1.1", "-o", "x.ndjson", "--sentry-url",
                                server.url(), "--organization", "acme", "--mode", "aggregate"},
                               fs, {{"SENTRY_AUTH_TOKEN", "tok"}}, &transport, &clock);
  EXPECT_EQ(fetched.exit_code, 2);
  EXPECT_EQ(fetched.err,
            "perfgate: error: fetch saves events, and aggregate mode has none; use --mode raw\n");
}

TEST(CliSentry, HistogramModeRebuildsDistributionsFromBins) {
  FakeSentryServer server(SentryHandler(ExampleReleases(), "tok"));
  fetch::CurlTransport transport;
  FakeClock clock;
  FakeFileSystem fs = ReadingFixtures();
  CliRun run =
      CheckSentry(server, fs, transport, clock, {"--mode", "histogram", "--json", "h.json"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  // Said as what it is: no pages, events rebuilt from bins.
  EXPECT_NE(run.err.find(": rebuilt 6130 events from Sentry's histograms of 6 transactions ("),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find(" pages ("), std::string::npos) << run.err;
  RunPerfgate(With(kExampleCheck, {"--json", "files.json"}), fs);
  boost::json::value binned = boost::json::parse(fs.files["h.json"]);
  boost::json::value files = boost::json::parse(fs.files["files.json"]);
  EXPECT_EQ(binned.at("counts").at("fail"), files.at("counts").at("fail"));
  for (std::size_t g = 0; g < 6; ++g) {
    const auto& b = binned.at("groups").at(g);
    const auto& f = files.at("groups").at(g);
    // Same events and failures; p95 within a zoomed bin (2 % of the value here).
    EXPECT_EQ(b.at("candidate").at("count"), f.at("candidate").at("count"));
    EXPECT_EQ(b.at("candidate").at("failures"), f.at("candidate").at("failures"));
    const double exact = f.at("candidate").at("p95_ms").to_number<double>();
    EXPECT_NEAR(b.at("candidate").at("p95_ms").to_number<double>(), exact, exact * 0.02)
        << f.at("name");
    // The interval holds the events' own p95, widened to the bins.
    if (!b.at("rules").at(0).at("candidate_ci").is_null()) {
      EXPECT_LE(b.at("rules").at(0).at("candidate_ci").at("lower").to_number<double>(), exact);
      EXPECT_GE(b.at("rules").at(0).at("candidate_ci").at("upper").to_number<double>(), exact);
    }
    // Intervals, at the bins' resolution, wherever a side has enough events to be judged.
    EXPECT_EQ(b.at("rules").at(0).at("candidate_ci").is_null(),
              f.at("candidate").at("count").to_number<int>() < 50)
        << f.at("name");
  }
  EXPECT_NE(fs.files["h.json"].find("histogram mode: every event's rank exact (count_if), its "
                                    "duration known to its bin: zoomed in on p50 and p95 of each "
                                    "transaction, where the bins are "),
            std::string::npos);
  // Bins are not cached (their midpoints would read back as events' own durations): a
  // second run asks Sentry again, and gets the same report.
  CliRun again =
      CheckSentry(server, fs, transport, clock, {"--mode", "histogram", "--json", "h2.json"});
  EXPECT_EQ(again.err.find("events from the cache"), std::string::npos);
  EXPECT_EQ(fs.files["h2.json"], fs.files["h.json"]);
  // A raw run of the same releases is not served the rebuilt bin midpoints.
  CliRun raw = CheckSentry(server, fs, transport, clock, {"--json", "raw.json"});
  EXPECT_EQ(raw.err.find("events from the cache"), std::string::npos) << raw.err;
  EXPECT_EQ(boost::json::parse(fs.files["raw.json"]).at("groups"), files.at("groups"));
}

TEST(CliSentry, PartialDataIsNeverCachedSoAStrictRerunFailsToo) {
  auto sentry = SentryHandler(ExampleReleases(), "tok");
  // The oldest time window's pages always fail.
  FakeSentryServer server([&](const FakeSentryServer::Request& request) -> FakeSentryServer::Reply {
    if (request.target.find("field=id") != std::string::npos &&
        request.target.find("start=2026-11-20T10%3A00%3A00Z") != std::string::npos) {
      return FakeSentryServer::Reply{503, {}, ""};
    }
    return sentry(request);
  });
  fetch::CurlTransport transport;
  FakeClock clock;
  FakeFileSystem fs = ReadingFixtures();
  CliRun partial =
      CheckSentry(server, fs, transport, clock, {"--allow-partial", "--json", "p.json"});
  EXPECT_NE(partial.exit_code, 2) << partial.err;
  EXPECT_NE(fs.files["p.json"].find("PARTIAL DATA"), std::string::npos);
  for (const auto& [path, content] : fs.files)
    EXPECT_FALSE(path.find("sentry-") != std::string::npos) << path;
  CliRun strict = CheckSentry(server, fs, transport, clock, {});
  EXPECT_EQ(strict.exit_code, 3) << strict.err;
  EXPECT_EQ(strict.err.find("events from the cache"), std::string::npos) << strict.err;
}

}  // namespace
}  // namespace perfgate
