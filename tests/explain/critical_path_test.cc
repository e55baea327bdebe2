#include "explain/critical_path.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "stats/random.h"

namespace perfgate::explain {
namespace {

double Sum(const std::vector<double>& times) {
  return std::accumulate(times.begin(), times.end(), 0.0);
}

// The walk as first written: at each step, scan every child left for the one that finished
// last before t. Quadratic in the children, and the oracle for the faster walk.
class NaiveWalker {
 public:
  NaiveWalker(const std::vector<TreeSpan>& spans, std::vector<double>& times)
      : spans_(spans), times_(times), children_(spans.size()) {
    for (std::size_t i = 1; i < spans.size(); ++i) {
      const long parent = spans[i].parent;
      if (parent >= 0 && static_cast<std::size_t>(parent) < spans.size() &&
          static_cast<std::size_t>(parent) != i)
        children_[static_cast<std::size_t>(parent)].push_back(i);
    }
  }
  void Walk(std::size_t s, double floor, double ceiling, std::size_t depth) {
    if (!(ceiling > floor)) return;
    if (depth >= kMaxDepth) {
      times_[s] += ceiling - floor;
      return;
    }
    std::vector<std::size_t> candidates = children_[s];
    double t = ceiling;
    while (t > floor) {
      std::size_t best = candidates.size();
      double best_end = -1e300;
      for (std::size_t k = 0; k < candidates.size(); ++k) {
        const TreeSpan& child = spans_[candidates[k]];
        if (!(child.start_ms < t)) continue;
        const double end = std::min(child.end_ms, ceiling);
        if (end > t) continue;  // still running at t: not waited on
        if (end > floor && end > best_end) {
          best = k;
          best_end = end;
        }
      }
      if (best == candidates.size()) break;
      const std::size_t child = candidates[best];
      times_[s] += t - best_end;
      const double child_floor = std::max(spans_[child].start_ms, floor);
      Walk(child, child_floor, best_end, depth + 1);
      t = child_floor;
      candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(best));
    }
    if (t > floor) times_[s] += t - floor;
  }

