#include "fetch/sentry/sentry_zoom.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "stats/quantile.h"
#include "tests/fakes/fake_sentry_server.h"

namespace perfgate::fetch {
namespace {

TEST(NiceInt, RoundsAwayFromZeroToSentrysNiceNumbers) {
  const std::vector<std::pair<double, double>> cases = {
      {0.3, 1},    {1, 1},       {1.5, 2},       {3, 5},     {7, 10},    {11, 20},   {21, 25},
      {26, 50},    {51, 100},    {101, 120},     {121, 200}, {201, 250}, {251, 500}, {501, 750},
      {751, 1000}, {1001, 1200}, {13000, 20000}, {-3, -5},   {0, 0}};
  for (const auto& [x, nice] : cases) EXPECT_EQ(NiceInt(x), nice) << x;
}

DurationHistogram AsHistogram(const std::vector<std::pair<double, std::size_t>>& bins) {
  DurationHistogram histogram;
  histogram.bins = bins;
  return histogram;
}

// A grid's min and max, put through Sentry's own arithmetic (the fake server's), give back
// exactly the grid's bins, at whatever precision.
TEST(TileRange, SentrysArithmeticChoosesExactlyTheGridsBins) {
  std::mt19937_64 random(7);
  for (int trial = 0; trial < 500; ++trial) {
    const double step = NiceInt(std::uniform_real_distribution<double>(1, 2000)(random));
    const double low = step * std::uniform_int_distribution<int>(0, 50)(random);
    const double high = low + step * std::uniform_int_distribution<int>(1, 4)(random);
    const double width = std::uniform_real_distribution<double>(0.001, step)(random);
    const std::vector<HistogramGrid> grids = TileRange(low, high, width, 3);
    ASSERT_FALSE(grids.empty());
    EXPECT_DOUBLE_EQ(grids.front().Lower(), low);
    EXPECT_NEAR(grids.back().Upper(), high, 1e-9 * high);
    for (std::size_t g = 0; g < grids.size(); ++g) {
      const HistogramGrid& grid = grids[g];
      EXPECT_LE(grid.buckets, 100);
      EXPECT_GE(grid.buckets, 4);
      if (g > 0) {
        EXPECT_NEAR(grid.Lower(), grids[g - 1].Upper(), 1e-9 * high);
      }
      // A value in each bin, asked for as the client asks.
      std::vector<double> durations;
      for (int b = 0; b < grid.buckets; ++b)
        durations.push_back(grid.Lower() + grid.Width() * (b + 0.5));
      const auto answer = SentryHistogram(durations, grid.buckets, grid.precision,
                                          grid.MinParameter(), grid.MaxParameter());
      ASSERT_EQ(answer.size(), static_cast<std::size_t>(grid.buckets));
      for (int b = 0; b < grid.buckets; ++b) {
        EXPECT_NEAR(answer[static_cast<std::size_t>(b)].first, grid.Lower() + grid.Width() * b,
                    1e-9 * (1 + high));
        EXPECT_EQ(answer[static_cast<std::size_t>(b)].second, 1u);
      }
    }
    // As fine as asked where a grid suffices.
    if ((high - low) / width <= 100) {
      EXPECT_LE(grids.front().Width(), std::max(width, 1e-4) * (1 + 1e-9));
    }
  }
}

// Sentry's answers for `durations` as the client would get them: a coarse histogram, the
// zooms' histograms, and the counts below and above each.
// Sentry's answers for `durations` as the client would get them (the fake server's
// arithmetic), put through ZoomTransaction; `requests` counts them.
std::vector<DurationBin> Zoom(const std::vector<double>& durations,
                              const std::vector<double>& quantiles, int* requests = nullptr) {
  std::vector<double> sorted = durations;
  std::sort(sorted.begin(), sorted.end());
  Aggregates aggregates;  // Sentry's: count(), min(), p99() and max()
  aggregates.count = sorted.size();
  aggregates.quantiles_ms = {
      {0, sorted.front()}, {0.99, stats::QuantileOfSorted(sorted, 0.99)}, {1, sorted.back()}};
  ZoomAsk ask;
  ask.histogram = [&](const HistogramGrid* grid) -> Result<DurationHistogram> {
    if (requests != nullptr) ++*requests;
    if (grid == nullptr) return AsHistogram(SentryHistogram(durations, 100, 0, "", ""));
    return AsHistogram(SentryHistogram(durations, grid->buckets, grid->precision,
                                       grid->MinParameter(), grid->MaxParameter()));
  };
  ask.counts = [&](const std::vector<HistogramGrid>& grids) -> Result<std::vector<std::size_t>> {
    if (requests != nullptr) ++*requests;
    std::vector<std::size_t> counts = {durations.size()};
    for (const HistogramGrid& grid : grids) {
      counts.push_back(static_cast<std::size_t>(
          std::lower_bound(sorted.begin(), sorted.end(), grid.Lower()) - sorted.begin()));
      counts.push_back(static_cast<std::size_t>(
          sorted.end() - std::lower_bound(sorted.begin(), sorted.end(), grid.Upper())));
    }
    return counts;
  };
  Result<AssembledBins> assembled = ZoomTransaction(ask, aggregates, quantiles, 100);
  EXPECT_TRUE(assembled.ok());
  EXPECT_EQ(assembled->note, "");
  return assembled->bins;
}

std::vector<double> Draw(int shape, std::size_t n, std::mt19937_64& random) {
  std::lognormal_distribution<double> lognormal(std::log(200.0), 0.5);
  std::normal_distribution<double> fast(120, 15), slow(900, 120);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::vector<double> out(n);
  for (double& d : out) {
    if (shape == 0) d = lognormal(random);
    if (shape == 1) d = std::max(1.0, uniform(random) < 0.7 ? fast(random) : slow(random));
    if (shape == 2) d = uniform(random) < 0.002 ? 60000 * uniform(random) : lognormal(random);
    d = std::round(d);  // Sentry's transaction durations are whole milliseconds
  }
  if (shape == 2) out[0] = 60000;  // an outlier stretches the coarse bins to 600 ms
  return out;
}

// The zoomed answers agree with the events themselves: every event's rank is exact and its
// duration inside its bin (so each order statistic lies in the bin at its rank), and around
// p50 and p95 the bins are at most 0.5 % of the value.
TEST(Zoom, EveryRankExactEveryDurationInItsBinAndThePercentilesResolved) {
  std::mt19937_64 random(11);
  for (int shape = 0; shape < 3; ++shape) {
    for (std::size_t n : {3000u, 30000u, 200000u}) {
      for (int seed = 0; seed < 3; ++seed) {
        std::vector<double> durations = Draw(shape, n, random);
        int requests = 0;
        const std::vector<DurationBin> bins = Zoom(durations, {0.5, 0.95}, &requests);
        // A coarse histogram, a refinement where an outlier leaves p50 and p95 in one
        // coarse bin, a zoom or two on each, and one count.
        EXPECT_LE(requests, 7) << "shape " << shape << " n " << n;
        std::sort(durations.begin(), durations.end());
        std::size_t rank = 0;
        for (const DurationBin& bin : bins) {
          ASSERT_LT(bin.lower, bin.upper);
          for (std::size_t i = 0; i < bin.count; ++i, ++rank) {
            ASSERT_LT(rank, durations.size());
            ASSERT_GE(durations[rank], bin.lower - 1e-9) << "shape " << shape << " n " << n;
            ASSERT_LE(durations[rank], bin.upper + 1e-9) << "shape " << shape << " n " << n;
          }
        }
        EXPECT_EQ(rank, durations.size());
        for (double q : {0.5, 0.95}) {
          const double resolution = RelativeResolution(bins, q);
          EXPECT_LE(resolution, n >= 30000 ? kZoomResolution : 0.02)
              << "shape " << shape << " n " << n << " q " << q;
          // The midpoints' percentile is within half the resolution of the events' own.
          std::vector<double> midpoints;
          for (const DurationBin& bin : bins)
            midpoints.insert(midpoints.end(), bin.count, (bin.lower + bin.upper) / 2);
          const double exact = stats::QuantileOfSorted(durations, q);
          const double rebuilt = stats::QuantileOfSorted(midpoints, q);
          EXPECT_NEAR(rebuilt, exact, rebuilt * resolution / 2 * (1 + 1e-9));
        }
      }
    }
  }
}

TEST(Zoom, AHistogramThatDisagreesWithItsCountsIsLeftOutAndSaid) {
  const std::vector<double> durations = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
  const DurationHistogram coarse = AsHistogram(SentryHistogram(durations, 100, 0, "", ""));
  const double width = CoarseBinWidth(coarse, 10, 100, 100);
  ZoomAnswer answer;
  answer.grid = TileRange(50, 60, 0.25, 3).front();
  answer.histogram = AsHistogram({{50, 3}});  // three events where the counts leave one
  answer.below = 4;
  answer.above = 5;
  answer.total = 10;
  const AssembledBins assembled = AssembleBins(BinsOf(coarse, width), {answer}, 10, 100);
  EXPECT_EQ(assembled.note,
            "the zoom from 50 ms holds 3 events where its counts say 1: that range rebuilt "
            "from the coarse histogram");
  std::size_t events = 0;
  for (const DurationBin& bin : assembled.bins) events += bin.count;
  EXPECT_EQ(events, 10u);
}

}  // namespace
}  // namespace perfgate::fetch
