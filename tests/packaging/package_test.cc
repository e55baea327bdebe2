// The .deb that `cpack -G DEB` makes from this build (CMakeLists.txt): its control fields,
// its files, that apt would install it here, and that what it unpacks runs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "tests/fakes/shell.h"

namespace perfgate {
namespace {

class Package : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // ctest runs each test in its own process, two at a time: a folder each.
    folder_ = ::testing::TempDir() + "perfgate-package-" + std::to_string(getpid());
    std::filesystem::remove_all(folder_);
    auto [status, output] = Shell("cpack -G DEB --config " + std::string(PERFGATE_BUILD_DIR) +
                                  "/CPackConfig.cmake -B " + folder_);
    cpack_output_ = output;
    for (const auto& entry : std::filesystem::directory_iterator(folder_)) {
      if (entry.path().extension() == ".deb") deb_ = entry.path().string();
    }
  }
  void SetUp() override {
    ASSERT_FALSE(deb_.empty()) << "cpack made no .deb (needs dpkg-dev, scripts/setup.sh):\n"
                               << cpack_output_;
  }
  static std::string Field(const std::string& name) {
    std::string value = Shell("dpkg-deb -f " + deb_ + " " + name).second;
    while (!value.empty() && value.back() == '\n') value.pop_back();
    return value;
  }

  static std::string folder_;
  static std::string deb_;
  static std::string cpack_output_;
};

std::string Package::folder_;
std::string Package::deb_;
std::string Package::cpack_output_;

TEST_F(Package, ControlFieldsNameTheLibrariesOfThisSystem) {
  EXPECT_EQ(Field("Package"), "perfgate");
  EXPECT_EQ(Field("Architecture"), Shell("dpkg --print-architecture").second.substr(0, 5));
  EXPECT_TRUE(Field("Version").starts_with("0.1.0-1")) << Field("Version");
  EXPECT_TRUE(std::filesystem::path(deb_).filename().string().starts_with("perfgate_0.1.0-1"));
  // dpkg-shlibdeps worked the dependencies out from the binary's libraries.
  const std::string depends = Field("Depends");
  for (const char* library : {"libboost-json1.8", "libboost-program-options1.8", "libcurl",
                              "libyaml-cpp0.", "libc6", "libstdc++6"}) {
    EXPECT_NE(depends.find(library), std::string::npos) << library << " in: " << depends;
  }
  // Every package it depends on is installed here, so apt installs it without a download.
  std::string names;
  for (std::size_t at = 0; at < depends.size();) {
    std::size_t end = depends.find(',', at);
    std::string item = depends.substr(at, end == std::string::npos ? end : end - at);
    item = item.substr(item.find_first_not_of(' '));
    names += " " + item.substr(0, item.find(' '));
    at = end == std::string::npos ? depends.size() : end + 1;
  }
  auto [status, output] = Shell("dpkg-query -W -f='${Status}\\n'" + names);
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output.find("not-installed"), std::string::npos) << output;
  EXPECT_EQ(Field("Recommends"), "ca-certificates");
  EXPECT_NE(Field("Description").find("performance-regression gate"), std::string::npos);
}

TEST_F(Package, AptWouldInstallIt) {
  auto [status, output] = Shell("apt-get install --simulate --no-install-recommends " + deb_);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("Inst perfgate"), std::string::npos) << output;
}

TEST_F(Package, UnpacksTheBinaryManPageCompletionsAndDocs) {
  auto [listed, files] = Shell("dpkg-deb -c " + deb_ + " | awk '{print $6}' | grep -v '/$'");
  ASSERT_EQ(listed, 0) << files;
  EXPECT_EQ(files,
            "./usr/bin/perfgate\n"
            "./usr/share/bash-completion/completions/perfgate\n"
            "./usr/share/doc/perfgate/README.md\n"
            "./usr/share/doc/perfgate/docs/anytime.md\n"
            "./usr/share/doc/perfgate/docs/ci.md\n"
            "./usr/share/doc/perfgate/docs/commands.md\n"
            "./usr/share/doc/perfgate/docs/configuration.md\n"
            "./usr/share/doc/perfgate/docs/development.md\n"
            "./usr/share/doc/perfgate/docs/install.md\n"
            "./usr/share/doc/perfgate/docs/json-report.md\n"
            "./usr/share/doc/perfgate/docs/metrics.md\n"
            "./usr/share/doc/perfgate/docs/record.md\n"
            "./usr/share/doc/perfgate/docs/reports.md\n"
            "./usr/share/doc/perfgate/docs/sentry.md\n"
            "./usr/share/doc/perfgate/docs/sources.md\n"
            "./usr/share/doc/perfgate/docs/statistics.md\n"
            "./usr/share/doc/perfgate/docs/thresholds.schema.json\n"
            "./usr/share/doc/perfgate/thresholds.yaml\n"
            "./usr/share/man/man1/perfgate.1.gz\n"
            "./usr/share/zsh/vendor-completions/_perfgate\n");

  const std::string root = folder_ + "/root";
  ASSERT_EQ(Shell("dpkg-deb -x " + deb_ + " " + root).first, 0);
  const std::string binary = root + "/usr/bin/perfgate";
  EXPECT_EQ(Shell(binary + " --version").second, "perfgate 0.1.0\n");
  // The unpacked binary judges the bundled example: a regression, exit 1.
  auto [judged, verdict] =
      Shell("cd " + std::string(PERFGATE_SOURCE_DIR) + " && " + binary +
            " check --config thresholds.yaml --baseline examples/traces/baseline.otlp.jsonl "
            "--candidate examples/traces/candidate.otlp.jsonl");
  EXPECT_EQ(judged, 1) << verdict;
  EXPECT_TRUE(verdict.starts_with("perfgate: FAIL")) << verdict;

  // The man page has every command; man renders it without a warning.
  auto [man, page] = Shell("MANWIDTH=100 man -l " + root + "/usr/share/man/man1/perfgate.1.gz");
  if (man == 127 || page.find("man: not found") != std::string::npos) {
    page = Shell("zcat " + root + "/usr/share/man/man1/perfgate.1.gz").second;
  }
  for (const char* command : {"CHECK", "COMPARE", "EXPLAIN", "STATS", "FETCH", "ALERT", "VALIDATE"})
    EXPECT_NE(page.find(std::string("PERFGATE ") + command), std::string::npos) << command;

  // bash completes commands and options from the binary's help.
  auto [completed, words] = Shell(
      "PATH=" + root + "/usr/bin:$PATH bash -c 'source " + root +
      "/usr/share/bash-completion/completions/perfgate; COMP_WORDS=(perfgate val); COMP_CWORD=1; "
      "_perfgate; echo ${COMPREPLY[*]}; COMP_WORDS=(perfgate check --candidate-f); COMP_CWORD=2; "
      "_perfgate; echo ${COMPREPLY[*]}'");
  EXPECT_EQ(completed, 0) << words;
  EXPECT_EQ(words, "validate\n--candidate-format\n");
}

}  // namespace
}  // namespace perfgate
