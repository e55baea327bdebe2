#include "stats/random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include <boost/math/distributions/beta.hpp>

namespace perfgate::stats {
namespace {

TEST(Random, SameSeedSameDrawsAndPinnedValues) {
  Random a(42), b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.Beta(3.5, 90), b.Beta(3.5, 90));
  // Pinned so that a change in any sampler (and so in every report) is noticed.
  Random pinned(1);
  EXPECT_EQ(pinned.Uniform(), 0.13387664401253269);
  EXPECT_EQ(pinned.Below(1000), 136u);
}

TEST(Random, UniformStaysInsideTheOpenInterval) {
  Random random(7);
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    double u = random.Uniform();
    ASSERT_GT(u, 0);
    ASSERT_LT(u, 1);
    sum += u;
  }
  EXPECT_NEAR(sum / 100000, 0.5, 0.005);
}

TEST(Random, BelowIsUnbiased) {
  Random random(3);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) ++counts[random.Below(7)];
  for (int c : counts) EXPECT_NEAR(c, 10000, 400);  // about 4 standard deviations
}

// Kolmogorov-Smirnov distance between draws and Boost.Math's Beta CDF.
double KsDistance(double a, double b, int draws, std::uint64_t seed) {
  Random random(seed);
  std::vector<double> x(static_cast<std::size_t>(draws));
  for (double& v : x) v = random.Beta(a, b);
  std::sort(x.begin(), x.end());
  boost::math::beta_distribution<> beta(a, b);
  double d = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    double f = boost::math::cdf(beta, x[i]);
    d = std::max({d, std::fabs(f - static_cast<double>(i) / draws),
                  std::fabs(static_cast<double>(i + 1) / draws - f)});
  }
  return d;
}

TEST(Random, BetaMatchesBoostDistribution) {
  // The 99.9 % critical value of the KS statistic is about 1.95 / sqrt(n).
  const int draws = 20000;
  const double critical = 1.95 / std::sqrt(draws);
  for (auto [a, b] :
       {std::pair{1.0, 1.0}, std::pair{1.0, 50.0}, std::pair{50.0, 1.0}, std::pair{0.5, 0.5},
        std::pair{2.5, 7.0}, std::pair{950.0, 51.0}, std::pair{95000.0, 5001.0}}) {
    EXPECT_LT(KsDistance(a, b, draws, 11), critical) << "Beta(" << a << ", " << b << ")";
  }
}

TEST(DeriveSeed, StreamsDifferAndAreStable) {
  EXPECT_NE(DeriveSeed(1, 0), DeriveSeed(1, 1));
  EXPECT_NE(DeriveSeed(1, 0), DeriveSeed(2, 0));
  EXPECT_EQ(DeriveSeed(1, StreamId("GET /a")), DeriveSeed(1, StreamId("GET /a")));
  EXPECT_EQ(StreamId(""), 0xCBF29CE484222325ULL);  // FNV-1a's offset basis
}

}  // namespace
}  // namespace perfgate::stats
