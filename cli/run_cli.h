// The perfgate command line, runnable in-process: main() and the tests call RunCli() the
// same way, with the real or a fake environment. Only the CLI knows about arguments.
#ifndef PERFGATE_CLI_RUN_CLI_H_
#define PERFGATE_CLI_RUN_CLI_H_

#include <string>
#include <vector>

#include "cli/cli_env.h"

namespace perfgate::cli {

// Runs `args` (without the program name) and returns the process exit code.
int RunCli(const std::vector<std::string>& args, CliEnv& env);

}  // namespace perfgate::cli

#endif  // PERFGATE_CLI_RUN_CLI_H_
