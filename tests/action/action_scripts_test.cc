// The GitHub action's shell scripts (scripts/action/), run as the action runs them, against
// a fake GitHub REST API on 127.0.0.1: the pull-request comment posted once and updated in
// place, the gate step's outputs, inputs that cannot run code, and action.yml itself.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>

#include <boost/json.hpp>

#include "tests/fakes/fake_sentry_server.h"
#include "tests/fakes/shell.h"

namespace perfgate {
namespace {

namespace json = boost::json;

constexpr const char* kToken = "ghs_secret_token_for_tests";

struct Ran {
  int status = -1;
  std::string output;  // stdout and stderr
};

// Runs `script` of scripts/action/ with exactly `vars` as its environment (and PATH).
Ran RunScript(const std::string& script, const std::map<std::string, std::string>& vars) {
  std::string command = "env -i PATH=/usr/local/bin:/usr/bin:/bin";
  for (const auto& [name, value] : vars) {
    std::string quoted = "'";
    for (char c : value) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    command += " " + name + "=" + quoted + "'";
  }
  command += " bash " + std::string(PERFGATE_SOURCE_DIR) + "/scripts/action/" + script;
  auto [status, output] = Shell(command);
  return {status, output};
}

// A file in the temporary folder; ctest runs tests in parallel processes, so each has its own.
std::string Temp(const std::string& name, const std::string& text) {
  const std::string path =
      ::testing::TempDir() + "perfgate-action-" + std::to_string(getpid()) + "-" + name;
  std::ofstream(path) << text;
  return path;
}

// GitHub's issue-comments API for one repository, in memory: list (100 a page), create,
// update; 401 without the token; `forbid_writes` answers writes 403, as for a fork.
class FakeGitHub {
 public:
  explicit FakeGitHub(int others = 0) {
    for (int i = 0; i < others; ++i) comments_.push_back({next_id_++, "LGTM " + std::to_string(i)});
  }
  FakeSentryServer::Handler Handler() {
    return [this](const FakeSentryServer::Request& request) { return Answer(request); };
  }
  std::vector<std::pair<long, std::string>> comments() {
    std::lock_guard lock(mutex_);
    return comments_;
  }
  bool forbid_writes = false;
  bool html_page = false;  // a proxy's page where the list of comments should be

 private:
  FakeSentryServer::Reply Answer(const FakeSentryServer::Request& request) {
    std::lock_guard lock(mutex_);
    if (request.authorization != std::string("Bearer ") + kToken)
      return {401, {}, R"({"message":"Bad credentials"})"};
    const std::string list = "/repos/acme/shop/issues/7/comments";
    const std::string path = request.target.substr(0, request.target.find('?'));
    if (request.method == "GET" && path == list && html_page)
      return {200, {}, "<html>proxy</html>"};
    if (request.method == "GET" && path == list) {
      const std::size_t page = std::stoul(QueryParameter(request.target, "page"));
      json::array items;
      for (std::size_t i = (page - 1) * 100; i < comments_.size() && i < page * 100; ++i)
        items.push_back(json::object{{"id", comments_[i].first}, {"body", comments_[i].second}});
      return {200, {}, json::serialize(items)};
    }
    if (forbid_writes) return {403, {}, R"({"message":"Resource not accessible by integration"})"};
    if (request.method == "POST" && path == list) {
      comments_.push_back({next_id_++, BodyOf(request)});
      return {201, {}, json::serialize(json::object{{"id", comments_.back().first}})};
    }
    const std::string one = "/repos/acme/shop/issues/comments/";
    if (request.method == "PATCH" && path.starts_with(one)) {
      const long id = std::stol(path.substr(one.size()));
      for (auto& [known, body] : comments_) {
        if (known == id) {
          body = BodyOf(request);
          return {200, {}, "{}"};
        }
      }
    }
    return {404, {}, R"({"message":"Not Found"})"};
  }
  static std::string BodyOf(const FakeSentryServer::Request& request) {
    return json::value_to<std::string>(json::parse(request.body).at("body"));
  }

