// A Clock for tests: Now() starts at a fixed instant and Sleep() advances it instantly,
// recording every sleep, so a test that "waits" 30 s runs in microseconds.
#ifndef PERFGATE_TESTS_FAKES_FAKE_CLOCK_H_
#define PERFGATE_TESTS_FAKES_FAKE_CLOCK_H_

#include <functional>
#include <mutex>
#include <vector>

#include "core/clock.h"

namespace perfgate {

class FakeClock : public Clock {
 public:
  // 2026-11-25T12:00:00Z.
  std::chrono::system_clock::time_point now{std::chrono::seconds(1795608000)};
  std::vector<std::chrono::milliseconds> sleeps;
  // Called after each sleep, with the lock released: a test's world moving on (a file that
  // grows while perfgate watch waits).
  std::function<void()> on_sleep;

  std::chrono::system_clock::time_point Now() override {
    std::lock_guard lock(mutex_);
    return now;
  }
  void Sleep(std::chrono::milliseconds duration) override {
    {
      std::lock_guard lock(mutex_);
      sleeps.push_back(duration);
      now += duration;
    }
    if (on_sleep) on_sleep();
  }

 private:
  std::mutex mutex_;
};

}  // namespace perfgate

#endif  // PERFGATE_TESTS_FAKES_FAKE_CLOCK_H_
