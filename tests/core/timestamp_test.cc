#include "core/timestamp.h"

#include <gtest/gtest.h>

namespace perfgate {
namespace {

TEST(Timestamp, ReadsIso8601WithZonesAndFractions) {
  // 2026-11-20T10:00:00Z is 1795168800 s after the epoch (date -d ... +%s).
  EXPECT_EQ(ParseIsoTimestamp("2026-11-20T10:00:00Z"), 1795168800.0);
  EXPECT_EQ(ParseIsoTimestamp("2026-11-20T10:00:00"), 1795168800.0);
  EXPECT_EQ(ParseIsoTimestamp("2026-11-20 10:00:00"), 1795168800.0);
  EXPECT_EQ(ParseIsoTimestamp("2026-11-20T12:00:00+02:00"), 1795168800.0);
  EXPECT_EQ(ParseIsoTimestamp("2026-11-20T09:30:00-00:30"), 1795168800.0);
  EXPECT_EQ(ParseIsoTimestamp("2026-11-20T10:00:00.25Z"), 1795168800.25);
  EXPECT_EQ(ParseIsoTimestamp("1970-01-01T00:00:00Z"), 0.0);
  for (const char* bad :
       {"", "2026-11-20", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-20T24:00:00Z",
        "2026-11-20T10:00:00+0200", "2026-11-20T10:00:00 UTC", "20261120T100000Z", "soon"}) {
    EXPECT_EQ(ParseIsoTimestamp(bad), std::nullopt) << bad;
  }
}

TEST(Timestamp, NumbersAreSecondsOrMilliseconds) {
  EXPECT_EQ(EpochSeconds(1795168800), 1795168800.0);
  EXPECT_EQ(EpochSeconds(1795168800250.0), 1795168800.25);
  EXPECT_EQ(EpochSeconds(-1), std::nullopt);
  EXPECT_EQ(EpochSeconds(1.0 / 0.0), std::nullopt);
}

TEST(Timestamp, WritesUtc) {
  EXPECT_EQ(FormatIsoTimestamp(1795168800), "2026-11-20T10:00:00Z");
  EXPECT_EQ(FormatIsoTimestamp(1795168800.25), "2026-11-20T10:00:00.250Z");
  EXPECT_EQ(FormatUtcMinute(1795168859.9), "2026-11-20 10:00 UTC");
  EXPECT_EQ(FormatIsoTimestamp(0), "1970-01-01T00:00:00Z");
}

TEST(Timestamp, WhatIsWrittenReadsBackAsTheSameDouble) {
  // The cache keeps a release's time range as text: a rerun from it must say the same.
  for (long long ms = 1795168800000LL; ms < 1795168800000LL + 200000; ms += 997) {
    const double seconds = FromMilliseconds(ms);
    EXPECT_EQ(ParseIsoTimestamp(FormatIsoTimestamp(seconds)), seconds) << ms;
    EXPECT_EQ(EpochSeconds(seconds), seconds) << ms;
  }
  EXPECT_EQ(ParseIsoTimestamp("2026-11-20T10:00:00.7779999Z"), FromMilliseconds(1795168800777));
}

}  // namespace
}  // namespace perfgate
