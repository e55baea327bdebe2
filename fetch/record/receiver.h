// `perfgate record`'s HTTP server: what the OpenTelemetry and Sentry SDKs send, received on
// loopback and handed to a Recording. OTLP/HTTP traces at POST /v1/traces (protobuf or
// JSON, gzip or not, chunked or not) are answered as the Collector answers them (200 with
// an empty ExportTraceServiceResponse; 400 with a google.rpc.Status saying why; 413 past
// the body limit; 415 for another content type). Sentry envelopes at POST
// /api/PROJECT/envelope/ (and bare events at the legacy /store/) are answered as Sentry
// does ({"id": EVENT_ID}), their transactions and spans kept as OTLP (sentry_envelope.h).
// Every answer allows any origin, and OPTIONS preflights get 204, so browser SDKs can send
// from a page. One thread per connection, at most max_connections at once; bodies and
// their inflated size are bounded.
#ifndef PERFGATE_FETCH_RECORD_RECEIVER_H_
#define PERFGATE_FETCH_RECORD_RECEIVER_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "fetch/record/recording.h"

namespace perfgate::fetch {

struct ReceiverOptions {
  std::string address = "127.0.0.1";                   // loopback unless the user says otherwise
  unsigned short port = 4318;                          // OTLP/HTTP's port; 0 picks a free one
  std::size_t max_body_bytes = std::size_t{32} << 20;  // as received (gzip or not)
  std::size_t max_inflated_bytes = std::size_t{128} << 20;  // after gunzip
  int max_connections = 64;                                 // more wait in the listen queue
  // The clock the time of the last request is read from (Receiver::last_request); it
  // must outlive the receiver. nullptr: the system's.
  Clock* clock = nullptr;
  // Told of each request taken or refused, one line ("POST /v1/traces: 12 spans (3
  // transactions)"); called from the connection threads, one at a time.
  std::function<void(const std::string&)> log;
};

// What the receiver answers one request with, decided apart from the socket (tested alone).
struct ReceiverReply {
  int status = 200;
  std::string content_type;
  std::string body;
};

// The answer to one request: `target` (path and query), its headers' content type and
// encoding, and its body as received. Adds what it takes to `recording`.
ReceiverReply HandleRequest(std::string_view method, std::string_view target,
                            std::string_view content_type, std::string_view content_encoding,
                            std::string_view body, Recording& recording,
                            const ReceiverOptions& options);

// `body` gunzipped, at most `max_bytes` of it; a body that is not gzip, or inflates past
// the bound, is a kInput error.
Result<std::string> Gunzip(std::string_view body, std::size_t max_bytes);

class Receiver {
 public:
  // Listens on options.address:port and serves until Stop(). An address that cannot be
  // bound (in use, not local) is a kUsage error naming it.
  static Result<std::unique_ptr<Receiver>> Start(const ReceiverOptions& options,
                                                 Recording& recording);
  ~Receiver();  // Stop()
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  unsigned short port() const;
  // When the last request arrived (or the receiver started), for a grace period that ends
  // once the SDKs have gone quiet.
  std::chrono::system_clock::time_point last_request() const;
  // Stops accepting, ends every connection (a request being read is dropped unanswered)
  // and waits for their threads. Idempotent.
  void Stop();

  struct State;

 private:
  explicit Receiver(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_RECORD_RECEIVER_H_
