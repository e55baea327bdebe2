#include "stats/summary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

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

TEST(Mean, HugeValuesDoNotOverflowIntoNaN) {
  // 3 x 1e308 overflows a plain sum (inf, and inf - inf in the compensation is NaN).
  std::vector<double> values = {1e308, 1e308, 1e308};
  EXPECT_DOUBLE_EQ(Mean(values), 1e308);
  std::vector<double> max = {1.7976931348623157e308, 1.7976931348623157e308};
  EXPECT_EQ(Mean(max), 1.7976931348623157e308);
}

TEST(Mean, AnInfiniteValueMakesAnInfiniteMeanNotNaN) {
  std::vector<double> values = {1, std::numeric_limits<double>::infinity(), 3};
  EXPECT_EQ(Mean(values), std::numeric_limits<double>::infinity());
}

TEST(SumScale, LeavesRealisticDataUnscaled) {
  EXPECT_EQ(SumScale(3.6e9, 100'000'000), 1.0);  // an hour in ms, a hundred million times
  EXPECT_EQ(SumScale(0, 10), 1.0);
  const double scale = SumScale(1e308, 3);
  EXPECT_LT(scale, 1.0);
  EXPECT_EQ(std::ilogb(scale) + std::ilogb(1e308) + 2,
            std::ilogb(1e308 * scale * 3) + 1);  // a power of two
}

}  // namespace
}  // namespace perfgate::stats
