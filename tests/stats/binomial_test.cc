#include "stats/binomial.h"

#include <gtest/gtest.h>

#include <cmath>

namespace perfgate::stats {
namespace {

// Published values: Newcombe (1998a), "Two-sided confidence intervals for the single
// proportion", Statistics in Medicine 17, table II (95 %), and Newcombe (1998b), "Interval
// estimation for the difference between independent proportions", table II.
TEST(BinomialInterval, WilsonMatchesNewcombesTable) {
  Interval a = BinomialInterval(81, 263, 0.95, BinomialMethod::kWilson);
  EXPECT_NEAR(a.lower, 0.2553, 5e-5);
  EXPECT_NEAR(a.upper, 0.3662, 5e-5);
  Interval b = BinomialInterval(15, 148, 0.95, BinomialMethod::kWilson);
  EXPECT_NEAR(b.lower, 0.0624, 5e-5);
  EXPECT_NEAR(b.upper, 0.1605, 5e-5);
  Interval zero = BinomialInterval(0, 20, 0.95, BinomialMethod::kWilson);
  EXPECT_EQ(zero.lower, 0);
  EXPECT_NEAR(zero.upper, 0.1611, 5e-5);
  Interval all = BinomialInterval(29, 29, 0.95, BinomialMethod::kWilson);
  EXPECT_NEAR(all.lower, 0.8830, 5e-5);
  EXPECT_EQ(all.upper, 1);
}

TEST(BinomialInterval, ClopperPearsonMatchesNewcombesTable) {
  Interval a = BinomialInterval(81, 263, 0.95, BinomialMethod::kClopperPearson);
  EXPECT_NEAR(a.lower, 0.2527, 5e-5);
  EXPECT_NEAR(a.upper, 0.3676, 5e-5);
  Interval zero = BinomialInterval(0, 20, 0.95, BinomialMethod::kClopperPearson);
  EXPECT_EQ(zero.lower, 0);
  EXPECT_NEAR(zero.upper, 0.1684, 5e-5);
}

TEST(BinomialInterval, JeffreysIsTheBetaPosteriorsEqualTails) {
  // Brown, Cai & DasGupta (2001): Beta(x + 1/2, n - x + 1/2) quantiles; for x = 0 the
  // lower end is 0 and the upper the 97.5 % quantile of Beta(0.5, 20.5).
  Interval zero = BinomialInterval(0, 20, 0.95, BinomialMethod::kJeffreys);
  EXPECT_EQ(zero.lower, 0);
  EXPECT_NEAR(zero.upper, 0.116639, 1e-6);  // R: qbeta(0.975, 0.5, 20.5)
  Interval mid = BinomialInterval(81, 263, 0.95, BinomialMethod::kJeffreys);
  EXPECT_NEAR(mid.lower, 0.2545219, 1e-7);  // R: qbeta(c(0.025, 0.975), 81.5, 182.5)
  EXPECT_NEAR(mid.upper, 0.3656475, 1e-7);
}

TEST(NewcombeDifference, MatchesNewcombesMethodTen) {
  // Table II, example (a): 56/70 - 48/80 = 0.2000, method 10: 0.0524 to 0.3339.
  Interval d = NewcombeDifference(48, 80, 56, 70, 0.95);
  EXPECT_NEAR(d.lower, 0.0524, 5e-5);
  EXPECT_NEAR(d.upper, 0.3339, 5e-5);
  // Example (h): 0/10 - 0/20: -0.1611 to 0.2775.
  Interval zeros = NewcombeDifference(0, 20, 0, 10, 0.95);
  EXPECT_NEAR(zeros.lower, -0.1611, 5e-5);
  EXPECT_NEAR(zeros.upper, 0.2775, 5e-5);
}

TEST(LogChoose, IsTheLogOfTheBinomialCoefficient) {
  EXPECT_NEAR(LogChoose(10, 3), std::log(120.0), 1e-13);
  EXPECT_DOUBLE_EQ(LogChoose(7, 0), 0);
  EXPECT_NEAR(LogChoose(60000, 57000),
              std::lgamma(60001.0) - std::lgamma(57001.0) - std::lgamma(3001.0), 1e-9);
}

TEST(FisherExactIncreasePValue, MatchesRsOneSidedFisherTest) {
  // fisher.test(matrix(c(3, 1, 1, 3), 2), alternative = "greater"): 0.2429 (17 / 70);
  // the rest summed by hand over the hypergeometric law.
  EXPECT_NEAR(FisherExactIncreasePValue(1, 4, 3, 4), 17.0 / 70, 1e-15);
  EXPECT_NEAR(FisherExactIncreasePValue(1, 12, 9, 12), 0.0013797280926100418, 1e-15);
  EXPECT_NEAR(FisherExactIncreasePValue(5, 100, 5, 100), 0.626235124935476, 1e-12);
  EXPECT_NEAR(FisherExactIncreasePValue(2, 1000, 40, 1000) / 1.434228447083518e-10, 1, 1e-9);
  EXPECT_NEAR(FisherExactIncreasePValue(9, 12, 1, 12), 0.9999663480953022, 1e-12);
}

}  // namespace
}  // namespace perfgate::stats
