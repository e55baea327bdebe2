// Time as the Sentry client sees it: the wall clock (for rate-limit reset times, which
// Sentry gives in epoch seconds) and sleeping. Tests use a fake that records sleeps and
// advances instantly (tests/fakes/fake_clock.h).
#ifndef PERFGATE_FETCH_CLOCK_H_
#define PERFGATE_FETCH_CLOCK_H_

#include <chrono>
#include <thread>

namespace perfgate::fetch {

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

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_CLOCK_H_
