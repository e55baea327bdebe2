#include "core/samples.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

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

TEST(SampleSetBuilder, TimesStayWithTheirEventsAndUnknownOnesAreNaN) {
  SampleSetBuilder first;
  first.Add("a", 1, false);  // no time
  first.Add("a", 2, false);
  first.NoteOrigin("1.0", 100);
  first.Add("b", 3, false);
  first.NoteOrigin("1.0", std::nullopt);  // a release, no time
  SampleSetBuilder second;
  second.Add("a", 4, false);
  second.NoteOrigin("1.0", 200);
  first.Append(std::move(second));
  const SampleSet set = std::move(first).Build("src");
  const std::vector<double>& a = set.groups[0].times_s;
  ASSERT_EQ(a.size(), 3u);
  EXPECT_TRUE(std::isnan(a[0]));
  EXPECT_EQ(a[1], 100);
  EXPECT_EQ(a[2], 200);
  EXPECT_TRUE(set.groups[1].times_s.empty());  // b: no event with a time
  const GroupSamples all = MergeGroups(set, "(all)");
  ASSERT_EQ(all.times_s.size(), 4u);
  EXPECT_EQ(all.times_s[2], 200);
  EXPECT_TRUE(std::isnan(all.times_s[3]));  // b's event, after a's
}

TEST(MergeGroups, KeepsEveryGroupsBinsInOrder) {
  SampleSetBuilder builder;
  builder.AddBinned("b", {{100, 110, 2}, {300, 330, 1}}, 0);
  builder.AddBinned("a", {{105, 106, 3}}, 1);
  builder.Add("c", 50, false);
  GroupSamples all = MergeGroups(std::move(builder).Build("src"), "(all)");
  ASSERT_EQ(all.bins.size(), 3u);
  EXPECT_EQ(all.bins[0].lower, 100);
  EXPECT_EQ(all.bins[1].lower, 105);
  EXPECT_EQ(all.bins[1].count, 3u);
  EXPECT_EQ(all.bins[2].lower, 300);
  EXPECT_EQ(all.size(), 7u);  // the event of c is its own: no bin
}

TEST(PoolEqually, EachReleaseGivesAsManyEventsAsTheSmallestPerTransaction) {
  SampleSetBuilder a, b;
  for (int i = 0; i < 100; ++i) a.Add("GET /x", 10, false);
  for (int i = 0; i < 10; ++i) b.Add("GET /x", 20, i == 0);
  for (int i = 0; i < 5; ++i) a.Add("GET /only-a", 1, false);
  const SampleSet pooled = PoolEqually({std::move(a).Build("a"), std::move(b).Build("b")}, "pool");
  const GroupSamples* x = pooled.Find("GET /x");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->size(), 20u);  // ten of each
  EXPECT_EQ(std::count(x->durations_ms.begin(), x->durations_ms.end(), 10.0), 10);
  EXPECT_EQ(x->Failures(), 1u);
  ASSERT_NE(pooled.Find("GET /only-a"), nullptr);
  EXPECT_EQ(pooled.Find("GET /only-a")->size(), 5u);  // only one release has it: all of it
}

TEST(PoolEqually, BinnedReleasesKeepTheBinsOfTheEventsTheyGive) {
  // a: 6 events in two bins; b: 3 events in one. Each gives 3: a's evenly spread (events 0,
  // 2 and 4: two of its first bin, one of its second).
  SampleSetBuilder a, b;
  a.AddBinned("GET /x", {{100, 110, 3}, {200, 220, 3}}, 0);
  b.AddBinned("GET /x", {{150, 151, 3}}, 0);
  const SampleSet pooled = PoolEqually({std::move(a).Build("a"), std::move(b).Build("b")}, "pool");
  const GroupSamples* x = pooled.Find("GET /x");
  ASSERT_NE(x, nullptr);
  ASSERT_EQ(x->size(), 6u);
  ASSERT_EQ(x->bins.size(), 3u);
  EXPECT_EQ(x->bins[0].lower, 100);
  EXPECT_EQ(x->bins[0].count, 2u);
  EXPECT_EQ(x->bins[1].lower, 150);
  EXPECT_EQ(x->bins[1].count, 3u);
  EXPECT_EQ(x->bins[2].lower, 200);
  EXPECT_EQ(x->bins[2].count, 1u);
}

TEST(SampleSetBuilder, SpanTreesStayWithTheirEvents) {
  SpanTree tree;
  tree.trace_id = "abc";
  tree.spans.push_back({"http.server", "GET /", -1, 0, 5});
  SampleSetBuilder first;
  first.Add("a", 1, false);  // before any tree: gets an empty one
  first.Add("a", 5, true, tree);
  first.Add("a", 2, false);
  SampleSetBuilder second;
  second.Add("a", 7, false);  // a builder without trees appended after
  second.Add("b", 3, false, tree);
  first.Append(std::move(second));
  SampleSet set = std::move(first).Build("s");
  const GroupSamples& a = *set.Find("a");
  ASSERT_EQ(a.trees.size(), 4u);
  EXPECT_TRUE(a.trees[0].spans.empty());
  EXPECT_EQ(a.trees[1].trace_id, "abc");
  EXPECT_TRUE(a.trees[2].spans.empty());
  EXPECT_TRUE(a.trees[3].spans.empty());
  EXPECT_EQ(a.durations_ms[1], 5);
  EXPECT_EQ(set.Find("b")->trees.size(), 1u);
  // group_by none keeps them aligned too.
  GroupSamples all = MergeGroups(set, "(all)");
  ASSERT_EQ(all.trees.size(), all.durations_ms.size());
  EXPECT_EQ(all.trees[4].trace_id, "abc");
}

}  // namespace
}  // namespace perfgate

namespace perfgate {
namespace {

// Details stay with their events through appends and merges, and events without any get
// empty ones only once some event of the group has details.
TEST(SampleSetBuilder, KeepsEventDetailsWithTheirEvents) {
  SampleSetBuilder first;
  first.Add("a", 1, false);
  first.Add("a", 2, true);
  first.AttachDetails({"internal_error", 1795168800.5, "", ""});
  first.Add("b", 3, false);
  SampleSetBuilder second;
  second.Add("a", 4, false);
  second.AttachDetails({"ok", std::nullopt, "abc", "def"});
  second.Add("b", 5, false);
  first.Append(std::move(second));
  const SampleSet set = std::move(first).Build("s");
  const GroupSamples& a = *set.Find("a");
  ASSERT_EQ(a.details.size(), 3u);
  EXPECT_EQ(a.details[0].status, "");
  EXPECT_EQ(a.details[1].status, "internal_error");
  EXPECT_EQ(a.details[1].timestamp, 1795168800.5);
  EXPECT_EQ(a.details[2].trace_id, "abc");
  EXPECT_TRUE(set.Find("b")->details.empty());
  const GroupSamples merged = MergeGroups(set, "all");
  ASSERT_EQ(merged.details.size(), 5u);
  EXPECT_EQ(merged.details[2].event_id, "def");
  EXPECT_EQ(merged.details[3].status, "");
}

}  // namespace
}  // namespace perfgate
