// Malformed input of every kind through the whole CLI: samples in each format, configs,
// and files that are not files (a directory, a FIFO, /dev/zero). Each is exit code 2 with the
// exact message, naming the file (and line and column where there is one), and no report.
// With tests/fetch/files/bad_input_test.cc (the readers' own messages) over 60 inputs.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "tests/fakes/cli_runner.h"

namespace perfgate {
namespace {

struct Case {
  std::string path;      // the file given as samples (or as the config, for .yaml)
  std::string contents;  // its bytes
  std::string message;   // what follows "perfgate: error: "
  // The message ends in a library's words, which its versions vary (yaml-cpp 0.8 names the
  // undefined anchor, 0.7 does not): only the start is pinned.
  bool library_worded = false;
};

std::string Repeat(const std::string& text, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += text;
  return out;
}

const std::string kEvent = "{\"transaction\":\"a\",\"duration_ms\":5}\n";

std::vector<Case> Cases() {
  std::string wide;
  for (int i = 0; i < 1001; ++i) wide += "c" + std::to_string(i) + ",";
  std::string names = "transaction,duration_ms\n";
  for (int i = 0; i <= 100'000; ++i) names += "GET /users/" + std::to_string(i) + ",5\n";
  return {
      // NDJSON
      {"empty.ndjson", "", "empty.ndjson: no samples (the input has no rows)"},
      {"nul.ndjson", kEvent + std::string("\0\0\n", 3),
       "nul.ndjson:2:1: invalid JSON: syntax error"},
      {"nan.ndjson", "{\"transaction\":\"a\",\"duration_ms\":NaN}\n",
       "nan.ndjson:1:34: invalid JSON: syntax error"},
      {"nanstring.ndjson", "{\"transaction\":\"a\",\"duration_ms\":\"NaN\"}\n",
       "nanstring.ndjson:1: duration_ms must be a number, not a string: \"NaN\""},
      {"infinite.ndjson", "{\"duration_ms\":1e999}\n",
       "infinite.ndjson:1: duration_ms is not a finite number: \"1e999\""},
      {"negative.ndjson", "{\"duration_ms\":-1e-300}\n",
       "negative.ndjson:1: duration_ms is negative: -1e-300"},
      {"duplicate.ndjson", "{\"transaction\":\"a\",\"duration_ms\":5,\"duration_ms\":6}\n",
       "duplicate.ndjson:1: two durations in one row: duration_ms and duration_ms"},
      {"truncated.ndjson", "{\"transaction\":\"a\",\"duration_ms\":5",
       "truncated.ndjson:1:35: invalid JSON: incomplete JSON"},
      {"array.ndjson", "[" + kEvent.substr(0, kEvent.size() - 1) + "]\n",
       "array.ndjson:1: expected one JSON object per line, got an array"},
      {"deep.ndjson", "{\"duration_ms\":5,\"x\":" + Repeat("[", 100) + Repeat("]", 100) + "}\n",
       "deep.ndjson:1:53: invalid JSON: too deep"},
      {"long.ndjson", "{\"transaction\":\"" + std::string(1 << 20, 'x') + "\",\"duration_ms\":5}\n",
       "long.ndjson:1: a line of 1048610 bytes, longer than the 1048576 an event may take"},
      {"utf8.ndjson", "{\"transaction\":\"\xC0\xAF\",\"duration_ms\":5}\n",
       "utf8.ndjson:1:17: invalid JSON: syntax error"},
      {"type.ndjson", "{\"transaction\":[1],\"duration_ms\":5}\n",
       "type.ndjson:1: transaction must not be an array"},
      // CSV
      {"header.csv", "transaction;duration_ms\na;5\n",
       "header.csv:1: no duration column: the header needs one of duration_ms, "
       "transaction.duration, span.duration; it has 1 column: transaction;duration_ms (perfgate "
       "reads comma-separated values: is the file split by ';', tabs or '|'?)"},
      {"nul.csv", std::string("transaction,duration_ms\na,5\0\n", 29),
       "nul.csv:2: duration_ms is not a number: \"5\xEF\xBF\xBD\""},
      {"escape.csv", "transaction,duration_ms\na,\x1b[2J\n",
       "escape.csv:2: duration_ms is not a number: \"\xEF\xBF\xBD[2J\""},
      {"unit.csv", "transaction,duration_ms\na,5 ms\n",
       "unit.csv:2: duration_ms is not a number: \"5 ms\""},
      {"hex.csv", "transaction,duration_ms\na,0x10\n",
       "hex.csv:2: duration_ms is not a number: \"0x10\""},
      {"unclosed.csv", "transaction,duration_ms\n\"a,5\n",
       "unclosed.csv:2: unterminated quoted field (opened at line 2, column 1)"},
      {"runaway.csv", "transaction,duration_ms\n\"a" + Repeat("x,5\n", 300'000),
       "runaway.csv:2: a record longer than 1048576 bytes (an event is far smaller; an unclosed "
       "quote?)"},
      {"wide.csv", wide + "duration_ms\n", "wide.csv:1: more than 1000 fields"},
      {"names.csv", names,
       "names.csv: 100001 distinct transaction names, more than the 100000 perfgate judges; "
       "names with ids in them need parameterising (/users/123 as /users/{id}), as Sentry does"},
      // Saved Sentry pages
      {"page.json", "{\"data\":[{\"transaction\":\"a\",\"transaction.duration\":5}],\"meta\":{}",
       "page.json:1:65: invalid JSON: incomplete JSON"},
      {"empty.json", "[]", "empty.json: no samples (the input has no rows)"},
      {"meta.json", "{\"meta\":{\"fields\":{}}}",
       "meta.json: expected a Sentry events page {\"data\": [...]} or an array of events, got an "
       "object without \"data\""},
      // OTLP
      {"id.otlp.jsonl",
       "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"zz\",\"spanId\":\"01\","
       "\"name\":\"a\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\"}]}]}]}\n",
       "id.otlp.jsonl:1: resourceSpans[0].scopeSpans[0].spans[0]: traceId 'zz' is neither hex nor "
       "base64 of 16 bytes"},
      {"backwards.otlp.jsonl",
       "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":"
       "\"0123456789abcdef0123456789abcdef\",\"spanId\":\"0123456789abcdef\",\"name\":\"a\","
       "\"startTimeUnixNano\":\"5\",\"endTimeUnixNano\":\"2\"}]}]}]}\n",
       "backwards.otlp.jsonl:1: resourceSpans[0].scopeSpans[0].spans[0]: endTimeUnixNano is before "
       "startTimeUnixNano"},
      {"none.otlp.jsonl", "{\"resourceSpans\":[]}\n",
       "none.otlp.jsonl: no transactions: no spans in the input"},
      // Configs
      {"empty.yaml", "", "empty.yaml: the config is empty; it needs at least 'rules'"},
      {"twice.yaml", "rules:\n  - metric: p95\n    max: 1s\n    max: 2s\n",
       "twice.yaml:4:5: 'max' is given twice"},
      {"type.yaml", "rules: 5\n", "type.yaml:1:8: rules must be a list (items starting with '- ')"},
      {"metric.yaml", "rules:\n  - metric: p101\n    max: 1s\n",
       "metric.yaml:2:13: unknown metric 'p101': a percentile is p followed by a number in (0, "
       "100]"},
      {"unit.yaml", "rules:\n  - metric: p95\n    max: 5 parsecs\n",
       "unit.yaml:3:10: max has unknown unit 'parsecs' for a duration (use ms, s, m, h or d)"},
      {"negative.yaml", "rules:\n  - metric: p95\n    max: -5ms\n",
       "negative.yaml:3:10: max must not be negative, not '-5ms'"},
      {"nan.yaml", "rules:\n  - metric: p95\n    max: .nan\n",
       "nan.yaml:3:10: max must be a number with an optional unit, not '.nan'"},
      {"huge.yaml", "rules:\n  - metric: p95\n    max: 1e306m\n",
       "huge.yaml:3:10: max is too large: '1e306m'"},
      {"tabs.yaml", "rules:\n\t- metric: p95\n",
       "tabs.yaml:2:2: invalid YAML: illegal block entry"},
      {"anchor.yaml", "rules: *nope\n",
       "anchor.yaml:1:8: invalid YAML: the referenced anchor is not defined", true},
      {"nul.yaml", std::string("rules:\0\n", 8),
       "nul.yaml:1:7: a control byte (0x00); a config is plain text"},
      {"deep.yaml", "rules: " + Repeat("[", 1000),
       "deep.yaml:1:72: nested more than 64 brackets deep"},
      {"version.yaml", "version: 9\nrules:\n  - metric: p95\n    max: 1s\n",
       "version.yaml:1:10: unsupported version '9'; this perfgate reads version 1"},
  };
}

// `perfgate stats FILE` for samples, `perfgate check` with `--config FILE` for configs.
CliRun RunOn(const std::string& path, FakeFileSystem& fs) {
  if (path.ends_with(".yaml")) {
    return RunPerfgate({"check", "--baseline", "examples/baseline.ndjson", "--candidate",
                        "examples/candidate.ndjson", "--config", path, "--json", "r.json"},
                       fs);
  }
  return RunPerfgate({"stats", path}, fs);
}

TEST(BadInputBattery, EveryMalformedInputIsExitTwoWithItsExactMessage) {
  std::size_t tried = 0;
  for (const Case& bad : Cases()) {
    FakeFileSystem fs = ReadingFixtures();
    fs.files[bad.path] = bad.contents;
    CliRun run = RunOn(bad.path, fs);
    EXPECT_EQ(run.exit_code, 2) << bad.path;
    const std::string expected = "perfgate: error: " + bad.message;
    if (bad.library_worded) {
      EXPECT_TRUE(run.err.starts_with(expected)) << run.err;
    } else {
      EXPECT_EQ(run.err, expected + "\n") << bad.path;
    }
    EXPECT_FALSE(fs.files.contains("r.json")) << bad.path << ": a report after an error";
    ++tried;
  }
  EXPECT_GE(tried, 40u);
}

TEST(BadInputBattery, ABomAndCrlfLineEndsAreReadNotRefused) {
  FakeFileSystem fs = ReadingFixtures();
  fs.files["bom.ndjson"] = "\xEF\xBB\xBF" + kEvent;
  fs.files["crlf.ndjson"] =
      "{\"transaction\":\"a\",\"duration_ms\":5}\r\n{\"transaction\":\"a\",\"duration_ms\":6}\r\n";
  fs.files["bom.csv"] = "\xEF\xBB\xBFtransaction,duration_ms\r\na,5\r\n";
  fs.files["bom.yaml"] = "\xEF\xBB\xBFrules:\r\n  - metric: p95\r\n    max: 1s\r\n";
  for (const char* path : {"bom.ndjson", "crlf.ndjson", "bom.csv"}) {
    CliRun run = RunPerfgate({"stats", path}, fs);
    EXPECT_EQ(run.exit_code, 0) << path << ": " << run.err;
  }
  CliRun run = RunOn("bom.yaml", fs);
  EXPECT_EQ(run.err, "");
}

TEST(BadInputBattery, FilesThatAreNotFilesAreRefusedByName) {
  char folder[] = "/tmp/perfgate-battery-XXXXXX";
  ASSERT_NE(::mkdtemp(folder), nullptr);
  const std::string dir = folder;
  FakeFileSystem fs = ReadingFixtures();
  // A directory, as samples and as the config.
  CliRun samples = RunPerfgate({"stats", dir, "--format", "ndjson"}, fs);
  EXPECT_EQ(samples.exit_code, 2);
  EXPECT_EQ(samples.err, "perfgate: error: " + dir + ": cannot read: Is a directory\n");
  // Endless devices as the config and as the token: stopped at their limits.
  CliRun config = RunPerfgate({"check", "--baseline", "examples/baseline.ndjson", "--candidate",
                               "examples/candidate.ndjson", "--config", "/dev/zero"},
                              fs);
  EXPECT_EQ(config.exit_code, 2);
  EXPECT_EQ(
      config.err,
      "perfgate: error: /dev/zero: larger than 1048576 bytes, the most read from such a file\n");
  CliRun token = RunPerfgate({"check", "--baseline", "sentry:1", "--candidate", "sentry:2",
                              "--organization", "acme", "--token-file", "/dev/zero"},
                             fs);
  EXPECT_EQ(token.exit_code, 2);
  EXPECT_EQ(
      token.err,
      "perfgate: error: /dev/zero: larger than 65536 bytes, the most read from such a file\n");
  // A FIFO: read like a pipe (process substitution), its bad line named like a file's.
  const std::string fifo = dir + "/events.ndjson";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] {
    const int fd = ::open(fifo.c_str(), O_WRONLY);
    const std::string text = kEvent + "{\"duration_ms\":\"slow\"}\n";
    EXPECT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::close(fd);
  });
  CliRun piped = RunPerfgate({"stats", fifo}, fs);
  writer.join();
  EXPECT_EQ(piped.exit_code, 2);
  EXPECT_EQ(piped.err, "perfgate: error: " + fifo +
                           ":2: duration_ms must be a number, not a string: \"slow\"\n");
  // An unreadable file (root reads everything, so only as another user).
  const std::string locked = dir + "/locked.ndjson";
  ASSERT_EQ(::close(::open(locked.c_str(), O_CREAT | O_WRONLY, 0000)), 0);
  if (::geteuid() != 0) {
    CliRun denied = RunPerfgate({"stats", locked}, fs);
    EXPECT_EQ(denied.exit_code, 2);
    EXPECT_EQ(denied.err, "perfgate: error: " + locked + ": cannot open: Permission denied\n");
  }
  std::system(("rm -rf '" + dir + "'").c_str());
}

}  // namespace
}  // namespace perfgate
