// The receiver over real HTTP on 127.0.0.1, fed the bytes real SDKs sent
// (tests/data/record/, captured by scripts/fixtures/record_capture.mjs): protobuf, gzip and
// JSON bodies, malformed ones (400, nothing written), bodies over the limit (413), a client
// that leaves mid-body, many senders at once; and the recording, moved into place whole.
#include "fetch/record/receiver.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "core/file_system.h"
#include "fetch/files/otlp_reader.h"
#include "fetch/http/curl_transport.h"
#include "fetch/record/otlp_protobuf.h"
#include "tests/fakes/test_files.h"

namespace perfgate::fetch {
namespace {

// A body a real SDK sent (tests/data/record/).
std::string Fixture(const std::string& name) { return TestData("record/" + name); }

struct Fixture_ {
  std::string folder = std::filesystem::temp_directory_path() /
                       ("perfgate-receiver-" + std::to_string(::getpid()) + "-" +
                        std::to_string(reinterpret_cast<std::uintptr_t>(this)));
  std::string path = folder + "/run.otlp.jsonl";
  RealFileSystem fs;
  std::unique_ptr<Recording> recording;
  std::unique_ptr<Receiver> receiver;
  CurlTransport transport;

  explicit Fixture_(ReceiverOptions options = {}) {
    std::filesystem::create_directories(folder);
    recording = std::move(Recording::Open(fs, path).value());
    options.port = 0;
    receiver = std::move(Receiver::Start(options, *recording).value());
  }
  ~Fixture_() {
    receiver->Stop();
    recording.reset();
    std::filesystem::remove_all(folder);
  }
  std::string Url(const std::string& path_part) const {
    return "http://127.0.0.1:" + std::to_string(receiver->port()) + path_part;
  }
  HttpResponse Post(const std::string& body, Headers headers,
                    const std::string& where = "/v1/traces") {
    HttpRequest request;
    request.method = "POST";
    request.url = Url(where);
    request.headers = std::move(headers);
    request.body = body;
    Result<HttpResponse> response = transport.Send(request);
    EXPECT_TRUE(response.ok()) << (response.ok() ? "" : response.error().message);
    return response.ok() ? *response : HttpResponse{};
  }
};

const Headers kProtobuf = {{"Content-Type", "application/x-protobuf"}};
const Headers kGzipProtobuf = {{"Content-Type", "application/x-protobuf"},
                               {"Content-Encoding", "gzip"}};
const Headers kJson = {{"Content-Type", "application/json"}};

TEST(Receiver, TakesWhatTheOtelExportersSentAndWritesItWholeOnCommit) {
  Fixture_ f;
  EXPECT_EQ(f.Post(Fixture("otel-proto-0.body"), kProtobuf).status, 200);
  HttpResponse gzip = f.Post(Fixture("otel-proto-gzip-1.body"), kGzipProtobuf);
  EXPECT_EQ(gzip.status, 200);
  EXPECT_EQ(gzip.Header("Content-Type"), "application/x-protobuf");
  EXPECT_EQ(gzip.body, "");  // an ExportTraceServiceResponse without partial_success
  HttpResponse json = f.Post(Fixture("otel-json-2.body"), kJson);
  EXPECT_EQ(json.status, 200);
  EXPECT_EQ(json.body, "{}");
  EXPECT_FALSE(std::filesystem::exists(f.path));  // nothing at the path until it is whole
  const RecordingCounts counts = f.recording->counts();
  EXPECT_EQ(counts.requests, 3u);
  EXPECT_EQ(counts.spans, 72u);
  EXPECT_EQ(counts.roots, 24u);
  EXPECT_EQ(counts.by_service.at({"analyzer", "1.4.0"}), 72u);
  f.receiver->Stop();
  ASSERT_TRUE(f.recording->Commit().ok());
  Result<SampleSet> set = ReadOtlp(Slurp(f.path), f.path, {});
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->TotalEvents(), 24u);
  const GroupSamples& group = set->groups.at(0);
  EXPECT_EQ(group.name, "POST /api/analyze");
  EXPECT_EQ(group.Failures(), 3u);  // every fifth request of eight, three times
  EXPECT_EQ(group.trees.at(0).spans.size(), 3u);
  EXPECT_EQ(group.sample_values.at("span.gen_ai.usage.input_tokens").size(), 24u);
}

TEST(Receiver, RefusesWhatIsNotTracesAndWritesNothingOfIt) {
  ReceiverOptions options;
  options.max_body_bytes = 4096;
  std::vector<std::string> logged;
  std::mutex mutex;
  options.log = [&](const std::string& line) {
    std::lock_guard lock(mutex);
    logged.push_back(line);
  };
  Fixture_ f(options);
  HttpResponse bad_json = f.Post("{\"resourceSpans\": 3}", kJson);
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(bad_json.body,
            "{\"code\":3,\"message\":\"not an OTLP/JSON ExportTraceServiceRequest: "
            "resourceSpans is not an array\"}");
  const std::string whole = Fixture("otel-proto-0.body");
  HttpResponse cut = f.Post(whole.substr(0, whole.size() / 3), kProtobuf);
  EXPECT_EQ(cut.status, 400);
  EXPECT_EQ(cut.Header("Content-Type"), "application/x-protobuf");
  EXPECT_NE(cut.body.find("not an OTLP ExportTraceServiceRequest in protobuf"), std::string::npos);
  EXPECT_EQ(f.Post("not gzip", kGzipProtobuf).status, 400);
  EXPECT_EQ(f.Post("x", {{"Content-Type", "text/plain"}}).status, 415);
  EXPECT_EQ(f.Post("x", kProtobuf, "/v1/metrics").status, 404);
  EXPECT_EQ(f.Post(std::string(5000, 'x'), kJson).status, 413);
  // A client that sends half a body and leaves: nothing taken, the server still serves.
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), f.receiver->port()});
    const std::string partial =
        "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 1000\r\n\r\n{\"resourceSpans\":[";
    boost::asio::write(socket, boost::asio::buffer(partial));
    socket.close();
  }
  EXPECT_EQ(f.Post(Fixture("otel-proto-gzip-1.body"), kGzipProtobuf).status, 200);
  EXPECT_EQ(f.recording->counts().requests, 1u);
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(logged.size(), 7u);
    EXPECT_EQ(logged.front(),
              "POST /v1/traces: refused (400): not an OTLP/JSON ExportTraceServiceRequest: "
              "resourceSpans is not an array");
  }
}

