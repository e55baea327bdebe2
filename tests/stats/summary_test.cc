#include "stats/summary.h"

#include <vector>

#include <gtest/gtest.h>

namespace perfgate::stats {
namespace {

TEST(Summarize, CountsFailuresAndDescribesDurations) {
  std::vector<double> durations = {120, 80, 400, 95.5};
  std::vector<std::uint8_t> failed = {0, 1, 0, 1};
  Result<Summary> summary = Summarize(durations, failed);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->count, 4u);
  EXPECT_EQ(summary->failures, 2u);
  EXPECT_DOUBLE_EQ(summary->error_rate, 0.5);
  EXPECT_DOUBLE_EQ(summary->mean_ms, 173.875);
  EXPECT_EQ(summary->min_ms, 80);
  EXPECT_EQ(summary->max_ms, 400);
}

TEST(Summarize, EmptyInputIsAnErrorNotZero) {
  Result<Summary> summary = Summarize({}, {});
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().message, "no samples to summarise");
}

TEST(Mean, CompensatedSumKeepsSmallValuesNextToLargeOnes) {
  // Naive summation loses every 1.0 next to 1e16; the compensated sum keeps them.
  std::vector<double> values = {1e16, 1.0, 1.0, 1.0, 1.0, -1e16};
  EXPECT_DOUBLE_EQ(Mean(values), 4.0 / 6.0);
}

}  // namespace
}  // namespace perfgate::stats
