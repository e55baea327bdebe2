// Runs the perfgate CLI in-process, as main() does, on a FakeFileSystem, with a fixed
// time (a FakeClock at 2026-11-25T12:00:00Z unless one is given), capturing stdout, stderr
// and the exit code.
#ifndef PERFGATE_TESTS_FAKES_CLI_RUNNER_H_
#define PERFGATE_TESTS_FAKES_CLI_RUNNER_H_

#include <sstream>
#include <string>
#include <vector>

#include "cli/run_cli.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_file_system.h"

namespace perfgate {

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;

  // stderr without its "perfgate: note: " lines (e.g. that the built-in rules apply).
  std::string Errors() const {
    std::istringstream lines(err);
    std::string kept;
    for (std::string line; std::getline(lines, line);) {
      if (!line.starts_with("perfgate: note: ")) kept += line + "\n";
    }
    return kept;
  }
};

inline CliRun RunPerfgate(const std::vector<std::string>& args, FakeFileSystem& fs,
                          std::map<std::string, std::string> vars = {},
                          fetch::HttpTransport* transport = nullptr, Clock* clock = nullptr,
                          bool out_is_terminal = false) {
  std::ostringstream out, err;
  FakeClock fixed;
  cli::CliEnv env{
      out, err, fs, std::move(vars), out_is_terminal, clock != nullptr ? *clock : fixed};
  env.transport = transport;
  CliRun run;
  run.exit_code = cli::RunCli(args, env);
  run.out = out.str();
  run.err = err.str();
  return run;
}

}  // namespace perfgate

#endif  // PERFGATE_TESTS_FAKES_CLI_RUNNER_H_
