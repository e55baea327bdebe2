// Keeps README.md honest: the output it shows for its first command, and the Markdown
// report it shows, are what perfgate prints and writes for the bundled example today.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/fakes/cli_runner.h"

namespace perfgate {
namespace {

// The perfgate invocation in scripts/demo.sh, README command (1).
const std::vector<std::string> kDemoArgs = {"check",
                                            "--config",
                                            "thresholds.yaml",
                                            "--baseline",
                                            "examples/traces/baseline.otlp.jsonl",
                                            "--candidate",
                                            "examples/traces/candidate.otlp.jsonl",
                                            "--markdown",
                                            "perfgate-report.md",
                                            "--json",
                                            "perfgate-report.json",
                                            "--html",
                                            "perfgate-report.html"};

std::string ReadSource(const std::string& path) {
  std::ifstream in(std::string(PERFGATE_SOURCE_DIR) + "/" + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The text between "<!-- name -->" and "<!-- /name -->", without a surrounding code fence.
std::string Block(const std::string& readme, const std::string& name) {
  std::string open = "<!-- " + name + " -->\n";
  std::string close = "<!-- /" + name + " -->";
  auto start = readme.find(open);
  auto end = readme.find(close);
  if (start == std::string::npos || end == std::string::npos) {
    ADD_FAILURE() << "README.md has no block " << name;
    return "";
  }
  std::string block = readme.substr(start + open.size(), end - start - open.size());
  if (block.starts_with("```")) {
    block = block.substr(block.find('\n') + 1);
    block = block.substr(0, block.rfind("```"));
  }
  return block;
}

TEST(Readme, DemoScriptRunsTheCommandTheReadmeShows) {
  std::string demo = ReadSource("scripts/demo.sh");
  std::string command = "./build/perfgate";
  for (const std::string& arg : kDemoArgs) command += " " + arg;
  EXPECT_NE(demo.find(command), std::string::npos) << "scripts/demo.sh must run: " << command;
}

TEST(Readme, ShowsTheRealOutputOfTheFirstCommand) {
  FakeFileSystem fs = ReadingFixtures();
  CliRun run = RunPerfgate(kDemoArgs, fs);
  EXPECT_EQ(run.exit_code, 1);
  std::string readme = ReadSource("README.md");
  EXPECT_EQ(Block(readme, "demo-output"), run.out);
  EXPECT_EQ(Block(readme, "demo-report"), fs.files["perfgate-report.md"]);
}

TEST(Readme, TestCommandIsWhatCiRuns) {
  std::string readme = ReadSource("README.md");
  std::string ci = ReadSource(".ci/run");
  EXPECT_NE(ci.find("bash scripts/test.sh"), std::string::npos);
  EXPECT_NE(readme.find("bash scripts/test.sh"), std::string::npos);
  EXPECT_NE(readme.find("bash scripts/demo.sh"), std::string::npos);
}

}  // namespace
}  // namespace perfgate

namespace perfgate {
namespace {

// The synopsis under "## Commands" names every option of every command's --help.
TEST(Readme, SynopsisListsEveryOption) {
  const std::string readme = ReadSource("README.md");
  const std::size_t start = readme.find("## Commands\n\n```text\n");
  ASSERT_NE(start, std::string::npos);
  const std::string synopsis = readme.substr(start, readme.find("```\n", start + 20) - start);
  FakeFileSystem fs;
  for (const char* command :
       {"check", "compare", "explain", "stats", "fetch", "alert", "init", "validate"}) {
    EXPECT_NE(synopsis.find(std::string("perfgate ") + command), std::string::npos) << command;
    const std::string help = RunPerfgate({command, "--help"}, fs).out;
    for (std::size_t at = help.find("\n  --"); at != std::string::npos;
         at = help.find("\n  --", at + 1)) {
      const std::size_t name = at + 3;
      const std::string option = help.substr(name, help.find_first_of(" \n", name) - name);
      if (option == "--help") continue;
      EXPECT_NE(synopsis.find(option), std::string::npos) << command << " " << option;
    }
  }
}

}  // namespace
}  // namespace perfgate
