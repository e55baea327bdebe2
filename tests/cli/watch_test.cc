// `perfgate watch` on the fake clock (no real sleeping): the releases grow between looks as
// a canary's would, and the watch stops early on a clear regression, passes early on a
// clear non-regression, and reaches its deadline on an ambiguous one.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "stats/random.h"
#include "tests/fakes/cli_runner.h"

namespace perfgate {
namespace {

// A release as CSV rows that grows by `per_look` events of each of two transactions every
// time the clock sleeps: durations log-normal around `median_ms`, `error_rate` failed.
struct GrowingRelease {
  std::string path;
  double median_ms = 200;
  double error_rate = 0.002;
  std::uint64_t seed = 1;
  int per_look = 300;
  stats::Random random{1};
  bool seeded = false;

  void Grow(FakeFileSystem& fs) {
    if (!seeded) {
      random = stats::Random(seed);
      seeded = true;
      fs.files[path] = "transaction,duration_ms,status\n";
    }
    std::string& text = fs.files[path];
    for (const char* name : {"GET /a", "POST /b"}) {
      for (int i = 0; i < per_look; ++i) {
        const double ms = median_ms * std::exp(0.5 * random.Normal());
        text += std::string(name) + "," + std::to_string(ms) +
                (random.Uniform() < error_rate ? ",internal_error\n" : ",ok\n");
      }
    }
  }
};

struct WatchRig {
  FakeFileSystem fs;
  FakeClock clock;
  GrowingRelease baseline{"base.csv"};
  GrowingRelease candidate{"cand.csv"};

  // `timing`: --every and --for.
  CliRun Watch(std::vector<std::string> timing = {"--every", "5m", "--for", "1h"}) {
    baseline.seed = 11;
    candidate.seed = 12;
    baseline.Grow(fs);
    candidate.Grow(fs);
    clock.on_sleep = [this] {
      baseline.Grow(fs);
      candidate.Grow(fs);
    };
    std::vector<std::string> args = {"watch",    "--baseline", "base.csv", "--candidate",
                                     "cand.csv", "--json",     "r.json"};
    args.insert(args.end(), timing.begin(), timing.end());
    return RunPerfgate(args, fs, {}, nullptr, &clock);
  }
};

TEST(Watch, StopsAtTheFirstLookThatProvesARegression) {
  WatchRig rig;
  rig.candidate.error_rate = 0.06;  // 6 % failed against a 1 % limit
  CliRun run = rig.Watch();
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_TRUE(
      run.out.starts_with("perfgate: watch: look 1 at 0 s: candidate 600 events, "
                          "baseline 600; 8 rules tested: 2 regressed"))
      << run.out;
  EXPECT_NE(run.out.find("perfgate: watch: a regression is proven after 1 look; the verdicts "
                         "are anytime-valid over every look\n"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("FAIL         GET /a error_rate"), std::string::npos) << run.out;
  EXPECT_TRUE(rig.clock.sleeps.empty());
  EXPECT_TRUE(rig.fs.files.contains("r.json"));
}

TEST(Watch, PassesOnceTheAbsenceOfARegressionIsProven) {
  WatchRig rig;  // the same service on both sides, far inside the limits
  CliRun run = rig.Watch();
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("perfgate: watch: no regression beyond the limits, proven after "),
            std::string::npos)
      << run.out;
  // More than one look (300 events a side cannot clear a 1 % error limit at once), far
  // fewer than the hour's 13.
  EXPECT_GE(rig.clock.sleeps.size(), 1u) << run.out;
  EXPECT_LT(rig.clock.sleeps.size(), 12u) << run.out;
  EXPECT_EQ(rig.clock.sleeps.front(), std::chrono::minutes(5));
}

TEST(Watch, AnAmbiguousCandidateRunsToTheDeadline) {
  WatchRig rig;
  // The error rate right at its limit: neither its breach nor its absence can be proven.
  rig.baseline.error_rate = 0.01;
  rig.candidate.error_rate = 0.01;
  rig.baseline.per_look = rig.candidate.per_look = 100;
  CliRun run = rig.Watch({"--every", "5m", "--for", "30m"});
  EXPECT_NE(run.out.find("perfgate: watch: time is up (--for 30 min) after 7 looks"),
            std::string::npos)
      << run.out;
  EXPECT_EQ(rig.clock.sleeps.size(), 6u);
  // Undecided rules under the default policy.inconclusive (warn): exit 0, said.
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("INCONCLUSIVE"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("anytime-valid: undecided (evidence of a regression "), std::string::npos)
      << run.out;
}

TEST(Watch, RefusesAWindowShorterThanOneLook) {
  WatchRig rig;
  CliRun run = rig.Watch({"--every", "10m", "--for", "5m"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--for must be at least --every (one look after the first)"),
            std::string::npos)
      << run.err;
}

}  // namespace
}  // namespace perfgate
