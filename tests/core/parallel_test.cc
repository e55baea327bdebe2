#include "core/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace perfgate {
namespace {

TEST(ParallelFor, CallsEveryIndexOnceWhateverTheThreads) {
  for (std::size_t count : {0u, 1u, 63u, 64u, 1000u, 10007u}) {
    for (unsigned threads : {0u, 1u, 2u, 7u}) {
      std::vector<std::atomic<int>> calls(count);
      ParallelFor(
          count, [&](std::size_t i) { calls[i].fetch_add(1); }, threads);
      for (std::size_t i = 0; i < count; ++i)
        ASSERT_EQ(calls[i].load(), 1) << "count " << count << ", threads " << threads;
    }
  }
}

TEST(ParallelFor, WritesLandInTheirOwnSlots) {
  std::vector<std::size_t> squares(5000);
  ParallelFor(
      squares.size(), [&](std::size_t i) { squares[i] = i * i; }, 4, 3, 1);
  for (std::size_t i = 0; i < squares.size(); ++i) EXPECT_EQ(squares[i], i * i);
}

}  // namespace
}  // namespace perfgate
