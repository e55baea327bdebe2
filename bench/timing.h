// Wall-clock timing for the benchmark programs: the best of a few runs, so a ratio against
// a baseline timed the same way (`wc -l` on the same file) shares the machine's noise.
#ifndef PERFGATE_BENCH_TIMING_H_
#define PERFGATE_BENCH_TIMING_H_

#include <algorithm>
#include <chrono>

namespace perfgate::bench {

using Clock = std::chrono::steady_clock;

inline double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The fastest of `runs` calls of `run`, in seconds.
template <typename F>
double BestOf(int runs, F&& run) {
  double best = 1e9;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    run();
    best = std::min(best, Seconds(start));
  }
  return best;
}

}  // namespace perfgate::bench

#endif  // PERFGATE_BENCH_TIMING_H_
