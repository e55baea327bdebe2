// Names chosen by the data, with bytes that break report formats: invalid UTF-8, ESC and NUL,
// HTML, backticks, Markdown emphasis and links. Every report stays valid in its format
// (JSON and JUnit are UTF-8, nothing raw reaches a terminal), and no data becomes markup.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/text.h"
#include "tests/fakes/cli_runner.h"

namespace perfgate {
namespace {

// Every byte of `text` is valid UTF-8 and none is a control character but newline and tab.
bool CleanDocument(const std::string& text) {
  std::string flat = text;
  for (char& c : flat) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return IsCleanText(flat);
}

TEST(HostileNames, EveryReportStaysValidAndNoNameBecomesMarkup) {
  const std::vector<std::string> names = {"GET /bad\xff\xfe utf8",
                                          "GET /esc\x1b[31mred\x1b[0m",
                                          std::string("GET /nul\0x", 10),
                                          "<script>alert(1)</script>",
                                          "GET /`tick`",
                                          "GET /**bold** _it_",
                                          "[click](https://evil.test)",
                                          "GET /over\xc0\xaflong"};
  std::string csv = "transaction,duration_ms,status\n";
  for (const std::string& name : names) {
    std::string quoted = "\"";
    for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    quoted += "\"";
    for (int i = 0; i < 200; ++i) {  // p95 is judged from 200 events
      csv += quoted + "," + std::to_string(9000 + i) + "," +
             (i % 10 == 0 ? "internal_error" : "ok") + "\n";
    }
  }
  FakeFileSystem fs = ReadingFixtures();
  fs.files["hostile.csv"] = csv;
  CliRun run =
      RunPerfgate({"check", "--baseline", "hostile.csv", "--candidate", "hostile.csv", "--json",
                   "r.json", "--junit", "r.xml", "--markdown", "r.md", "--html", "r.html"},
                  fs, {{"NO_COLOR", "1"}});
  EXPECT_EQ(run.exit_code, 1) << run.err;  // 9 s durations fail p95 <= 8000 ms
  EXPECT_TRUE(CleanDocument(run.out)) << run.out;
  EXPECT_TRUE(CleanDocument(run.err)) << run.err;
  EXPECT_NE(run.out.find("GET /esc\xEF\xBF\xBD[31mred"), std::string::npos) << run.out;
  for (const char* report : {"r.json", "r.xml", "r.md", "r.html"}) {
    EXPECT_TRUE(CleanDocument(fs.files[report])) << report;
  }
  // JSON: valid (Boost.JSON refuses invalid UTF-8), with the names as replaced.
  boost::json::value json = boost::json::parse(fs.files["r.json"]);
  EXPECT_NE(fs.files["r.json"].find("GET /bad\xEF\xBF\xBD\xEF\xBF\xBD utf8"), std::string::npos);
  EXPECT_NE(fs.files["r.json"].find("GET /nul\xEF\xBF\xBDx"), std::string::npos);
  // JUnit and HTML: the script is text, never an element.
  for (const char* report : {"r.xml", "r.html"}) {
    EXPECT_EQ(fs.files[report].find("<script>alert"), std::string::npos) << report;
    EXPECT_NE(fs.files[report].find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos)
        << report;
  }
  // Markdown: names are code spans (a name with backticks inside a longer fence), and the
  // prose around them escapes what Markdown or HTML would read.
  const std::string& md = fs.files["r.md"];
  for (std::size_t at = md.find("<script>"); at != std::string::npos;
       at = md.find("<script>", at + 1))
    EXPECT_EQ(md[at - 1], '`') << "raw HTML at " << at << ":\n" << md;
  EXPECT_NE(md.find("`` GET /`tick` ``"), std::string::npos) << md;
  EXPECT_NE(md.find("`<script>alert(1)</script>`"), std::string::npos) << md;
  EXPECT_NE(md.find("`[click](https://evil.test)`"), std::string::npos) << md;
  EXPECT_NE(md.find("`GET /**bold** _it_`"), std::string::npos) << md;
}

}  // namespace
}  // namespace perfgate
