#include "stats/interval.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "stats/random.h"
#include "stats/summary.h"

namespace perfgate::stats {
namespace {

TEST(PercentileInterval, TakesTheTailQuantilesOfTheReplicates) {
  std::vector<double> replicates;
  for (int i = 0; i <= 1000; ++i) replicates.push_back(1000 - i);  // 0..1000, reversed
  Interval ci = PercentileInterval(replicates, 0.95);
  EXPECT_NEAR(ci.lower, 25, 1e-9);
  EXPECT_NEAR(ci.upper, 975, 1e-9);
}

TEST(BcaInterval, WithoutBiasOrAccelerationIsThePercentileInterval) {
  std::vector<double> replicates;
  for (int i = 0; i <= 1000; ++i) replicates.push_back(i);
  std::vector<double> copy = replicates;
  Interval bca = BcaInterval(replicates, 500, 0, 0.95);  // half below 500: z0 = 0
  Interval percentile = PercentileInterval(copy, 0.95);
  EXPECT_NEAR(bca.lower, percentile.lower, 1e-9);
  EXPECT_NEAR(bca.upper, percentile.upper, 1e-9);
}

TEST(BcaInterval, BiasMovesTheIntervalTowardsTheEstimate) {
  std::vector<double> replicates;
  for (int i = 0; i <= 1000; ++i) replicates.push_back(i);
  Interval ci = BcaInterval(replicates, 600, 0, 0.95);  // replicates mostly below: shift up
  EXPECT_GT(ci.lower, 25);
  EXPECT_GT(ci.upper, 975);
}

// The jackknife acceleration by brute force: n leave-one-out quantiles.
double NaiveQuantileAcceleration(const std::vector<double>& sorted, double q,
                                 QuantileMethod method) {
  std::vector<double> estimates;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    std::vector<double> rest = sorted;
    rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(i));
    estimates.push_back(QuantileOfSorted(rest, q, method));
  }
  double mean = Mean(estimates), squares = 0, cubes = 0;
  for (double e : estimates) {
    squares += (mean - e) * (mean - e);
    cubes += (mean - e) * (mean - e) * (mean - e);
  }
  return squares == 0 ? 0 : cubes / (6 * std::pow(squares, 1.5));
}

TEST(QuantileAcceleration, ClosedFormMatchesTheBruteForceJackknife) {
  Random random(12);
  for (std::size_t n : {3u, 10u, 57u, 400u}) {
    std::vector<double> sorted(n);
    for (double& v : sorted) v = std::exp(random.Normal());
    std::sort(sorted.begin(), sorted.end());
    for (QuantileMethod method :
         {QuantileMethod::kLinear, QuantileMethod::kWeibull, QuantileMethod::kInvertedCdf}) {
      for (double q : {0.1, 0.5, 0.95, 0.99}) {
        EXPECT_NEAR(QuantileAcceleration(sorted, q, method),
                    NaiveQuantileAcceleration(sorted, q, method), 1e-9)
            << "n=" << n << " q=" << q << " " << NameOf(kQuantileMethodNames, method);
      }
    }
  }
}

TEST(MeanAcceleration, MatchesTheBruteForceJackknife) {
  std::vector<double> values = {1, 2, 2, 3, 10, 40};
  std::vector<double> estimates;
  for (std::size_t i = 0; i < values.size(); ++i) {
    double sum = 0;
    for (std::size_t j = 0; j < values.size(); ++j) sum += j == i ? 0 : values[j];
    estimates.push_back(sum / 5);
  }
  double mean = Mean(estimates), squares = 0, cubes = 0;
  for (double e : estimates) {
    squares += (mean - e) * (mean - e);
    cubes += (mean - e) * (mean - e) * (mean - e);
  }
  EXPECT_NEAR(MeanAcceleration(values), cubes / (6 * std::pow(squares, 1.5)), 1e-12);
  EXPECT_GT(MeanAcceleration(values), 0);  // right-skewed data: positive acceleration
}

TEST(BcaInterval, HugeValuesGiveAFiniteIntervalNotNaN) {
  // Cubes of 1e308-sized deviations overflow: the acceleration is computed on scaled ones.
  std::vector<double> values = {1e307, 2e307, 5e307, 1e308, 1.5e308};
  const double acceleration = MeanAcceleration(values);
  EXPECT_TRUE(std::isfinite(acceleration));
  std::vector<double> scaled = {1, 2, 5, 10, 15};
  EXPECT_NEAR(acceleration, MeanAcceleration(scaled), 1e-12);
  std::vector<double> replicates = {4e307, 5e307, 6e307, 7e307, 8e307, 9e307};
  Interval ci = BcaInterval(replicates, Mean(values), acceleration, 0.95);
  EXPECT_TRUE(std::isfinite(ci.lower) && std::isfinite(ci.upper));
  EXPECT_LE(ci.lower, ci.upper);
}

TEST(BcaInterval, NonFiniteEstimateOrAccelerationFallsBackToPercentile) {
  std::vector<double> replicates = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<double> copy = replicates;
  const Interval percentile = PercentileInterval(copy, 0.9);
  for (double acceleration :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    Interval ci = BcaInterval(replicates, 5, acceleration, 0.9);
    EXPECT_EQ(ci.lower, percentile.lower);
    EXPECT_EQ(ci.upper, percentile.upper);
  }
}

TEST(StandardDeviation, HugeValuesStayFinite) {
  std::vector<double> values = {-1e308, 1e308};
  EXPECT_NEAR(StandardDeviation(values) / 1.4142135623730951e308, 1, 1e-12);
}

}  // namespace
}  // namespace perfgate::stats
