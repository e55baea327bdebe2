// The anytime-valid count tests against hand computations, and by simulation: under equal
// rates no more than alpha of the streams ever cross 1 / alpha over 100 looks each, and a
// doubled rate is found.
#include "stats/anytime.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "stats/random.h"

namespace perfgate::stats {
namespace {

TEST(MultinomialLogE, IsTheBayesFactorOfTheDirichletMixture) {
  // k = 2 and theta0 = (1/2, 1/2): a uniform prior; three of three events in one cell:
  // E = B(4, 1) / 0.5^3 = (1/4) / (1/8) = 2.
  const std::array<double, 2> half = {0.5, 0.5};
  EXPECT_NEAR(MultinomialLogE(std::array<double, 2>{3, 0}, half, 2), std::log(2.0), 1e-12);
  // Nothing seen: no evidence.
  EXPECT_NEAR(MultinomialLogE(std::array<double, 2>{0, 0}, half, 2), 0, 1e-12);
  // Three cells, a Dirichlet(1, 1, 1) prior, counts (1, 0, 0): E = [B(2,1,1) / B(1,1,1)] / (1/3)
  // = [(1 * 1 * 1 / Gamma(4)) / (1 / Gamma(3))] * 3 = (2 / 6) * 3 = 1.
  const std::array<double, 3> third = {1.0 / 3, 1.0 / 3, 1.0 / 3};
  EXPECT_NEAR(MultinomialLogE(std::array<double, 3>{1, 0, 0}, third, 3), 0, 1e-12);
}

TEST(RateIncreaseLogE, IsTheMixtureOverWorseSharesOnly) {
  // k = 2, rho = 1/2: a uniform prior on [1/2, 1] (density 2). One candidate event:
  // E = 2 * integral of theta over [1/2, 1] / (1/2) = 2 * (3/8) * 2 = 1.5.
  EXPECT_NEAR(RateIncreaseLogE(0, 1, 0.5, 2), std::log(1.5), 1e-12);
  // One baseline event: E = 2 * integral of (1 - theta) over [1/2, 1] / (1/2) = 2 * (1/8) * 2.
  EXPECT_NEAR(RateIncreaseLogE(1, 0, 0.5, 2), std::log(0.5), 1e-12);
  EXPECT_NEAR(RateIncreaseLogE(0, 0, 0.2), 0, 1e-12);
  EXPECT_DOUBLE_EQ(AnytimePValue(std::log(40.0)), 1.0 / 40);
  EXPECT_DOUBLE_EQ(AnytimePValue(-3), 1);
}

// Streams of events, each from the candidate with probability `share`, looked at every
// 10 events up to 1,000: how many ever reach E >= 1 / alpha, and after how many events.
struct Crossings {
  int streams = 0;
  int crossed = 0;
  double mean_events_to_cross = 0;
};

Crossings Simulate(double share, double rho, bool one_sided, int streams, std::uint64_t seed) {
  constexpr double kAlpha = 0.05;
  Random random(seed);
  Crossings out;
  out.streams = streams;
  double events_sum = 0;
  for (int s = 0; s < streams; ++s) {
    double candidate = 0, baseline = 0;
    for (int event = 1; event <= 1000; ++event) {
      (random.Uniform() < share ? candidate : baseline) += 1;
      if (event % 10 != 0) continue;
      const double log_e = one_sided ? RateIncreaseLogE(baseline, candidate, rho)
                                     : MultinomialLogE(std::array<double, 2>{baseline, candidate},
                                                       std::array<double, 2>{1 - rho, rho});
      if (log_e >= std::log(1 / kAlpha)) {
        ++out.crossed;
        events_sum += event;
        break;
      }
    }
  }
  if (out.crossed > 0) out.mean_events_to_cross = events_sum / out.crossed;
  return out;
}

TEST(AnytimeCounts, EqualRatesRarelyCrossOverAHundredLooks) {
  for (bool one_sided : {true, false}) {
    const Crossings equal = Simulate(0.2, 0.2, one_sided, 2000, one_sided ? 1 : 2);
    // At most alpha = 5 % of the streams, whatever the number of looks (Ville); three
    // standard errors of slack for the simulation.
    EXPECT_LE(equal.crossed, 100 + 3 * std::sqrt(2000 * 0.05 * 0.95))
        << (one_sided ? "one-sided" : "two-sided");
    std::printf("equal rates, %s: %d of 2000 streams ever crossed in 100 looks\n",
                one_sided ? "one-sided" : "two-sided", equal.crossed);
  }
  // A better candidate never gives the one-sided test evidence of a worse one.
  EXPECT_LE(Simulate(0.1, 0.2, true, 1000, 3).crossed, 10);
}

TEST(AnytimeCounts, ADoubledRateIsFound) {
  const Crossings worse = Simulate(0.4, 0.2, true, 500, 4);  // the candidate's errors doubled
  EXPECT_GE(worse.crossed, 495);
  const Crossings either = Simulate(0.4, 0.2, false, 500, 5);
  EXPECT_GE(either.crossed, 490);
  // The one-sided test, spending nothing on better candidates, finds it sooner.
  EXPECT_LT(worse.mean_events_to_cross, either.mean_events_to_cross);
  std::printf("doubled rate found after %.0f events (one-sided), %.0f (two-sided)\n",
              worse.mean_events_to_cross, either.mean_events_to_cross);
}

}  // namespace
}  // namespace perfgate::stats
