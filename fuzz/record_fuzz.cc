// libFuzzer target: what perfgate record takes from the network. The first byte picks a
// body kind: an OTLP protobuf request, a Sentry envelope, or a bare Sentry event. Each is
// refused with a message or turned into OTLP/JSON that the recording and the OTLP reader
// take whole (see samples_fuzz.h for what the reader must hold).
#include "fetch/files/sentry_envelope.h"
#include "fetch/record/otlp_protobuf.h"
#include "fuzz/samples_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view body = perfgate::fuzz::Text(data + 1, size - 1);
  std::string json;
  switch (data[0] % 3) {
    case 0: {
      auto decoded = perfgate::fetch::DecodeOtlpProtobuf(body);
      if (!decoded.ok()) return 0;
      json = decoded->json;
      break;
    }
    case 1: {
      auto spans = perfgate::fetch::SentryEnvelopeSpans(body, "1");
      if (!spans.ok()) return 0;
      json = spans->otlp_json;
      break;
    }
    default: {
      auto spans = perfgate::fetch::SentryEventSpans(body, "1");
      if (!spans.ok()) return 0;
      json = spans->otlp_json;
      break;
    }
  }
  // What the receiver writes is one line of JSON the OTLP reader reads or refuses cleanly.
  perfgate::fuzz::Require(json.find('\n') == std::string::npos, "one line");
  perfgate::fuzz::ReadEveryWay(json, perfgate::fetch::InputFormat::kOtlp);
  return 0;
}
