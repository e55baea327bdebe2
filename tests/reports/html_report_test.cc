// The HTML page, rendered and looked at by a real browser: Debian's Chromium, headless,
// started by the test (installed by scripts/setup.sh).
#include "reports/html_report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gate/thresholds_parser.h"
#include "tests/reports/report_fixture.h"

namespace perfgate::reports {
namespace {

// Runs `command`, returning its exit status and what it printed on stdout.
std::pair<int, std::string> RunCommand(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  char buffer[4096];
  while (std::size_t got = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, got);
  return {pclose(pipe), output};
}

// A profile folder per process: two browsers on one profile (ctest -j runs the browser
// tests at once) make the second exit at once, the profile being locked. Removed when the
// process ends.
const std::string& ProfileFolder() {
  static const struct Profile {
    std::string path = ::testing::TempDir() + "perfgate-chromium-" + std::to_string(::getpid());
    ~Profile() { std::system(("rm -rf '" + path + "'").c_str()); }
  } profile;
  return profile.path;
}

// How many times `needle` occurs in `text`.
std::size_t Count(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

// The svg element of `html` labelled `label` (an aria-label's start), from its label to its
// end; empty, and a failure, when there is none.
std::string ChartOf(const std::string& html, const std::string& label) {
  const std::size_t at = html.find("aria-label=\"" + label);
  if (at == std::string::npos) {
    ADD_FAILURE() << "no chart labelled " << label;
    return "";
  }
  return html.substr(at, html.find("</svg>", at) - at);
}

std::string Chromium(const std::string& arguments) {
  // The flags Debian's Chromium needs as root in a sandboxed machine without a network.
  return "chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
         "--disable-background-networking --disable-component-update --disable-sync "
         "--hide-scrollbars --user-data-dir=" +
         ProfileFolder() + " " + arguments + " 2>/dev/null";
}

// Why the browser tests cannot run here, or empty when they can. scripts/setup.sh installs
// Debian's chromium; Ubuntu's is a snap that does not run in containers, so there (and only
// there: on Debian a missing browser is a failure) the tests are skipped, saying why.
std::string NoBrowserReason() {
  if (std::system("command -v chromium >/dev/null 2>&1") == 0) return "";
  std::ifstream release("/etc/os-release");
  const std::string text((std::istreambuf_iterator<char>(release)),
                         std::istreambuf_iterator<char>());
  if (text.find("\nID=debian") != std::string::npos || text.starts_with("ID=debian")) return "";
  return "no chromium on PATH (not Debian: scripts/setup.sh installs none)";
}

// The PNG bytes of `page` as Chromium draws it at `size` ("W,H"); empty when it failed.
std::string Screenshot(const std::string& page, const std::string& shot, const std::string& size) {
  std::remove(shot.c_str());
  auto [status, ignored] =
      RunCommand(Chromium("--window-size=" + size + " --screenshot=" + shot + " file://" + page));
  EXPECT_EQ(status, 0);
  std::ifstream png(shot, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(png)), std::istreambuf_iterator<char>());
}

TEST(HtmlReport, IsSelfContainedAndDeterministic) {
  std::string html = RenderHtml(ExampleResult());
  EXPECT_EQ(html, RenderHtml(ExampleResult()));
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));  // no external assets
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  // Six transactions, each with its latency, density, timeline and error-rate charts.
  for (const char* chart :
       {"aria-label=\"latency percentiles of ", "aria-label=\"share of events by duration",
        "over each release&apos;s time\"", "aria-label=\"other metrics of "}) {
    EXPECT_EQ(Count(html, chart), 6u) << chart;
  }
  EXPECT_EQ(Count(html, "<svg"), 24u);
}

