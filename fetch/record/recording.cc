#include "fetch/record/recording.h"

#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace perfgate::fetch {
namespace {

// The string value of resource attribute `key`, or "".
std::string ResourceAttribute(const boost::json::object& resource_spans, std::string_view key) {
  const boost::json::value* resource = resource_spans.if_contains("resource");
  if (resource == nullptr || !resource->is_object()) return "";
  const boost::json::value* attributes = resource->as_object().if_contains("attributes");
  if (attributes == nullptr || !attributes->is_array()) return "";
  for (const boost::json::value& attribute : attributes->as_array()) {
    if (!attribute.is_object()) continue;
    const boost::json::value* name = attribute.as_object().if_contains("key");
    if (name == nullptr || !name->is_string() || name->as_string() != key) continue;
    const boost::json::value* value = attribute.as_object().if_contains("value");
    if (value == nullptr || !value->is_object()) return "";
    const boost::json::value* text = value->as_object().if_contains("stringValue");
    return text != nullptr && text->is_string() ? std::string(text->as_string()) : "";
  }
  return "";
}

// The array at `key` of `object`: absent is empty; anything but an array of objects throws.
const boost::json::array& ObjectsAt(const boost::json::object& object, std::string_view key) {
  static const boost::json::array kNone;
  const boost::json::value* found = object.if_contains(key);
  if (found == nullptr || found->is_null()) return kNone;
  if (!found->is_array()) throw std::invalid_argument(std::string(key) + " is not an array");
  for (const boost::json::value& element : found->as_array()) {
    if (!element.is_object())
      throw std::invalid_argument(std::string(key) + " holds something other than objects");
  }
  return found->as_array();
}

}  // namespace

Result<std::unique_ptr<Recording>> Recording::Open(FileSystem& fs, const std::string& path) {
  if (!path.ends_with(".otlp.jsonl")) {
    return MakeError(ErrorKind::kUsage,
                     path + ": a recording is written as OTLP/JSON lines; name it *.otlp.jsonl");
  }
  Result<std::string> temporary = fs.WriteTemporary(path, "");
  if (!temporary.ok()) return temporary.error();
  return std::unique_ptr<Recording>(new Recording(fs, path, std::move(temporary).value()));
}

Recording::~Recording() {
  if (!closed_) fs_.Discard(temporary_);
}

Result<Received> Recording::AddOtlpJson(std::string_view text) {
  Received received;
  std::map<std::pair<std::string, std::string>, std::size_t> by_service;
  std::string line;
  try {
    boost::json::error_code ec;
    boost::json::value request = boost::json::parse(text, ec);
    if (ec) throw std::invalid_argument("invalid JSON: " + ec.message());
    if (!request.is_object()) throw std::invalid_argument("not a JSON object");
    for (const boost::json::value& resource : ObjectsAt(request.as_object(), "resourceSpans")) {
      const boost::json::object& spans_of = resource.as_object();
      std::size_t spans = 0;
      for (const boost::json::value& scope : ObjectsAt(spans_of, "scopeSpans")) {
        for (const boost::json::value& span : ObjectsAt(scope.as_object(), "spans")) {
          ++spans;
          const boost::json::value* parent = span.as_object().if_contains("parentSpanId");
          if (parent == nullptr || parent->is_null() ||
              (parent->is_string() && parent->as_string().empty()))
            ++received.roots;
        }
      }
      received.spans += spans;
      by_service[{ResourceAttribute(spans_of, "service.name"),
                  ResourceAttribute(spans_of, "service.version")}] += spans;
    }
    // A request on one line already (the protobuf decoder's, most SDKs' JSON) is written as
    // it came: JSON strings hold no raw newline, so the line stays one record.
    line = text.find('\n') == std::string_view::npos ? std::string(text)
                                                      : boost::json::serialize(request);
  } catch (const std::exception& error) {
    return MakeError(ErrorKind::kInput,
                     std::string("not an OTLP/JSON ExportTraceServiceRequest: ") + error.what());
  }
  std::lock_guard lock(mutex_);
  if (!failed_.ok()) return failed_.error();
  if (closed_) return MakeError(ErrorKind::kUnavailable, "the recording has stopped");
  held_ += line;
  held_ += '\n';
  ++counts_.requests;
  counts_.spans += received.spans;
  counts_.roots += received.roots;
  for (const auto& [service, spans] : by_service) counts_.by_service[service] += spans;
  if (held_.size() >= kFlushBytes) {
    Status flushed = FlushLocked();
    if (!flushed.ok()) return flushed.error();
  }
  return received;
}

Status Recording::FlushLocked() {
  if (held_.empty()) return {};
  Status appended = fs_.AppendTemporary(temporary_, held_);
  held_.clear();
  if (!appended.ok()) failed_ = appended;
  return appended;
}

Status Recording::Commit() {
  std::lock_guard lock(mutex_);
  if (closed_) return failed_;
  closed_ = true;
  // A write that failed earlier lost lines: the file would be damaged, so none is made.
  if (failed_.ok()) (void)FlushLocked();  // a failure is kept in failed_
  if (!failed_.ok()) {
    fs_.Discard(temporary_);
    return failed_;
  }
  Status committed = fs_.Commit(temporary_, path_);
  if (!committed.ok()) failed_ = committed;
  return committed;
}

RecordingCounts Recording::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

}  // namespace perfgate::fetch
