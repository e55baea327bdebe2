// `perfgate record` as CI runs it: the real binary, a wrapped command sending what real
// SDKs sent (tests/data/record/) with curl to the endpoint record gave it, SIGTERM ending a
// recording without a command, and the usage errors; then `check` on two recordings.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "tests/fakes/shell.h"
#include "tests/fakes/test_files.h"

namespace perfgate {
namespace {

// `text` as one single-quoted shell word.
std::string ShellQuoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? "'\\''" : std::string(1, c);
  return quoted + "'";
}

const std::string kData = std::string(PERFGATE_SOURCE_DIR) + "/tests/data/record/";
const std::string kBinary = PERFGATE_BINARY;

// A shell command posting fixture `file` to the recorder the environment names.
std::string PostFixture(const std::string& file, const std::string& type,
                        const std::string& encoding = "") {
  return "curl -s -o /dev/null -X POST -H 'Content-Type: " + type + "' " +
         (encoding.empty() ? "" : "-H 'Content-Encoding: " + encoding + "' ") + "--data-binary @" +
         kData + file + " \"$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces\"";
}

TEST(Record, WrapsACommandAndWritesWhatItsSdkSent) {
  Scratch scratch("record");
  const std::string out = scratch.path() + "/main.otlp.jsonl";
  const std::string script =
      PostFixture("otel-proto-0.body", "application/x-protobuf") + " && " +
      PostFixture("otel-proto-gzip-1.body", "application/x-protobuf", "gzip") + " && " +
      // What the command was given: the endpoint, and the protocol unless it set one.
      "test \"$OTEL_EXPORTER_OTLP_PROTOCOL\" = http/protobuf && "
      "test \"$OTEL_EXPORTER_OTLP_TRACES_ENDPOINT\" = \"$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces\"";
  auto [status, output] = Shell(kBinary + " record -o " + out +
                                " --listen 127.0.0.1:0 --grace 1s -- sh -c " + ShellQuoted(script));
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("perfgate record: listening on http://127.0.0.1:"), std::string::npos)
      << output;
  EXPECT_NE(output.find("perfgate record: 48 spans (16 without a parent) in 2 requests from "
                        "analyzer 1.4.0: 48 spans; wrote " +
                        out + "\n"),
            std::string::npos)
      << output;
  const std::string recorded = Slurp(out);
  EXPECT_EQ(std::count(recorded.begin(), recorded.end(), '\n'), 2);
  auto [stats_status, stats] = Shell(kBinary + " stats " + out);
  EXPECT_EQ(stats_status, 0) << stats;
  EXPECT_NE(stats.find("POST /api/analyze      16"), std::string::npos) << stats;
}

TEST(Record, ACommandThatFailsGivesItsStatusAndStillWritesTheRecording) {
  Scratch scratch("record");
  const std::string out = scratch.path() + "/pr.otlp.jsonl";
  auto [status, output] =
      Shell(kBinary + " record -o " + out + " --listen 127.0.0.1:0 -- sh -c " +
            ShellQuoted(PostFixture("otel-proto-0.body", "application/x-protobuf") + "; exit 7"));
  EXPECT_EQ(status, 7) << output;
  EXPECT_NE(output.find("perfgate record: the command exited with status 7"), std::string::npos)
      << output;
  EXPECT_TRUE(Exists(out));
}

TEST(Record, NothingRecordedIsAnErrorAndNoFile) {
  Scratch scratch("record");
  const std::string out = scratch.path() + "/empty.otlp.jsonl";
  auto [status, output] = Shell(kBinary + " record -o " + out + " --listen 127.0.0.1:0 -- true");
  EXPECT_EQ(status, 2) << output;
  EXPECT_NE(output.find("perfgate: error: nothing was recorded: no SDK sent spans to "
                        "http://127.0.0.1:"),
            std::string::npos)
      << output;
  EXPECT_FALSE(Exists(out));
  auto [listed, files] = Shell("ls -A " + scratch.path());
  EXPECT_EQ(files, "");  // no temporary file left either
}

TEST(Record, WithoutACommandSigtermEndsTheRecordingWhole) {
  Scratch scratch("record");
  const std::string dir = scratch.path();
  const std::string script =
      kBinary + " record -o " + dir + "/run.otlp.jsonl --listen 127.0.0.1:0 2>" + dir +
      "/log & pid=$!\n"
      "for i in $(seq 100); do grep -q listening " +
      dir +
      "/log && break; sleep 0.05; done\n"
      "OTEL_EXPORTER_OTLP_ENDPOINT=$(sed -n 's/.*listening on \\(http[^ ]*\\).*/\\1/p' " +
      dir + "/log)\n" + PostFixture("otel-json-2.body", "application/json") + "\n" +
      PostFixture("otel-proto-0.body", "application/x-protobuf") +
      "\nkill -TERM $pid; wait $pid; echo \"exit=$?\"; cat " + dir + "/log\n";
  auto [status, output] = Shell("sh -c " + ShellQuoted(script));
  EXPECT_NE(output.find("exit=0"), std::string::npos) << output;
  EXPECT_NE(output.find("48 spans (16 without a parent) in 2 requests"), std::string::npos)
      << output;
  const std::string recorded = Slurp(dir + "/run.otlp.jsonl");
  EXPECT_EQ(std::count(recorded.begin(), recorded.end(), '\n'), 2);
}

TEST(Record, UsageErrorsSayWhatToWrite) {
  auto [bad_name, named] = Shell(kBinary + " record -o out.json -- true");
  EXPECT_EQ(bad_name, 2);
  EXPECT_NE(named.find("perfgate: error: out.json: a recording is written as OTLP/JSON lines; "
                       "name it *.otlp.jsonl"),
            std::string::npos)
      << named;
  auto [bad_listen, listen] = Shell(kBinary + " record -o a.otlp.jsonl --listen 4318");
  EXPECT_EQ(bad_listen, 2);
  EXPECT_NE(listen.find("--listen must be HOST:PORT (127.0.0.1:4318, [::1]:4318), not '4318'"),
            std::string::npos)
      << listen;
  auto [no_command, dashes] = Shell(kBinary + " record -o a.otlp.jsonl --");
  EXPECT_EQ(no_command, 2);
  EXPECT_NE(dashes.find("-- must be followed by a command to run"), std::string::npos) << dashes;
  auto [missing, missing_output] =
      Shell(kBinary +
            " record -o /tmp/perfgate-never.otlp.jsonl --listen 127.0.0.1:0 -- "
            "/nonexistent/command");
  EXPECT_EQ(missing, 2);
  EXPECT_NE(missing_output.find("cannot run '/nonexistent/command': No such file or directory"),
            std::string::npos)
      << missing_output;
}

}  // namespace
}  // namespace perfgate
