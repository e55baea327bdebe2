// The GitLab CI/CD component (templates/perfgate.yml): its job's script, run as GitLab runs
// it (the variables its inputs become, then the script), with the real binary and a fake
// GitLab API on 127.0.0.1 for the merge request note. The install step needs a release and
// the network, so it is not run here.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
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

constexpr const char* kToken = "glpat-secret-for-tests";

// A field of the component's job, as JSON, read by python3-yaml.
json::value JobField(const std::string& field) {
  auto [status, output] = Shell(
      "python3 -c 'import json, sys, yaml; spec, job = yaml.safe_load_all(open(sys.argv[1])); "
      "print(json.dumps(list(job.values())[0][sys.argv[2]]))' " +
      std::string(PERFGATE_SOURCE_DIR) + "/templates/perfgate.yml " + field);
  EXPECT_EQ(status, 0) << output;
  return json::parse(output);
}

// GitLab's merge request notes API for project 42, merge request 7, in memory.
class FakeGitLab {
 public:
  FakeSentryServer::Handler Handler() {
    return [this](const FakeSentryServer::Request& request) {
      std::lock_guard lock(mutex_);
      if (request.private_token != kToken) return FakeSentryServer::Reply{401, {}, "{}"};
      const std::string notes = "/api/v4/projects/42/merge_requests/7/notes";
      const std::string path = request.target.substr(0, request.target.find('?'));
      if (request.method == "GET" && path == notes) {
        json::array items;
        for (const auto& [id, body] : notes_)
          items.push_back(json::object{{"id", id}, {"body", body}});
        return FakeSentryServer::Reply{200, {}, json::serialize(items)};
      }
      if (request.method == "POST" && path == notes) {
        notes_.push_back({next_id_++, BodyOf(request)});
        return FakeSentryServer::Reply{201, {}, "{}"};
      }
      if (request.method == "PUT" && path.starts_with(notes + "/")) {
        const long id = std::stol(path.substr(notes.size() + 1));
        for (auto& [known, body] : notes_) {
          if (known == id) body = BodyOf(request);
        }
        return FakeSentryServer::Reply{200, {}, "{}"};
      }
      return FakeSentryServer::Reply{404, {}, "{}"};
    };
  }
  std::vector<std::pair<long, std::string>> notes() {
    std::lock_guard lock(mutex_);
    return notes_;
  }

 private:
  static std::string BodyOf(const FakeSentryServer::Request& request) {
    return json::value_to<std::string>(json::parse(request.body).at("body"));
  }
  std::mutex mutex_;
  std::vector<std::pair<long, std::string>> notes_ = {{1, "Looks good"}};
  long next_id_ = 100;
};

// Runs the job's script in a fresh folder with the variables GitLab would set.
std::pair<int, std::string> RunJob(const std::string& folder,
                                   const std::map<std::string, std::string>& vars) {
  std::string script;
  const json::value lines = JobField("script");
  for (const json::value& line : lines.as_array())
    script += json::value_to<std::string>(line) + "\n";
  std::filesystem::create_directories(folder);
  std::ofstream(folder + "/job.sh") << script;
  std::string command =
      "cd " + folder + " && env -i PATH=" +
      std::string(PERFGATE_BINARY).substr(0, std::string(PERFGATE_BINARY).rfind('/')) +
      ":/usr/bin:/bin";
  for (const auto& [name, value] : vars) command += " " + name + "='" + value + "'";
  return Shell(command + " bash job.sh");
}

std::map<std::string, std::string> Variables(const std::string& api) {
  const std::string examples = std::string(PERFGATE_SOURCE_DIR) + "/examples/";
  return {{"PERFGATE_BASELINE", examples + "baseline.ndjson"},
          {"PERFGATE_CANDIDATE", examples + "candidate.ndjson"},
          {"PERFGATE_CONFIG", std::string(PERFGATE_SOURCE_DIR) + "/thresholds.yaml"},
          {"PERFGATE_ARGS", "--today 2026-11-25"},
          {"PERFGATE_COMMENT", "true"},
          {"PERFGATE_NOTE_MARKER", "<!-- perfgate-report perfgate -->"},
          {"PERFGATE_GITLAB_TOKEN", kToken},
          {"CI_API_V4_URL", api + "/api/v4"},
          {"CI_PROJECT_ID", "42"},
          {"CI_MERGE_REQUEST_IID", "7"}};
}

TEST(GitLabComponent, EveryInputBecomesAVariableNeverScriptText) {
  const json::object variables = JobField("variables").as_object();
  for (const char* name : {"PERFGATE_BASELINE", "PERFGATE_CANDIDATE", "PERFGATE_CONFIG",
                           "PERFGATE_ARGS", "PERFGATE_COMMENT", "PERFGATE_VERSION"})
    EXPECT_TRUE(variables.contains(name)) << name;
  for (const char* field : {"script", "before_script"}) {
    const json::value lines = JobField(field);
    for (const json::value& line : lines.as_array())
      EXPECT_EQ(json::value_to<std::string>(line).find("$[["), std::string::npos) << line;
  }
  EXPECT_EQ(JobField("artifacts").at("reports").at("junit"), "perfgate-junit.xml");
  EXPECT_EQ(JobField("artifacts").at("when"), "always");
}

