// The protobuf decoder against OpenTelemetry's own serializers: the same spans serialized by
// the JavaScript SDK's JSON and protobuf serializers (tests/data/record/pair.*, made by
// scripts/fixtures/record_capture.mjs) read back to the same samples, span trees, values and
// attributes; and what the SDK's OTLP/HTTP protobuf exporter really sent reads too.
#include "fetch/record/otlp_protobuf.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "fetch/files/otlp_reader.h"
#include "tests/fakes/test_files.h"

namespace perfgate::fetch {
namespace {

// A body a real SDK sent (tests/data/record/).
std::string Fixture(const std::string& name) { return TestData("record/" + name); }

// Every attribute of every span, as "span name/key=value" in a canonical text (intValue as
// the OTLP/JSON spec writes it, a string; the JSON serializer writes a number).
std::vector<std::string> Attributes(const boost::json::value& request) {
  std::vector<std::string> out;
  for (const auto& resource : request.at("resourceSpans").as_array()) {
    for (const auto& scope : resource.at("scopeSpans").as_array()) {
      for (const auto& span : scope.at("spans").as_array()) {
        const std::string name(span.at("name").as_string());
        for (const auto& attribute : span.at("attributes").as_array()) {
          boost::json::value value = attribute.at("value");
          if (auto* i = value.as_object().if_contains("intValue"); i && !i->is_string())
            *i = std::to_string(i->to_number<long long>());
          out.push_back(name + "/" + std::string(attribute.at("key").as_string()) + "=" +
                        boost::json::serialize(value));
        }
        out.push_back(name + "/flags=" +
                      (span.as_object().contains("flags")
                           ? std::to_string(span.at("flags").to_number<long long>())
                           : "absent"));
        out.push_back(name + "/events=" +
                      std::to_string(span.as_object().contains("events")
                                         ? span.at("events").as_array().size()
                                         : 0));
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(DecodeOtlpProtobuf, ReadsTheSameSpansAsTheSdksJsonSerializer) {
  Result<DecodedTraces> decoded = DecodeOtlpProtobuf(Fixture("pair.pb"));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->spans, 15u);
  const std::string json = Fixture("pair.otlp.json");
  Result<SampleSet> from_protobuf = ReadOtlp(decoded->json, "pair.pb", {});
  Result<SampleSet> from_json = ReadOtlp(json, "pair.otlp.json", {});
  ASSERT_TRUE(from_protobuf.ok()) << from_protobuf.error().message;
  ASSERT_TRUE(from_json.ok()) << from_json.error().message;
  ASSERT_EQ(from_protobuf->groups.size(), 1u);
  const GroupSamples& p = from_protobuf->groups[0];
  const GroupSamples& j = from_json->groups[0];
  EXPECT_EQ(p.name, "POST /api/analyze");
  EXPECT_EQ(p.durations_ms, j.durations_ms);
  EXPECT_EQ(p.failed, j.failed);
  EXPECT_EQ(p.failed, (std::vector<std::uint8_t>{0, 0, 0, 0, 1}));
  EXPECT_EQ(p.sample_values, j.sample_values);
  ASSERT_EQ(p.trees.size(), j.trees.size());
  for (std::size_t i = 0; i < p.trees.size(); ++i) {
    EXPECT_EQ(p.trees[i].trace_id, j.trees[i].trace_id);
    ASSERT_EQ(p.trees[i].spans.size(), 3u);
    for (std::size_t s = 0; s < 3; ++s) {
      EXPECT_EQ(p.trees[i].spans[s].op, j.trees[i].spans[s].op);
      EXPECT_EQ(p.trees[i].spans[s].description, j.trees[i].spans[s].description);
      EXPECT_EQ(p.trees[i].spans[s].start_ms, j.trees[i].spans[s].start_ms);
      EXPECT_EQ(p.trees[i].spans[s].end_ms, j.trees[i].spans[s].end_ms);
    }
  }
  // Every attribute (strings, ints, doubles, bools, arrays), flag and event, as sent.
  EXPECT_EQ(Attributes(boost::json::parse(decoded->json)), Attributes(boost::json::parse(json)));
}

TEST(DecodeOtlpProtobuf, ReadsWhatTheSdksProtobufExporterSent) {
  Result<DecodedTraces> decoded = DecodeOtlpProtobuf(Fixture("otel-proto-0.body"));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->spans, 24u);
  Result<SampleSet> set = ReadOtlp(decoded->json, "otel-proto", {});
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->TotalEvents(), 8u);
}

TEST(DecodeOtlpProtobuf, RefusesWhatIsNotARequestSayingWhere) {
  const std::string whole = Fixture("pair.pb");
  for (std::size_t cut : {std::size_t{1}, whole.size() / 2, whole.size() - 1}) {
    Result<DecodedTraces> decoded = DecodeOtlpProtobuf(std::string_view(whole).substr(0, cut));
    ASSERT_FALSE(decoded.ok()) << cut;
    EXPECT_TRUE(
        decoded.error().message.starts_with("not an OTLP ExportTraceServiceRequest in protobuf: "))
        << decoded.error().message;
  }
  EXPECT_EQ(DecodeOtlpProtobuf("\x13").error().message,  // field 2, a group
            "not an OTLP ExportTraceServiceRequest in protobuf: wire type 3, which protobuf 3 "
            "does not have at byte 1");
  // An empty request is a valid one with no spans.
  EXPECT_EQ(DecodeOtlpProtobuf("")->json, "{}");
  EXPECT_EQ(DecodeOtlpProtobuf(std::string_view("\x0a\x00", 2))->json, "{\"resourceSpans\":[{}]}");
  // Values nested past the bound: refused, not a deep recursion.
  std::string value = "\x0a\x01x";  // AnyValue{string_value: "x"}
  for (int i = 0; i < 40; ++i)
    value = "\x2a" + std::string(1, static_cast<char>(value.size() + 2)) + "\x0a" +
            std::string(1, static_cast<char>(value.size())) + value;
  EXPECT_FALSE(DecodeOtlpProtobuf(value).ok());
}

}  // namespace
}  // namespace perfgate::fetch
