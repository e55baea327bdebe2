#include "stats/interval.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

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
double NaiveQuantileAcceleration(const std::vector<double>& sorted, double q, QuantileMethod method) {
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
    for (QuantileMethod method : {QuantileMethod::kLinear, QuantileMethod::kWeibull, QuantileMethod::kInvertedCdf}) {
      for (double q : {0.1, 0.5, 0.95, 0.99}) {
        EXPECT_NEAR(QuantileAcceleration(sorted, q, method), NaiveQuantileAcceleration(sorted, q, method), 1e-9)
            << "n=" << n << " q=" << q << " " << QuantileMethodName(method);
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

}  // namespace
}  // namespace perfgate::stats