TEST(GitLabComponent, InstallsThisVersionByDefault) {
  auto [status, version] = Shell(
      "python3 -c 'import sys, yaml; spec, job = yaml.safe_load_all(open(sys.argv[1])); "
      "print(spec[\"spec\"][\"inputs\"][\"version\"][\"default\"])' " +
      std::string(PERFGATE_SOURCE_DIR) + "/templates/perfgate.yml");
  EXPECT_EQ(status, 0) << version;
  auto [ran, binary] = Shell(std::string(PERFGATE_BINARY) + " --version");
  EXPECT_EQ("perfgate " + version, binary);
  std::ifstream readme(std::string(PERFGATE_SOURCE_DIR) + "/README.md");
  std::stringstream text;
  text << readme.rdbuf();
  EXPECT_NE(text.str().find("perfgate/perfgate@" + version.substr(0, version.size() - 1)),
            std::string::npos);
}

TEST(GitLabComponent, JudgesPublishesAndKeepsOneNotePerMergeRequest) {
  FakeGitLab gitlab;
  FakeSentryServer server(gitlab.Handler());
  const std::string folder =
      ::testing::TempDir() + "perfgate-gitlab-job-" + std::to_string(getpid());
  auto [status, output] = RunJob(folder, Variables(server.url()));
  EXPECT_EQ(status, 1) << output;  // the example's regression fails the job
  EXPECT_NE(output.find("perfgate: FAIL"), std::string::npos) << output;
  EXPECT_NE(output.find("perfgate: posted the report as a note"), std::string::npos) << output;
  std::ifstream junit(folder + "/perfgate-junit.xml");
  EXPECT_TRUE(junit.good());
  ASSERT_EQ(gitlab.notes().size(), 2u);
  EXPECT_TRUE(gitlab.notes()[1].second.starts_with(
      "<!-- perfgate-report perfgate -->\n## ❌ perfgate: FAIL"))
      << gitlab.notes()[1].second;

  auto [again, second] = RunJob(folder, Variables(server.url()));
  EXPECT_EQ(again, 1);
  EXPECT_NE(second.find("perfgate: updated the report note"), std::string::npos) << second;
  EXPECT_EQ(gitlab.notes().size(), 2u);
  EXPECT_EQ(output.find(kToken), std::string::npos);

  // No token: a warning, and the verdict's exit code stands.
  auto vars = Variables(server.url());
  vars.erase("PERFGATE_GITLAB_TOKEN");
  auto [unauthorised, warned] = RunJob(folder, vars);
  EXPECT_EQ(unauthorised, 1);
  EXPECT_NE(warned.find("perfgate: warning: cannot post the note (HTTP 401)"), std::string::npos)
      << warned;
  // Outside a merge request pipeline nothing is posted.
  vars = Variables(server.url());
  vars.erase("CI_MERGE_REQUEST_IID");
  const std::size_t requests = server.requests().size();
  EXPECT_EQ(RunJob(folder, vars).first, 1);
  EXPECT_EQ(server.requests().size(), requests);
}

TEST(GitLabComponent, RecordsOnTheDefaultBranchAndJudgesTheRecordingOnAMergeRequest) {
  const std::string folder =
      ::testing::TempDir() + "perfgate-gitlab-record-" + std::to_string(getpid());
  const std::string post =
      "curl -s -o /dev/null -H Content-Type:application/x-protobuf --data-binary @" +
      std::string(PERFGATE_SOURCE_DIR) +
      "/tests/data/record/otel-proto-0.body \"$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces\"";
  std::map<std::string, std::string> vars = {
      {"PERFGATE_BASELINE", ""},
      {"PERFGATE_CANDIDATE", ""},
      {"PERFGATE_CONFIG", std::string(PERFGATE_SOURCE_DIR) + "/examples/pipeline/thresholds.yaml"},
      {"PERFGATE_ARGS", ""},
      {"PERFGATE_COMMENT", "false"},
      {"PERFGATE_RECORD", post},
      {"PERFGATE_RECORD_OUTPUT", "main.otlp.jsonl"}};
  auto [recorded, output] = RunJob(folder, vars);
  EXPECT_EQ(recorded, 0) << output;
  EXPECT_NE(output.find("perfgate: recorded main.otlp.jsonl; no baseline, so nothing is judged"),
            std::string::npos)
      << output;
  EXPECT_TRUE(std::filesystem::exists(folder + "/main.otlp.jsonl"));
  vars["PERFGATE_BASELINE"] = "main.otlp.jsonl";
  vars["PERFGATE_RECORD_OUTPUT"] = "mr.otlp.jsonl";
  auto [judged, verdict] = RunJob(folder, vars);
  EXPECT_EQ(judged, 0) << verdict;
  EXPECT_NE(verdict.find("no rule failed in 1 transaction"), std::string::npos) << verdict;
  // A recorded command that failed fails the job even when the gate passes.
  vars["PERFGATE_RECORD"] = post + "; exit 4";
  EXPECT_EQ(RunJob(folder, vars).first, 4);
}

}  // namespace
}  // namespace perfgate
