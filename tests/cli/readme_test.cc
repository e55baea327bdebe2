// Keeps the README and the manual honest: the output the README shows for its first command,
// and the Markdown report docs/reports.md shows, are what perfgate prints and writes for
// the bundled example today; docs/commands.md holds every command's help text as it is, and
// its synopsis names every option. scripts/update_docs.py rewrites the blocks.
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

// The text between "<!-- name -->" and "<!-- /name -->" of `page`, without a surrounding
// code fence.
std::string Block(const std::string& page, const std::string& name) {
  const std::string text = ReadSource(page);
  std::string open = "<!-- " + name + " -->\n";
  std::string close = "<!-- /" + name + " -->";
  auto start = text.find(open);
  auto end = text.find(close);
  if (start == std::string::npos || end == std::string::npos) {
    ADD_FAILURE() << page << " has no block " << name << "; run python3 scripts/update_docs.py";
    return "";
  }
  std::string block = text.substr(start + open.size(), end - start - open.size());
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
  EXPECT_EQ(Block("README.md", "demo-output"), run.out);
  EXPECT_EQ(Block("docs/reports.md", "demo-report"), fs.files["perfgate-report.md"]);
}

// The README is a front door: short, and pointing only at what a clone holds.
TEST(Readme, IsAFrontDoorThatLinksOnlyIntoTheRepository) {
  const std::string readme = ReadSource("README.md");
  EXPECT_LE(readme.size(), 12u * 1024);
  for (std::size_t at = readme.find("](docs/"); at != std::string::npos;
       at = readme.find("](docs/", at + 1)) {
    const std::size_t start = at + 2;
    std::string path = readme.substr(start, readme.find_first_of(")#", start) - start);
    EXPECT_FALSE(ReadSource(path).empty()) << "README.md links to a missing " << path;
  }
  for (const char* outside : {"../", "DESIGN.md", "STYLE.md", ".ci/run"})
    EXPECT_EQ(readme.find(outside), std::string::npos) << outside;
}

TEST(Docs, CommandsPageHoldsEveryHelpTextAsPrinted) {
  FakeFileSystem fs;
  const std::string usage = RunPerfgate({"--help"}, fs).out;
  EXPECT_EQ(Block("docs/commands.md", "help"), usage);
  const std::string list = usage.substr(usage.find("Commands:\n"));
  std::size_t commands = 0;
  for (std::size_t at = list.find("\n  "); at != std::string::npos;
       at = list.find("\n  ", at + 1)) {
    const std::string command = list.substr(at + 3, list.find(' ', at + 3) - at - 3);
    EXPECT_EQ(Block("docs/commands.md", "help:" + command),
              RunPerfgate({command, "--help"}, fs).out)
        << command;
    ++commands;
  }
  EXPECT_GE(commands, 11u);
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

// The synopsis at the top of docs/commands.md names every option of every command's --help.
TEST(Docs, SynopsisListsEveryOption) {
  const std::string page = ReadSource("docs/commands.md");
  const std::size_t start = page.find("```text\nperfgate check");
  ASSERT_NE(start, std::string::npos);
  const std::string synopsis = page.substr(start, page.find("```\n", start + 8) - start);
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
