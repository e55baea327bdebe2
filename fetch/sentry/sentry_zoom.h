// Histogram mode's zoom: where to ask Sentry's events-histogram for fine bins (around each
// percentile a rule judges, wide enough for its interval), the grids that make Sentry's
// bucket arithmetic choose exactly those bins, and the bins of a transaction assembled from
// the answers: a coarse histogram of its whole range (refined where its bins are too wide
// to aim in), the zooms, and count_if() counts of the events below and above each zoom, so
// that every event's rank is known exactly and its duration to its bin. Pure;
// SentryClient::FetchHistograms does the requests.
#ifndef PERFGATE_FETCH_SENTRY_SENTRY_ZOOM_H_
#define PERFGATE_FETCH_SENTRY_SENTRY_ZOOM_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/samples.h"
#include "fetch/sentry/sentry_modes.h"

namespace perfgate::fetch {

// Sentry's nice_int: `x` rounded away from zero to 1, 2, 5, 10, 20, 25, 50, 100, or to 100,
// 120, 200, 250, 500, 750 or 1000 times a power of ten (sentry/utils/math.py).
double NiceInt(double x);

// The width of the bins of `coarse`, Sentry's histogram of durations from `min_ms` to
// `max_ms` in `buckets` bins at precision 0: from its edges, or (one bin, the rest trimmed)
// from Sentry's arithmetic.
double CoarseBinWidth(const DurationHistogram& coarse, double min_ms, double max_ms, int buckets);

// One events-histogram request's bins: `buckets` bins of `bucket` units from `start` units,
// a unit being 10^-precision ms (Sentry's precision parameter, 0 to 4).
struct HistogramGrid {
  int precision = 0;
  long long bucket = 1;
  long long start = 0;
  int buckets = 100;

  double Unit() const;  // ms
  double Lower() const { return static_cast<double>(start) * Unit(); }
  double Upper() const { return static_cast<double>(start + bucket * buckets) * Unit(); }
  double Width() const { return static_cast<double>(bucket) * Unit(); }
  // The min and max parameters under which Sentry's find_histogram_params (max made
  // exclusive by 0.1 unit, bucket_size = nice_int((max - min) / numBuckets), start_offset =
  // floor(min / bucket_size) * bucket_size) chooses exactly this grid: min a quarter bin
  // in, so that a decimal edge times 10^precision rounding down cannot move the start.
  std::string MinParameter() const;
  std::string MaxParameter() const;
};

// The grids covering [low, high) ms whose edges fall on `low` and `high`, with bins at
// most `width` ms wide: the nicest bucket not over `width` that divides both `low` and the
// range into four or more bins, at the precision that expresses it (0.0001 ms at the
// finest); as few 100-bin requests as do it, at most `max_grids`, else wider bins.
// REQUIRES: 0 <= low < high, width > 0, max_grids >= 1.
std::vector<HistogramGrid> TileRange(double low, double high, double width, int max_grids);

// Bins of `histogram` (`width` ms wide each) as DurationBins; empty bins left out.
std::vector<DurationBin> BinsOf(const DurationHistogram& histogram, double width);

// A range of durations to zoom in on: [low, high) ms, in bins at most `width` ms wide.
struct ZoomRange {
  double low = 0;
  double high = 0;
  double width = 0;
};

// The ranks each judged percentile's value and interval rest on: q(n-1) and kZoomSpread
// standard deviations of its order statistic either side (a 99.99 % interval), plus two.
inline constexpr double kZoomSpread = 4;
// Bins around a percentile at most this share of its value wide.
inline constexpr double kZoomResolution = 0.005;

// Where to zoom for `quantiles` of a transaction of `total` events whose durations `known`
// bins (ascending, counts exact; the events above them not binned): for each quantile, the
// whole bins that hold the ranks it rests on (above), to be read in bins of
// kZoomResolution of its estimate; ranges that meet merged (the finer width). Whole bins,
// so that outside the zooms the counts stay exact. Ranks above `known` are not aimed at.
// Empty when `known` holds no events.
std::vector<ZoomRange> PlanZooms(const std::vector<DurationBin>& known, std::size_t total,
                                 const std::vector<double>& quantiles);

// The grids of `ranges` (TileRange, at most `max_grids` each), ascending.
std::vector<HistogramGrid> TileZooms(const std::vector<ZoomRange>& ranges, int max_grids);

// True when `answer`'s bins are `grid`'s (not a grid the server chose otherwise).
bool OnGrid(const HistogramGrid& grid, const DurationHistogram& answer);

// `known` with its bins in [low, high) replaced by `finer` (a histogram of that range),
// when `finer` counts the same events there; else unchanged. True when replaced.
bool Refine(std::vector<DurationBin>& known, double low, double high,
            const std::vector<DurationBin>& finer);

// One zoom's answers: its grid's bins from events-histogram and the count_if() counts of
// the events below its lower edge and at or above its upper edge.
struct ZoomAnswer {
  HistogramGrid grid;
  DurationHistogram histogram;
  std::size_t below = 0;
  std::size_t above = 0;
  std::size_t total = 0;  // count() in the request that counted below and above
};

// A transaction's bins: the zooms' own, and between and beyond them `known`'s (whole bins
// between the zooms), their counts set by the zooms' count_if()s (the events below the
// first zoom, between two, above the last) and spread over `known`'s bins there in
// proportion (exact when the answers agree); `min_ms` and `max_ms` (Sentry's min() and
// max()) bound the first and last. A zoom whose histogram disagrees with its counts (a
// release still taking events between the requests, a server that bins otherwise) is left
// out, and said in `note`. REQUIRES: `zooms` ascending and not overlapping, all from one
// count request.
struct AssembledBins {
  std::vector<DurationBin> bins;
  std::string note;  // empty when every zoom was used
};
AssembledBins AssembleBins(const std::vector<DurationBin>& known,
                           const std::vector<ZoomAnswer>& zooms, double min_ms, double max_ms);

// How ZoomTransaction asks Sentry about one transaction: `histogram` of its durations in
// `grid`'s bins (nullptr: Sentry's own, min to max in the configured number of bins), and
// `counts` (count(), then for each grid the events below its lower edge and at or above its
// upper edge).
struct ZoomAsk {
  std::function<Result<DurationHistogram>(const HistogramGrid* grid)> histogram;
  std::function<Result<std::vector<std::size_t>>(const std::vector<HistogramGrid>& grids)> counts;
};

// Histogram mode's requests per zoom at most (100 bins each), and refinements of the
// coarse histogram at most, per transaction.
inline constexpr int kZoomGrids = 2;
inline constexpr int kRefinements = 2;

// One transaction's bins, from `aggregates` (Sentry's count(), min(), p99() and max()):
// a coarse histogram (up to twice Sentry's p99 when no quantile is beyond 0.98, so that an
// outlier does not stretch its bins; else the whole range), refined (at most kRefinements
// times) where its bins are too wide to aim in, then the zooms (PlanZooms, TileZooms) and
// their counts, assembled (AssembleBins). An error of `ask` is returned as it is.
// REQUIRES: `quantiles` ascending and not empty.
Result<AssembledBins> ZoomTransaction(const ZoomAsk& ask, const Aggregates& aggregates,
                                      const std::vector<double>& quantiles, int buckets);

// The widest bin holding a rank `quantile`'s value and interval rest on (see kZoomSpread),
// over the value: the resolution achieved. 0 when `bins` hold no events.
double RelativeResolution(const std::vector<DurationBin>& bins, double quantile);

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_SENTRY_SENTRY_ZOOM_H_
