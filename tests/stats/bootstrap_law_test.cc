#include "stats/bootstrap_law.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "stats/bootstrap.h"
#include "stats/random.h"

namespace perfgate::stats {
namespace {

std::vector<double> LogNormalSample(std::size_t n, double scale, std::uint64_t seed) {
  Random random(seed);
  std::vector<double> values(n);
  for (double& v : values) v = scale * std::exp(5 + 0.6 * random.Normal());
  std::sort(values.begin(), values.end());
  return values;
}

// The oracle: every one of the n^n equally likely resamples, its quantile computed as the
// report computes it.
std::map<double, double> EnumeratedLaw(const std::vector<double>& sorted, double q,
                                       QuantileMethod method) {
  const std::size_t n = sorted.size();
  std::size_t count = 1;
  for (std::size_t i = 0; i < n; ++i) count *= n;
  std::map<double, double> law;
  std::vector<double> resample(n);
  for (std::size_t code = 0; code < count; ++code) {
    std::size_t rest = code;
    for (double& value : resample) {
      value = sorted[rest % n];
      rest /= n;
    }
    std::sort(resample.begin(), resample.end());
    law[QuantileOfSorted(resample, q, method)] += 1.0 / static_cast<double>(count);
  }
  return law;
}

TEST(QuantileBootstrapLaw, HandComputedSmallCases) {
  // {1, 2}, median by linear interpolation: resamples 11, 12, 21, 22 give 1, 1.5, 1.5, 2.
  std::vector<double> two = {1, 2};
  std::vector<Atom> law = QuantileBootstrapLaw(two, 0.5, QuantileMethod::kLinear);
  ASSERT_EQ(law.size(), 3u);
  EXPECT_DOUBLE_EQ(law[0].value, 1);
  EXPECT_NEAR(law[0].probability, 0.25, 1e-15);
  EXPECT_DOUBLE_EQ(law[1].value, 1.5);
  EXPECT_NEAR(law[1].probability, 0.5, 1e-15);
  EXPECT_NEAR(law[2].probability, 0.25, 1e-15);
  // {1, 2, 3}, median: 1 when two or three draws are 1, 7 of 27 resamples; 3 likewise.
  std::vector<double> three = {1, 2, 3};
  law = QuantileBootstrapLaw(three, 0.5, QuantileMethod::kLinear);
  ASSERT_EQ(law.size(), 3u);
  EXPECT_NEAR(law[0].probability, 7.0 / 27, 1e-15);
  EXPECT_NEAR(law[1].probability, 13.0 / 27, 1e-15);
  EXPECT_NEAR(law[2].probability, 7.0 / 27, 1e-15);
}

TEST(QuantileBootstrapLaw, EqualsEnumerationOfEveryResample) {
  // Distinct values, so each atom is one (a, b) pair or a merge of equal interpolations.
  for (std::size_t n = 1; n <= 6; ++n) {
    std::vector<double> sorted;
    for (std::size_t i = 0; i < n; ++i) sorted.push_back(std::pow(1.7, static_cast<double>(i)));
    for (double q : {0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1.0}) {
      for (const auto& [method, name] : kQuantileMethodNames) {
        SCOPED_TRACE("n = " + std::to_string(n) + ", q = " + std::to_string(q) + ", " +
                     std::string(name));
        std::map<double, double> expected = EnumeratedLaw(sorted, q, method);
        std::vector<Atom> law = QuantileBootstrapLaw(sorted, q, method);
        std::map<double, double> actual;
        for (const Atom& atom : law) actual[atom.value] += atom.probability;
        ASSERT_EQ(actual.size(), expected.size());
        for (const auto& [value, probability] : expected) {
          // Values equal up to the last ulp of the interpolation are one atom.
          auto found = actual.lower_bound(value - 1e-9 * std::fabs(value));
          ASSERT_NE(found, actual.end());
          EXPECT_NEAR(found->first, value, 1e-9 * std::fabs(value));
          EXPECT_NEAR(found->second, probability, 1e-12);
        }
      }
    }
  }
}

TEST(QuantileBootstrapLaw, LargeSamplesKeepTheirMass) {
  for (std::size_t n : {50u, 1000u, 60000u}) {
    std::vector<double> sorted = LogNormalSample(n, 1, n);
    for (double q : {0.5, 0.95, 0.99}) {
      double total = 0;
      for (const Atom& atom : QuantileBootstrapLaw(sorted, q, QuantileMethod::kLinear))
        total += atom.probability;
      // What the b-loop leaves out is about a relative 1e-8 of each bin.
      EXPECT_NEAR(total, 1, 1e-7) << "n = " << n << ", q = " << q;
    }
  }
}

// The Monte Carlo bootstrap p-value of an increase (no +1 smoothing): the share of
// independent replicate pairs in which the candidate's is not larger.
double MonteCarloPValue(const std::vector<double>& base, const std::vector<double>& cand, double q,
                        int resamples, std::uint64_t seed) {
  Random base_random(DeriveSeed(seed, 1)), cand_random(DeriveSeed(seed, 2));
  std::vector<double> b =
      QuantileReplicates(base, q, QuantileMethod::kLinear, resamples, base_random);
  std::vector<double> c =
      QuantileReplicates(cand, q, QuantileMethod::kLinear, resamples, cand_random);
  double below = 0;
  for (int i = 0; i < resamples; ++i)
    below += c[static_cast<std::size_t>(i)] <= b[static_cast<std::size_t>(i)] ? 1 : 0;
  return below / resamples;
}

TEST(CompareLaws, AgreesWithTheMonteCarloBootstrapWithinItsError) {
  constexpr int kResamples = 200'000;
  for (auto [n, shift] : {std::pair{200u, 1.05}, {500u, 1.08}, {2000u, 1.03}, {77u, 1.2}}) {
    std::vector<double> base = LogNormalSample(n, 1, 10 + n);
    std::vector<double> cand = LogNormalSample(n + 13, shift, 20 + n);
    for (double q : {0.5, 0.95}) {
      std::vector<Atom> b = QuantileBootstrapLaw(base, q, QuantileMethod::kLinear);
      std::vector<Atom> c = QuantileBootstrapLaw(cand, q, QuantileMethod::kLinear);
      const double exact = IncreasePValue(CompareLaws(c, b));
      const double monte_carlo = MonteCarloPValue(base, cand, q, kResamples, n);
      // 4.5 standard errors of the Monte Carlo estimate (a binomial share).
      const double tolerance = 4.5 * std::sqrt(exact * (1 - exact) / kResamples) + 1e-5;
      EXPECT_NEAR(exact, monte_carlo, tolerance) << "n = " << n << ", q = " << q;
    }
  }
}

TEST(CompareLaws, HandComputedOrdering) {
  std::vector<Atom> x = {{1, 0.5}, {2, 0.5}};
  std::vector<Atom> y = {{2, 1}};
  Ordering ordering = CompareLaws(x, y);
  EXPECT_DOUBLE_EQ(ordering.at_or_below, 1);
  EXPECT_DOUBLE_EQ(ordering.at_or_above, 0.5);
  EXPECT_DOUBLE_EQ(IncreasePValue(ordering), 1);
  std::vector<Atom> z = {{0.5, 0.25}, {1.5, 0.25}, {3, 0.5}};
  ordering = CompareLaws(x, z);  // P(X <= Z) = .5 (.75) + .5 (.5); P(X >= Z) = .5 (.25) + .5 (.5)
  EXPECT_DOUBLE_EQ(ordering.at_or_below, 0.625);
  EXPECT_DOUBLE_EQ(ordering.at_or_above, 0.375);
  EXPECT_DOUBLE_EQ(IncreasePValue(ordering), 0.625);
}

TEST(CompareLaws, HasNoResolutionFloor) {
  // p95 +35 % on 2,000 events a side: a Monte Carlo test with 10,000 resamples can say no
  // more than p < 0.0002, which Holm over 400 tests turns into 0.08.
  std::vector<double> base = LogNormalSample(2000, 1, 1);
  std::vector<double> cand = LogNormalSample(2000, 1.35, 2);
  const double p =
      IncreasePValue(CompareLaws(QuantileBootstrapLaw(cand, 0.95, QuantileMethod::kLinear),
                                 QuantileBootstrapLaw(base, 0.95, QuantileMethod::kLinear)));
  EXPECT_LT(p, 1e-9);
  // And an A/A comparison is nowhere near significant.
  std::vector<double> same = LogNormalSample(2000, 1, 3);
  const double aa =
      IncreasePValue(CompareLaws(QuantileBootstrapLaw(same, 0.95, QuantileMethod::kLinear),
                                 QuantileBootstrapLaw(base, 0.95, QuantileMethod::kLinear)));
  EXPECT_GT(aa, 0.01);
}

TEST(ChangeInterval, AgreesWithTheMonteCarloPairsAndKeepsZerosMeaning) {
  std::vector<double> base = LogNormalSample(500, 1, 31);
  std::vector<double> cand = LogNormalSample(400, 1.2, 32);
  std::vector<Atom> b = QuantileBootstrapLaw(base, 0.95, QuantileMethod::kLinear);
  std::vector<Atom> c = QuantileBootstrapLaw(cand, 0.95, QuantileMethod::kLinear);
  Random base_random(1), cand_random(2);
  std::vector<double> rb =
      QuantileReplicates(base, 0.95, QuantileMethod::kLinear, 200'000, base_random);
  std::vector<double> rc =
      QuantileReplicates(cand, 0.95, QuantileMethod::kLinear, 200'000, cand_random);
  std::vector<double> ratios(rb.size()), differences(rb.size());
  for (std::size_t i = 0; i < rb.size(); ++i) {
    ratios[i] = rc[i] / rb[i] - 1;
    differences[i] = rc[i] - rb[i];
  }
  const Interval relative = ChangeInterval(c, b, true, 0.95);
  const Interval monte_carlo = PercentileInterval(ratios, 0.95);
  EXPECT_NEAR(relative.lower, monte_carlo.lower, 0.01);
  EXPECT_NEAR(relative.upper, monte_carlo.upper, 0.01);
  const Interval absolute = ChangeInterval(c, b, false, 0.95);
  const Interval monte_carlo_ms = PercentileInterval(differences, 0.95);
  EXPECT_NEAR(absolute.lower, monte_carlo_ms.lower, 3);
  EXPECT_NEAR(absolute.upper, monte_carlo_ms.upper, 3);
  // 0 ms against 0 ms is no change; anything against 0 ms an infinite one.
  std::vector<Atom> zero = {{0, 1}};
  EXPECT_EQ(ChangeInterval(zero, zero, true, 0.95).lower, 0);
  EXPECT_EQ(ChangeInterval(zero, zero, true, 0.95).upper, 0);
  std::vector<Atom> some = {{5, 1}};
  EXPECT_TRUE(std::isinf(ChangeInterval(some, zero, true, 0.95).lower));
}

TEST(MomentsOf, MatchesTheMonteCarloReplicates) {
  std::vector<double> sorted = LogNormalSample(400, 1, 7);
  std::vector<Atom> law = QuantileBootstrapLaw(sorted, 0.9, QuantileMethod::kLinear);
  Random random(5);
  std::vector<double> replicates =
      QuantileReplicates(sorted, 0.9, QuantileMethod::kLinear, 200'000, random);
  double mean = 0, log_mean = 0;
  for (double r : replicates) {
    mean += r / static_cast<double>(replicates.size());
    log_mean += std::log(r) / static_cast<double>(replicates.size());
  }
  double variance = 0, log_variance = 0;
  for (double r : replicates) {
    variance += (r - mean) * (r - mean) / static_cast<double>(replicates.size());
    log_variance += (std::log(r) - log_mean) * (std::log(r) - log_mean) /
                    static_cast<double>(replicates.size());
  }
  Moments plain = MomentsOf(law, false);
  Moments logs = MomentsOf(law, true);
  EXPECT_NEAR(plain.mean, mean, 4 * std::sqrt(variance / 200'000.0));
  EXPECT_NEAR(plain.variance / variance, 1, 0.02);
  EXPECT_NEAR(logs.variance / log_variance, 1, 0.02);
  EXPECT_TRUE(std::isnan(MomentsOf(std::vector<Atom>{{0, 0.5}, {1, 0.5}}, true).variance));
}

TEST(MeanBootstrapVariance, IsThePluginVarianceOverN) {
  std::vector<double> values = {1, 2, 3, 4};  // plug-in variance 1.25
  EXPECT_DOUBLE_EQ(MeanBootstrapVariance(values), 1.25 / 4);
  EXPECT_DOUBLE_EQ(MeanBootstrapVariance(std::vector<double>{5}), 0);
  std::vector<double> sample = LogNormalSample(300, 1, 9);
  Random random(3);
  std::vector<double> replicates = MeanReplicates(sample, 100'000, random);
  double mean = 0, variance = 0;
  for (double r : replicates) mean += r / static_cast<double>(replicates.size());
  for (double r : replicates)
    variance += (r - mean) * (r - mean) / static_cast<double>(replicates.size());
  EXPECT_NEAR(MeanBootstrapVariance(sample) / variance, 1, 0.02);
}

TEST(WelchIncreasePValue, StudentsTailOnWelchSatterthwaitesDegreesOfFreedom) {
  constexpr std::size_t kMany = 100'000'000;  // t tends to the normal
  EXPECT_NEAR(WelchIncreasePValue(1.959963984540054, 0.5, kMany, 0, 0.5, kMany), 0.025, 1e-6);
  EXPECT_NEAR(WelchIncreasePValue(0, 0.5, kMany, 1.959963984540054, 0.5, kMany), 0.975, 1e-6);
  EXPECT_DOUBLE_EQ(WelchIncreasePValue(3, 1, 10, 3, 1, 10), 0.5);
  // x = 1, 2, 3, 4, 10 against y = 0, 1, 1, 2 by hand: s^2 12.5 and 2/3, t = 3 / sqrt(2.5 +
  // 1/6) = 1.83712, df = 4.52430, and the t density integrated numerically from t: 0.065862.
  auto plug_in = [](std::vector<double> v) { return MeanBootstrapVariance(v); };
  EXPECT_NEAR(WelchIncreasePValue(4, plug_in({1, 2, 3, 4, 10}), 5, 1, plug_in({0, 1, 1, 2}), 4),
              0.065862, 2e-6);
  EXPECT_DOUBLE_EQ(WelchIncreasePValue(4, 0, 5, 3, 0, 5), 0);
  EXPECT_DOUBLE_EQ(WelchIncreasePValue(3, 0, 5, 4, 0, 5), 1);
  EXPECT_DOUBLE_EQ(WelchIncreasePValue(std::numeric_limits<double>::infinity(), 1, 5, 4, 1, 5), 0);
  EXPECT_LT(WelchIncreasePValue(100, 1, kMany, 0, 1, kMany), 1e-300);
  // One value on a side: no degrees of freedom, the normal tail.
  EXPECT_NEAR(WelchIncreasePValue(1.959963984540054, 0.5, 1, 0, 0.5, 1), 0.025, 1e-12);
}

}  // namespace
}  // namespace perfgate::stats
