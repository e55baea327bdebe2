#include "stats/bootstrap.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <boost/math/distributions/binomial.hpp>

#include "stats/summary.h"

namespace perfgate::stats {
namespace {

std::vector<double> LogNormalSample(std::size_t n, std::uint64_t seed) {
  Random random(seed);
  std::vector<double> values(n);
  for (double& v : values) v = std::exp(5 + 0.6 * random.Normal());
  return values;
}

// Two-sample Kolmogorov-Smirnov distance.
double KsDistance(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  double d = 0;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
    d = std::max(d, std::fabs(static_cast<double>(i) / static_cast<double>(a.size()) -
                              static_cast<double>(j) / static_cast<double>(b.size())));
  }
  return d;
}

TEST(QuantileReplicates, AgreesInDistributionWithNaiveResampling) {
  // 99.9 % two-sample KS critical value: 1.95 sqrt((n + m) / (n m)).
  std::vector<double> values = LogNormalSample(300, 1);
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const int fast_count = 20000, naive_count = 4000;
  const double critical =
      1.95 * std::sqrt((fast_count + naive_count) / (1.0 * fast_count * naive_count));
  for (QuantileMethod method :
       {QuantileMethod::kLinear, QuantileMethod::kHazen, QuantileMethod::kInvertedCdf}) {
    for (double q : {0.5, 0.95, 0.99}) {
      Random fast_random(2), naive_random(3);
      auto fast = QuantileReplicates(sorted, q, method, fast_count, fast_random);
      auto naive = NaiveQuantileReplicates(values, q, method, naive_count, naive_random);
      EXPECT_LT(KsDistance(fast, naive), critical)
          << NameOf(kQuantileMethodNames, method) << " q=" << q;
    }
  }
}

TEST(QuantileReplicates, OrderStatisticHasItsExactBinomialDistribution) {
  // For the k-th order statistic of a resample, P(X*_(k) <= x_(i)) = P(Bin(n, i/n) >= k).
  std::vector<double> sorted(50);
  for (std::size_t i = 0; i < sorted.size(); ++i) sorted[i] = static_cast<double>(i + 1);
  const double q = 0.9;  // method "lower": the order statistic floor(49 * 0.9) + 1 = 45
  Random random(4);
  const int draws = 200000;
  auto replicates = QuantileReplicates(sorted, q, QuantileMethod::kLower, draws, random);
  for (int i : {40, 43, 45, 47, 49}) {
    double share = static_cast<double>(std::count_if(replicates.begin(), replicates.end(),
                                                     [&](double v) { return v <= i; })) /
                   draws;
    boost::math::binomial_distribution<> binomial(50, i / 50.0);
    double exact = boost::math::cdf(boost::math::complement(binomial, 44));  // P(Bin >= 45)
    EXPECT_NEAR(share, exact, 4 * std::sqrt(exact * (1 - exact) / draws) + 1e-9) << "x <= " << i;
  }
}

TEST(QuantileReplicates, SingleValueAndTinySamples) {
  std::vector<double> one = {7};
  Random random(1);
  for (double v : QuantileReplicates(one, 0.95, QuantileMethod::kLinear, 100, random))
    EXPECT_EQ(v, 7);
  std::vector<double> two = {1, 3};
  for (double v : QuantileReplicates(two, 0.5, QuantileMethod::kLinear, 1000, random)) {
    EXPECT_TRUE(v == 1 || v == 2 || v == 3) << v;  // resamples {1,1}, {1,3}, {3,3}
  }
}

TEST(MeanReplicates, CentreOnTheMeanWithTheStandardError) {
  std::vector<double> values = LogNormalSample(2000, 6);
  Random random(8);
  auto replicates = MeanReplicates(values, 4000, random);
  ASSERT_EQ(replicates.size(), 4000u);
  double mean = Mean(values);
  double sd = 0;
  for (double v : values) sd += (v - mean) * (v - mean);
  double standard_error = std::sqrt(sd / 2000) / std::sqrt(2000.0);
  EXPECT_NEAR(Mean(replicates), mean, 0.1 * standard_error);
  double spread = 0;
  for (double r : replicates) spread += (r - Mean(replicates)) * (r - Mean(replicates));
  EXPECT_NEAR(std::sqrt(spread / 4000), standard_error, 0.06 * standard_error);
}

TEST(MeanReplicates, CapsTheWorkOnLargeSamples) {
  std::vector<double> values(1'000'000, 1.0);
  Random random(1);
  EXPECT_EQ(MeanReplicates(values, 10000, random, 2'000'000, 2).size(), 2u);
}

}  // namespace
}  // namespace perfgate::stats
