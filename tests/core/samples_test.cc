#include "core/samples.h"

#include <gtest/gtest.h>

#include "core/span_status.h"

namespace perfgate {
namespace {

TEST(IsFailureStatus, FollowsSentrysFailureRate) {
  for (const char* ok : {"ok", "cancelled", "unknown", "unknown_error", ""}) {
    EXPECT_FALSE(IsFailureStatus(ok)) << ok;
  }
  for (const char* failed :
       {"internal_error", "deadline_exceeded", "unauthenticated", "permission_denied", "not_found",
        "resource_exhausted", "invalid_argument", "aborted", "unavailable", "data_loss",
        "already_exists", "failed_precondition", "out_of_range", "unimplemented", "OK"}) {
    EXPECT_TRUE(IsFailureStatus(failed)) << failed;  // matching is exact, as in Sentry
  }
}

TEST(SampleSetBuilder, GroupsByNameSortedAndKeepsInputOrder) {
  SampleSetBuilder builder;
  builder.Add("b", 1, false);
  builder.Add("a", 2, true);
  builder.Add("b", 3, false);
  SampleSet set = std::move(builder).Build("src");
  ASSERT_EQ(set.groups.size(), 2u);
  EXPECT_EQ(set.groups[0].name, "a");
  EXPECT_EQ(set.groups[1].durations_ms, (std::vector<double>{1, 3}));
  EXPECT_EQ(set.TotalEvents(), 3u);
  EXPECT_EQ(set.Find("b"), &set.groups[1]);
  EXPECT_EQ(set.Find("c"), nullptr);
}

TEST(SampleSetBuilder, AppendPutsLaterEventsAfterEarlierOnes) {
  SampleSetBuilder first, second;
  first.Add("a", 1, false);
  second.Add("b", 5, false);
  second.Add("a", 2, true);
  first.Append(std::move(second));
  SampleSet set = std::move(first).Build("src");
  EXPECT_EQ(set.groups[0].durations_ms, (std::vector<double>{1, 2}));
  EXPECT_EQ(set.groups[0].failed, (std::vector<std::uint8_t>{0, 1}));
  EXPECT_EQ(set.groups[1].name, "b");
}

TEST(MergeGroups, ConcatenatesEveryGroup) {
  SampleSetBuilder builder;
  builder.Add("b", 1, false);
  builder.Add("a", 2, true);
  GroupSamples all = MergeGroups(std::move(builder).Build("src"), "(all)");
  EXPECT_EQ(all.name, "(all)");
  EXPECT_EQ(all.durations_ms, (std::vector<double>{2, 1}));
  EXPECT_EQ(all.Failures(), 1u);
}

}  // namespace
}  // namespace perfgate