TEST(HtmlReport, LoadsInHeadlessChromiumAndRendersAScreenshot) {
  if (const std::string why = NoBrowserReason(); !why.empty()) GTEST_SKIP() << why;
  const std::string page = ::testing::TempDir() + "perfgate-report.html";
  const std::string shot = ::testing::TempDir() + "perfgate-report.png";
  std::ofstream(page) << RenderHtml(ExampleResult());
  std::remove(shot.c_str());

  // The browser parses the whole page: the DOM it dumps ends with the footer.
  auto [dom_status, dom] = RunCommand(Chromium("--dump-dom file://" + page));
  ASSERT_EQ(dom_status, 0)
      << "chromium --dump-dom failed; is Debian's chromium installed (scripts/setup.sh)?";
  EXPECT_NE(dom.find("<title>perfgate: FAIL"), std::string::npos);
  EXPECT_NE(dom.find("POST /api/reports/export"), std::string::npos);
  EXPECT_NE(dom.find("</footer>"), std::string::npos);
  EXPECT_NE(dom.find("<polyline"), std::string::npos);

  const std::string bytes = Screenshot(page, shot, "1200,2600");
  ASSERT_GT(bytes.size(), 50000u) << "a screenshot of a full page is larger than this";
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
}

TEST(HtmlReport, ExplainsWithAChartChromiumDrawsAndLinksTheTraces) {
  if (const std::string why = NoBrowserReason(); !why.empty()) GTEST_SKIP() << why;
  const std::string html = RenderHtml(TracesExampleResult());
  const std::size_t why = html.find("<h4>Why it is slower</h4>");
  ASSERT_NE(why, std::string::npos);
  EXPECT_NE(html.find("aria-label=\"mean time per request by cause", why), std::string::npos);
  EXPECT_NE(html.find("<li>ai.embed &quot;batch-embed&quot;: ", why), std::string::npos);
  EXPECT_NE(html.find("<a href=\"http://localhost:16686/trace/", why), std::string::npos);
  // One explanation: the feedback endpoint failed on errors only.
  EXPECT_EQ(html.find("<h4>Why it is slower</h4>", why + 1), std::string::npos);

  const std::string page = ::testing::TempDir() + "perfgate-traces.html";
  const std::string shot = ::testing::TempDir() + "perfgate-traces.png";
  std::ofstream(page) << html;
  std::remove(shot.c_str());
  auto [dom_status, dom] = RunCommand(Chromium("--dump-dom file://" + page));
  ASSERT_EQ(dom_status, 0);
  EXPECT_NE(dom.find("change per request"), std::string::npos);
  EXPECT_NE(dom.find("</footer>"), std::string::npos);
  EXPECT_GT(Screenshot(page, shot, "1200,2400").size(), 50000u);
}

TEST(HtmlReport, DrawsErrorRatesDurationsOverTimeDensitiesAndSpansAsChromiumShows) {
  if (const std::string why = NoBrowserReason(); !why.empty()) GTEST_SKIP() << why;
  const std::string html = RenderHtml(TracesExampleResult());
  // The feedback endpoint failed on its error rate: its chart has both sides' intervals
  // and the 1 % limit.
  const std::string errors = ChartOf(html, "other metrics of POST /api/feedback\"");
  ASSERT_FALSE(errors.empty());
  EXPECT_NE(errors.find(">error rate</text>"), std::string::npos) << errors;
  EXPECT_NE(errors.find("<title>candidate 4.20 %</title>"), std::string::npos) << errors;
  EXPECT_NE(errors.find("<title>baseline 0.20 %</title>"), std::string::npos) << errors;
  EXPECT_NE(errors.find("stroke-dasharray=\"3 2\""), std::string::npos) << errors;  // the limit
  EXPECT_EQ(Count(errors, "stroke-width=\"2\"/>"), 2u) << errors;                   // two intervals
  // Each release's p50 and p95 over its window, with the traffic of each stretch.
  const std::size_t timeline = html.find("p50 and p95 of POST /api/analyze over each release");
  ASSERT_NE(timeline, std::string::npos);
  EXPECT_NE(html.find(" events, ", timeline), std::string::npos);
  EXPECT_EQ(html.find("nan"), std::string::npos);  // stretches without events say no p50
  EXPECT_NE(html.find("2025-12-01 14:40 to 14:53", timeline), std::string::npos);
  // The slowest candidate request's spans beside a baseline request's.
  const std::string spans = ChartOf(html, "the spans of the slowest candidate request");
  ASSERT_FALSE(spans.empty());
  EXPECT_NE(spans.find(">candidate, 12447 ms (p100)</text>"), std::string::npos) << spans;
  EXPECT_NE(spans.find(">ai.embed batch-embed</text>"), std::string::npos) << spans;
  EXPECT_NE(spans.find(">baseline, "), std::string::npos) << spans;

  const std::string page = ::testing::TempDir() + "perfgate-pictures.html";
  const std::string shot = ::testing::TempDir() + "perfgate-pictures.png";
  std::ofstream(page) << html;
  auto [dom_status, dom] = RunCommand(Chromium("--dump-dom file://" + page));
  ASSERT_EQ(dom_status, 0);
  EXPECT_NE(dom.find("the spans of the slowest candidate request"), std::string::npos);
  EXPECT_GT(Screenshot(page, shot, "1200,4000").size(), 50000u);
}

