// Monte Carlo bootstrap replicates of a quantile and of the mean. The mean's are what
// perfgate's mean intervals use. A quantile's verdicts use its exact law instead
// (stats/bootstrap_law.h); the replicates here draw from that law and are kept as its
// oracle and for the benchmarks. They draw no resamples: the k-th smallest of a resample of
// size n from sorted data x is x_(ceil(nU)) with U ~ Beta(k, n - k + 1) (Maritz & Jarrett
// 1978), and the next order statistic is U + (1 - U) Beta(1, n - k), so a replicate of any
// interpolated quantile costs O(1). NaiveQuantileReplicates() resamples for real and is
// the oracle of both.
#ifndef PERFGATE_STATS_BOOTSTRAP_H_
#define PERFGATE_STATS_BOOTSTRAP_H_

#include <span>
#include <vector>

#include "stats/quantile.h"
#include "stats/random.h"

namespace perfgate::stats {

// `resamples` bootstrap replicates of the q-quantile (under `method`) of `sorted`.
// REQUIRES: `sorted` ascending and non-empty, 0 <= q <= 1, resamples > 0.
std::vector<double> QuantileReplicates(std::span<const double> sorted, double q,
                                       QuantileMethod method, int resamples, Random& random);

// The oracle: each replicate resamples n values with replacement, sorts them and takes the
// quantile. O(n log n) per replicate.
std::vector<double> NaiveQuantileReplicates(std::span<const double> values, double q,
                                            QuantileMethod method, int resamples, Random& random);

// Replicates of the mean, each from a true resample (n uniform index draws). At most
// `max_draws` index draws in all: with more values than max_draws / resamples the number
// of replicates shrinks, to no fewer than `min_resamples`. Returns the replicates made.
std::vector<double> MeanReplicates(std::span<const double> values, int resamples, Random& random,
                                   long long max_draws = 100'000'000, int min_resamples = 1000);

}  // namespace perfgate::stats

#endif  // PERFGATE_STATS_BOOTSTRAP_H_
