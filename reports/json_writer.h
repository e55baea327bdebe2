// Pretty-printing of Boost.JSON values: two-space indentation, keys in insertion order,
// numbers in Boost.JSON's shortest round-trip form. Shared by every JSON perfgate writes.
#ifndef PERFGATE_REPORTS_JSON_WRITER_H_
#define PERFGATE_REPORTS_JSON_WRITER_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/value.hpp>

#include "stats/interval.h"

namespace perfgate::reports {

// `value` as indented JSON text ending in a newline. Containers nested `inline_depth` deep
// or deeper (the root is 0) are written on one line each, so a report of 10,000
// transactions has a line per transaction instead of a hundred; -1 indents everything.
std::string PrettyJson(const boost::json::value& value, int inline_depth = -1);

// Appends `value` as PrettyJson writes it when found `depth` deep in a document.
void AppendJson(const boost::json::value& value, int depth, int inline_depth, std::string& out);

// Writes a JSON object a member at a time, in PrettyJson's layout, so that a report on
// 100,000 transactions never holds them all as Boost.JSON values at once (3 GB, not 0.6).
class JsonObjectWriter {
 public:
  // As PrettyJson's `inline_depth` (the object itself is 0 deep).
  explicit JsonObjectWriter(int inline_depth = -1) : inline_depth_(inline_depth) {}

  void Member(std::string_view key, const boost::json::value& value) {
    Key(key);
    AppendJson(value, 1, inline_depth_, out_);
  }

  // An array member whose `count` elements `element(i)` makes one at a time.
  template <typename MakeElement>
  void ArrayMember(std::string_view key, std::size_t count, const MakeElement& element) {
    Key(key);
    if (count == 0) {
      out_ += "[]";
      return;
    }
    const bool one_line = inline_depth_ >= 0 && inline_depth_ <= 1;
    out_ += "[";
    for (std::size_t i = 0; i < count; ++i) {
      out_ += i == 0 ? "" : (one_line ? ", " : ",");
      if (!one_line) out_ += "\n    ";
      AppendJson(element(i), 2, inline_depth_, out_);
    }
    out_ += one_line ? "]" : "\n  ]";
  }

  // The document, ending in a newline.
  std::string Finish() && {
    out_ += out_.empty() ? "{}\n" : "\n}\n";
    return std::move(out_);
  }

 private:
  void Key(std::string_view key);

  int inline_depth_;
  std::string out_;
};

// A number, or null when absent or not finite (JSON has no infinity).
boost::json::value JsonNumber(std::optional<double> value);

// {"lower": ..., "upper": ...}, or null when absent.
boost::json::value IntervalJson(const std::optional<stats::Interval>& interval);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_JSON_WRITER_H_
