#include "fetch/sentry/sentry_zoom.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace perfgate::fetch {

double NiceInt(double x) {
  if (x == 0) return 0;
  const double sign = x > 0 ? 1 : -1;
  x = std::abs(x);
  double rounded = 1;
  std::vector<double> steps;
  if (x < 10) {
    steps = {1, 2, 5, 10};
  } else if (x < 100) {
    steps = {10, 20, 25, 50, 100};
  } else {
    rounded = std::pow(10.0, static_cast<int>(std::log10(x)) - 2);
    steps = {100, 120, 200, 250, 500, 750, 1000};
  }
  double nice = steps.back();
  const double fraction = x / rounded;
  for (double step : steps) {
    if (fraction <= step) {
      nice = step;
      break;
    }
  }
  return sign * nice * rounded;
}

namespace {

// The largest bucket NiceInt() keeps as it is, at most `x` (at least 1).
long long NiceFloor(double x) {
  if (x < 1) return 1;
  static constexpr std::array<int, 7> kSteps = {100, 120, 200, 250, 500, 750, 1000};
  long long best = 1;
  for (long long candidate : {1LL, 2LL, 5LL, 10LL, 20LL, 25LL, 50LL}) {
    if (static_cast<double>(candidate) <= x) best = candidate;
  }
  for (long long scale = 1; static_cast<double>(scale) * 100 <= x; scale *= 10) {
    for (int step : kSteps) {
      if (static_cast<double>(scale * step) <= x) best = std::max(best, scale * step);
    }
  }
  return best;
}

// The next bucket after `bucket` that NiceInt() keeps.
long long NiceAbove(long long bucket) {
  return static_cast<long long>(NiceInt(static_cast<double>(bucket) + 1));
}

// The bucket before `bucket` that NiceInt() keeps (1 at least).
long long NiceBelow(long long bucket) { return NiceFloor(static_cast<double>(bucket) - 0.5); }

std::string Decimal(double value) {
  char text[32];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return std::string(text, end);
}

// The value at fractional rank `rank` (0-based) of binned events, interpolated within its
// bin.
double ValueAtRank(const std::vector<DurationBin>& bins, double rank) {
  double before = 0;
  for (const DurationBin& bin : bins) {
    const double c = static_cast<double>(bin.count);
    if (rank < before + c) return bin.lower + (bin.upper - bin.lower) * (rank - before + 0.5) / c;
    before += c;
  }
  return bins.empty() ? 0 : bins.back().upper;
}

// The bin holding rank `rank`.
const DurationBin* BinAtRank(const std::vector<DurationBin>& bins, double rank) {
  double before = 0;
  for (const DurationBin& bin : bins) {
    before += static_cast<double>(bin.count);
    if (rank < before) return &bin;
  }
  return bins.empty() ? nullptr : &bins.back();
}

double Events(const std::vector<DurationBin>& bins) {
  double events = 0;
  for (const DurationBin& bin : bins) events += static_cast<double>(bin.count);
  return events;
}

// The ranks the q-quantile of n events rests on: [first, last], 0-based.
std::pair<double, double> RanksOf(double n, double q) {
  const double k = q * (n - 1);
  const double spread = kZoomSpread * std::sqrt(n * q * (1 - q)) + 2;
  return {std::max(0.0, k - spread), std::min(n - 1, k + spread)};
}

}  // namespace

double CoarseBinWidth(const DurationHistogram& coarse, double min_ms, double max_ms, int buckets) {
  if (coarse.bins.size() > 1) return coarse.BinWidth();
  double bucket = max_ms > min_ms ? NiceInt((max_ms - min_ms) / buckets) : 1;
  if (bucket == 0) bucket = 1;
  if (std::floor(min_ms / bucket) * bucket + buckets * bucket <= max_ms)
    bucket = NiceInt(bucket + 1);
  return bucket;
}

double HistogramGrid::Unit() const { return std::pow(10.0, -precision); }

std::string HistogramGrid::MinParameter() const {
  return Decimal((static_cast<double>(start) + static_cast<double>(bucket) / 4) * Unit());
}

std::string HistogramGrid::MaxParameter() const { return Decimal(Upper()); }

