#include "fetch/files/json_event_handler.h"

#include <charconv>
#include <cstdint>
#include <cstdlib>

namespace perfgate::fetch {
namespace {

constexpr std::string_view kNotAPage =
    "expected a Sentry events page {\"data\": [...]} or an array of events, got ";

}  // namespace

double JsonNumberValue(std::string_view text) {
  // Fast path for plain decimals ("1234.567"): with at most 15 significant digits the
  // digits form an integer m < 2^53 and the scale 10^k (k <= 22) is exact, so m / 10^k is
  // one correctly rounded IEEE division: exactly from_chars' answer (Clinger 1990).
  static constexpr double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                            1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  std::uint64_t mantissa = 0;
  int digits = 0;
  int decimals = -1;  // digits after the point, once a point is seen
  bool simple = !text.empty() && text.size() <= 17;
  for (std::size_t i = 0; simple && i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
      digits += mantissa != 0 ? 1 : 0;
      if (decimals >= 0) ++decimals;
    } else if (c == '.' && decimals < 0) {
      decimals = 0;
    } else {
      simple = false;  // a sign, an exponent: take the general path
    }
  }
  if (simple && digits <= 15) {
    return static_cast<double>(mantissa) / kPowersOfTen[decimals < 0 ? 0 : decimals];
  }
  // JSON's number grammar is a subset of what from_chars accepts, and from_chars rounds
  // correctly. Out of range it stores nothing; strtod then gives +-HUGE_VAL (infinity) for
  // overflow and the correctly rounded tiny value or 0 for underflow.
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) value = std::strtod(std::string(text).c_str(), nullptr);
  return value;
}

void JsonEventHandler::Reset() {
  fields_.Reset();
  event_error_.clear();
  structure_error_.clear();
  key_.clear();
  text_.clear();
  number_.clear();
  field_ = Field::kIgnored;
  depth_ = 0;
  events_depth_ = layout_ == Layout::kOneEventPerDocument ? 0 : -1;
  skip_until_depth_ = -1;
  index_ = 0;
  in_event_ = expect_data_ = saw_data_ = root_is_object_ = stopped_ = false;
  expect_meta_ = expect_units_ = units_open_ = false;
  meta_depth_ = -1;
  unit_key_.clear();
  units_.clear();
  measurements_depth_ = -1;
  in_measurement_ = false;
}

void JsonEventHandler::Finish() {
  if (layout_ == Layout::kSentryPage && !stopped_ && root_is_object_ && !saw_data_) {
    structure_error_ = std::string(kNotAPage) + "an object without \"data\"";
  }
}

bool JsonEventHandler::Stop(error_code& ec) {
  stopped_ = true;
  ec = boost::json::error::exception;  // any code: it only tells the parser to stop
  return false;
}

bool JsonEventHandler::StructureError(std::string message, error_code& ec) {
  structure_error_ = std::move(message);
  return Stop(ec);
}

bool JsonEventHandler::FieldResult(bool ok) {
  if (!ok) event_error_ = fields_.error();
  return true;
}

bool JsonEventHandler::EndEvent(error_code& ec) {
  in_event_ = false;
  if (event_error_.empty() && !fields_.Finish()) event_error_ = fields_.error();
  if (!on_event_(index_++, fields_, event_error_)) return Stop(ec);
  return true;
}

