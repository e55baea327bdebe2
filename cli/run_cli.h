// The perfgate command line, runnable in-process: main() and the tests call RunCli() the
// same way, with the real or a fake environment. Only the CLI knows about arguments.
#ifndef PERFGATE_CLI_RUN_CLI_H_
#define PERFGATE_CLI_RUN_CLI_H_

#include <chrono>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/file_system.h"
#include "fetch/http/http_transport.h"

namespace perfgate::cli {

// Exit codes, as DESIGN.md and README.md define them.
enum ExitCode : int {
  kExitPass = 0,         // no fail-severity rule failed
  kExitRegression = 1,   // at least one fail-severity rule failed
  kExitError = 2,        // usage, config or input error: nothing was judged
  kExitUnavailable = 3,  // data unavailable, or too little data where the policy says so
};

// Everything a command may touch, passed in: streams, files, environment and time.
struct CliEnv {
  std::ostream& out;
  std::ostream& err;
  FileSystem& fs;
  std::map<std::string, std::string> vars;    // environment variables
  bool out_is_terminal = false;               // stdout is a TTY: colour allowed
  Clock& clock;                               // the one time source: today, waits, timestamps
  fetch::HttpTransport* transport = nullptr;  // for sentry: sources and webhooks; required then
  bool err_is_terminal = false;  // stderr is a TTY: a live progress line while fetching
  // Set by the run's first Sentry fetch (now + source.sentry.deadline); every later fetch
  // of the run shares it.
  std::optional<std::chrono::system_clock::time_point> fetch_deadline = std::nullopt;

  // Today's date in UTC, from `clock`: it decides which waivers apply.
  std::chrono::year_month_day Today() const {
    return std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(clock.Now())};
  }
};

// Runs `args` (without the program name) and returns the process exit code.
int RunCli(const std::vector<std::string>& args, CliEnv& env);

}  // namespace perfgate::cli

#endif  // PERFGATE_CLI_RUN_CLI_H_