std::vector<HistogramGrid> TileRange(double low, double high, double width, int max_grids) {
  // The precision that expresses the width and the range's edges in whole units.
  int precision = 0;
  auto whole = [](double x) { return std::abs(x - std::round(x)) < 1e-6 * std::max(1.0, x); };
  while (precision < 4) {
    const double per_unit = std::pow(10.0, precision);
    if (width * per_unit >= 1 && whole(low * per_unit) && whole(high * per_unit) &&
        (high - low) * per_unit >= 4)
      break;
    ++precision;
  }
  const double per_unit = std::pow(10.0, precision);
  const long long start = std::llround(low * per_unit);
  const long long span = std::max(4LL, std::llround(high * per_unit) - start);
  auto fits = [&](long long bucket) {
    return start % bucket == 0 && span % bucket == 0 && span / bucket >= 4;
  };
  long long bucket = NiceFloor(width * per_unit);
  while (bucket > 1 && !fits(bucket)) bucket = NiceBelow(bucket);
  while ((span / bucket + 99) / 100 > max_grids) {
    long long wider = NiceAbove(bucket);
    while (!fits(wider) && wider * 4 <= span) wider = NiceAbove(wider);
    if (!fits(wider)) break;
    bucket = wider;
  }
  const long long bins = span / bucket;
  const long long grids = std::max(1LL, (bins + 99) / 100);
  std::vector<HistogramGrid> out;
  long long done = 0;
  for (long long g = 0; g < grids; ++g) {
    // Bins shared out evenly, so that no grid has fewer than four (see MinParameter).
    const long long these = bins / grids + (g < bins % grids ? 1 : 0);
    HistogramGrid grid;
    grid.precision = precision;
    grid.bucket = bucket;
    grid.start = start + done * bucket;
    grid.buckets = static_cast<int>(these);
    out.push_back(grid);
    done += these;
  }
  return out;
}

std::vector<DurationBin> BinsOf(const DurationHistogram& histogram, double width) {
  std::vector<DurationBin> bins;
  for (const auto& [edge, count] : histogram.bins) {
    if (count > 0) bins.push_back({edge, edge + width, count});
  }
  return bins;
}

std::vector<ZoomRange> PlanZooms(const std::vector<DurationBin>& known, std::size_t total,
                                 const std::vector<double>& quantiles) {
  const double binned = Events(known);
  const double n = std::max(binned, static_cast<double>(total));
  std::vector<ZoomRange> ranges;
  if (binned == 0) return ranges;
  for (double q : quantiles) {
    const auto [first, last] = RanksOf(n, q);
    if (first >= binned) continue;  // above the bins: not aimed at
    ZoomRange range;
    range.low = BinAtRank(known, first)->lower;
    range.high = BinAtRank(known, last)->upper;
    range.width = std::max(1e-4, kZoomResolution * ValueAtRank(known, q * (n - 1)));
    ranges.push_back(range);
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const ZoomRange& a, const ZoomRange& b) { return a.low < b.low; });
  std::vector<ZoomRange> merged;
  for (const ZoomRange& range : ranges) {
    if (!merged.empty() && range.low <= merged.back().high) {
      merged.back().high = std::max(merged.back().high, range.high);
      merged.back().width = std::min(merged.back().width, range.width);
    } else {
      merged.push_back(range);
    }
  }
  return merged;
}

std::vector<HistogramGrid> TileZooms(const std::vector<ZoomRange>& ranges, int max_grids) {
  std::vector<HistogramGrid> grids;
  for (const ZoomRange& range : ranges) {
    const std::vector<HistogramGrid> tiles =
        TileRange(range.low, range.high, range.width, max_grids);
    grids.insert(grids.end(), tiles.begin(), tiles.end());
  }
  return grids;
}

bool OnGrid(const HistogramGrid& grid, const DurationHistogram& answer) {
  const double slack = grid.Width() * 1e-6;
  for (const auto& bin : answer.bins) {
    const double steps = (bin.first - grid.Lower()) / grid.Width();
    if (bin.first < grid.Lower() - slack || bin.first + grid.Width() > grid.Upper() + slack ||
        std::abs(steps - std::round(steps)) >= 1e-6)
      return false;
  }
  return true;
}

