// perfgate init's proposal: friendly numbers, a config that parses and passes on the release
// it came from, and, at a real service's shape (200 transactions, Zipf traffic, a long tail
// of quiet ones), few false alarms on a second sample of the same service while a real
// regression still fails.
#include "gate/propose.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "gate/evaluate.h"
#include "gate/thresholds_parser.h"
#include "tests/fakes/cli_runner.h"

namespace perfgate::gate {
namespace {

TEST(FriendlyCeiling, RoundsUpToNumbersPeopleWrite) {
  EXPECT_EQ(FriendlyCeiling(1), 1);
  EXPECT_EQ(FriendlyCeiling(1.01), 1.5);
  EXPECT_EQ(FriendlyCeiling(7), 8);
  EXPECT_EQ(FriendlyCeiling(8.1), 10);
  EXPECT_EQ(FriendlyCeiling(0.29), 0.3);
  EXPECT_EQ(FriendlyCeiling(152), 200);
  EXPECT_EQ(FriendlyCeiling(2400), 2500);
  EXPECT_EQ(FriendlyCeiling(1e-3), 1e-3);
  EXPECT_EQ(FriendlyCeiling(0), 0);
  EXPECT_EQ(FriendlyCeiling(-5), 0);
}

// A service of `groups` transactions with Zipf traffic (rank r gets `top` / r events, at
// least 5), lognormal durations whose median grows with the rank's hash (20 ms to 1.4 s), a
// few exports 20 times slower (every 3rd rank from 3 to 30), 0.3 % errors. `slower`
// multiplies transaction 1's durations.
SampleSet Service(std::uint64_t seed, std::size_t groups, double top, double slower = 1) {
  std::mt19937_64 random(seed);
  SampleSetBuilder builder;
  for (std::size_t rank = 1; rank <= groups; ++rank) {
    const double export_factor = rank % 3 == 0 && rank <= 30 ? 20 : 1;
    const double median_ms =
        export_factor * 20.0 * std::pow(1.7, static_cast<double>((rank * 7919) % 9));
    std::lognormal_distribution<double> duration(std::log(median_ms), 0.5);
    std::bernoulli_distribution failed(0.003);
    const auto events = static_cast<std::size_t>(std::max(5.0, top / static_cast<double>(rank)));
    const std::string name = "GET /api/endpoint/" + std::to_string(rank);
    for (std::size_t i = 0; i < events; ++i)
      builder.Add(name, duration(random) * (rank == 1 ? slower : 1), failed(random));
  }
  return std::move(builder).Build("service");
}

EvaluationResult Observe(const SampleSet& release) {
  SampleSet none;
  none.source = "(none)";
  return Evaluate(ObservingThresholds(), none, release, std::chrono::year_month_day{});
}

std::size_t FailedRules(const Thresholds& config, const SampleSet& baseline,
                        const SampleSet& candidate) {
  const EvaluationResult result = Evaluate(config, baseline, candidate, {});
  std::size_t failed = 0;
  for (const GroupResult& group : result.groups) {
    for (const RuleResult& rule : group.rules) failed += rule.verdict == Verdict::kFail ? 1 : 0;
  }
  return failed;
}

TEST(ProposeThresholds, AtAServicesScaleFewEntriesNoFalseAlarmsAndRegressionsCaught) {
  const SampleSet first = Service(1, 200, 20000);
  ProposalOptions options;
  options.command = "perfgate init --from first";
  const std::string text = ProposeThresholds(Observe(first), options);
  EXPECT_EQ(text, ProposeThresholds(Observe(first), options));  // the same bytes
  Result<Thresholds> config = ParseThresholds(text, "proposal.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message << "\n" << text;

  // Judged transactions: those with min_samples (50) events, ranks 1..400 / 50 = 400.
  std::size_t judged = 0;
  for (const GroupSamples& group : first.groups) judged += group.size() >= 50 ? 1 : 0;
  EXPECT_LE(config->groups.size(), std::max<std::size_t>(1, judged / 10)) << text;
  EXPECT_GE(config->groups.size(), 1u) << "the slow transactions get entries of their own";

  // The release it came from passes; so does another sample of the same service (the limits
  // sit above the intervals' upper ends), while transaction 1 taking twice as long fails.
  EXPECT_EQ(FailedRules(*config, first, first), 0u);
  EXPECT_EQ(FailedRules(*config, first, Service(2, 200, 20000)), 0u);
  EXPECT_EQ(FailedRules(*config, first, Service(3, 200, 20000)), 0u);
  EXPECT_GE(FailedRules(*config, first, Service(4, 200, 20000, 2.0)), 1u);
}

TEST(ProposeThresholds, WithoutEnoughEventsItProposesTheDefaultsAndSaysSo) {
  const std::string text = ProposeThresholds(Observe(Service(1, 3, 10)), {});
  EXPECT_NE(text.find("3 transactions had too few events"), std::string::npos) << text;
  EXPECT_NE(text.find("max: 8s"), std::string::npos) << text;
  EXPECT_NE(text.find("perfgate's default: no transaction had enough events"), std::string::npos);
  EXPECT_TRUE(ParseThresholds(text, "t.yaml").ok());
}

TEST(CliInit, PrintsOrWritesAProposalAndNeverReplacesAFileUnasked) {
  FakeFileSystem fs = ReadingFixtures();
  CliRun printed = RunPerfgate({"init", "--from", "examples/baseline.ndjson"}, fs);
  EXPECT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_TRUE(printed.out.starts_with(
      "# Proposed by `perfgate init --from examples/baseline.ndjson` from 6130 events of 6 "
      "transactions.\n"))
      << printed.out;
  EXPECT_NE(printed.out.find("  - match: \"POST /api/reports/export\""), std::string::npos);

  CliRun written = RunPerfgate({"init", "--from", "examples/baseline.ndjson", "-o", "t.yaml"}, fs);
  EXPECT_EQ(written.exit_code, 0) << written.err;
  EXPECT_EQ(fs.files["t.yaml"], printed.out);
  CliRun again = RunPerfgate({"init", "--from", "examples/baseline.ndjson", "-o", "t.yaml"}, fs);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_EQ(again.err,
            "perfgate: error: t.yaml exists; --force replaces it, or leave out -o to print the "
            "proposal\n");
  EXPECT_EQ(
      RunPerfgate({"init", "--from", "examples/baseline.ndjson", "-o", "t.yaml", "--force"}, fs)
          .exit_code,
      0);
  // The release it came from passes under it; the candidate's regressions fail.
  EXPECT_EQ(RunPerfgate({"compare", "examples/baseline.ndjson", "examples/baseline.ndjson",
                         "--config", "t.yaml"},
                        fs)
                .exit_code,
            0);
  EXPECT_EQ(RunPerfgate({"compare", "examples/baseline.ndjson", "examples/candidate.ndjson",
                         "--config", "t.yaml"},
                        fs)
                .exit_code,
            1);
}

}  // namespace
}  // namespace perfgate::gate
