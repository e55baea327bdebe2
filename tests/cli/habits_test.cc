// The command line as people already use such tools (issue 12): durations in another unit,
// standard input, a format per side, and the hints for the mistakes new users make.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "tests/fakes/cli_runner.h"
#include "tests/fakes/shell.h"

namespace perfgate {
namespace {

// What `perfgate stats --json` says of the groups, without the source's name.
std::string Groups(const std::string& json) { return json.substr(json.find("\"groups\"")); }

// Three events of one transaction, with durations written by `duration` (in ms: 100, 200,
// 300), as NDJSON.
std::string Events(double scale) {
  std::string text;
  for (int ms : {100, 200, 300}) {
    text += "{\"transaction\":\"GET /a\",\"duration_ms\":" + std::to_string(ms / scale) +
            ",\"spans.db\":" + std::to_string(ms / 2 / scale) + "}\n";
  }
  return text;
}

TEST(CliHabits, DurationUnitScalesFilesToMilliseconds) {
  FakeFileSystem fs;
  fs.files["ms.ndjson"] = Events(1);
  fs.files["s.ndjson"] = Events(1000);
  fs.files["us.ndjson"] = Events(1e-3);
  fs.files["ns.csv"] =
      "transaction,duration_ms\nGET /a,100000000\nGET /a,200000000\n"
      "GET /a,300000000\n";
  const std::string expected = RunPerfgate({"stats", "ms.ndjson", "--json"}, fs).out;
  EXPECT_NE(expected.find("\"mean_ms\": 200,"), std::string::npos) << expected;
  EXPECT_EQ(Groups(RunPerfgate({"stats", "s.ndjson", "--json", "--duration-unit", "s"}, fs).out),
            Groups(expected));
  EXPECT_EQ(Groups(RunPerfgate({"stats", "us.ndjson", "--json", "--duration-unit", "us"}, fs).out),
            Groups(expected));
  const std::string csv = RunPerfgate({"stats", "ns.csv", "--duration-unit", "ns"}, fs).out;
  EXPECT_NE(csv.find("GET /a            3  0.00 [0.00, 70.8]      200"), std::string::npos)
      << csv;  // 200 ms, in the "MEAN ms" column

  CliRun minutes = RunPerfgate({"stats", "s.ndjson", "--duration-unit", "min"}, fs);
  EXPECT_EQ(minutes.exit_code, 2);
  EXPECT_NE(minutes.err.find("--duration-unit must be one of s, ms, us, ns, not 'min'"),
            std::string::npos)
      << minutes.err;
  fs.files["t.otlp.jsonl"] = "{}\n";
  CliRun otlp = RunPerfgate({"stats", "t.otlp.jsonl", "--duration-unit", "s"}, fs);
  EXPECT_EQ(otlp.exit_code, 2);
  EXPECT_EQ(otlp.err,
            "perfgate: error: t.otlp.jsonl: --duration-unit applies to NDJSON, CSV and Sentry "
            "pages; OTLP durations come from its nanosecond timestamps\n");
}

TEST(CliHabits, ASentryPageIsReadInTheUnitsItsMetaGives) {
  FakeFileSystem fs;
  auto page = [](const std::string& duration, const std::string& unit) {
    return "{\"data\":[{\"transaction\":\"GET /a\",\"transaction.duration\":" + duration +
           ",\"spans.db\":" + duration +
           "}],\"meta\":{\"fields\":{\"transaction.duration\":"
           "\"duration\"},\"units\":{\"transaction.duration\":\"" +
           unit + "\",\"spans.db\":\"" + unit + "\",\"count\":null},\"isMetricsData\":false}}";
  };
  fs.files["ms.json"] = page("1500", "millisecond");
  fs.files["s.json"] = page("1.5", "second");
  fs.files["none.json"] =
      "{\"data\":[{\"transaction\":\"GET /a\",\"transaction.duration\":1.5,"
      "\"spans.db\":1.5}]}";
  const std::string expected = RunPerfgate({"stats", "ms.json", "--json"}, fs).out;
  EXPECT_NE(expected.find("\"mean_ms\": 1500,"), std::string::npos) << expected;
  EXPECT_EQ(Groups(RunPerfgate({"stats", "s.json", "--json"}, fs).out), Groups(expected));
  // The page's own unit wins over the flag; without one, the flag says.
  EXPECT_EQ(Groups(RunPerfgate({"stats", "s.json", "--json", "--duration-unit", "ns"}, fs).out),
            Groups(expected));
  EXPECT_EQ(Groups(RunPerfgate({"stats", "none.json", "--json", "--duration-unit", "s"}, fs).out),
            Groups(expected));
}

TEST(CliHabits, ADashReadsStandardInputAndTellsItsFormat) {
  FakeFileSystem fs;  // the fake's /dev/stdin stands for the real one
  fs.files["ms.ndjson"] = Events(1);
  const std::string expected = RunPerfgate({"stats", "ms.ndjson", "--json"}, fs).out;
  fs.files["/dev/stdin"] = Events(1);
  EXPECT_EQ(Groups(RunPerfgate({"stats", "-", "--json"}, fs).out), Groups(expected));
  fs.files["/dev/stdin"] = "transaction,duration_ms\nGET /a,100\nGET /a,200\nGET /a,300\n";
  EXPECT_EQ(Groups(RunPerfgate({"stats", "-", "--json"}, fs).out), Groups(expected));
  fs.files["/dev/stdin"] =
      "[{\"transaction\":\"GET /a\",\"transaction.duration\":100,\"spans.db\":50},"
      "{\"transaction\":\"GET /a\",\"transaction.duration\":200,\"spans.db\":100},\n"
      "{\"transaction\":\"GET /a\",\"transaction.duration\":300,\"spans.db\":150}]";
  EXPECT_EQ(Groups(RunPerfgate({"stats", "-", "--json"}, fs).out), Groups(expected));
  // A saved page on one line is a page, not one event.
  fs.files["/dev/stdin"] =
      "{\"data\":[{\"transaction\":\"GET /a\",\"transaction.duration\":100,\"spans.db\":50},"
      "{\"transaction\":\"GET /a\",\"transaction.duration\":200,\"spans.db\":100},"
      "{\"transaction\":\"GET /a\",\"transaction.duration\":300,\"spans.db\":150}]}\n";
  EXPECT_EQ(Groups(RunPerfgate({"stats", "-", "--json"}, fs).out), Groups(expected));
  fs.files["/dev/stdin"] = "";
  CliRun empty = RunPerfgate({"stats", "-"}, fs);
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_EQ(empty.err, "perfgate: error: (stdin): no samples (the input has no rows)\n");
  // One side from standard input, not both.
  fs.files["/dev/stdin"] = Events(1);
  CliRun one = RunPerfgate({"compare", "-", "ms.ndjson"}, fs);
  EXPECT_NE(one.exit_code, 2) << one.err;
  CliRun both = RunPerfgate({"compare", "-", "-"}, fs);
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_EQ(both.Errors(),
            "perfgate: error: standard input (-) can be read only once: save one side (or the "
            "OTLP file holding both) to a file\n");
}

TEST(CliHabits, TheRealBinaryReadsAPipe) {
  const std::string command = std::string("cat ") + PERFGATE_SOURCE_DIR +
                              "/examples/baseline.ndjson | " + PERFGATE_BINARY +
                              " stats - --percentiles 50";
  auto [status, out] = Shell(command);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("POST /api/checkout"), std::string::npos) << out;
}

TEST(CliHabits, AReportToADashGoesToStandardOutputAfterTheVerdict) {
  FakeFileSystem fs = ReadingFixtures();
  CliRun run = RunPerfgate({"check", "--baseline", "examples/baseline.ndjson", "--candidate",
                            "examples/candidate.ndjson", "--json", "-", "--markdown", "r.md"},
                           fs);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  const std::size_t json = run.out.find("{\n  \"schema_version\": 3");
  ASSERT_NE(json, std::string::npos) << run.out;
  EXPECT_LT(run.out.find("FAIL"), json);
  EXPECT_FALSE(fs.files.contains("-"));
  EXPECT_TRUE(fs.files.contains("r.md"));
  EXPECT_EQ(run.out.find("report to -"), std::string::npos);
}

TEST(CliHabits, EachSideMayHaveItsOwnFormat) {
  FakeFileSystem fs;
  fs.files["base.txt"] = "transaction,duration_ms\nGET /a,100\nGET /a,200\nGET /a,300\n";
  fs.files["cand.txt"] = Events(1);
  CliRun run = RunPerfgate({"compare", "base.txt", "cand.txt", "--baseline-format", "csv",
                            "--candidate-format", "ndjson"},
                           fs);
  EXPECT_EQ(run.Errors(), "") << run.err;
  CliRun one = RunPerfgate({"compare", "base.txt", "cand.txt", "--baseline-format", "csv"}, fs);
  EXPECT_EQ(one.exit_code, 2);
  EXPECT_NE(one.err.find("cand.txt: cannot tell the format from the file name"), std::string::npos)
      << one.err;
}

TEST(CliHabits, TheSameSourceOnBothSidesIsWarnedAbout) {
  FakeFileSystem fs;
  fs.files["a.ndjson"] = Events(1);
  CliRun run = RunPerfgate({"compare", "a.ndjson", "a.ndjson"}, fs);
  EXPECT_NE(run.err.find("perfgate: warning: the baseline and the candidate are the same, "
                         "a.ndjson: every change will be zero\n"),
            std::string::npos)
      << run.err;
}

TEST(CliHabits, ReportsSayEachSidesReleaseAndTimeAndSwappedSidesAreWarnedAbout) {
  FakeFileSystem fs;
  auto rows = [](const std::string& release, const std::string& day) {
    std::string text;
    for (int i = 0; i < 3; ++i) {
      text += "{\"transaction\":\"GET /a\",\"duration_ms\":" + std::to_string(100 + i) +
              ",\"release\":\"" + release + "\",\"timestamp\":\"2026-11-" + day + "T0" +
              std::to_string(i) + ":00:00Z\"}\n";
    }
    return text;
  };
  fs.files["old.ndjson"] = rows("shop@1.4.0", "10");
  fs.files["new.ndjson"] = rows("shop@1.5.0", "19");
  CliRun run = RunPerfgate({"check", "--baseline", "old.ndjson", "--candidate", "new.ndjson",
                            "--markdown", "r.md", "--json", "r.json"},
                           fs);
  EXPECT_EQ(run.Errors(), "") << run.err;
  EXPECT_NE(fs.files["r.md"].find(
                "Candidate `new.ndjson` (release shop@1.5.0, 2026-11-19 00:00 to 2026-11-19 "
                "02:00 UTC) against baseline `old.ndjson` (release shop@1.4.0, 2026-11-10 00:00 "
                "to 2026-11-10 02:00 UTC)"),
            std::string::npos)
      << fs.files["r.md"];
  EXPECT_NE(fs.files["r.json"].find("\"releases\": [{\"name\": \"shop@1.5.0\", \"events\": 3}],\n"
                                    "    \"first_event\": \"2026-11-19T00:00:00Z\",\n"
                                    "    \"last_event\": \"2026-11-19T02:00:00Z\""),
            std::string::npos)
      << fs.files["r.json"];

  CliRun swapped = RunPerfgate({"compare", "new.ndjson", "old.ndjson"}, fs);
  EXPECT_EQ(swapped.Errors(),
            "perfgate: warning: every candidate event (release shop@1.4.0, 2026-11-10 00:00 to "
            "2026-11-10 02:00 UTC) is older than every baseline event (release shop@1.5.0, "
            "2026-11-19 00:00 to 2026-11-19 02:00 UTC): are the baseline and the candidate the "
            "wrong way round?\n");
  fs.files["again.ndjson"] = rows("shop@1.4.0", "11");
  EXPECT_EQ(RunPerfgate({"compare", "old.ndjson", "again.ndjson"}, fs).Errors(),
            "perfgate: warning: both sides are release shop@1.4.0\n");
}

TEST(CliHabits, ACsvHeaderWithoutADurationShowsWhatItRead) {
  FakeFileSystem fs;
  fs.files["semi.csv"] = "transaction;duration_ms\nGET /a;100\n";
  CliRun semi = RunPerfgate({"stats", "semi.csv"}, fs);
  EXPECT_EQ(semi.exit_code, 2);
  EXPECT_EQ(semi.err,
            "perfgate: error: semi.csv:1: no duration column: the header needs one of "
            "duration_ms, transaction.duration, span.duration; it has 1 column: "
            "transaction;duration_ms (perfgate reads comma-separated values: is the file split "
            "by ';', tabs or '|'?)\n");
  fs.files["named.csv"] = "transaction,latency\nGET /a,100\n";
  EXPECT_EQ(RunPerfgate({"stats", "named.csv"}, fs).err,
            "perfgate: error: named.csv:1: no duration column: the header needs one of "
            "duration_ms, transaction.duration, span.duration; it has 2 columns: transaction, "
            "latency\n");
}

TEST(CliHabits, NdjsonSavedAsJsonIsRecognised) {
  FakeFileSystem fs;
  fs.files["events.json"] = Events(1);
  CliRun run = RunPerfgate({"stats", "events.json"}, fs);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err,
            "perfgate: error: events.json:2:1: invalid JSON: extra data; this looks like NDJSON "
            "(one event per line): pass --format ndjson\n");
  EXPECT_EQ(RunPerfgate({"stats", "events.json", "--format", "ndjson"}, fs).exit_code, 0);
}

}  // namespace
}  // namespace perfgate