bool JsonEventHandler::OpenContainer(bool object, error_code& ec) {
  const char* kind = object ? "an object" : "an array";
  if (skip_until_depth_ >= 0) {
    ++depth_;
    return true;
  }
  if (measurements_depth_ >= 0) {
    if (AtMeasurementName() && object) {
      in_measurement_ = true;
      measurement_key_.clear();
      measurement_value_.reset();
      measurement_unit_.clear();
    } else {
      skip_until_depth_ = depth_;  // not a measurement's shape: ignored
    }
    ++depth_;
    return true;
  }
  if (AtFieldLevel() && field_ == Field::kMeasurements && object && event_error_.empty()) {
    measurements_depth_ = ++depth_;
    return true;
  }
  if (AtFieldLevel()) {
    if (field_ != Field::kIgnored && event_error_.empty()) {
      FieldResult(fields_.OnContainer(field_, field_name_, kind));
    }
    skip_until_depth_ = depth_++;
    return true;
  }
  if (AtEventLevel()) {
    fields_.Reset();
    event_error_.clear();
    field_ = Field::kIgnored;
    if (object) {
      in_event_ = true;
    } else {
      // An array where an event belongs: skipped whole, then reported as a bad event.
      event_error_ = layout_ == Layout::kOneEventPerDocument
                         ? "expected one JSON object per line, got an array"
                         : "expected an event object, got an array";
      skip_until_depth_ = depth_;
    }
    ++depth_;
    return true;
  }
  // Only a Sentry page gets here: its root, its "data", or values to ignore ("meta").
  if (depth_ == 0) {
    root_is_object_ = object;
    if (!object) {
      saw_data_ = true;
      events_depth_ = 1;
    }
  } else if (depth_ == 1 && expect_data_) {
    expect_data_ = false;
    saw_data_ = true;
    if (object) return StructureError("\"data\" must be an array, not an object", ec);
    events_depth_ = 2;
  } else if (depth_ == 1 && expect_meta_ && object) {
    expect_meta_ = false;
    meta_depth_ = 2;
  } else if (depth_ == 2 && meta_depth_ == 2 && expect_units_ && object) {
    expect_units_ = false;
    units_open_ = true;
  } else {
    skip_until_depth_ = depth_;
  }
  ++depth_;
  return true;
}

bool JsonEventHandler::CloseContainer(error_code& ec) {
  --depth_;
  if (skip_until_depth_ >= 0) {
    if (depth_ != skip_until_depth_) return true;
    skip_until_depth_ = -1;
    if (AtEventLevel()) return EndEvent(ec);  // the skipped value was a bad event
    return true;
  }
  if (measurements_depth_ >= 0) {
    if (AtMeasurementName() && in_measurement_) {
      in_measurement_ = false;
      if (measurement_value_ && event_error_.empty()) {
        FieldResult(
            fields_.OnMeasurement(measurement_name_, *measurement_value_, measurement_unit_));
      }
      return true;
    }
    if (depth_ == measurements_depth_ - 1) measurements_depth_ = -1;
    return true;
  }
  if (in_event_ && depth_ == events_depth_) return EndEvent(ec);
  if (units_open_ && depth_ == 2) units_open_ = false;
  if (meta_depth_ == 2 && depth_ == 1) meta_depth_ = -1;
  return true;
}

bool JsonEventHandler::Scalar(const char* kind, error_code& ec) {
  if (AtEventLevel()) {
    fields_.Reset();
    event_error_ = std::string(layout_ == Layout::kOneEventPerDocument
                                   ? "expected one JSON object per line, got "
                                   : "expected an event object, got ") +
                   kind;
    return EndEvent(ec);
  }
  if (layout_ == Layout::kSentryPage && skip_until_depth_ < 0) {
    if (depth_ == 0) return StructureError(std::string(kNotAPage) + kind, ec);
    if (depth_ == 1 && expect_data_) {
      return StructureError(std::string("\"data\" must be an array, not ") + kind, ec);
    }
  }
  return true;
}

bool JsonEventHandler::on_key_part(string_view s, std::size_t, error_code&) {
  key_.append(s.data(), s.size());
  return true;
}

