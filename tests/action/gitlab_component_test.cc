// The GitLab CI/CD component (templates/perfgate.yml): its job's script, run as GitLab runs
// it (the variables its inputs become, then the script), with the real binary and a fake
// GitLab API on 127.0.0.1 for the merge request note; and its install step (before_script)
// with apt-get, curl, git and cmake replaced by stubs that log their calls (no network, no
// system change): the build from source when no release package can be had, then the
// cached build.
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

// The lines of the job's `fields` ("before_script", "script"), in order, as one script.
std::string JobScript(std::initializer_list<const char*> fields) {
  std::string script;
  for (const char* field : fields) {
    const json::value lines = JobField(field);  // kept: the loop walks into it
    for (const json::value& line : lines.as_array())
      script += json::value_to<std::string>(line) + "\n";
  }
  return script;
}

// Runs `script` in `folder` under bash -e (as GitLab's runner does) with only `vars` and
// `path` in the environment.
std::pair<int, std::string> RunScript(const std::string& folder, const std::string& script,
                                      const std::string& path,
                                      const std::map<std::string, std::string>& vars) {
  std::filesystem::create_directories(folder);
  std::ofstream(folder + "/job.sh") << script;
  std::string command = "cd " + folder + " && env -i PATH=" + path;
  for (const auto& [name, value] : vars) command += " " + name + "='" + value + "'";
  return Shell(command + " bash -e job.sh");
}

// Runs the job's script in a fresh folder with the variables GitLab would set, the real
// binary on the PATH.
std::pair<int, std::string> RunJob(const std::string& folder,
                                   const std::map<std::string, std::string>& vars) {
  const std::string binary = PERFGATE_BINARY;
  return RunScript(folder, JobScript({"script"}),
                   binary.substr(0, binary.rfind('/')) + ":/usr/bin:/bin", vars);
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
  EXPECT_NE(ReadTextFile(std::string(PERFGATE_SOURCE_DIR) + "/README.md")
                .find("perfgate/perfgate@" + version.substr(0, version.size() - 1)),
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

// Stubs of apt-get, curl, git and cmake in `folder`/stubs, each logging its call to
// `folder`/calls.log: curl finds no release package, git has no tag v<version> but clones
// the default branch (a setup.sh that logs), and cmake's build puts the real binary where
// the build folder is.
std::string WriteStubs(const std::string& folder) {
  const std::string stubs = folder + "/stubs";
  std::filesystem::create_directories(stubs);
  const std::string log = "echo \"$(basename \"$0\") $*\" >> " + folder + "/calls.log\n";
  const std::map<std::string, std::string> bodies = {
      {"apt-get", log},
      {"curl", log + "exit 22\n"},
      {"git", log +
                  "case \" $* \" in *\" --branch \"*) exit 128 ;; esac\n"
                  "dest=${!#}; mkdir -p \"$dest/scripts\"\n"
                  "printf 'echo \"setup.sh $*\" >> " +
                  folder +
                  "/calls.log\\n' > "
                  "\"$dest/scripts/setup.sh\"\n"},
      {"cmake", log + "if [ \"$1\" = --build ]; then cp " + std::string(PERFGATE_BINARY) +
                    " \"$2/perfgate\"; else mkdir -p \"$4\"; fi\n"}};
  for (const auto& [name, body] : bodies) {
    std::ofstream(stubs + "/" + name) << "#!/bin/bash\n" << body;
    std::filesystem::permissions(stubs + "/" + name, std::filesystem::perms::owner_all);
  }
  return stubs;
}

TEST(GitLabComponent, BuildsTheBinaryWhenNoReleasePackageCanBeHadAndCachesIt) {
  const std::string folder =
      ::testing::TempDir() + "perfgate-gitlab-build-" + std::to_string(getpid());
  std::filesystem::remove_all(folder);
  const std::string path = WriteStubs(folder) + ":/usr/bin:/bin";
  std::map<std::string, std::string> vars = Variables("http://127.0.0.1:9");
  vars["PERFGATE_COMMENT"] = "false";
  vars["PERFGATE_VERSION"] = "0.1.0";
  vars["PERFGATE_REPOSITORY"] = "acme/perfgate";
  vars["PERFGATE_SOURCE"] = "/srv/perfgate.git";
  const std::string job = JobScript({"before_script", "script"});

  auto [built, output] = RunScript(folder, job, path, vars);
  EXPECT_EQ(built, 1) << output;  // built, then the example's regression fails the job
  EXPECT_NE(output.find("perfgate: no release package perfgate_0.1.0-1~"), std::string::npos)
      << output;
  EXPECT_NE(output.find("; building perfgate from /srv/perfgate.git\n"
                        "perfgate: /srv/perfgate.git has no tag v0.1.0; building its default "
                        "branch\n"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("perfgate: FAIL"), std::string::npos) << output;
  const std::string calls = ReadTextFile(folder + "/calls.log");
  EXPECT_NE(calls.find("git clone -q --depth 1 /srv/perfgate.git .perfgate-build/src\n"
                       "setup.sh --build\n"),
            std::string::npos)
      << calls;
  EXPECT_NE(calls.find("cmake --build .perfgate-build/build --target perfgate"), std::string::npos)
      << calls;
  // The cache keeps the binary, what installs its libraries and the system it was built on.
  EXPECT_TRUE(std::filesystem::exists(folder + "/.perfgate-build/perfgate"));
  EXPECT_TRUE(std::filesystem::exists(folder + "/.perfgate-build/setup.sh"));
  EXPECT_FALSE(std::filesystem::exists(folder + "/.perfgate-build/src"));
  EXPECT_FALSE(std::filesystem::exists(folder + "/.perfgate-build/build"));

  // The next pipeline finds it: no download, no clone, no build.
  std::filesystem::remove(folder + "/calls.log");
  auto [cached, again] = RunScript(folder, job, path, vars);
  EXPECT_EQ(cached, 1) << again;
  EXPECT_NE(again.find("perfgate: using the build cached for "), std::string::npos) << again;
  const std::string second = "\n" + ReadTextFile(folder + "/calls.log");  // each call a line
  EXPECT_NE(second.find("setup.sh --runtime"), std::string::npos) << second;
  EXPECT_EQ(second.find("\ngit "), std::string::npos) << second;
  EXPECT_EQ(second.find("\ncmake "), std::string::npos) << second;
  EXPECT_EQ(second.find("\ncurl "), std::string::npos) << second;

  // A cache from another system is not used.
  std::ofstream(folder + "/.perfgate-build/system") << "plan9-4-mips\n";
  auto [rebuilt, third] = RunScript(folder, job, path, vars);
  EXPECT_EQ(rebuilt, 1) << third;
  EXPECT_NE(third.find("perfgate: no release package"), std::string::npos) << third;
}

}  // namespace
}  // namespace perfgate