 private:
  const std::vector<TreeSpan>& spans_;
  std::vector<double>& times_;
  std::vector<std::vector<std::size_t>> children_;
};

std::vector<double> NaiveCriticalPathTimes(const std::vector<TreeSpan>& spans) {
  std::vector<double> times(spans.size(), 0.0);
  if (!spans.empty()) NaiveWalker(spans, times).Walk(0, spans[0].start_ms, spans[0].end_ms, 0);
  return times;
}

TEST(CriticalPath, MatchesTheNaiveWalkOnRandomTreesWithOverlapsAndTies) {
  stats::Random random(11);
  for (int tree = 0; tree < 2000; ++tree) {
    const std::size_t n = 1 + static_cast<std::size_t>(random.Uniform() * 40);
    std::vector<TreeSpan> spans = {{-1, 0, 100}};
    for (std::size_t i = 1; i < n; ++i) {
      // Times on a coarse grid, so equal starts and ends (ties) are common.
      const auto parent = static_cast<long>(random.Uniform() * static_cast<double>(i));
      double start = std::round(random.Uniform() * 10) * 10;
      double end = start + std::round(random.Uniform() * 6) * 10;
      if (random.Uniform() < 0.1) end = start;  // zero-length spans
      spans.push_back({parent, start, std::min(end, 120.0)});
    }
    const std::vector<double> fast = CriticalPathTimes(spans);
    const std::vector<double> naive = NaiveCriticalPathTimes(spans);
    ASSERT_EQ(fast, naive) << "tree " << tree;  // bit for bit: the same sums in the same order
  }
}

TEST(CriticalPath, AHundredThousandChildrenOfOneSpanAreWalkedInOnePass) {
  // Sequential children (an N+1 query loop): the naive walk would scan 5e9 pairs.
  std::vector<TreeSpan> spans = {{-1, 0, 100'000}};
  for (int i = 0; i < 100'000; ++i) spans.push_back({0, static_cast<double>(i), i + 0.5});
  const std::vector<double> times = CriticalPathTimes(spans);
  EXPECT_DOUBLE_EQ(times[1], 0.5);
  EXPECT_DOUBLE_EQ(times[100'000], 0.5);
  EXPECT_DOUBLE_EQ(times[0], 50'000);
  EXPECT_DOUBLE_EQ(Sum(times), 100'000);
}

TEST(CriticalPath, SequentialStepsEachCountTheirWholeTime) {
  // A request of 100 ms: fetch 10-30, embed 30-80 (inside it, a 40 ms call), store 80-95.
  const std::vector<TreeSpan> spans = {
      {-1, 0, 100}, {0, 10, 30}, {0, 30, 80}, {2, 35, 75}, {0, 80, 95}};
  const std::vector<double> times = CriticalPathTimes(spans);
  EXPECT_DOUBLE_EQ(times[0], 10 + 5);  // before fetch, after store
  EXPECT_DOUBLE_EQ(times[1], 20);
  EXPECT_DOUBLE_EQ(times[2], 5 + 5);  // embed's own time around its call
  EXPECT_DOUBLE_EQ(times[3], 40);
  EXPECT_DOUBLE_EQ(times[4], 15);
  EXPECT_DOUBLE_EQ(Sum(times), 100);
}

TEST(CriticalPath, ParallelWorkThatDidNotDelayTheResponseGetsNothing) {
  // Two calls in parallel from 0: the 60 ms one is waited on; the 40 ms one is not, and
  // growing it to 55 ms changes nothing.
  for (double parallel_end : {40.0, 55.0}) {
    const std::vector<TreeSpan> spans = {{-1, 0, 70}, {0, 0, 60}, {0, 0, parallel_end}};
    const std::vector<double> times = CriticalPathTimes(spans);
    EXPECT_DOUBLE_EQ(times[1], 60);
    EXPECT_DOUBLE_EQ(times[2], 0) << parallel_end;
    EXPECT_DOUBLE_EQ(times[0], 10);
  }
}

TEST(CriticalPath, ASiblingStillRunningWhenTheWaitedOneStartedGetsNothing) {
  // A 0-60 and B 40-100 under a 0-100 root: the root waited on B; when B started, A was
  // still running, so the root was not waiting on A then, and before 40 it did its own work
  // (Jaeger's rule: only a child that had ended by that point can have been waited for).
  const std::vector<TreeSpan> spans = {{-1, 0, 100}, {0, 0, 60}, {0, 40, 100}};
  const std::vector<double> times = CriticalPathTimes(spans);
  EXPECT_DOUBLE_EQ(times[2], 60);
  EXPECT_DOUBLE_EQ(times[1], 0);
  EXPECT_DOUBLE_EQ(times[0], 40);
  // A that ended before B started is on the path.
  const std::vector<TreeSpan> sequential = {{-1, 0, 100}, {0, 0, 40}, {0, 40, 100}};
  EXPECT_EQ(CriticalPathTimes(sequential), (std::vector<double>{0, 40, 60}));
}

TEST(CriticalPath, AUsageLogSentInParallelAndNeverAwaitedGetsNothing) {
  // The shape of the seed's pipeline as the OpenTelemetry JavaScript SDK records it: a
  // request of 310 ms whose handler sends a usage-log http.client call at 10 ms without
  // awaiting it (it ends at 150 ms, before the response), then runs a database query
  // (5-100 ms) and a model call (100-300 ms) in turn. The log was running when the walk
  // passed 100 ms; the query, which had ended, is what the model call waited for.
  const std::vector<TreeSpan> spans = {{-1, 0, 310}, {0, 10, 150}, {0, 5, 100}, {0, 100, 300}};
  const std::vector<double> times = CriticalPathTimes(spans);
  EXPECT_DOUBLE_EQ(times[1], 0);    // usage log
  EXPECT_DOUBLE_EQ(times[2], 95);   // query
  EXPECT_DOUBLE_EQ(times[3], 200);  // model call
  EXPECT_DOUBLE_EQ(times[0], 15);
  // Growing the log (still ending before the response) changes nothing.
  std::vector<TreeSpan> slower = spans;
  slower[1].end_ms = 290;
  EXPECT_EQ(CriticalPathTimes(slower), times);
}

TEST(CriticalPath, ClampsChildrenThatOutliveTheirParentAndIgnoresOrphans) {
  // A child from -5 to 120 under a 0-100 root (clock skew): it covers the whole root. An
  // orphan (parent 7 does not exist) and a span pointing at itself get nothing.
  const std::vector<TreeSpan> spans = {{-1, 0, 100}, {0, -5, 120}, {7, 10, 20}, {3, 0, 50}};
  const std::vector<double> times = CriticalPathTimes(spans);
  EXPECT_DOUBLE_EQ(times[0], 0);
  EXPECT_DOUBLE_EQ(times[1], 100);
  EXPECT_DOUBLE_EQ(times[2], 0);
  EXPECT_DOUBLE_EQ(times[3], 0);
  EXPECT_TRUE(CriticalPathTimes({}).empty());
}

TEST(CriticalPath, AVeryDeepChainIsCutNotOverflowed) {
  std::vector<TreeSpan> spans = {{-1, 0, 100}};
  for (long i = 1; i < 100000; ++i) spans.push_back({i - 1, 0, 100});
  const std::vector<double> times = CriticalPathTimes(spans);
  EXPECT_DOUBLE_EQ(Sum(times), 100);
  EXPECT_DOUBLE_EQ(times[kMaxDepth], 100);
}

// A second implementation, written apart and done on whole milliseconds: walking back from
// the root's end, each tick [t - 1, t] belongs to the deepest span on the chain of "the child
// that had finished last by the cursor (its end clamped to its parent's; one that ended a
// tick after the cursor, the tolerance, counts as finished at it), among those not yet left
// behind".
class TickOracle {
 public:
  explicit TickOracle(const std::vector<TreeSpan>& spans) : spans_(spans), owned_(spans.size()) {
    Own(0, static_cast<long>(spans[0].start_ms), static_cast<long>(spans[0].end_ms));
  }
  const std::vector<double>& owned() const { return owned_; }

 private:
  void Own(std::size_t s, long floor, long ceiling) {
    std::vector<std::size_t> left;  // children not yet chosen
    for (std::size_t c = 1; c < spans_.size(); ++c) {
      if (spans_[c].parent == static_cast<long>(s)) left.push_back(c);
    }
    long t = ceiling;
    while (t > floor) {
      // Who, among the children still eligible, is running up to tick t?
      std::size_t chosen = spans_.size();
      long chosen_end = floor;
      for (std::size_t c : left) {
        const long start = static_cast<long>(spans_[c].start_ms);
        const long end = std::min(static_cast<long>(spans_[c].end_ms), ceiling);
        if (start < t && end <= t + static_cast<long>(kEndTolerance_ms) && end > chosen_end) {
          chosen = c;
          chosen_end = end;
        }
      }
      chosen_end = std::min(chosen_end, t);
      if (chosen == spans_.size()) {
        owned_[s] += static_cast<double>(t - floor);
        return;
      }
      for (long tick = t; tick > chosen_end; --tick) owned_[s] += 1;  // one tick at a time
      const long child_floor = std::max(static_cast<long>(spans_[chosen].start_ms), floor);
      Own(chosen, child_floor, chosen_end);
      t = child_floor;
      left.erase(std::find(left.begin(), left.end(), chosen));
    }
  }

  const std::vector<TreeSpan>& spans_;
  std::vector<double> owned_;
};

// What the OpenTelemetry JS SDK records (tests/data/record, examples/pipeline): each step's
// start in whole milliseconds, its end finer, so a step seems to start before the one it
// waited on ended. The steps are still the path, and the parent's own time only the gaps.
TEST(CriticalPath, AStepThatSeemsToStartJustBeforeThePreviousEndedStillWaitedOnIt) {
  const std::vector<TreeSpan> spans = {{-1, 0, 112.1},  {0, 0, 14.2},  // fetch-document
                                       {0, 0, 26.3},                   // usage-log, not awaited
                                       {0, 14.0, 20.4},                // chunk-text
                                       {0, 20.0, 55.9},                // batch-embed
                                       {0, 55.0, 111.3}};              // summarize
  const std::vector<double> times = CriticalPathTimes(spans);
  EXPECT_NEAR(times[5], 56.3, 1e-9);  // 55.0 to 111.3
  EXPECT_NEAR(times[4], 35.0, 1e-9);  // 20.0 to 55.0, where summarize began
  EXPECT_NEAR(times[3], 6.0, 1e-9);   // 14.0 to 20.0
  EXPECT_NEAR(times[1], 14.0, 1e-9);  // 0 to 14.0
  EXPECT_EQ(times[2], 0);             // the decoy ran beside them
  EXPECT_NEAR(times[0], 0.8, 1e-9);   // 111.3 to 112.1
  EXPECT_NEAR(Sum(times), 112.1, 1e-9);
}

TEST(CriticalPath, AgreesWithATickByTickOracleOnRandomTrees) {
  stats::Random random(17);
  for (int tree = 0; tree < 500; ++tree) {
    const long size = 2 + static_cast<long>(random.Below(14));
    std::vector<TreeSpan> spans = {{-1, 0, 100}};
    for (long i = 1; i < size; ++i) {
      const long parent = static_cast<long>(random.Below(static_cast<std::uint64_t>(i)));
      const auto start = static_cast<double>(random.Below(100));
      const auto end = start + static_cast<double>(random.Below(60));
      spans.push_back({parent, start, end});
    }
    const std::vector<double> times = CriticalPathTimes(spans);
    const std::vector<double> oracle = TickOracle(spans).owned();
    for (std::size_t i = 0; i < spans.size(); ++i)
      ASSERT_DOUBLE_EQ(times[i], oracle[i]) << "tree " << tree << ", span " << i;
    ASSERT_DOUBLE_EQ(Sum(times), 100) << "tree " << tree;
  }
}

}  // namespace
}  // namespace perfgate::explain
