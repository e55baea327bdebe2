#include "reports/json_writer.h"

#include <boost/json/object.hpp>

#include <charconv>
#include <cmath>

#include <boost/json/serialize.hpp>

#include "core/text.h"

namespace perfgate::reports {
namespace {

// A JSON string of `text`, whatever its bytes: invalid UTF-8 becomes U+FFFD, so every
// document perfgate writes is valid JSON (RFC 8259 requires UTF-8).
std::string JsonString(std::string_view text) {
  return boost::json::serialize(boost::json::value(ValidUtf8(text)));
}

}  // namespace

// Writes `value` at nesting `depth`: indented below `inline_depth` (or always when it is
// negative), on one line from it on.
void AppendJson(const boost::json::value& value, int depth, int inline_depth, std::string& out) {
  const bool one_line = inline_depth >= 0 && depth >= inline_depth;
  const std::string pad =
      one_line ? std::string() : "\n" + std::string(static_cast<std::size_t>(2 * depth + 2), ' ');
  const std::string close =
      one_line ? std::string() : "\n" + std::string(static_cast<std::size_t>(2 * depth), ' ');
  const char* separator = one_line ? ", " : ",";
  if (value.is_object()) {
    const boost::json::object& object = value.as_object();
    if (object.empty()) {
      out += "{}";
      return;
    }
    out += "{";
    bool first = true;
    for (const auto& [key, member] : object) {
      if (!first) out += separator;
      first = false;
      out += pad + JsonString(key) + ": ";
      AppendJson(member, depth + 1, inline_depth, out);
    }
    out += close + "}";
  } else if (value.is_array()) {
    const boost::json::array& array = value.as_array();
    if (array.empty()) {
      out += "[]";
      return;
    }
    out += "[";
    for (std::size_t i = 0; i < array.size(); ++i) {
      if (i > 0) out += separator;
      out += pad;
      AppendJson(array[i], depth + 1, inline_depth, out);
    }
    out += close + "]";
  } else if (value.is_double()) {
    // std::to_chars gives the shortest text that reads back as the same double, in plain
    // notation where that is shortest ("137.8398065", not Boost.JSON's "1.378398065E2").
    char buffer[32];
    const double number = value.get_double() == 0 ? 0.0 : value.get_double();  // never "-0"
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, number);
    out.append(buffer, end);
  } else if (value.is_string()) {
    out += JsonString(value.get_string());
  } else {
    out += boost::json::serialize(value);
  }
}

void JsonObjectWriter::Key(std::string_view key) {
  out_ += out_.empty() ? "{" : ",";
  out_ += inline_depth_ == 0 ? (out_.size() == 1 ? "" : " ") : "\n  ";
  out_ += JsonString(key) + ": ";
}

std::string PrettyJson(const boost::json::value& value, int inline_depth) {
  std::string out;
  AppendJson(value, 0, inline_depth, out);
  out += "\n";
  return out;
}

boost::json::value JsonNumber(std::optional<double> value) {
  if (!value || !std::isfinite(*value)) return nullptr;
  return *value;
}

boost::json::value IntervalJson(const std::optional<stats::Interval>& interval) {
  if (!interval) return nullptr;
  return boost::json::object{{"lower", JsonNumber(interval->lower)},
                             {"upper", JsonNumber(interval->upper)}};
}

}  // namespace perfgate::reports
