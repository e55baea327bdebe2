// Durations that cannot mean what they say are refused before a verdict: a side saved in
// seconds (or microseconds) where milliseconds belong, and a limit written as a bare number
// that every value is hundreds of times above. The per-side unit flags read such a side
// right, or confirm that a change of a power of 1000 is real.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "gate/unit_check.h"
#include "tests/fakes/cli_runner.h"

namespace perfgate {
namespace {

// The example's candidate with every duration_ms multiplied by `factor`.
std::string ScaledCandidate(double factor) {
  std::istringstream lines(*RealFileSystem().ReadFile("examples/candidate.ndjson"));
  std::string out;
  for (std::string line; std::getline(lines, line);) {
    const std::size_t at = line.find("\"duration_ms\":") + 14;
    const std::size_t end = line.find(',', at);
    char number[64];
    std::snprintf(number, sizeof number, "%.9g", std::stod(line.substr(at, end - at)) * factor);
    out += line.substr(0, at) + number + line.substr(end) + "\n";
  }
  return out;
}

// `perfgate check` of two sources with more options.
CliRun Check(FakeFileSystem& fs, const std::string& baseline, const std::string& candidate,
             std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"check", "--baseline", baseline, "--candidate", candidate};
  args.insert(args.end(), more.begin(), more.end());
  return RunPerfgate(args, fs);
}

const std::string kBase = "examples/baseline.ndjson";
const std::string kCand = "examples/candidate.ndjson";

TEST(DurationUnits, ACandidateInSecondsIsRefusedSayingWhichSideAndHowToSaySo) {
  FakeFileSystem fs = ReadingFixtures();
  fs.files["seconds.ndjson"] = ScaledCandidate(0.001);
  CliRun run = Check(fs, kBase, "seconds.ndjson", {"--markdown", "r.md"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.Errors().find(
                "perfgate: error: the candidate's durations (seconds.ndjson) are about 1000x "
                "smaller than the baseline's (examples/baseline.ndjson) in 6 of 6 transactions "
                "they share (median ratio 0.00"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("): the candidate looks like seconds where the baseline is "
                         "milliseconds; say so with --candidate-duration-unit s, or, if the "
                         "change is real, confirm the units with --candidate-duration-unit ms\n"),
            std::string::npos)
      << run.err;
  EXPECT_FALSE(fs.Exists("r.md"));
  // Said, it is read right: the example's regression fails as it does in milliseconds.
  CliRun said = Check(fs, kBase, "seconds.ndjson", {"--candidate-duration-unit", "s"});
  CliRun plain = Check(fs, kBase, kCand);
  EXPECT_EQ(said.exit_code, 1) << said.err;
  EXPECT_EQ(said.exit_code, plain.exit_code);
}

TEST(DurationUnits, ABaselineInMicrosecondsIsNamedAsTheOddSide) {
  FakeFileSystem fs = ReadingFixtures();
  fs.files["micro.ndjson"] = ScaledCandidate(1000);
  CliRun run =
      RunPerfgate({"compare", "micro.ndjson", "examples/candidate.ndjson"}, fs);  // as baseline
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("about 1000x smaller"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("the baseline looks like microseconds where the candidate is "
                         "milliseconds; say so with --baseline-duration-unit us"),
            std::string::npos)
      << run.err;
}

TEST(DurationUnits, ARealChangeOfAThousandTimesIsJudgedOnceTheUnitsAreConfirmed) {
  FakeFileSystem fs = ReadingFixtures();
  fs.files["slow.ndjson"] = ScaledCandidate(1000);
  CliRun run = Check(fs, kCand, "slow.ndjson", {"--candidate-duration-unit", "ms"});
  EXPECT_EQ(run.exit_code, 1) << run.err;  // judged: every p95 over 8000 ms
}

TEST(DurationUnits, ABareLimitEveryValueIsHundredsOfTimesAboveAsksForItsUnit) {
  FakeFileSystem fs = ReadingFixtures();
  fs.files["t.yaml"] = "version: 1\nrules:\n  - metric: p95\n    max: 2\n";
  CliRun run = Check(fs, kBase, kCand, {"--config", "t.yaml", "--json", "r.json"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("perfgate: error: t.yaml:3: p95 max: 2 is read as 2 ms, and every p95 it "
                         "judged is over it (6 transactions, their median "),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("): did you mean 2s? Write the unit: 2s, or 2ms if "
                         "milliseconds are meant\n"),
            std::string::npos)
      << run.err;
  EXPECT_FALSE(fs.Exists("r.json"));
  // With its unit written, 2 ms is what was meant: judged, and failed.
  fs.files["t.yaml"] = "version: 1\nrules:\n  - metric: p95\n    max: 2ms\n";
  CliRun meant = Check(fs, kBase, kCand, {"--config", "t.yaml"});
  EXPECT_EQ(meant.exit_code, 1) << meant.err;
  // A bare limit that some value is near is taken as ms, as documented.
  fs.files["t.yaml"] = "version: 1\nrules:\n  - metric: p95\n    max: 900\n";
  CliRun near = Check(fs, kBase, kCand, {"--config", "t.yaml"});
  EXPECT_NE(near.exit_code, 2) << near.err;
}

// The screen itself: factors near a power of 1000 in most transactions, not a plausible
// change or a few odd ones.
SampleSet Release(const std::vector<std::pair<std::string, double>>& typical) {
  SampleSetBuilder builder;
  for (const auto& [name, ms] : typical)
    for (int i = 0; i < 9; ++i) builder.Add(name, ms * (0.8 + 0.05 * i), false);
  return std::move(builder).Build("");
}

TEST(FindUnitMismatch, NeedsMostTransactionsNearAPowerOfAThousand) {
  const SampleSet base = Release({{"a", 120}, {"b", 40}, {"c", 900}, {"d", 15}});
  EXPECT_FALSE(gate::FindUnitMismatch(base, base));
  EXPECT_FALSE(gate::FindUnitMismatch(base, Release({{"a", 240}, {"b", 80}, {"c", 9000}})));
  std::optional<gate::UnitMismatch> seconds =
      gate::FindUnitMismatch(base, Release({{"a", 0.12}, {"b", 0.05}, {"c", 0.8}, {"d", 0.015}}));
  ASSERT_TRUE(seconds);
  EXPECT_EQ(seconds->candidate_to_baseline_log10, -3);
  EXPECT_TRUE(seconds->candidate_looks_wrong);
  EXPECT_EQ(seconds->odd_unit, "s");
  EXPECT_EQ(seconds->agreeing, 4u);
  // Two of four at a thousandth is not most.
  EXPECT_FALSE(
      gate::FindUnitMismatch(base, Release({{"a", 0.12}, {"b", 0.04}, {"c", 900}, {"d", 15}})));
  std::optional<gate::UnitMismatch> nanos =
      gate::FindUnitMismatch(base, Release({{"a", 120e6}, {"b", 40e6}, {"c", 900e6}}));
  ASSERT_TRUE(nanos);
  EXPECT_EQ(nanos->candidate_to_baseline_log10, 6);
  EXPECT_EQ(nanos->odd_unit, "ns");
}

}  // namespace
}  // namespace perfgate
