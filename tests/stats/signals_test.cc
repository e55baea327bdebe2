// Apdex, user misery, throughput and the performance score against Sentry's definitions and
// hand-computed values; their intervals against simulation.
#include "stats/signals.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "stats/binomial.h"
#include "stats/random.h"

namespace perfgate::stats {
namespace {

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

TEST(Apdex, MatchesSentrysOwnTest) {
  // Sentry's test_apdex_denominator_correct: 400, 400, 300, 800, 3000, 3000, 3000 with a
  // threshold of 600: "3 satisfied + 1 tolerated => 3.5/7".
  const std::vector<double> values = {400, 400, 300, 800, 3000, 3000, 3000};
  const ApdexCounts counts = CountApdex(values, 600);
  EXPECT_EQ(counts.satisfied, 3u);
  EXPECT_EQ(counts.tolerating, 1u);
  EXPECT_DOUBLE_EQ(counts.Value(), 0.5);
  // The boundaries: T is satisfied, 4T tolerating.
  EXPECT_EQ(ApdexPoints(600, 600), 1);
  EXPECT_EQ(ApdexPoints(2400, 600), 0.5);
  EXPECT_EQ(ApdexPoints(2400.001, 600), 0);
}

TEST(BoundedMeanInterval, IsClopperPearsonForAProportionAndNeverAPoint) {
  for (std::uint64_t x : {0u, 1u, 17u, 50u}) {
    const Interval bounded = BoundedMeanInterval(static_cast<double>(x) / 50, 50, 0.95);
    const Interval exact = BinomialInterval(x, 50, 0.95, BinomialMethod::kClopperPearson);
    EXPECT_NEAR(bounded.lower, exact.lower, 1e-12) << x;
    EXPECT_NEAR(bounded.upper, exact.upper, 1e-12) << x;
  }
  // All 200 satisfied: Clopper-Pearson's lower end is (alpha / 2)^(1 / n) = 0.025^(1/200).
  const Interval all = BoundedMeanInterval(1, 200, 0.95);
  EXPECT_NEAR(all.lower, std::pow(0.025, 1.0 / 200), 1e-12);
  EXPECT_EQ(all.upper, 1);
}

TEST(BoundedMeanInterval, CoversAnApdexAtLeastAsOftenAsItClaims) {
  // Apdex points of a release with 60 % satisfied, 30 % tolerating, 10 % frustrated: the
  // true Apdex is 0.75. Over 4000 samples of 100 events, a 95 % interval must cover it at
  // least 95 % of the time (minus simulation error: 3 standard errors is 1 %).
  Random random(7);
  int covered = 0;
  constexpr int kRuns = 4000;
  for (int run = 0; run < kRuns; ++run) {
    double sum = 0;
    for (int i = 0; i < 100; ++i) {
      const double u = random.Uniform();
      sum += u < 0.6 ? 1 : u < 0.9 ? 0.5 : 0;
    }
    const Interval ci = BoundedMeanInterval(sum / 100, 100, 0.95);
    covered += ci.lower <= 0.75 && 0.75 <= ci.upper ? 1 : 0;
  }
  EXPECT_GE(covered, kRuns * 0.94) << covered;
}

TEST(UserMisery, MatchesSentrysFormula) {
  // Users 1..10; users 1 and 2 had an event over 4T = 1200 ms; user 3's slow event is
  // exactly 4T (not miserable); events without a user do not count.
  std::vector<double> durations, users;
  for (int user = 1; user <= 10; ++user) {
    durations.push_back(100);
    users.push_back(user);
  }
  durations.insert(durations.end(), {1201, 5000, 1200, 9000});
  users.insert(users.end(), {1, 2, 3, kNone});
  const MiseryCounts counts = CountMisery(durations, users, 300);
  EXPECT_EQ(counts.users, 10u);
  EXPECT_EQ(counts.miserable_users, 2u);
  EXPECT_DOUBLE_EQ(counts.Value(), (2 + 5.8875) / (10 + 5.8875 + 111.8625));
  // The posterior Beta(7.8875, 119.8625)'s 2.5 % and 97.5 % quantiles, by bisection on its
  // CDF integrated numerically (midpoint rule, 20,000 steps) in Python: 0.0270509, 0.1093316.
  const Interval ci = MiseryInterval(counts, 0.95);
  EXPECT_NEAR(ci.lower, 0.0270509, 1e-6);
  EXPECT_NEAR(ci.upper, 0.1093316, 1e-6);
}

TEST(Throughput, GarwoodsIntervalAndTheConditionalTest) {
  // Garwood's exact interval for 10 events: [4.7954, 18.3904] (Ulm 1990's table).
  const Interval ten = PoissonRateInterval(10, 1, 0.95);
  EXPECT_NEAR(ten.lower, 4.7954, 1e-4);
  EXPECT_NEAR(ten.upper, 18.3904, 1e-4);
  EXPECT_EQ(PoissonRateInterval(0, 2, 0.95).lower, 0);
  EXPECT_NEAR(PoissonRateInterval(0, 2, 0.95).upper, 3.6889 / 2, 1e-4);
  // 100 events in 60 minutes, then 70 in 60: a drop with p = P(X <= 70), X ~ Bin(170, 1/2),
  // summed exactly (Python's math.comb): 0.0129221938; and P(X <= 100) of Bin(200, 1/2).
  EXPECT_NEAR(RateDecreasePValue(100, 60, 70, 60), 0.0129221938, 1e-9);
  EXPECT_NEAR(RateDecreasePValue(100, 60, 100, 60), 0.5281742395, 1e-9);
  const Interval change = RateChangeInterval(100, 60, 70, 60, 0.95);
  EXPECT_LT(change.lower, -0.3);
  EXPECT_GT(change.upper, -0.3);
  EXPECT_LT(change.upper, 0);
}

TEST(Throughput, TheRateChangeIntervalCoversTheTrueChange) {
  // Poisson counts at 50 and 40 per unit time over 1 and 2 units: the true change is -20 %.
  Random random(11);
  auto poisson = [&](double mean) {  // Knuth's product of uniforms: fine at these means
    int k = 0;
    double product = random.Uniform();
    const double limit = std::exp(-mean);
    while (product > limit) {
      ++k;
      product *= random.Uniform();
    }
    return static_cast<std::size_t>(k);
  };
  int covered = 0;
  constexpr int kRuns = 3000;
  for (int run = 0; run < kRuns; ++run) {
    const Interval ci = RateChangeInterval(poisson(50), 1, poisson(80), 2, 0.95);
    covered += ci.lower <= -0.2 && -0.2 <= ci.upper ? 1 : 0;
  }
  EXPECT_GE(covered, kRuns * 0.94) << covered;
}

TEST(PerformanceScore, SentrysCurvesAndWeights) {
  const VitalCurve& lcp = kVitalCurves[0];
  EXPECT_NEAR(VitalScore(2400, lcp), 0.5, 1e-12);  // the median control point
  EXPECT_NEAR(VitalScore(1200, lcp), 0.9, 1e-6);   // the "good" control point
  EXPECT_EQ(VitalScore(0, kVitalCurves[3]), 1);    // no layout shift at all
  // Every vital at its median: 0.5 whatever the weights.
  EXPECT_NEAR(PerformanceScore({2400, 1600, 500, 0.25, 400}), 0.5, 1e-12);
  // A page load without INP (a separate span): weights renormalised over the other four,
  // (0.30 * 0.9 + 0.15 * 0.5 + 0.15 * 0.5 + 0.10 * 0.5) / 0.70.
  EXPECT_NEAR(PerformanceScore({1200, 1600, kNone, 0.25, 400}), (0.27 + 0.2) / 0.70, 1e-6);
  EXPECT_TRUE(std::isnan(PerformanceScore({kNone, kNone, kNone, kNone, kNone})));
}

}  // namespace
}  // namespace perfgate::stats
