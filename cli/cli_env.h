// What every command of the CLI is given: the exit codes it answers with, and the
// environment it may touch (streams, files, variables, time, the network), passed in so
// tests run the same commands on fakes. Plain data; no command logic.
#ifndef PERFGATE_CLI_CLI_ENV_H_
#define PERFGATE_CLI_CLI_ENV_H_

#include <chrono>
#include <map>
#include <ostream>
#include <string>

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

  // Today's date in UTC, from `clock`: it decides which waivers apply.
  std::chrono::year_month_day Today() const {
    return std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(clock.Now())};
  }
};

}  // namespace perfgate::cli

#endif  // PERFGATE_CLI_CLI_ENV_H_
