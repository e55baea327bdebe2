// How one input row (an NDJSON object, a CSV record, an element of a Sentry page's
// "data") becomes one sample. Field names are perfgate's or Sentry's; the precedence that
// decides whether an event failed is defined here, once, for every reader.
#ifndef PERFGATE_FETCH_FILES_ROW_FIELDS_H_
#define PERFGATE_FETCH_FILES_ROW_FIELDS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/samples.h"

namespace perfgate::fetch {

// The meaning of a column, from its name.
enum class Field {
  kTransaction,  // "transaction"
  kDuration,     // "duration_ms", "transaction.duration", "span.duration" (milliseconds)
  kStatus,       // "status", "transaction.status", "span.status" (a span status name)
  kError,        // "error" (true/false)
  kStatusCode,   // "status_code", "http.status_code", "span.status_code" (an HTTP code)
  kTrace,        // "trace": the event's trace id (32 hex digits)
  kEventId,      // "id": Sentry's event id, kept when it is 32 hex digits (else ignored)
  kOpTime,       // "spans.db", "spans.http", ..., "spans.total.time": Sentry's ops breakdown
  kTimestamp,    // "timestamp": ISO 8601, or seconds (or ms) since the epoch; for reports only
  kRelease,      // "release": the release the event came from; for reports only
  kMeasurement,  // "measurements.lcp", "sum_per_request(KEY)": a number (a time in ms)
  kMeasurements, // "measurements": Sentry's event shape, {"lcp": {"value", "unit"}, ...}
  kUser,         // "user", "user.id", "user.email", "user.username", "user.ip": who it served
  kIgnored,      // anything else: environment, project, ...
};

Field ClassifyField(std::string_view name);

// Milliseconds in one of Sentry's duration units ("millisecond", "second", ...); nullopt
// for any other name.
std::optional<double> SentryUnitMs(std::string_view unit);

// One row's fields, fed by a reader as it meets them; Finish() validates and decides.
//
// Failure precedence: an explicit `error` wins; else a span `status` decides by Sentry's
// failure_rate() (anything but ok, cancelled, unknown, unknown_error); else an HTTP
// `status_code` >= 500 means failed; with none of them the event is ok.
class RowFields {
 public:
  void Reset();

  // JSON-typed values. Each returns false and sets error() on a value of the wrong type.
  bool OnString(Field field, std::string_view name, std::string_view value);
  bool OnNumber(Field field, std::string_view name, double value, std::string_view raw);
  bool OnBool(Field field, std::string_view name, bool value);
  bool OnNull(Field field, std::string_view name);
  // An object or array where a field value was expected; `kind` is "an object"/"an array".
  bool OnContainer(Field field, std::string_view name, std::string_view kind);

  // A value from a text format (CSV), typed by the field it belongs to.
  bool OnText(Field field, std::string_view name, std::string_view text);

  // A measurement in Sentry's event shape ({"lcp": {"value": 2400, "unit": "millisecond"}}):
  // `name` is its key ("lcp"), `unit` Sentry's unit name or "" (a time unit becomes ms).
  bool OnMeasurement(std::string_view name, double value, std::string_view unit);

  // Completes the row. False with error() set when it has no usable duration.
  bool Finish();

  std::string_view transaction() const { return transaction_; }
  double duration_ms() const { return duration_ms_; }
  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }
  // The event's trace id and ops breakdown; an empty tree when the row has no breakdown
  // (a trace id alone explains nothing). The breakdown's spans.total.time becomes the
  // kOtherOps part: the total less the families given.
  SpanTree Spans() const;
  bool HasSpans() const { return !op_times_.empty(); }
  // The event's release and time, where the row gives them (a timestamp that does not read
  // as one is left out: it only informs reports).
  std::string_view release() const { return release_; }
  std::string_view status() const { return status_; }
  std::string_view trace() const { return trace_; }
  std::string_view event_id() const { return event_id_; }
  std::optional<double> timestamp() const { return timestamp_; }
  // The row's measurements, named as columns are ("measurements.lcp"), times in ms.
  const std::vector<std::pair<std::string, double>>& values() const { return values_; }

 private:
  bool Fail(std::string message);
  bool SetDuration(std::string_view name, double value, std::string_view raw);
  bool Claim(Field field, std::string_view name);
  bool SetOpTime(std::string_view name, double value, std::string_view raw);
  bool SetTrace(std::string_view value);
  bool SetValue(std::string_view column, double value, std::string_view raw);
  void SetUser(std::string_view id);

  std::string transaction_;
  std::string status_;
  std::string error_;
  std::string duration_name_;  // which column gave the duration, for a clash message
  std::string trace_;
  std::string event_id_;
  std::string release_;
  std::optional<double> timestamp_;
  std::vector<OpTime> op_times_;  // the families, as given
  std::vector<std::pair<std::string, double>> values_;
  double total_time_ms_ = -1;     // spans.total.time; -1 when not given
  double duration_ms_ = 0;
  long long status_code_ = 0;
  bool failed_ = false;
  bool has_duration_ = false;
  bool has_status_ = false;
  bool has_error_flag_ = false;
  bool error_flag_ = false;
  bool has_status_code_ = false;
  bool has_user_ = false;
};

// Adds the finished row `fields` to `samples`, with its spans when it has a breakdown.
// With `keep_details`, the event's status, time and ids go with it (EventDetails).
void AddRow(SampleSetBuilder& samples, const RowFields& fields, bool keep_details = false);

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_FILES_ROW_FIELDS_H_