  std::mutex mutex_;
  std::vector<std::pair<long, std::string>> comments_;
  long next_id_ = 1000;
};

std::map<std::string, std::string> CommentEnv(const FakeSentryServer& server,
                                              const std::string& report) {
  return {{"GITHUB_TOKEN", kToken},
          {"GITHUB_API_URL", server.url()},
          {"GITHUB_REPOSITORY", "acme/shop"},
          {"GITHUB_EVENT_PATH", Temp("event.json", R"({"pull_request":{"number":7}})")},
          {"REPORT", Temp("report.md", report)}};
}

TEST(ActionComment, PostsOnceThenUpdatesTheSameCommentPastAPageOfOthers) {
  FakeGitHub github(150);  // the marker must be found on the second page
  FakeSentryServer server(github.Handler());
  Ran first = RunScript("comment.sh", CommentEnv(server, "## ❌ perfgate: FAIL\n"));
  EXPECT_EQ(first.status, 0) << first.output;
  EXPECT_EQ(first.output, "perfgate: posted the report as a comment on pull request #7\n");
  ASSERT_EQ(github.comments().size(), 151u);
  EXPECT_EQ(github.comments().back().second, "<!-- perfgate-report -->\n## ❌ perfgate: FAIL");

  Ran second = RunScript("comment.sh", CommentEnv(server, "## ✅ perfgate: PASS\n"));
  EXPECT_EQ(second.status, 0) << second.output;
  EXPECT_EQ(second.output, "perfgate: updated the report comment on pull request #7\n");
  ASSERT_EQ(github.comments().size(), 151u);
  EXPECT_EQ(github.comments().back().second, "<!-- perfgate-report -->\n## ✅ perfgate: PASS");

  // A second gate in the workflow keeps a comment of its own.
  auto env = CommentEnv(server, "## ✅ perfgate: PASS (api)\n");
  env["MARKER_ID"] = "api";
  EXPECT_EQ(RunScript("comment.sh", env).status, 0);
  ASSERT_EQ(github.comments().size(), 152u);
  EXPECT_TRUE(github.comments().back().second.starts_with("<!-- perfgate-report api -->\n"));
  for (const FakeSentryServer::Request& request : server.requests())
    EXPECT_EQ(request.target.find(kToken), std::string::npos);
  EXPECT_EQ(first.output.find(kToken), std::string::npos);
}

TEST(ActionComment, CutsAReportLongerThanACommentHolds) {
  FakeGitHub github;
  FakeSentryServer server(github.Handler());
  EXPECT_EQ(RunScript("comment.sh", CommentEnv(server, std::string(70000, 'x'))).status, 0);
  ASSERT_EQ(github.comments().size(), 1u);
  const std::string body = github.comments()[0].second;
  EXPECT_LT(body.size(), 65536u);
  EXPECT_NE(body.find("(cut: the report is 70000 characters"), std::string::npos);
}

TEST(ActionComment, OutsideAPullRequestOrWithoutRightsItSaysSoAndLeavesTheVerdictAlone) {
  FakeGitHub github;
  FakeSentryServer server(github.Handler());
  auto push = CommentEnv(server, "report");
  push["GITHUB_EVENT_PATH"] = Temp("push.json", R"({"ref":"refs/heads/main"})");
  Ran skipped = RunScript("comment.sh", push);
  EXPECT_EQ(skipped.status, 0);
  EXPECT_EQ(skipped.output, "perfgate: not a pull request event: no comment posted\n");
  EXPECT_TRUE(server.requests().empty());

  github.forbid_writes = true;  // a pull request from a fork
  Ran fork = RunScript("comment.sh", CommentEnv(server, "report"));
  EXPECT_EQ(fork.status, 0);
  EXPECT_EQ(fork.output,
            "::warning title=perfgate comment::cannot comment on pull request #7 (HTTP 403); a "
            "pull request from a fork gets a read-only token\n");
  github.html_page = true;
  EXPECT_EQ(RunScript("comment.sh", CommentEnv(server, "report")).output,
            "::warning title=perfgate comment::the pull request's comments are not a JSON list: "
            "a proxy's page?\n");
  github.html_page = false;
  auto wrong = CommentEnv(server, "report");
  wrong["GITHUB_TOKEN"] = "wrong";
  EXPECT_EQ(RunScript("comment.sh", wrong).output,
            "::warning title=perfgate comment::cannot read the pull request's comments (HTTP "
            "401)\n");
}

// The gate step with the real binary, inputs from the environment.
std::map<std::string, std::string> GateEnv(const std::string& outputs) {
  return {{"PERFGATE", PERFGATE_BINARY},
          {"INPUT_CONFIG", std::string(PERFGATE_SOURCE_DIR) + "/thresholds.yaml"},
          {"INPUT_BASELINE", std::string(PERFGATE_SOURCE_DIR) + "/examples/baseline.ndjson"},
          {"INPUT_CANDIDATE", std::string(PERFGATE_SOURCE_DIR) + "/examples/candidate.ndjson"},
          {"INPUT_MARKDOWN", Temp("report.md", "")},
          {"INPUT_JUNIT", Temp("junit.xml", "")},
          {"GITHUB_ACTIONS", "true"},
          {"GITHUB_OUTPUT", Temp(outputs, "")},
          {"GITHUB_STEP_SUMMARY", Temp(outputs + ".summary", "")}};
}

TEST(ActionGate, WritesTheOutputsAndLeavesTheExitCodeToTheLastStep) {
  auto env = GateEnv("outputs");
  Ran ran = RunScript("run.sh", env);
  EXPECT_EQ(ran.status, 0) << ran.output;
  EXPECT_NE(ran.output.find("::error file="), std::string::npos) << ran.output;
  EXPECT_EQ(ReadTextFile(env["GITHUB_OUTPUT"]),
            "verdict=fail\nfailed=2\nreport=" + env["INPUT_MARKDOWN"] + "\nexit-code=1\n");
  EXPECT_TRUE(ReadTextFile(env["INPUT_JUNIT"]).starts_with("<?xml"));
  EXPECT_TRUE(ReadTextFile(env["GITHUB_STEP_SUMMARY"]).starts_with("## ❌ perfgate: FAIL"));
}

TEST(ActionGate, InputsAreWordsNeverCode) {
  auto env = GateEnv("outputs-injection");
  const std::string canary = Temp("canary", "");
  std::remove(canary.c_str());
  env["INPUT_ARGS"] = "--today 2026-11-25 $(touch " + canary + ") `touch " + canary + "`";
  env["INPUT_BASELINE"] += "; touch " + canary;
  Ran ran = RunScript("run.sh", env);
  EXPECT_EQ(ran.status, 0);
  EXPECT_FALSE(std::ifstream(canary).good()) << "an input ran a command";
  // perfgate saw the words as written: an unknown argument, and judged nothing.
  EXPECT_NE(ran.output.find("perfgate: error:"), std::string::npos) << ran.output;
  EXPECT_EQ(ReadTextFile(env["GITHUB_OUTPUT"]), "exit-code=2\nverdict=error\n");
  EXPECT_NE(ran.output.find("::error title=perfgate::perfgate judged nothing (exit 2)"),
            std::string::npos);
}

TEST(ActionRecord, RecordsTheCommandAndTheGateJudgesTheRecording) {
  const std::string dir = std::string(PERFGATE_SOURCE_DIR);
  const std::string recording = Temp("pr", "") + ".otlp.jsonl";
  const std::string outputs = Temp("record-outputs", "");
  // The workflow's command: what the example service's SDK sent, posted to the recorder.
  Ran recorded =
      RunScript("record.sh", {{"PERFGATE", PERFGATE_BINARY},
                              {"INPUT_RECORD",
                               "curl -s -o /dev/null -H 'Content-Type: application/x-protobuf' "
                               "--data-binary @" +
                                   dir +
                                   "/tests/data/record/otel-proto-0.body "
                                   "\"$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces\""},
                              {"INPUT_RECORD_OUTPUT", recording},
                              {"GITHUB_OUTPUT", outputs}});
  EXPECT_EQ(recorded.status, 0) << recorded.output;
  EXPECT_EQ(ReadTextFile(outputs), "record-exit-code=0\nrecording=" + recording + "\n");
  // On the main branch (no baseline): recorded, nothing judged.
  const std::string main_outputs = Temp("main-outputs", "");
  Ran main_branch = RunScript("run.sh", {{"PERFGATE", PERFGATE_BINARY},
                                         {"RECORDING", recording},
                                         {"RECORD_EXIT_CODE", "0"},
                                         {"GITHUB_OUTPUT", main_outputs}});
  EXPECT_EQ(main_branch.status, 0) << main_branch.output;
  EXPECT_EQ(ReadTextFile(main_outputs), "verdict=recorded\nexit-code=0\n");
  // On a pull request: the recording is the candidate.
  const std::string pr_outputs = Temp("pr-outputs", "");
  Ran pull_request =
      RunScript("run.sh", {{"PERFGATE", PERFGATE_BINARY},
                           {"INPUT_BASELINE", recording},
                           {"INPUT_CONFIG", dir + "/examples/pipeline/thresholds.yaml"},
                           {"INPUT_MARKDOWN", Temp("record-report.md", "")},
                           {"RECORDING", recording},
                           {"RECORD_EXIT_CODE", "0"},
                           {"GITHUB_OUTPUT", pr_outputs}});
  EXPECT_EQ(pull_request.status, 0) << pull_request.output;
  EXPECT_NE(ReadTextFile(pr_outputs).find("exit-code=0\n"), std::string::npos)
      << ReadTextFile(pr_outputs);
  // A command that failed fails the gate's exit code even on a pass.
  const std::string failed_outputs = Temp("failed-outputs", "");
  RunScript("run.sh", {{"PERFGATE", PERFGATE_BINARY},
                       {"INPUT_BASELINE", recording},
                       {"INPUT_CONFIG", dir + "/examples/pipeline/thresholds.yaml"},
                       {"INPUT_MARKDOWN", Temp("record-report2.md", "")},
                       {"RECORDING", recording},
                       {"RECORD_EXIT_CODE", "3"},
                       {"GITHUB_OUTPUT", failed_outputs}});
  EXPECT_NE(ReadTextFile(failed_outputs).find("exit-code=3\n"), std::string::npos)
      << ReadTextFile(failed_outputs);
}

TEST(ActionInstall, ABuildRestoredFromTheCacheIsUsedAsItIs) {
  const std::string build = Temp("build", "") + ".d";
  std::system(("mkdir -p " + build + " && cp " + PERFGATE_BINARY + " " + build).c_str());
  const std::string outputs = Temp("install-outputs", "");
  Ran ran = RunScript(
      "install.sh",
      {{"ACTION_PATH", PERFGATE_SOURCE_DIR}, {"BUILD_DIR", build}, {"GITHUB_OUTPUT", outputs}});
  EXPECT_EQ(ran.status, 0) << ran.output;
  EXPECT_EQ(ReadTextFile(outputs), "binary=" + build + "/perfgate\n");
  EXPECT_NE(ran.output.find("(perfgate 0.1.0)"), std::string::npos) << ran.output;
}

TEST(ActionYml, PassesEveryInputThroughTheEnvironment) {
  // GitHub's hardening guide: an expression inside run: is pasted into the script before
  // the shell sees it, so an input could run code. Every run: line and block must have none.
  std::istringstream lines(ReadTextFile(std::string(PERFGATE_SOURCE_DIR) + "/action.yml"));
  std::size_t run_indent = std::string::npos;  // inside a run: | block at this indent
  int runs = 0;
  for (std::string line; std::getline(lines, line);) {
    const std::size_t indent = line.find_first_not_of(' ');
    if (run_indent != std::string::npos && indent != std::string::npos && indent <= run_indent)
      run_indent = std::string::npos;
    const std::size_t run = line.find("run: ");
    if (run != std::string::npos && indent == run) {
      ++runs;
      if (line.ends_with("|")) run_indent = indent;
    }
    if (run_indent != std::string::npos || (run != std::string::npos && indent == run)) {
      EXPECT_EQ(line.find("${{"), std::string::npos) << line;
    }
  }
  EXPECT_GE(runs, 5);
}

}  // namespace
}  // namespace perfgate
