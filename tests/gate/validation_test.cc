// A small, fast slice of bench/coverage_bench.cc and bench/gate_validation_bench.cc, so a
// change that breaks the statistics fails the suite, not just a benchmark nobody reruns.
#include <gtest/gtest.h>

#include <cmath>

#include <boost/math/distributions/normal.hpp>

#include "gate/evaluate.h"
#include "gate/thresholds_parser.h"
#include "stats/bootstrap.h"
#include "stats/interval.h"
#include "stats/random.h"

namespace perfgate::gate {
namespace {

const std::chrono::year_month_day kToday{std::chrono::year{2026}, std::chrono::month{1},
                                         std::chrono::day{1}};

SampleSet LogNormalGroups(stats::Random& random, int groups, int n, double scale) {
  SampleSetBuilder builder;
  for (int g = 0; g < groups; ++g) {
    for (int i = 0; i < n; ++i)
      builder.Add("t" + std::to_string(g), scale * std::exp(5 + 0.6 * random.Normal()), false);
  }
  return std::move(builder).Build("s");
}

TEST(Validation, BcaIntervalOfP95CoversTheTruthAtItsNominalRate) {
  const double truth = std::exp(5 + 0.6 * boost::math::quantile(boost::math::normal(), 0.95));
  stats::Random data(11);
  int covered = 0;
  const int trials = 300;
  for (int t = 0; t < trials; ++t) {
    std::vector<double> sample(1000);
    for (double& v : sample) v = std::exp(5 + 0.6 * data.Normal());
    std::sort(sample.begin(), sample.end());
    stats::Random random(stats::DeriveSeed(3, static_cast<std::uint64_t>(t)));
    auto replicates =
        stats::QuantileReplicates(sample, 0.95, stats::QuantileMethod::kLinear, 2000, random);
    double estimate = stats::QuantileOfSorted(sample, 0.95);
    double a = stats::QuantileAcceleration(sample, 0.95, stats::QuantileMethod::kLinear);
    covered += stats::BcaInterval(replicates, estimate, a, 0.95).Contains(truth) ? 1 : 0;
  }
  // 95 % of 300 is 285; the binomial 99.9 % band is about 272 to 295.
  EXPECT_GE(covered, 272);
  EXPECT_LE(covered, 297);
}

TEST(Validation, AaRunsRarelyFailAndRealShiftsAreCaught) {
  Thresholds config =
      std::move(
          ParseThresholds(
              "statistics: {resamples: 1000}\nrules:\n  - metric: p95\n    max_increase: 0%\n",
              "v.yaml"))
          .value();
  stats::Random random(5);
  int false_alarms = 0;
  for (int run = 0; run < 40; ++run) {
    SampleSet base = LogNormalGroups(random, 10, 300, 1.0);
    SampleSet cand = LogNormalGroups(random, 10, 300, 1.0);
    false_alarms += Evaluate(config, base, cand, kToday).Count(Verdict::kFail) > 0 ? 1 : 0;
  }
  EXPECT_LE(false_alarms, 5);  // alpha = 5 % family-wise: about 2 of 40 at most, expected

  Thresholds tolerance =
      std::move(
          ParseThresholds(
              "statistics: {resamples: 1000}\nrules:\n  - metric: p95\n    max_increase: 10%\n",
              "v.yaml"))
          .value();
  int caught = 0;
  for (int run = 0; run < 40; ++run) {
    SampleSet base = LogNormalGroups(random, 1, 2000, 1.0);
    SampleSet cand = LogNormalGroups(random, 1, 2000, 1.2);
    caught += Evaluate(tolerance, base, cand, kToday).Count(Verdict::kFail) > 0 ? 1 : 0;
  }
  EXPECT_GE(caught, 36);  // power about 98 % (bench: 98.3 % of 1000 runs)
}

}  // namespace
}  // namespace perfgate::gate
