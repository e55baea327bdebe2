#include "stats/multiple_testing.h"

#include <gtest/gtest.h>

namespace perfgate::stats {
namespace {

void ExpectNear(const std::vector<double>& actual, const std::vector<double>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) EXPECT_NEAR(actual[i], expected[i], 1e-12) << i;
}

TEST(AdjustPValues, MatchesRsPAdjust) {
  // R: p.adjust(c(0.04, 0.01, 0.03, 0.05, 0.02), "holm") and "BH".
  std::vector<double> p = {0.04, 0.01, 0.03, 0.05, 0.02};
  ExpectNear(AdjustPValues(p, Correction::kHolm), {0.09, 0.05, 0.09, 0.09, 0.08});
  ExpectNear(AdjustPValues(p, Correction::kBenjaminiHochberg), {0.05, 0.05, 0.05, 0.05, 0.05});
  ExpectNear(AdjustPValues(p, Correction::kNone), p);
  // R: p.adjust(c(0.001, 0.2, 0.5, 0.01), "BH") = 0.004, 0.2666667, 0.5, 0.02.
  ExpectNear(AdjustPValues({0.001, 0.2, 0.5, 0.01}, Correction::kBenjaminiHochberg),
             {0.004, 0.2 * 4 / 3, 0.5, 0.02});
  ExpectNear(AdjustPValues({0.3, 0.6}, Correction::kHolm), {0.6, 0.6});
}

}  // namespace
}  // namespace perfgate::stats
