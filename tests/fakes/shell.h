// Runs a shell command from a test: its exit status and everything it printed; and reads
// the files such a command wrote.
#ifndef PERFGATE_TESTS_FAKES_SHELL_H_
#define PERFGATE_TESTS_FAKES_SHELL_H_

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

namespace perfgate {

// `command` in /bin/sh; its exit status (-1 when it did not exit) and its stdout and stderr.
inline std::pair<int, std::string> Shell(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  std::string output;
  char buffer[4096];
  while (std::size_t got = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, got);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// The whole text of the file at `path`; empty when it cannot be read.
inline std::string ReadTextFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace perfgate

#endif  // PERFGATE_TESTS_FAKES_SHELL_H_
