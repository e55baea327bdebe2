// Deterministic random numbers for the bootstrap: std::mt19937_64 (whose output the C++
// standard fixes) with perfgate's own uniform, normal, gamma and beta sampling, because the
// std::*_distribution algorithms differ between standard libraries. Same seed, same draws,
// on any platform (up to the last-ulp behaviour of the platform's log/exp/pow).
#ifndef PERFGATE_STATS_RANDOM_H_
#define PERFGATE_STATS_RANDOM_H_

#include <cstdint>
#include <random>
#include <string_view>

namespace perfgate::stats {

// A seed for an independent stream: `seed` mixed with `stream` (splitmix64). Streams named
// by what they are for (a group, a metric, a side) make results independent of the order
// in which work is done and of the number of threads.
std::uint64_t DeriveSeed(std::uint64_t seed, std::uint64_t stream);
// A stable 64-bit hash of a name (FNV-1a), for naming streams.
std::uint64_t StreamId(std::string_view name);

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}

  // Uniform on the open interval (0, 1): 53 random bits, never exactly 0 or 1.
  double Uniform();
  // Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject). REQUIRES: n > 0.
  std::uint64_t Below(std::uint64_t n);
  // Standard normal (Marsaglia's polar method).
  double Normal();
  // Gamma(shape, 1) (Marsaglia & Tsang 2000; shape < 1 through Gamma(shape + 1) U^(1/shape)).
  // REQUIRES: shape > 0.
  double Gamma(double shape);
  // Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b); the closed forms
  // 1 - U^(1/b) for a = 1 and U^(1/a) for b = 1. REQUIRES: a, b > 0.
  double Beta(double a, double b);

 private:
  std::mt19937_64 engine_;
  double spare_normal_ = 0;
  bool has_spare_normal_ = false;
};

}  // namespace perfgate::stats

#endif  // PERFGATE_STATS_RANDOM_H_
