#include "fetch/sentry_page_reader.h"

#include <string>

#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>
#include <boost/json/value.hpp>

#include "fetch/row_fields.h"

namespace perfgate::fetch {
namespace {

std::string_view KindOf(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::object: return "an object";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::null: return "null";
    default: return "a number";
  }
}

// Feeds one event object's fields into `fields`; false with fields.error() on a bad one.
bool ReadEvent(const boost::json::object& event, RowFields& fields) {
  fields.Reset();
  for (const auto& [key_json, value] : event) {
    std::string_view key(key_json.data(), key_json.size());
    Field field = ClassifyField(key);
    if (field == Field::kIgnored) continue;
    bool ok = true;
    switch (value.kind()) {
      case boost::json::kind::string:
        ok = fields.OnString(field, key, {value.get_string().data(), value.get_string().size()});
        break;
      case boost::json::kind::int64:
      case boost::json::kind::uint64:
      case boost::json::kind::double_: {
        std::string raw = boost::json::serialize(value);
        ok = fields.OnNumber(field, key, value.to_number<double>(), raw);
        break;
      }
      case boost::json::kind::bool_: ok = fields.OnBool(field, key, value.get_bool()); break;
      case boost::json::kind::null: ok = fields.OnNull(field, key); break;
      default: ok = fields.OnContainer(field, key, KindOf(value)); break;
    }
    if (!ok) return false;
  }
  return fields.Finish();
}

// 1-based line and column of byte `offset` in `text`.
std::pair<std::size_t, std::size_t> LineColumn(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, offset - line_start + 1};
}

}  // namespace

Result<SampleSet> ReadSentryPage(std::string_view text, std::string_view source,
                                 const ReadOptions& options) {
  boost::json::stream_parser parser;
  boost::json::error_code ec;
  std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec && used < text.size()) ec = boost::json::error::extra_data;
  if (!ec) parser.finish(ec);
  if (ec) {
    auto [line, column] = LineColumn(text, used);
    return MakeError(ErrorKind::kInput, std::string(source) + ":" + std::to_string(line) + ":" +
                                            std::to_string(column) +
                                            ": invalid JSON: " + ec.message());
  }
  boost::json::value root = parser.release();

  const boost::json::array* events = nullptr;
  std::string prefix;
  if (root.is_object() && root.as_object().contains("data")) {
    const boost::json::value& data = root.as_object().at("data");
    if (!data.is_array()) {
      return MakeError(ErrorKind::kInput, std::string(source) + ": \"data\" must be an array, not " +
                                              std::string(KindOf(data)));
    }
    events = &data.as_array();
    prefix = "data";
  } else if (root.is_array()) {
    events = &root.as_array();
  } else {
    return MakeError(ErrorKind::kInput,
                     std::string(source) +
                         ": expected a Sentry events page {\"data\": [...]} or an array of "
                         "events, got " + std::string(KindOf(root)) +
                         (root.is_object() ? " without \"data\"" : ""));
  }

  SampleSetBuilder samples;
  BadRowLog bad_rows(options.on_bad_row, source);
  RowFields fields;
  for (std::size_t i = 0; i < events->size(); ++i) {
    const boost::json::value& event = (*events)[i];
    std::string reason;
    if (!event.is_object()) {
      reason = "expected an event object, got " + std::string(KindOf(event));
    } else if (!ReadEvent(event.as_object(), fields)) {
      reason = fields.error();
    } else {
      samples.Add(fields.transaction(), fields.duration_ms(), fields.failed());
      continue;
    }
    std::string where = prefix + "[" + std::to_string(i) + "]: ";
    if (!bad_rows.Record(0, 0, where + reason)) return bad_rows.StopError();
  }
  SampleSet set = std::move(samples).Build(std::string(source));
  bad_rows.CopyTo(set);
  return set;
}

}  // namespace perfgate::fetch
