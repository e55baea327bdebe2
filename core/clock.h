// Time as perfgate sees it: the wall clock (today's date for waivers, the alert job's
// timestamps, Sentry's rate-limit reset times in epoch seconds) and sleeping. One Clock is
// passed in; tests use a fake that records sleeps and advances instantly
// (tests/fakes/fake_clock.h).
#ifndef PERFGATE_CORE_CLOCK_H_
#define PERFGATE_CORE_CLOCK_H_

#include <chrono>
#include <thread>

namespace perfgate {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() = 0;
  virtual void Sleep(std::chrono::milliseconds duration) = 0;
};

class RealClock : public Clock {
 public:
  std::chrono::system_clock::time_point Now() override { return std::chrono::system_clock::now(); }
  void Sleep(std::chrono::milliseconds duration) override { std::this_thread::sleep_for(duration); }
};

}  // namespace perfgate

#endif  // PERFGATE_CORE_CLOCK_H_
