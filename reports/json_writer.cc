#include "reports/json_writer.h"

#include <charconv>
#include <cmath>

#include <boost/json/serialize.hpp>

namespace perfgate::reports {
namespace {

void Write(const boost::json::value& value, int indent, std::string& out) {
  const std::string pad(static_cast<std::size_t>(indent + 2), ' ');
  const std::string close(static_cast<std::size_t>(indent), ' ');
  if (value.is_object()) {
    const boost::json::object& object = value.as_object();
    if (object.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& [key, member] : object) {
      if (!first) out += ",\n";
      first = false;
      out += pad + boost::json::serialize(boost::json::value(key)) + ": ";
      Write(member, indent + 2, out);
    }
    out += "\n" + close + "}";
  } else if (value.is_array()) {
    const boost::json::array& array = value.as_array();
    if (array.empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    for (std::size_t i = 0; i < array.size(); ++i) {
      if (i > 0) out += ",\n";
      out += pad;
      Write(array[i], indent + 2, out);
    }
    out += "\n" + close + "]";
  } else if (value.is_double()) {
    // std::to_chars gives the shortest text that reads back as the same double, in plain
    // notation where that is shortest ("137.8398065", not Boost.JSON's "1.378398065E2").
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value.get_double());
    out.append(buffer, end);
  } else {
    out += boost::json::serialize(value);
  }
}

}  // namespace

std::string PrettyJson(const boost::json::value& value) {
  std::string out;
  Write(value, 0, out);
  out += "\n";
  return out;
}

boost::json::value JsonNumber(std::optional<double> value) {
  if (!value || !std::isfinite(*value)) return nullptr;
  return *value;
}

}  // namespace perfgate::reports