bool JsonEventHandler::on_key(string_view s, std::size_t, error_code&) {
  std::string_view key(s.data(), s.size());
  if (!key_.empty()) {
    key_.append(s.data(), s.size());
    key = key_;
  }
  if (skip_until_depth_ < 0) {
    if (AtMeasurementName()) {
      measurement_name_.assign(key);
    } else if (InMeasurement()) {
      measurement_key_.assign(key);
    } else if (AtFieldLevel()) {
      field_ = ClassifyField(key);
      if (field_ != Field::kIgnored) field_name_.assign(key);
    } else if (layout_ == Layout::kSentryPage && depth_ == 1 && root_is_object_) {
      expect_data_ = key == "data";
      expect_meta_ = key == "meta";
    } else if (meta_depth_ == 2 && depth_ == 2) {
      expect_units_ = key == "units";
    } else if (AtUnit()) {
      unit_key_.assign(key);
    }
  }
  key_.clear();
  return true;
}

bool JsonEventHandler::on_string_part(string_view s, std::size_t, error_code&) {
  if ((AtFieldLevel() && skip_until_depth_ < 0 && field_ != Field::kIgnored) || AtUnit() ||
      (InMeasurement() && skip_until_depth_ < 0 && measurement_key_ == "unit")) {
    text_.append(s.data(), s.size());
  }
  return true;
}

bool JsonEventHandler::on_string(string_view s, std::size_t, error_code& ec) {
  if (skip_until_depth_ >= 0) return true;
  if (AtUnit()) {
    text_.append(s.data(), s.size());
    units_[unit_key_] = text_;
    text_.clear();
    return true;
  }
  if (InMeasurement()) {
    if (measurement_key_ == "unit") measurement_unit_ = text_ + std::string(s.data(), s.size());
    text_.clear();
    return true;
  }
  if (AtMeasurementName()) return true;  // not a measurement's shape: ignored
  if (!AtFieldLevel()) return Scalar("a string", ec);
  if (field_ == Field::kIgnored || !event_error_.empty()) {
    text_.clear();
    return true;
  }
  std::string_view value(s.data(), s.size());
  if (!text_.empty()) {
    text_.append(s.data(), s.size());
    value = text_;
  }
  FieldResult(fields_.OnString(field_, field_name_, value));
  text_.clear();
  return true;
}

bool JsonEventHandler::on_number_part(string_view s, error_code&) {
  number_.append(s.data(), s.size());
  return true;
}

bool JsonEventHandler::Number(string_view last_part, error_code& ec) {
  std::string_view raw(last_part.data(), last_part.size());
  if (!number_.empty()) {
    number_.append(last_part.data(), last_part.size());
    raw = number_;
  }
  bool handled = true;
  if (skip_until_depth_ < 0 && AtMeasurementName()) {
    if (event_error_.empty()) FieldResult(fields_.OnMeasurement(measurement_name_,
                                                                JsonNumberValue(raw), ""));
  } else if (skip_until_depth_ < 0 && InMeasurement()) {
    if (measurement_key_ == "value") measurement_value_ = JsonNumberValue(raw);
  } else if (skip_until_depth_ < 0) {
    if (!AtFieldLevel()) {
      handled = Scalar("a number", ec);
    } else if (field_ != Field::kIgnored && event_error_.empty()) {
      FieldResult(fields_.OnNumber(field_, field_name_, JsonNumberValue(raw), raw));
    }
  }
  number_.clear();
  return handled;
}

bool JsonEventHandler::on_bool(bool b, error_code& ec) {
  if (skip_until_depth_ >= 0) return true;
  if (!AtFieldLevel()) return Scalar("a boolean", ec);
  if (field_ != Field::kIgnored && event_error_.empty())
    FieldResult(fields_.OnBool(field_, field_name_, b));
  return true;
}

bool JsonEventHandler::on_null(error_code& ec) {
  if (skip_until_depth_ >= 0) return true;
  if (!AtFieldLevel()) return Scalar("null", ec);
  if (field_ != Field::kIgnored && event_error_.empty())
    FieldResult(fields_.OnNull(field_, field_name_));
  return true;
}

}  // namespace perfgate::fetch
