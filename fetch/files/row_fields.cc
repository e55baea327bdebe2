#include "fetch/files/row_fields.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "core/span_status.h"
#include "core/text.h"
#include "core/timestamp.h"

namespace perfgate::fetch {
namespace {

// A value echoed in an error message, cut short so one bad row cannot flood the output.
std::string Quote(std::string_view text) {
  constexpr std::size_t kMaxEcho = 40;
  std::string quoted = "\"";
  quoted.append(CleanText(text.substr(0, kMaxEcho)));  // no raw control bytes in a message
  if (text.size() > kMaxEcho) quoted.append("...");
  quoted.push_back('"');
  return quoted;
}

}  // namespace

Field ClassifyField(std::string_view name) {
  // Dispatch on length first: this runs for every key of every row.
  switch (name.size()) {
    case 2:
      if (name == "id") return Field::kEventId;
      break;
    case 5:
      if (name == "error") return Field::kError;
      if (name == "trace") return Field::kTrace;
      break;
    case 6:
      if (name == "status") return Field::kStatus;
      break;
    case 7:
      if (name == "release") return Field::kRelease;
      break;
    case 9:
      if (name == "timestamp") return Field::kTimestamp;
      break;
    case 11:
      if (name == "transaction") return Field::kTransaction;
      if (name == "duration_ms") return Field::kDuration;
      if (name == "status_code") return Field::kStatusCode;
      if (name == "span.status") return Field::kStatus;
      break;
    case 13:
      if (name == "span.duration") return Field::kDuration;
      break;
    case 16:
      if (name == "http.status_code" || name == "span.status_code") return Field::kStatusCode;
      break;
    case 18:
      if (name == "transaction.status") return Field::kStatus;
      break;
    case 20:
      if (name == "transaction.duration") return Field::kDuration;
      break;
    default:
      break;
  }
  if (name.size() > 6 && name.starts_with("spans.")) return Field::kOpTime;
  if (name.size() > 13 && name.starts_with("measurements.")) return Field::kMeasurement;
  if (name.starts_with("sum_per_request(") && name.ends_with(")")) return Field::kMeasurement;
  if (name == "measurements") return Field::kMeasurements;
  if (name == "user" || (name.starts_with("user.") &&
                         (name == "user.id" || name == "user.email" || name == "user.username" ||
                          name == "user.ip" || name == "user.display"))) {
    return Field::kUser;
  }
  return Field::kIgnored;
}

void RowFields::Reset() {
  transaction_.clear();
  status_.clear();
  error_.clear();
  duration_name_.clear();
  trace_.clear();
  event_id_.clear();
  release_.clear();
  timestamp_.reset();
  op_times_.clear();
  values_.clear();
  total_time_ms_ = -1;
  duration_ms_ = 0;
  status_code_ = 0;
  failed_ = false;
  has_duration_ = has_status_ = has_error_flag_ = error_flag_ = has_status_code_ = false;
  has_user_ = false;
}

bool RowFields::Fail(std::string message) {
  error_ = std::move(message);
  return false;
}

// Duration aliases are alternatives, not additions: a row that gives two is ambiguous.
bool RowFields::Claim(Field field, std::string_view name) {
  if (field != Field::kDuration) return true;
  if (has_duration_) {
    return Fail("two durations in one row: " + duration_name_ + " and " + std::string(name));
  }
  duration_name_ = name;
  return true;
}

bool RowFields::SetDuration(std::string_view name, double value, std::string_view raw) {
  if (!Claim(Field::kDuration, name)) return false;
  if (!std::isfinite(value)) {
    return Fail(std::string(name) + " is not a finite number: " + Quote(raw));
  }
  if (value < 0) return Fail(std::string(name) + " is negative: " + std::string(raw));
  duration_ms_ = value + 0.0;  // -0 is 0: no "-0" in any report
  has_duration_ = true;
  return true;
}

// A breakdown's value: null (no spans of the family) is not given; else finite and >= 0.
bool RowFields::SetOpTime(std::string_view name, double value, std::string_view raw) {
  if (!std::isfinite(value) || value < 0) {
    return Fail(std::string(name) + " is not a duration in ms: " + Quote(raw));
  }
  if (name == "spans.total.time") {
    total_time_ms_ = value;
  } else {
    op_times_.push_back({std::string(name.substr(6)), value});
  }
  return true;
}

std::optional<double> SentryUnitMs(std::string_view unit) {
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"nanosecond", 1e-6}, {"microsecond", 1e-3}, {"millisecond", 1}, {"second", 1e3},
      {"minute", 6e4},      {"hour", 3.6e6},       {"day", 8.64e7},    {"week", 6.048e8}};
  for (const auto& [name, ms] : kUnits) {
    if (name == unit) return ms;
  }
  return std::nullopt;
}

