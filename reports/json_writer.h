// Pretty-printing of Boost.JSON values: two-space indentation, keys in insertion order,
// numbers in Boost.JSON's shortest round-trip form. Shared by every JSON perfgate writes.
#ifndef PERFGATE_REPORTS_JSON_WRITER_H_
#define PERFGATE_REPORTS_JSON_WRITER_H_

#include <optional>
#include <string>

#include <boost/json/value.hpp>

namespace perfgate::reports {

// `value` as indented JSON text ending in a newline. Containers nested `inline_depth` deep
// or deeper (the root is 0) are written on one line each, so a report of 10,000
// transactions has a line per transaction instead of a hundred; -1 indents everything.
std::string PrettyJson(const boost::json::value& value, int inline_depth = -1);

// A number, or null when absent or not finite (JSON has no infinity).
boost::json::value JsonNumber(std::optional<double> value);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_JSON_WRITER_H_
