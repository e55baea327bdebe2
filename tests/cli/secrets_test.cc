// The token and the webhook's secret path never leave perfgate: every command that can reach
// Sentry or a webhook runs with --verbose against servers on 127.0.0.1 that echo the
// Authorization header and the request path back (in headers, bodies and error pages, as a
// misbehaving proxy may), and every output stream, report, cache file and state file is
// searched for them.
#include <gtest/gtest.h>

#include "fetch/files/sample_reader.h"
#include "fetch/http/curl_transport.h"
#include "tests/fakes/cli_runner.h"
#include "tests/fakes/fake_sentry_server.h"

namespace perfgate {
namespace {

using Reply = FakeSentryServer::Reply;

const std::string kToken = "pgtok-5ecret-7f3a9c1e";
const std::string kHookSecret = "whsec-B0GUS-93d1";

std::map<std::string, SampleSet> Releases() {
  RealFileSystem fs;
  return {{"1.0", *fetch::ReadSampleFile(fs, "examples/baseline.ndjson", std::nullopt, {})},
          {"1.1", *fetch::ReadSampleFile(fs, "examples/candidate.ndjson", std::nullopt, {})}};
}

TEST(Secrets, NoCommandPutsTheTokenOrTheWebhookPathInAnyOutputOrFile) {
  auto sentry = SentryHandler(Releases(), kToken);
  FakeSentryServer server([&](const FakeSentryServer::Request& request) {
    Reply reply = sentry(request);
    // An echoing proxy: the credentials back in a header, and in the body of errors.
    reply.headers.emplace_back("X-Echo", request.authorization);
    if (reply.status >= 400) reply.body += " (you sent: " + request.authorization + ")";
    return reply;
  });
  FakeSentryServer hook([](const FakeSentryServer::Request& request) {
    return Reply{500, {}, "no route for " + request.target};
  });
  FakeSentryServer good_hook([](const FakeSentryServer::Request&) { return Reply{200, {}, "ok"}; });
  fetch::CurlTransport transport;
  FakeClock clock;
  FakeFileSystem fs = ReadingFixtures();
  const std::vector<std::string> sentry_options = {"--sentry-url", server.url(), "--organization",
                                                   "acme",         "--verbose",  "--cache-dir",
                                                   "cache",        "--refresh"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), sentry_options.begin(), sentry_options.end());
    return args;
  };
  const std::vector<std::vector<std::string>> commands = {
      with({"check", "--baseline", "sentry:1.0", "--candidate", "sentry:1.1", "--json", "r.json",
            "--markdown", "r.md", "--html", "r.html", "--junit", "r.xml"}),
      with({"check", "--baseline", "sentry:1.0", "--candidate", "sentry:1.1", "--mode",
            "aggregate"}),
      with({"check", "--baseline", "sentry:1.0", "--candidate", "sentry:1.1", "--mode",
            "histogram"}),
      with({"compare", "sentry:1.0", "sentry:latest"}),
      with({"explain", "sentry:1.0", "sentry:1.1"}),
      with({"stats", "sentry:1.1", "--json"}),
      with({"fetch", "--release", "1.1", "-o", "out.ndjson"}),
      with({"check", "--baseline", "sentry:1.0", "--candidate", "sentry:9.9"}),  // 404
      with({"alert", "--candidate", "sentry:1.1", "--state", "state.json", "--webhook",
            hook.url() + "/hooks/" + kHookSecret}),  // the webhook fails: its error
      with({"alert", "--candidate", "sentry:1.1", "--state", "state.json", "--webhook",
            good_hook.url() + "/hooks/" + kHookSecret}),
  };
  int runs = 0;
  for (const std::vector<std::string>& args : commands) {
    CliRun run = RunPerfgate(args, fs, {{"SENTRY_AUTH_TOKEN", kToken}}, &transport, &clock);
    SCOPED_TRACE(args[0] + " " + args[1] + " " + args[2]);
    EXPECT_NE(run.err.find("GET " + server.url()), std::string::npos) << "not verbose:\n"
                                                                      << run.err;
    for (const std::string& stream : {run.out, run.err}) {
      EXPECT_EQ(stream.find(kToken), std::string::npos) << stream;
      EXPECT_EQ(stream.find(kHookSecret), std::string::npos) << stream;
    }
    ++runs;
  }
  // A wrong token is refused and named nowhere either.
  CliRun wrong = RunPerfgate(with({"stats", "sentry:1.1"}), fs,
                             {{"SENTRY_AUTH_TOKEN", kToken + "-old"}}, &transport, &clock);
  EXPECT_EQ(wrong.exit_code, 3);
  EXPECT_EQ(wrong.err.find("5ecret"), std::string::npos) << wrong.err;
  EXPECT_EQ(runs, 10);
  EXPECT_EQ(good_hook.requests().size(), 1u);
  // Every file written: reports, the cache, the fetched events, the alert state.
  std::size_t files = 0;
  for (const auto& [path, contents] : fs.files) {
    EXPECT_EQ(contents.find(kToken), std::string::npos) << path;
    EXPECT_EQ(contents.find("5ecret"), std::string::npos) << path;
    EXPECT_EQ(contents.find(kHookSecret), std::string::npos) << path;
    ++files;
  }
  for (const char* written : {"r.json", "r.md", "r.html", "r.xml", "out.ndjson", "state.json"})
    EXPECT_TRUE(fs.files.contains(written)) << written;
  EXPECT_GE(files, 8u);
}

}  // namespace
}  // namespace perfgate