// A measurement: finite (a time in ms, a count, a score); a repeated name keeps the last.
bool RowFields::SetValue(std::string_view column, double value, std::string_view raw) {
  if (!std::isfinite(value)) {
    return Fail(std::string(column) + " is not a finite number: " + Quote(raw));
  }
  for (auto& [name, known] : values_) {
    if (name == column) {
      known = value + 0.0;
      return true;
    }
  }
  values_.emplace_back(std::string(column), value + 0.0);
  return true;
}

// The first of the row's user fields names its user: a 53-bit FNV-1a hash of the id, exact
// in a double, tells users apart.
void RowFields::SetUser(std::string_view id) {
  if (has_user_ || id.empty()) return;
  values_.emplace_back(std::string(kUserValue),
                       static_cast<double>(Fnv1a(id) & ((std::uint64_t{1} << 53) - 1)));
  has_user_ = true;
}

bool RowFields::OnMeasurement(std::string_view name, double value, std::string_view unit) {
  const std::string column = "measurements." + std::string(name);
  const std::optional<double> ms = SentryUnitMs(unit);
  return SetValue(column, ms ? value * *ms : value, column);
}

namespace {

bool IsHexId(std::string_view value) {
  return value.size() == 32 && value.find_first_not_of("0123456789abcdefABCDEF") == value.npos;
}

void AssignLowercase(std::string& to, std::string_view value) {
  to.assign(value);
  for (char& c : to) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

}  // namespace

// Sentry's trace ids: 32 hex digits, kept in lowercase (they go into links).
bool RowFields::SetTrace(std::string_view value) {
  if (value.empty()) return true;
  if (!IsHexId(value)) return Fail("trace is not a trace id of 32 hex digits: " + Quote(value));
  AssignLowercase(trace_, value);
  return true;
}

SpanTree RowFields::Spans() const {
  SpanTree tree;
  if (op_times_.empty()) return tree;
  tree.trace_id = trace_;
  tree.event_id = event_id_;
  tree.op_times = op_times_;
  double families = 0;
  for (const OpTime& part : op_times_) families += part.ms;
  // Rounded sums can leave a total a hair below its parts: not a part of its own.
  if (total_time_ms_ - families > 1e-6 * std::max(1.0, total_time_ms_))
    tree.op_times.push_back({std::string(kOtherOps), total_time_ms_ - families});
  return tree;
}

void AddRow(SampleSetBuilder& samples, const RowFields& fields, bool keep_details) {
  if (fields.HasSpans()) {
    samples.Add(fields.transaction(), fields.duration_ms(), fields.failed(), fields.Spans());
  } else {
    samples.Add(fields.transaction(), fields.duration_ms(), fields.failed());
  }
  if (fields.timestamp() || !fields.release().empty())
    samples.NoteOrigin(fields.release(), fields.timestamp());
  for (const auto& [name, value] : fields.values()) samples.AttachValue(name, value);
  if (keep_details && (!fields.status().empty() || fields.timestamp() || !fields.trace().empty() ||
                       !fields.event_id().empty())) {
    samples.AttachDetails({std::string(fields.status()), fields.timestamp(),
                           std::string(fields.trace()), std::string(fields.event_id())});
  }
}

bool RowFields::OnString(Field field, std::string_view name, std::string_view value) {
  switch (field) {
    case Field::kTransaction:
      transaction_.assign(value);
      return true;
    case Field::kStatus:
      status_.assign(value);
      has_status_ = !value.empty();
      return true;
    case Field::kDuration:
      return Fail(std::string(name) + " must be a number, not a string: " + Quote(value));
    case Field::kError:
      return Fail("error must be true or false, not a string: " + Quote(value));
    case Field::kStatusCode:
      // Sentry returns tags such as http.status_code as strings ("500").
      return OnText(field, name, value);
    case Field::kTrace:
      return SetTrace(value);
    case Field::kEventId:
      // Other sources' ids (a row number, a UUID with dashes) are theirs: not an error.
      if (IsHexId(value)) AssignLowercase(event_id_, value);
      return true;
    case Field::kOpTime:
      return Fail(std::string(name) + " must be a number, not a string: " + Quote(value));
    case Field::kTimestamp:
      timestamp_ = ParseIsoTimestamp(value);
      if (!timestamp_) {
        double number = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
        if (ec == std::errc() && end == value.data() + value.size())
          timestamp_ = EpochSeconds(number);
      }
      return true;
    case Field::kRelease:
      release_.assign(value);
      return true;
    case Field::kMeasurement:
    case Field::kMeasurements:
      return Fail(std::string(name) + " must be a number, not a string: " + Quote(value));
    case Field::kUser:
      SetUser(value);
      return true;
    case Field::kIgnored:
      return true;
  }
  return true;
}

bool RowFields::OnNumber(Field field, std::string_view name, double value, std::string_view raw) {
  switch (field) {
    case Field::kDuration:
      return SetDuration(name, value, raw);
    case Field::kStatusCode:
      return OnText(field, name, raw);
    case Field::kError:
      if (value == 0 || value == 1) {
        has_error_flag_ = true;
        error_flag_ = value == 1;
        return true;
      }
      return Fail("error must be true or false, not " + std::string(raw));
    case Field::kOpTime:
      return SetOpTime(name, value, raw);
    case Field::kMeasurement:
      return SetValue(name, value, raw);
    case Field::kUser:
      SetUser(raw);
      return true;
    case Field::kTransaction:
    case Field::kStatus:
    case Field::kTrace:
    case Field::kMeasurements:
      return Fail(std::string(name) + " must be a string, not a number: " + std::string(raw));
    case Field::kTimestamp:
      timestamp_ = EpochSeconds(value);
      return true;
    case Field::kRelease:
      release_.assign(raw);
      return true;
    case Field::kEventId:
    case Field::kIgnored:
      return true;
  }
  return true;
}

bool RowFields::OnBool(Field field, std::string_view name, bool value) {
  switch (field) {
    case Field::kError:
      has_error_flag_ = true;
      error_flag_ = value;
      return true;
    case Field::kEventId:
    case Field::kTimestamp:
    case Field::kRelease:
    case Field::kUser:
    case Field::kIgnored:
      return true;
    default:
      return Fail(std::string(name) + " must not be a boolean");
  }
}

bool RowFields::OnNull(Field field, std::string_view name) {
  if (field == Field::kDuration) return Fail(std::string(name) + " is null");
  return true;  // a null status, code, name or flag means "not given"
}

bool RowFields::OnContainer(Field field, std::string_view name, std::string_view kind) {
  // A user object ({"id": ...}, Sentry's event shape) is not read: a flat user field is.
  if (field == Field::kIgnored || field == Field::kEventId || field == Field::kTimestamp ||
      field == Field::kRelease || field == Field::kUser)
    return true;
  if (field == Field::kMeasurements && kind == "an object") return true;  // the reader descends
  return Fail(std::string(name) + " must not be " + std::string(kind));
}

bool RowFields::OnText(Field field, std::string_view name, std::string_view text) {
  switch (field) {
    case Field::kUser:
    case Field::kTransaction:
    case Field::kStatus:
    case Field::kTrace:
    case Field::kEventId:
    case Field::kTimestamp:
    case Field::kRelease:
      return OnString(field, name, text);
    case Field::kOpTime: {
      if (text.empty()) return true;  // no spans of the family
      double value = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || end != text.data() + text.size())
        return Fail(std::string(name) + " is not a number: " + Quote(text));
      return SetOpTime(name, value, text);
    }
    case Field::kMeasurement:
    case Field::kMeasurements: {
      if (text.empty()) return true;  // the event has no such measurement
      double value = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || end != text.data() + text.size())
        return Fail(std::string(name) + " is not a number: " + Quote(text));
      return SetValue(name, value, text);
    }
    case Field::kDuration: {
      if (text.empty()) return Fail(std::string(name) + " is empty");
      double value = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return Fail(std::string(name) + " is not a number: " + Quote(text));
      }
      return SetDuration(name, value, text);
    }
    case Field::kError:
      if (text.empty()) return true;
      if (text == "true" || text == "1") {
        has_error_flag_ = error_flag_ = true;
        return true;
      }
      if (text == "false" || text == "0") {
        has_error_flag_ = true;
        error_flag_ = false;
        return true;
      }
      return Fail("error must be true or false, not " + Quote(text));
    case Field::kStatusCode: {
      if (text.empty()) return true;
      long long code = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
      if (ec != std::errc() || end != text.data() + text.size() || code < 100 || code > 999) {
        return Fail(std::string(name) + " is not an HTTP status code: " + Quote(text));
      }
      status_code_ = code;
      has_status_code_ = true;
      return true;
    }
    case Field::kIgnored:
      return true;
  }
  return true;
}

bool RowFields::Finish() {
  if (!has_duration_) {
    return Fail("no duration: expected one of duration_ms, transaction.duration, span.duration");
  }
  if (has_error_flag_) {
    failed_ = error_flag_;
  } else if (has_status_) {
    failed_ = IsFailureStatus(status_);
  } else if (has_status_code_) {
    failed_ = IsFailureStatusCode(status_code_);
  } else {
    failed_ = false;
  }
  return true;
}

}  // namespace perfgate::fetch
