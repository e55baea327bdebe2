// A streaming Boost.JSON SAX handler that turns event objects into RowFields, for both
// JSON inputs: an NDJSON line (the document is one event) and a Sentry events page (each
// element of "data", or of a top-level array, is one event). No DOM is built.
//
// Numbers are converted from their text with std::from_chars, which rounds correctly:
// Boost.JSON 1.81's own conversion is off by an ulp for about a fifth of 17-digit values,
// and percentiles must match numpy reading the same file exactly.
#ifndef PERFGATE_FETCH_FILES_JSON_EVENT_HANDLER_H_
#define PERFGATE_FETCH_FILES_JSON_EVENT_HANDLER_H_

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/basic_parser.hpp>

#include "fetch/files/row_fields.h"

namespace perfgate::fetch {

// The double a JSON number's text denotes, correctly rounded; +-infinity past the range.
// REQUIRES: `text` is a valid JSON number.
double JsonNumberValue(std::string_view text);

class JsonEventHandler {
 public:
  enum class Layout { kOneEventPerDocument, kSentryPage };

  // Called when an event ends: `error` is empty and `fields` finished, or `error` says why
  // the event is bad. `index` counts events from 0. Returning false stops the parse.
  using EventCallback =
      std::function<bool(std::size_t index, const RowFields& fields, const std::string& error)>;

  JsonEventHandler(Layout layout, EventCallback on_event)
      : layout_(layout), on_event_(std::move(on_event)) {}

  // Prepares for the next document.
  void Reset();
  // A problem with the document's shape rather than one event ("\"data\" must be an array").
  // Set when the parse stopped for it, or by Finish() after a complete parse.
  const std::string& structure_error() const { return structure_error_; }
  // True when the parse was stopped by the handler (a callback or a structure error),
  // as opposed to a JSON syntax error.
  bool stopped() const { return stopped_; }
  // Checks what can only be checked at the end (a page without "data").
  void Finish();
  // A Sentry page's meta.units: the unit of each field ("transaction.duration":
  // "millisecond"), as far as the page was read.
  const std::map<std::string, std::string>& units() const { return units_; }
  // The fields of the event reported last; valid until the next event or Reset().
  const RowFields& fields() const { return fields_; }
  // Where event `index` sits in the document, for messages: "data[3]" or "[3]".
  std::string EventLocation(std::size_t index) const {
    return (events_depth_ == 2 ? "data[" : "[") + std::to_string(index) + "]";
  }

  // Boost.JSON basic_parser handler interface.
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  using error_code = boost::json::error_code;
  using string_view = boost::json::string_view;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code& ec) { return OpenContainer(true, ec); }
  bool on_object_end(std::size_t, error_code& ec) { return CloseContainer(ec); }
  bool on_array_begin(error_code& ec) { return OpenContainer(false, ec); }
  bool on_array_end(std::size_t, error_code& ec) { return CloseContainer(ec); }
  bool on_key_part(string_view s, std::size_t, error_code&);
  bool on_key(string_view s, std::size_t, error_code&);
  bool on_string_part(string_view s, std::size_t, error_code&);
  bool on_string(string_view s, std::size_t, error_code& ec);
  bool on_number_part(string_view s, error_code&);
  bool on_int64(std::int64_t, string_view s, error_code& ec) { return Number(s, ec); }
  bool on_uint64(std::uint64_t, string_view s, error_code& ec) { return Number(s, ec); }
  bool on_double(double, string_view s, error_code& ec) { return Number(s, ec); }
  bool on_bool(bool b, error_code& ec);
  bool on_null(error_code& ec);
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

 private:
  // What a value is, for messages: "an object", "a number", ...
  bool Scalar(const char* kind, error_code& ec);
  bool OpenContainer(bool object, error_code& ec);
  bool CloseContainer(error_code& ec);
  bool Number(string_view last_part, error_code& ec);
  bool FieldResult(bool ok);
  // Reports the current event (good or bad) to the callback.
  bool EndEvent(error_code& ec);
  bool Stop(error_code& ec);
  bool StructureError(std::string message, error_code& ec);
  // True when a value at the current depth is an element of the events container.
  bool AtEventLevel() const { return depth_ == events_depth_ && meta_depth_ < 0; }
  // True inside meta.units, where each value is a field's unit.
  bool AtUnit() const { return units_open_ && depth_ == 3 && skip_until_depth_ < 0; }
  bool AtFieldLevel() const { return in_event_ && depth_ == events_depth_ + 1; }
  // Inside an event's "measurements" object (Sentry's event shape): at a measurement's name,
  // or inside its {"value", "unit"} object.
  bool AtMeasurementName() const { return measurements_depth_ >= 0 && depth_ == measurements_depth_; }
  bool InMeasurement() const { return in_measurement_ && depth_ == measurements_depth_ + 1; }

  Layout layout_;
  EventCallback on_event_;
  RowFields fields_;
  std::string event_error_;
  std::string structure_error_;
  std::string key_;
  std::string text_;
  std::string number_;
  Field field_ = Field::kIgnored;
  std::string field_name_;
  int depth_ = 0;              // containers open now
  int events_depth_ = 0;       // the depth at which event values appear
  int skip_until_depth_ = -1;  // ignoring a nested value until depth falls back to this
  std::size_t index_ = 0;      // events seen
  bool in_event_ = false;
  bool expect_data_ = false;   // the next value is the page's "data"
  bool expect_meta_ = false;   // the next value is the page's "meta"
  bool expect_units_ = false;  // the next value is meta's "units"
  int meta_depth_ = -1;        // 2 while inside the page's "meta" object
  bool units_open_ = false;    // inside meta.units
  std::string unit_key_;       // the field whose unit comes next
  std::map<std::string, std::string> units_;
  int measurements_depth_ = -1;  // the depth of an event's "measurements" members, while open
  bool in_measurement_ = false;  // inside one measurement's {"value", "unit"}
  std::string measurement_name_;
  std::string measurement_key_;  // "value", "unit" or another key of the measurement
  std::optional<double> measurement_value_;
  std::string measurement_unit_;
  bool saw_data_ = false;
  bool root_is_object_ = false;
  bool stopped_ = false;
};

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_FILES_JSON_EVENT_HANDLER_H_
