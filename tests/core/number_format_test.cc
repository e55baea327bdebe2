#include "core/number_format.h"

#include <gtest/gtest.h>

#include <limits>

namespace perfgate {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(FormatMs, ThreeSignificantDigitsThenWholeMilliseconds) {
  EXPECT_EQ(FormatMs(8000), "8000 ms");
  EXPECT_EQ(FormatMs(123.456), "123 ms");
  EXPECT_EQ(FormatMs(42.54), "42.5 ms");
  EXPECT_EQ(FormatMs(3.274), "3.27 ms");
  EXPECT_EQ(FormatMs(0), "0.00 ms");
  EXPECT_EQ(FormatMs(-0.001), "0.00 ms");  // never "-0.00"
}

TEST(FormatMs, HugeValuesInScientificNotationAndInfinityByName) {
  EXPECT_EQ(FormatMs(999999999999999), "999999999999999 ms");
  EXPECT_EQ(FormatMs(1e15), "1e+15 ms");
  EXPECT_EQ(FormatMs(1e308), "1e+308 ms");  // not 63 truncated digits
  EXPECT_EQ(FormatMs(kInf), "inf ms");
}

TEST(FormatPercent, FractionsAsPercentages) {
  EXPECT_EQ(FormatPercent(0.0123), "1.23 %");
  EXPECT_EQ(FormatPercent(0.5), "50.0 %");
  EXPECT_EQ(FormatPercent(1), "100 %");
}

TEST(FormatRelativeChange, SignedWithInfinities) {
  EXPECT_EQ(FormatRelativeChange(0.231), "+23.1 %");
  EXPECT_EQ(FormatRelativeChange(-0.05), "-5.0 %");
  EXPECT_EQ(FormatRelativeChange(0), "+0.0 %");
  EXPECT_EQ(FormatRelativeChange(kInf), "+inf %");
  EXPECT_EQ(FormatRelativeChange(-kInf), "-inf %");
}

TEST(FormatAbsoluteChange, MillisecondsOrPercentagePoints) {
  EXPECT_EQ(FormatAbsoluteChange(250, true), "+250 ms");
  EXPECT_EQ(FormatAbsoluteChange(-1.5, true), "-1.50 ms");
  EXPECT_EQ(FormatAbsoluteChange(0.0052, false), "+0.52 pp");
}

TEST(FormatPValue, DigitsThatMatter) {
  EXPECT_EQ(FormatPValue(0.031), "0.031");
  EXPECT_EQ(FormatPValue(0.0042), "0.0042");
  EXPECT_EQ(FormatPValue(0.00001), "1.0e-05");
  EXPECT_EQ(FormatPValue(7.746e-9), "7.7e-09");
  EXPECT_EQ(FormatPValue(0), "< 1e-16");
  EXPECT_EQ(FormatPStatement(0.031), "p = 0.031");
  EXPECT_EQ(FormatPStatement(0.00001), "p = 1.0e-05");
  EXPECT_EQ(FormatPStatement(0), "p < 1e-16");
}

TEST(FormatNumber, NoTrailingZerosAndScientificWhenHuge) {
  EXPECT_EQ(FormatNumber(8000), "8000");
  EXPECT_EQ(FormatNumber(0.5), "0.5");
  EXPECT_EQ(FormatNumber(0.1234567), "0.123457");
  EXPECT_EQ(FormatNumber(1e306), "1e+306");
}

}  // namespace
}  // namespace perfgate

namespace perfgate {
namespace {

TEST(FormatQuantity, ThreeSignificantDigitsThenWholeNumbers) {
  EXPECT_EQ(FormatQuantity(0.7), "0.700");
  EXPECT_EQ(FormatQuantity(0.0512), "0.0512");
  EXPECT_EQ(FormatQuantity(0.00012345), "0.000123");
  EXPECT_EQ(FormatQuantity(1.5), "1.50");
  EXPECT_EQ(FormatQuantity(42.25), "42.2");
  EXPECT_EQ(FormatQuantity(1234.5), "1234");  // printf rounds half to even
  EXPECT_EQ(FormatQuantity(0), "0");
  EXPECT_EQ(FormatQuantity(-0.0001), "-0.000100");
  EXPECT_EQ(FormatQuantity(-0.0), "0");
  EXPECT_EQ(FormatQuantity(2e20), "2e+20");
}

}  // namespace
}  // namespace perfgate
