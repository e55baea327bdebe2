#include "stats/mann_whitney.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "stats/random.h"

namespace perfgate::stats {
namespace {

TEST(MannWhitney, ExactForSmallSamplesWithoutTies) {
  // R: wilcox.test(6:10, 1:5) gives W = 25, p-value = 0.007937 (= 2 / choose(10, 5)).
  std::vector<double> baseline = {1, 2, 3, 4, 5}, candidate = {6, 7, 8, 9, 10};
  MannWhitneyResult result = MannWhitney(baseline, candidate);
  EXPECT_TRUE(result.exact);
  EXPECT_EQ(result.u, 25);
  EXPECT_DOUBLE_EQ(result.probability_of_superiority, 1.0);
  EXPECT_NEAR(result.p_value, 2.0 / 252, 1e-12);
  // R: wilcox.test(c(1, 3, 5), c(2, 4, 6, 8)): W = 3 for the first, p-value = 0.4;
  // here the candidate is the second sample, so U = 12 - 3 = 9.
  std::vector<double> b2 = {1, 3, 5}, c2 = {2, 4, 6, 8};
  MannWhitneyResult second = MannWhitney(b2, c2);
  EXPECT_EQ(second.u, 9);
  EXPECT_NEAR(second.p_value, 0.4, 1e-12);
}

TEST(MannWhitney, NormalApproximationWithTiesMatchesR) {
  // R 4.2: wilcox.test(c(2, 3, 3, 4, 4, 5, 5, 6), c(1, 2, 2, 3, 3, 3, 4), exact = FALSE,
  //    correct = TRUE): W = 45, p-value = 0.04988.
  std::vector<double> baseline = {1, 2, 2, 3, 3, 3, 4}, candidate = {2, 3, 3, 4, 4, 5, 5, 6};
  MannWhitneyResult result = MannWhitney(baseline, candidate);
  EXPECT_FALSE(result.exact);
  EXPECT_EQ(result.u, 45);
  EXPECT_NEAR(result.p_value, 0.04988, 5e-6);
}

TEST(MannWhitney, CountsPairsLikeTheDefinition) {
  Random random(2);
  std::vector<double> a(300), b(250);
  for (double& v : a) v = std::floor(random.Uniform() * 40);
  for (double& v : b) v = std::floor(random.Uniform() * 40 + 3);
  double naive = 0;
  for (double x : a) {
    for (double y : b) naive += y > x ? 1 : y == x ? 0.5 : 0;
  }
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_DOUBLE_EQ(MannWhitney(a, b).u, naive);
}

TEST(MannWhitney, AllEqualIsNoEvidence) {
  std::vector<double> a(10, 5.0), b(12, 5.0);
  MannWhitneyResult result = MannWhitney(a, b);
  EXPECT_EQ(result.p_value, 1);
  EXPECT_EQ(result.probability_of_superiority, 0.5);
}

}  // namespace
}  // namespace perfgate::stats
