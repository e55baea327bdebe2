#include "fetch/sentry/release_cache.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/fakes/fake_file_system.h"

namespace perfgate::fetch {
namespace {

TEST(CacheFileName, EveryFieldOfTheSelectionAndTheReleaseKeysTheEntry) {
  const SentrySelection base;
  std::vector<SentrySelection> variants(12, base);
  variants[0].url = "https://de.sentry.io";
  variants[1].organization = "acme";
  variants[2].projects = {"shop"};
  variants[3].environment = "production";
  variants[4].query = "transaction.op:http.server";
  variants[5].dataset = SentryDataset::kSpans;
  variants[6].mode = SentryMode::kHistogram;  // a raw run must not be served rebuilt bin midpoints
  variants[7].histogram_buckets = 50;
  variants[8].max_samples = 1000;
  variants[9].start = "2026-11-20T10:00:00Z";
  variants[10].end = "2026-11-21T00:00:00Z";
  variants[11].projects = {"sh", "op"};
  std::set<std::string> names = {CacheFileName(base, "1.1"), CacheFileName(base, "1.2")};
  for (const SentrySelection& variant : variants) names.insert(CacheFileName(variant, "1.1"));
  EXPECT_EQ(names.size(), 2 + variants.size());

  SentrySelection joined = base;
  joined.projects = {"shop"};
  EXPECT_NE(CacheFileName(joined, "1.1"),
            CacheFileName(variants[11], "1.1"));  // lists do not run together
  EXPECT_EQ(CacheFileName(base, "1.1"), CacheFileName(SentrySelection{}, "1.1"));  // stable
  EXPECT_TRUE(CacheFileName(base, "1.1").starts_with("sentry-"));
  EXPECT_TRUE(CacheFileName(base, "1.1").ends_with(".ndjson"));
}

TEST(ReleaseCache, StoresAndLoadsTheSameEventsAndNotes) {
  SampleSetBuilder builder;
  builder.Add("GET /a", 12.5, false);
  builder.Add("GET /a", 0.1 + 0.2, true);  // shortest text that reads back the same double
  builder.Add("POST \"b\"", 1e-3, false);
  SampleSet set = std::move(builder).Build("sentry:1.1");
  set.notes.push_back("sentry:1.1: stopped at max_samples 3");
  FakeFileSystem fs;
  ASSERT_TRUE(StoreCachedRelease(fs, "cache", "cache/x.ndjson", set).ok());
  EXPECT_TRUE(fs.directories.contains("cache"));
  Result<std::optional<SampleSet>> loaded =
      LoadCachedRelease(fs, "cache/x.ndjson", "sentry:1.1", kAnySize);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_TRUE(loaded->has_value());
  const SampleSet& back = **loaded;
  EXPECT_EQ(back.source, "sentry:1.1");
  EXPECT_EQ(back.notes, set.notes);
  ASSERT_EQ(back.groups.size(), 2u);
  EXPECT_EQ(back.groups[0].durations_ms, set.groups[0].durations_ms);
  EXPECT_EQ(back.groups[0].failed, set.groups[0].failed);
  EXPECT_EQ(back.groups[1].name, "POST \"b\"");
}

TEST(ReleaseCache, KeepsWhereAndWhenTheEventsCameFrom) {
  SampleSetBuilder builder;
  builder.Add("GET /a", 12.5, false);
  builder.NoteOrigin("shop@1.5.0", 1795168800.125);
  builder.Add("GET /a", 13, false);
  builder.NoteOrigin("shop@\"1.5.1\"", 1795168700);
  builder.NoteOrigin("shop@1.5.0", std::nullopt);
  SampleSet set = std::move(builder).Build("sentry:1.5.0");
  ASSERT_EQ(set.origin.releases.size(), 2u);
  EXPECT_EQ(set.origin.releases[0], (std::pair<std::string, std::size_t>{"shop@1.5.0", 2}));
  FakeFileSystem fs;
  ASSERT_TRUE(StoreCachedRelease(fs, "cache", "cache/x.ndjson", set).ok());
  Result<std::optional<SampleSet>> loaded = LoadCachedRelease(fs, "cache/x.ndjson", "s", kAnySize);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  const SourceOrigin& back = (*loaded)->origin;
  EXPECT_EQ(back.releases, set.origin.releases);
  EXPECT_EQ(back.first_seconds, 1795168700.0);
  EXPECT_EQ(back.last_seconds, 1795168800.125);
}

TEST(ReleaseCache, KeepsEachEventsTraceAndOpsBreakdownExactly) {
  SampleSetBuilder builder;
  SpanTree spans;
  spans.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  spans.op_times = {{"db", 0.1 + 0.2}, {"http", 12}, {std::string(kOtherOps), 1.0 / 3}};
  builder.Add("GET /a", 100, false, spans);
  builder.Add("GET /a", 50, true);  // no breakdown
  const SampleSet set = std::move(builder).Build("sentry:1.1");
  FakeFileSystem fs;
  ASSERT_TRUE(StoreCachedRelease(fs, "cache", "cache/x.ndjson", set).ok());
  Result<std::optional<SampleSet>> loaded =
      LoadCachedRelease(fs, "cache/x.ndjson", "sentry:1.1", kAnySize);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  const GroupSamples& back = (**loaded).groups[0];
  ASSERT_EQ(back.trees.size(), 2u);
  EXPECT_EQ(back.trees[0].trace_id, spans.trace_id);
  ASSERT_EQ(back.trees[0].op_times.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(back.trees[0].op_times[i].op, spans.op_times[i].op);
    EXPECT_EQ(back.trees[0].op_times[i].ms, spans.op_times[i].ms);  // bit for bit
  }
  EXPECT_TRUE(back.trees[1].op_times.empty());
}

TEST(ReleaseCache, NoEntryIsNothingAndADamagedOneIsAnError) {
  FakeFileSystem fs;
  Result<std::optional<SampleSet>> none =
      LoadCachedRelease(fs, "cache/none.ndjson", "sentry:1.1", kAnySize);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto error = [&](const std::string& text) {
    fs.files["cache/bad.ndjson"] = text;
    Result<std::optional<SampleSet>> bad =
        LoadCachedRelease(fs, "cache/bad.ndjson", "sentry:1.1", kAnySize);
    EXPECT_FALSE(bad.ok()) << text;
    return bad.ok() ? std::string() : bad.error().message;
  };
  const std::string unsealed =
      "cache/bad.ndjson: a damaged cache entry (its last line is not perfgate's seal: cut "
      "short, or written by an older perfgate)";
  EXPECT_EQ(error("{\"transaction\": \"a\", \"duration_ms\": \n"), unsealed);
  EXPECT_EQ(error(""), unsealed);

  // A sealed entry cut at any line boundary, or with a byte changed, is known.
  SampleSetBuilder builder;
  for (int i = 0; i < 40; ++i) builder.Add(i % 3 ? "GET /a" : "GET /b", 10 + i, i % 7 == 0);
  ASSERT_TRUE(
      StoreCachedRelease(fs, "cache", "cache/x.ndjson", std::move(builder).Build("sentry:1.1"))
          .ok());
  const std::string whole = fs.files["cache/x.ndjson"];
  for (std::size_t cut = whole.find('\n'); cut + 1 < whole.size(); cut = whole.find('\n', cut + 1))
    EXPECT_FALSE(error(whole.substr(0, cut + 1)).empty()) << cut;
  std::string altered = whole;
  altered[altered.find("\"duration_ms\":1") + 15] = '9';
  EXPECT_EQ(error(altered),
            "cache/bad.ndjson: a damaged cache entry (its bytes do not match their checksum)");
  // The seal counts the events: one whose count disagrees is damaged too.
  std::string recounted = whole;
  recounted.replace(recounted.find("\"events\":40"), 11, "\"events\":41");
  EXPECT_EQ(error(recounted),
            "cache/bad.ndjson: a damaged cache entry (40 events where it was sealed with 41)");
  fs.files["cache/x.ndjson"] = whole;
  EXPECT_EQ((*LoadCachedRelease(fs, "cache/x.ndjson", "s", kAnySize))->TotalEvents(), 40u);
  // Past its limit, an entry is not read at all.
  EXPECT_EQ(LoadCachedRelease(fs, "cache/x.ndjson", "s", 100).error().message,
            "cache/x.ndjson: larger than 100 bytes, the most read from such a file");
}

}  // namespace
}  // namespace perfgate::fetch
