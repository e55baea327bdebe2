// SIGINT and SIGTERM at chosen points of real runs of the perfgate binary: a large `check`
// writing four reports over an older set, and a `fetch` from a fake Sentry on 127.0.0.1
// writing its cache and output. After every interruption no temporary file is left, each
// report set is wholly the old one or wholly the new one, the process ended by the signal,
// and the next run succeeds.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/file_system.h"
#include "fetch/files/sample_reader.h"
#include "stats/random.h"
#include "tests/fakes/fake_sentry_server.h"
#include "tests/fakes/test_files.h"

extern char** environ;

namespace perfgate {
namespace {

using Clock = std::chrono::steady_clock;

// Every file name under `dir` (recursively) that looks like a temporary file.
std::vector<std::string> TemporaryFiles(const std::string& dir) {
  std::vector<std::string> found;
  DIR* listing = ::opendir(dir.c_str());
  if (listing == nullptr) return found;
  while (dirent* entry = ::readdir(listing)) {
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (entry->d_type == DT_DIR) {
      for (std::string& inner : TemporaryFiles(dir + "/" + name)) found.push_back(inner);
    } else if (name.find(".tmp.") != std::string::npos) {
      found.push_back(dir + "/" + name);
    }
  }
  ::closedir(listing);
  return found;
}

// Starts the perfgate binary with `args` in `dir`, output discarded, `env` added to ours.
pid_t Start(const std::vector<std::string>& args, const std::string& dir,
            const std::vector<std::string>& env = {}) {
  std::vector<std::string> command = {"/bin/sh", "-c", "cd \"$0\" && exec \"$@\" >/dev/null 2>&1",
                                      dir, PERFGATE_BINARY};
  command.insert(command.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : command) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> variables(env);
  for (char** var = environ; *var != nullptr; ++var) variables.emplace_back(*var);
  std::vector<char*> envp;
  for (std::string& var : variables) envp.push_back(var.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  EXPECT_EQ(::posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv.data(), envp.data()), 0);
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// The outcome of one run interrupted after `delay` (or never): killed by `signal_number`, or
// ended by itself with an exit code.
struct Outcome {
  bool killed = false;
  int exit_code = -1;
};

Outcome RunInterrupted(const std::vector<std::string>& args, const std::string& dir,
                       Clock::duration delay, int signal_number,
                       const std::vector<std::string>& env = {}) {
  pid_t pid = Start(args, dir, env);
  std::this_thread::sleep_for(delay);
  ::kill(pid, signal_number);
  const int status = Wait(pid);
  if (WIFSIGNALED(status)) {
    EXPECT_EQ(WTERMSIG(status), signal_number);
    return {true, -1};
  }
  return {false, WEXITSTATUS(status)};
}

Clock::duration TimeOf(const std::vector<std::string>& args, const std::string& dir,
                       int expected_exit, const std::vector<std::string>& env = {}) {
  const auto start = Clock::now();
  const int status = Wait(Start(args, dir, env));
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), expected_exit);
  return Clock::now() - start;
}

// `transactions` transactions of about `events` events each, in NDJSON; `slow` scales the
// durations of the first tenth (so a candidate can regress).
void WriteRelease(const std::string& path, int transactions, int events, double slow,
                  std::uint64_t seed) {
  stats::Random random(seed);
  std::ofstream out(path);
  char line[256];
  for (int t = 0; t < transactions; ++t) {
    const double scale = t < transactions / 10 ? slow : 1.0;
    for (int e = 0; e < events; ++e) {
      std::snprintf(line, sizeof line,
                    R"({"transaction":"GET /api/resource/%d","duration_ms":%.3f,"status":"ok"})"
                    "\n",
                    t, scale * (20 + 200 * random.Uniform()));
      out << line;
    }
  }
}

const std::vector<std::string> kReports = {"out.md", "out.json", "out.html", "out.xml"};

std::vector<std::string> CheckArgs(const std::string& config) {
  return {"check",    "--baseline", "base.ndjson", "--candidate", "cand.ndjson",
          "--config", config,       "--markdown",  "out.md",      "--json",
          "out.json", "--html",     "out.html",    "--junit",     "out.xml"};
}

std::vector<std::string> ReportSet(const std::string& dir) {
  std::vector<std::string> set;
  for (const std::string& name : kReports) set.push_back(Slurp(dir + "/" + name));
  return set;
}

// Two releases of 1,500 transactions (the candidate's first tenth slower) and two configs:
// old.yaml fails them (exit 1), new.yaml passes them (exit 0), so the report sets differ.
void WriteCheckInputs(const std::string& dir) {
  WriteRelease(dir + "/base.ndjson", 1500, 60, 1.0, 1);
  WriteRelease(dir + "/cand.ndjson", 1500, 60, 1.5, 2);
  std::ofstream(dir + "/old.yaml") << "rules:\n  - metric: p50\n    max: 100ms\n";
  std::ofstream(dir + "/new.yaml") << "rules:\n  - metric: p50\n    max: 400ms\n";
}

TEST(Interrupt, ACheckKilledAnywhereLeavesTheOldReportsOrTheNewOnesAndNoTemporaryFile) {
  Scratch scratch("interrupt");
  const std::string& dir = scratch.path();
  WriteCheckInputs(dir);
  // The old set, then the new set once, uninterrupted, for reference and for its time.
  TimeOf(CheckArgs("new.yaml"), dir, 0);
  const std::vector<std::string> new_set = ReportSet(dir);
  const Clock::duration full = TimeOf(CheckArgs("old.yaml"), dir, 1);
  const std::vector<std::string> old_set = ReportSet(dir);
  ASSERT_NE(old_set, new_set);

  // Kills spread over the whole run, and a few at random points, alternately SIGINT and
  // SIGTERM; each starts from the old set.
  stats::Random random(7);
  int killed = 0;
  const int kTrials = 16;
  for (int trial = 0; trial < kTrials; ++trial) {
    const double at = trial < 12 ? (trial + 0.5) / 12 : random.Uniform();
    const int signal_number = trial % 2 == 0 ? SIGINT : SIGTERM;
    Outcome outcome =
        RunInterrupted(CheckArgs("new.yaml"), dir,
                       std::chrono::duration_cast<Clock::duration>(full * at * 1.1), signal_number);
    SCOPED_TRACE("trial " + std::to_string(trial) + " at " + std::to_string(at));
    EXPECT_EQ(TemporaryFiles(dir), std::vector<std::string>{});
    const std::vector<std::string> now = ReportSet(dir);
    if (outcome.killed) {
      ++killed;
      EXPECT_TRUE(now == old_set || now == new_set) << "a mixed or partial report set";
    } else {
      EXPECT_EQ(outcome.exit_code, 0);
      EXPECT_EQ(now, new_set);
    }
    TimeOf(CheckArgs("old.yaml"), dir, 1);  // the next run succeeds, and restores the old set
    EXPECT_EQ(ReportSet(dir), old_set);
  }
  EXPECT_GE(killed, kTrials / 2) << "the run was too quick to be interrupted";
}

// Deterministically inside the window: the HTML report's temporary file (named after the
// process id, known at spawn) is made a FIFO whose reader reads nothing, so the writer blocks
// after 64 KiB of it, with the Markdown and JSON reports already written aside.
TEST(Interrupt, ACheckKilledWhileWritingItsReportsLeavesTheOldSetAndNoTemporaryFile) {
  Scratch scratch("interrupt");
  const std::string& dir = scratch.path();
  WriteCheckInputs(dir);
  TimeOf(CheckArgs("old.yaml"), dir, 1);
  const std::vector<std::string> old_set = ReportSet(dir);
  // The JUnit report, written last, goes to a FIFO: written in place, it holds the run
  // there (its 1,500 test cases overfill the pipe until read) while the other three wait
  // aside as temporary files. Every signal that ends a process by default.
  ASSERT_EQ(::unlink((dir + "/out.xml").c_str()), 0);
  ASSERT_EQ(::mkfifo((dir + "/out.xml").c_str(), 0644), 0);
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM}) {
    SCOPED_TRACE(::strsignal(signal_number));
    const int reader = ::open((dir + "/out.xml").c_str(), O_RDONLY | O_NONBLOCK);
    const pid_t pid = Start(CheckArgs("new.yaml"), dir);
    pollfd waiting{reader, POLLIN, 0};
    ASSERT_EQ(::poll(&waiting, 1, 60000), 1) << "the JUnit report was never written";
    EXPECT_EQ(TemporaryFiles(dir).size(), 3u);  // the Markdown, JSON and HTML, aside
    ::kill(pid, signal_number);
    const int status = Wait(pid);
    ::close(reader);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal_number) << status;
    EXPECT_EQ(TemporaryFiles(dir), std::vector<std::string>{});
    for (std::size_t i = 0; i + 1 < kReports.size(); ++i)  // all but the FIFO
      EXPECT_EQ(Slurp(dir + "/" + kReports[i]), old_set[i]) << kReports[i];
  }
}