TEST(HtmlReport, DrawsWebVitalsInGooglesBandsAsChromiumShows) {
  if (const std::string why = NoBrowserReason(); !why.empty()) GTEST_SKIP() << why;
  const std::string html = RenderHtml(JudgeExample("examples/frontend/baseline.ndjson",
                                                   "examples/frontend/candidate.ndjson", {},
                                                   "examples/frontend/thresholds.yaml"));
  const std::string svg = ChartOf(html, "other metrics of /product/[id]\"");
  ASSERT_FALSE(svg.empty());
  // LCP's row: Google's three bands, then the regressed candidate in the colour of a failure.
  EXPECT_NE(svg.find("fill=\"#dafbe1\""), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#ffebe9\""), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#cf222e\"><title>candidate 3350 ms</title>"), std::string::npos)
      << svg;
  EXPECT_NE(svg.find(">apdex(3000ms)</text>"), std::string::npos);

  const std::string page = ::testing::TempDir() + "perfgate-frontend.html";
  const std::string shot = ::testing::TempDir() + "perfgate-frontend.png";
  std::ofstream(page) << html;
  std::remove(shot.c_str());
  auto [dom_status, dom] = RunCommand(Chromium("--dump-dom file://" + page));
  ASSERT_EQ(dom_status, 0);
  EXPECT_NE(dom.find("other metrics of /product/[id]"), std::string::npos);
  EXPECT_GT(Screenshot(page, shot, "1200,2400").size(), 50000u);
}

TEST(HtmlReport, StaysSmallForThousandsOfTransactions) {
  // 10,000 transactions with times: 50 failing (charted first), the rest passing; charts
  // (latency, density, timeline, error rate) for at most 100 of them, a compact row for
  // each other one up to 2,000.
  SampleSetBuilder base, cand;
  for (int t = 0; t < 10000; ++t) {
    const std::string name = "GET /api/resource-" + std::to_string(t);
    for (int i = 0; i < 60; ++i) {
      base.Add(name, 100 + i, false);
      base.NoteOrigin("1.0", 1.7e9 + 60 * i);
      cand.Add(name, (t < 50 ? 9000 : 100) + i, false);
      cand.NoteOrigin("1.1", 1.8e9 + 60 * i);
    }
  }
  gate::Thresholds config = gate::DefaultThresholds();
  config.resamples = 200;
  const std::string html = RenderHtml(
      {gate::Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"),
                      {std::chrono::year{2026}, std::chrono::month{1}, std::chrono::day{1}}),
       {}});
  EXPECT_LT(html.size(), 5'000'000u);
  EXPECT_EQ(Count(html, "<article"), 100u);
  EXPECT_EQ(Count(html, "over each release&apos;s time\""), 100u);
  EXPECT_NE(html.find("<h2>9900 more transactions</h2>"), std::string::npos);
  // A row for each of the first 2,000 of them, then one line for the rest.
  EXPECT_NE(html.find("&#8230; and 7900 more: every transaction is in the JSON report"),
            std::string::npos);
  // The failing ones are among the charted: the first article is a failure.
  EXPECT_LT(html.find("<article class=\"fail\""), html.find("<article class=\"pass\""));
}

}  // namespace
}  // namespace perfgate::reports