bool Refine(std::vector<DurationBin>& known, double low, double high,
            const std::vector<DurationBin>& finer) {
  auto inside = [&](const DurationBin& bin) { return bin.lower >= low && bin.upper <= high; };
  std::size_t before = 0, after = 0;
  for (const DurationBin& bin : known) before += inside(bin) ? bin.count : 0;
  for (const DurationBin& bin : finer) after += bin.count;
  if (before != after || after == 0) return false;
  std::erase_if(known, inside);
  known.insert(known.end(), finer.begin(), finer.end());
  std::sort(known.begin(), known.end(),
            [](const DurationBin& a, const DurationBin& b) { return a.lower < b.lower; });
  return true;
}

namespace {

// Appends `count` events in [low, high) spread over the bins of `known` there in
// proportion to their counts (the share of each bin that lies in the range): exact where
// the range is whole bins, as the zooms' ranges make it. Pieces are bounded by [floor,
// ceiling] (Sentry's min() and max()); one bin for the whole range when `known` has none
// there.
void Fill(const std::vector<DurationBin>& known, double low, double high, double floor,
          double ceiling, std::size_t count, std::vector<DurationBin>& out) {
  if (count == 0) return;
  struct Piece {
    double lower, upper, weight;
    std::size_t count = 0;
  };
  std::vector<Piece> pieces;
  double weights = 0;
  for (const DurationBin& bin : known) {
    const double lower = std::max(low, bin.lower), upper = std::min(high, bin.upper);
    if (upper <= lower) continue;
    const double weight =
        static_cast<double>(bin.count) * (upper - lower) / (bin.upper - bin.lower);
    pieces.push_back({std::max(lower, floor), std::min(upper, ceiling), weight});
    weights += weight;
  }
  // Events beyond the known bins (above a coarse histogram cut below the max): one piece
  // from the bins' top to the range's end.
  const double top = known.empty() ? low : std::max(low, known.back().upper);
  if (static_cast<double>(count) > weights + 0.5 && top < high) {
    pieces.push_back({std::max(top, floor), std::min(high, ceiling),
                      static_cast<double>(count) - std::round(weights)});
    weights += pieces.back().weight;
  }
  if (weights == 0) {
    const double lower = std::max(low, floor), upper = std::min(high, ceiling);
    out.push_back({lower, std::max(upper, lower + 1e-6), count});
    return;
  }
  std::size_t given = 0;
  std::vector<std::pair<double, std::size_t>> remainders;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const double share = static_cast<double>(count) * pieces[i].weight / weights;
    pieces[i].count = static_cast<std::size_t>(std::floor(share));
    given += pieces[i].count;
    remainders.emplace_back(share - std::floor(share), i);
  }
  // The events left by rounding down, to the largest remainders (ties to the earlier bin).
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = 0; given < count; ++i, ++given)
    ++pieces[remainders[i % pieces.size()].second].count;
  for (Piece& piece : pieces) {
    if (piece.count == 0) continue;
    piece.upper = std::max(piece.upper, piece.lower + 1e-6);  // a min() or max() at an edge
    out.push_back({piece.lower, piece.upper, piece.count});
  }
}

}  // namespace

AssembledBins AssembleBins(const std::vector<DurationBin>& known,
                           const std::vector<ZoomAnswer>& zooms, double min_ms, double max_ms) {
  AssembledBins out;
  std::vector<const ZoomAnswer*> used;
  for (const ZoomAnswer& zoom : zooms) {
    std::size_t inside = 0;
    for (const auto& bin : zoom.histogram.bins) inside += bin.second;
    const bool on_grid = OnGrid(zoom.grid, zoom.histogram);
    if (on_grid && zoom.below + inside + zoom.above == zoom.total) {
      used.push_back(&zoom);
    } else if (out.note.empty()) {
      out.note =
          "the zoom from " + Decimal(zoom.grid.Lower()) + " ms " +
          (on_grid ? "holds " + std::to_string(inside) + " events where its counts say " +
                         std::to_string(zoom.total - std::min(zoom.total, zoom.below + zoom.above))
                   : std::string("came back in other bins than asked for")) +
          ": that range rebuilt from the coarse histogram";
    }
  }
  if (used.empty()) {  // no zoom to set the counts: the coarse bins alone
    out.bins = known;
    return out;
  }
  const double infinity = std::numeric_limits<double>::infinity();
  double from = -infinity;
  std::size_t counted = 0;  // events at ranks below `from`
  for (const ZoomAnswer* zoom : used) {
    const std::size_t gap = zoom->below >= counted ? zoom->below - counted : 0;
    Fill(known, from, zoom->grid.Lower(), min_ms, infinity, gap, out.bins);
    counted += gap;
    const double step = zoom->grid.Width();
    for (const auto& [edge, count] : zoom->histogram.bins) {
      if (count > 0) out.bins.push_back({edge, edge + step, count});
      counted += count;
    }
    from = zoom->grid.Upper();
  }
  Fill(known, from, infinity, -infinity, max_ms, used.back()->above, out.bins);
  return out;
}