TEST(Interrupt, AReportToStandardOutputReachesItAndReplacesNothing) {
  Scratch scratch("interrupt");
  const std::string& dir = scratch.path();
  WriteCheckInputs(dir);
  // As a CI job runs it: stdout a log file the shell opened; the report appended to it.
  const std::string command = std::string("cd '") + dir + "' && echo before > log.txt && '" +
                              PERFGATE_BINARY +
                              "' check --baseline base.ndjson --candidate cand.ndjson --config "
                              "old.yaml --markdown /dev/stdout >> log.txt 2>&1";
  const int status = std::system(command.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 1);
  const std::string log = Slurp(dir + "/log.txt");
  EXPECT_TRUE(log.starts_with("before\n")) << log.substr(0, 200);
  EXPECT_NE(log.find("perfgate: FAIL\n"), std::string::npos) << log.substr(0, 400);
  EXPECT_NE(log.find("perfgate: wrote the Markdown report to /dev/stdout"), std::string::npos);
  struct stat info {};
  ASSERT_EQ(::lstat("/dev/stdout", &info), 0);
  EXPECT_TRUE(S_ISLNK(info.st_mode));  // still the link it was
  EXPECT_EQ(TemporaryFiles("/dev"), std::vector<std::string>{});
}

TEST(Interrupt, AFetchKilledAnywhereLeavesNoPartialOutputOrCache) {
  RealFileSystem fs;
  std::map<std::string, SampleSet> releases;
  releases.emplace("1.1",
                   *fetch::ReadSampleFile(fs, "examples/candidate.ndjson", std::nullopt, {}));
  SentryServerOptions options;
  options.latency = std::chrono::milliseconds(4);
  FakeSentryServer server(SentryHandler(std::move(releases), "tok", options));
  Scratch scratch("interrupt");
  const std::string& dir = scratch.path();
  const std::vector<std::string> args = {
      "fetch",      "--release",      "1.1",  "-o",          "out.ndjson", "--sentry-url",
      server.url(), "--organization", "acme", "--cache-dir", "cache"};
  const std::vector<std::string> env = {"SENTRY_AUTH_TOKEN=tok"};
  // The fastest of three runs: a run slowed by a busy machine would put every kill after
  // the quicker runs that follow had finished.
  Clock::duration full = TimeOf(args, dir, 0, env);
  for (int again = 0; again < 2; ++again) {
    std::system(("rm -rf '" + dir + "/cache' '" + dir + "/out.ndjson'").c_str());
    full = std::min(full, TimeOf(args, dir, 0, env));
  }
  const std::string fetched = Slurp(dir + "/out.ndjson");
  ASSERT_FALSE(fetched.empty());

  int killed = 0;
  const int kTrials = 10;
  for (int trial = 0; trial < kTrials; ++trial) {
    std::system(("rm -rf '" + dir + "/cache' '" + dir + "/out.ndjson'").c_str());
    const double at = (trial + 0.5) / kTrials;
    Outcome outcome =
        RunInterrupted(args, dir, std::chrono::duration_cast<Clock::duration>(full * at),
                       trial % 2 == 0 ? SIGTERM : SIGINT, env);
    SCOPED_TRACE("trial " + std::to_string(trial));
    EXPECT_EQ(TemporaryFiles(dir), std::vector<std::string>{});
    if (outcome.killed) {
      ++killed;
      if (Exists(dir + "/out.ndjson")) {
        EXPECT_EQ(Slurp(dir + "/out.ndjson"), fetched);
      }
    } else {
      EXPECT_EQ(outcome.exit_code, 0);
    }
    // The next run succeeds with the same bytes, from whatever cache the killed one left.
    TimeOf(args, dir, 0, env);
    EXPECT_EQ(Slurp(dir + "/out.ndjson"), fetched);
  }
  EXPECT_GE(killed, kTrials / 2) << "the fetch was too quick to be interrupted";
}

}  // namespace
}  // namespace perfgate