TEST(Receiver, ManySendersAtOnceAreAllKept) {
  Fixture_ f;
  const std::string body = Fixture("otel-proto-0.body");
  std::vector<std::thread> senders;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    senders.emplace_back([&] {
      CurlTransport transport;  // one connection per sender, as SDK processes have
      for (int i = 0; i < 10; ++i) {
        HttpRequest request{"POST", f.Url("/v1/traces"), kProtobuf, body};
        Result<HttpResponse> response = transport.Send(request);
        if (response.ok() && response->status == 200) ++ok;
      }
    });
  }
  for (std::thread& sender : senders) sender.join();
  EXPECT_EQ(ok.load(), 80);
  f.receiver->Stop();
  ASSERT_TRUE(f.recording->Commit().ok());
  Result<SampleSet> set = ReadOtlp(Slurp(f.path), f.path, {});
  ASSERT_TRUE(set.ok()) << set.error().message;
  // The same eight traces eighty times: each kept once (the reader drops repeated spans).
  EXPECT_EQ(f.recording->counts().spans, 80u * 24);
}

TEST(Receiver, TakesSentryEnvelopesAsSentrySdksSendThem) {
  Fixture_ f;
  HttpResponse envelope =
      f.Post(Fixture("sentry-static-4.body"), {}, "/api/42/envelope/?sentry_key=abc123");
  EXPECT_EQ(envelope.status, 200);
  EXPECT_EQ(envelope.body, "{\"id\":\"25df6acd20c54d23934653c5946d2429\"}");
  EXPECT_EQ(envelope.Header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(f.Post(Fixture("sentry-stream-3.body"), {}, "/api/42/envelope/").status, 200);
  EXPECT_EQ(f.Post("{not an envelope", {}, "/api/42/envelope/").status, 400);
  // A browser's CORS preflight.
  HttpRequest preflight{"OPTIONS", f.Url("/api/42/envelope/"), {}, ""};
  Result<HttpResponse> allowed = f.transport.Send(preflight);
  ASSERT_TRUE(allowed.ok());
  EXPECT_EQ(allowed->status, 204);
  EXPECT_EQ(allowed->Header("Access-Control-Allow-Methods"), "POST, OPTIONS");
  const RecordingCounts counts = f.recording->counts();
  EXPECT_EQ(counts.requests, 2u);
  EXPECT_EQ(counts.spans, 3u + 12u);
  EXPECT_EQ(counts.by_service.at({"sentry:42", "analyzer@1.4.0"}), 15u);
}

TEST(Gunzip, InflatesWithinItsBound) {
  const std::string body = Fixture("otel-proto-gzip-1.body");
  Result<std::string> whole = Gunzip(body, 1 << 20);
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  Result<DecodedTraces> traces = DecodeOtlpProtobuf(*whole);
  ASSERT_TRUE(traces.ok());
  EXPECT_EQ(traces->spans, 24u);
  EXPECT_FALSE(Gunzip(body, 100).ok());
  EXPECT_FALSE(Gunzip(body.substr(0, body.size() / 2), 1 << 20).ok());
}

}  // namespace
}  // namespace perfgate::fetch