Result<AssembledBins> ZoomTransaction(const ZoomAsk& ask, const Aggregates& aggregates,
                                      const std::vector<double>& quantiles, int buckets) {
  auto level = [&](double q) {
    auto found = aggregates.quantiles_ms.find(q);
    return found == aggregates.quantiles_ms.end() ? 0.0 : found->second;
  };
  const double min_ms = level(0), max_ms = level(1);
  std::vector<DurationBin> known;
  const double top = 2 * level(0.99);
  if (quantiles.back() <= 0.98 && top > min_ms && top < max_ms) {
    // 100 bins of a nice whole number of ms from a multiple of it: Sentry's own kind.
    const double step = std::max(1.0, NiceInt((top - min_ms) / 100));
    const double low = std::floor(min_ms / step) * step;
    const HistogramGrid grid = TileRange(low, low + 100 * step, step, 1).front();
    Result<DurationHistogram> coarse = ask.histogram(&grid);
    if (!coarse.ok()) return coarse.error();
    if (OnGrid(grid, *coarse)) known = BinsOf(*coarse, grid.Width());
  }
  if (known.empty()) {
    Result<DurationHistogram> coarse = ask.histogram(nullptr);
    if (!coarse.ok()) return coarse.error();
    known = BinsOf(*coarse, CoarseBinWidth(*coarse, min_ms, max_ms, buckets));
  }
  for (int refinement = 0; refinement < kRefinements; ++refinement) {
    bool refined = false;
    for (const ZoomRange& range : PlanZooms(known, aggregates.count, quantiles)) {
      if (TileRange(range.low, range.high, range.width, kZoomGrids).front().Width() <=
          range.width * (1 + 1e-9))
        continue;
      const HistogramGrid grid =
          TileRange(range.low, range.high, (range.high - range.low) / 100, 1).front();
      Result<DurationHistogram> finer = ask.histogram(&grid);
      if (!finer.ok()) return finer.error();
      refined = (OnGrid(grid, *finer) &&
                 Refine(known, range.low, range.high, BinsOf(*finer, grid.Width()))) ||
                refined;
    }
    if (!refined) break;
  }
  const std::vector<HistogramGrid> grids =
      TileZooms(PlanZooms(known, aggregates.count, quantiles), kZoomGrids);
  std::vector<ZoomAnswer> answers(grids.size());
  for (std::size_t i = 0; i < grids.size(); ++i) {
    answers[i].grid = grids[i];
    Result<DurationHistogram> fine = ask.histogram(&grids[i]);
    if (!fine.ok()) return fine.error();
    answers[i].histogram = std::move(fine).value();
  }
  if (!grids.empty()) {
    Result<std::vector<std::size_t>> counts = ask.counts(grids);
    if (!counts.ok()) return counts.error();
    if (counts->size() != 1 + 2 * grids.size())
      return MakeError(ErrorKind::kUnavailable, "a count answer without every count asked for");
    for (std::size_t i = 0; i < answers.size(); ++i) {
      answers[i].total = (*counts)[0];
      answers[i].below = (*counts)[1 + 2 * i];
      answers[i].above = (*counts)[2 + 2 * i];
    }
  }
  return AssembleBins(known, answers, min_ms, max_ms);
}

double RelativeResolution(const std::vector<DurationBin>& bins, double quantile) {
  const double n = Events(bins);
  if (n == 0) return 0;
  const auto [first, last] = RanksOf(n, quantile);
  const double k = quantile * (n - 1);
  double before = 0, widest = 0, value = 0;
  for (const DurationBin& bin : bins) {
    const double after = before + static_cast<double>(bin.count);
    if (after > first && before <= last) widest = std::max(widest, bin.upper - bin.lower);
    if (before <= k && k < after) value = (bin.lower + bin.upper) / 2;
    before = after;
  }
  return value > 0 ? widest / value : (widest > 0 ? 1 : 0);
}

}  // namespace perfgate::fetch
