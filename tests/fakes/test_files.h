// Files in tests: reading a fixture or an output whole, and a scratch folder of the test's
// own, removed with its contents at the end.
#ifndef PERFGATE_TESTS_FAKES_TEST_FILES_H_
#define PERFGATE_TESTS_FAKES_TEST_FILES_H_

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace perfgate {

// The whole file at `path`, or "" when it cannot be read.
inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fixture under tests/data/ of the source tree ("record/otel-proto-0.body").
inline std::string TestData(const std::string& name) {
  return Slurp(std::string(PERFGATE_SOURCE_DIR) + "/tests/data/" + name);
}

inline bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// A folder /tmp/perfgate-NAME-XXXXXX, removed with its contents at the end of the test.
class Scratch {
 public:
  explicit Scratch(const std::string& name) {
    std::string pattern = "/tmp/perfgate-" + name + "-XXXXXX";
    path_ = ::mkdtemp(pattern.data());
  }
  ~Scratch() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace perfgate

#endif  // PERFGATE_TESTS_FAKES_TEST_FILES_H_
