// Work spread over threads: a loop whose iterations are independent and write only their
// own slots, run on the machine's cores. Results do not depend on the number of threads.
#ifndef PERFGATE_CORE_PARALLEL_H_
#define PERFGATE_CORE_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace perfgate {

// Calls body(i) for every i in [0, count), from up to `threads` threads (0: one per core)
// taking `chunk` indices at a time; below `serial_below` iterations, on this thread alone.
// `body` must be safe to call concurrently for different i. Returns when all are done.
template <typename Body>
void ParallelFor(std::size_t count, const Body& body, unsigned threads = 0, std::size_t chunk = 16,
                 std::size_t serial_below = 64) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, (count + chunk - 1) / chunk));
  if (count < serial_below || threads <= 1) {
    for (std::size_t i = 0; i < count; ++i) body(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t start; (start = next.fetch_add(chunk)) < count;) {
      const std::size_t end = std::min(count, start + chunk);
      for (std::size_t i = start; i < end; ++i) body(i);
    }
  };
  std::vector<std::thread> workers;
  for (unsigned t = 1; t < threads; ++t) workers.emplace_back(work);
  work();
  for (std::thread& worker : workers) worker.join();
}

}  // namespace perfgate

#endif  // PERFGATE_CORE_PARALLEL_H_
