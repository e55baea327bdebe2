// perfgate's entry point: wires the real environment and runs the CLI in-process.
#include <unistd.h>

#include <chrono>
#include <exception>
#include <iostream>

#include "cli/run_cli.h"
#include "fetch/http/curl_transport.h"

extern char** environ;

int main(int argc, char** argv) {
  perfgate::RemoveTemporaryFilesOnSignals();
  try {
    perfgate::RealFileSystem fs;
    perfgate::fetch::CurlTransport transport;
    perfgate::RealClock clock;
    perfgate::cli::CliEnv env{std::cout, std::cerr, fs, {}, isatty(STDOUT_FILENO) == 1, clock};
    env.transport = &transport;
    env.err_is_terminal = isatty(STDERR_FILENO) == 1;
    for (char** var = environ; *var != nullptr; ++var) {
      std::string entry(*var);
      auto equals = entry.find('=');
      if (equals != std::string::npos) env.vars[entry.substr(0, equals)] = entry.substr(equals + 1);
    }
    return perfgate::cli::RunCli({argv + 1, argv + argc}, env);
  } catch (const std::exception& error) {
    std::cerr << "perfgate: internal error: " << error.what() << "\n";
    return perfgate::cli::kExitError;
  }
}
