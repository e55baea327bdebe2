#include "fetch/files/otlp_reader.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "core/timestamp.h"
#include "fetch/files/otlp_dom_reader.h"
#include "fetch/files/otlp_fast_reader.h"
#include "fetch/files/otlp_span.h"
#include "fetch/files/otlp_trees.h"

namespace perfgate::fetch {

using boost::json::value;
using otlp::Children;
using otlp::kNone;
using otlp::Links;
using otlp::Span;

Result<SampleSet> ReadOtlp(std::string_view text, std::string_view source,
                           const ReadOptions& options) {
  if (options.duration_unit != DurationUnit::kMilliseconds) {
    return MakeError(ErrorKind::kUsage,
                     std::string(source) +
                         ": --duration-unit applies to NDJSON, CSV and Sentry pages; OTLP "
                         "durations come from its nanosecond timestamps");
  }
  static const std::string kUnnamed = "(unnamed span)";
  BadRowLog bad_rows(options.on_bad_row, source);
  std::vector<Span> spans;
  // About one span per 512 bytes of OTLP/JSON (a span with few attributes takes 300 to 400):
  // fewer copies of a large vector as it grows.
  spans.reserve(text.size() / 512);
  std::set<std::string> strings;
  otlp::RecordParser parser;
  // The span attributes asked for beyond the token counts, each once.
  std::vector<std::string> value_keys;
  for (const std::string& key : options.span_values) {
    const bool known =
        std::find(otlp::kSpanAttributeKeys.begin() + otlp::kFirstValueAttribute,
                  otlp::kSpanAttributeKeys.end(), key) != otlp::kSpanAttributeKeys.end() ||
        std::find(value_keys.begin(), value_keys.end(), key) != value_keys.end();
    if (!known) value_keys.push_back(key);
  }
  otlp::FastRecordReader fast(spans, strings, value_keys);
  auto invalid = [&](std::size_t offset, const std::string& message) {
    auto [line, column] = LineColumn(text, offset);
    return bad_rows.Record(line, column, "invalid JSON: " + message);
  };
  // JSON Lines when the first record ends with its line; else one document.
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  const std::size_t first_end = std::min(text.find('\n', first), text.size());
  std::size_t offset = 0;
  std::string error;
  const bool lines = first != std::string_view::npos &&
                     parser.Parse(text.substr(first, first_end - first), offset, error) != nullptr;
  if (!lines && first != std::string_view::npos) {
    const value* record = parser.Parse(text, offset, error);
    if (record == nullptr) {
      invalid(offset, error);
      return bad_rows.StopError();
    }
    if (!otlp::ReadRecord(*record, 1, spans, strings, bad_rows, value_keys))
      return bad_rows.StopError();
  }
  for (std::size_t at = 0, line = 1; lines && at < text.size(); ++line) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view record_text = text.substr(at, end - at);
    if (record_text.find_first_not_of(" \t\r") != std::string_view::npos) {
      if (fast.Read(record_text)) {
        at = end + 1;
        continue;
      }
      const value* record = parser.Parse(record_text, offset, error);
      const bool go_on = record
                             ? otlp::ReadRecord(*record, line, spans, strings, bad_rows, value_keys)
                             : invalid(at + offset, error);
      if (!go_on) return bad_rows.StopError();
    }
    at = end + 1;
  }

  // Transactions: local roots. A parent in the input under the same service makes a span a
  // child; a parent elsewhere (another service, another file, remote) makes it a segment,
  // whose tree is its descendants in its service.
  const Links links = otlp::LinkSpans(spans);
  const std::vector<std::size_t>& parents = links.parents;
  const Children children = otlp::ChildrenOf(parents);
  if (!otlp::RecordCycles(spans, links, children, bad_rows)) return bad_rows.StopError();
  SampleSetBuilder builder;
  std::set<std::string_view> versions;
  std::size_t transactions = 0;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (parents[i] != kNone || links.repeated[i]) continue;
    const Span& span = spans[i];
    versions.insert(*span.version);
    if (!options.release.empty() && *span.version != options.release) continue;
    const std::string& name = !span.transaction.empty() ? span.transaction
                              : !span.name.empty()      ? span.name
                                                        : kUnnamed;
    builder.Add(name, static_cast<double>(span.end_ns - span.start_ns) / 1e6, span.failed,
                otlp::Tree(spans, children, i));
    otlp::AttachTreeValues(spans, children, i, name, builder);
    for (const auto& [key, number] : span.measurements) builder.AttachValue(key, number);
    builder.NoteOrigin(*span.version,
                       FromMilliseconds(static_cast<long long>(span.start_ns / 1'000'000)));
    ++transactions;
  }
  std::string version_list;
  for (std::string_view version : versions)
    version_list += (version_list.empty() ? "" : ", ") +
                    (version.empty() ? std::string("(none)") : std::string(version));
  if (transactions == 0 && !options.release.empty() && !versions.empty()) {
    return MakeError(ErrorKind::kInput, std::string(source) + ": no transactions of release " +
                                            options.release + " (service.version); it holds " +
                                            version_list);
  }
  if (transactions == 0) {
    return MakeError(ErrorKind::kInput, std::string(source) + ": no transactions: " +
                                            (spans.empty() ? "no spans" : "no local root spans") +
                                            " in the input");
  }
  SampleSet set = std::move(builder).Build(
      options.release.empty() ? std::string(source)
                              : std::string(source) + " (release " + options.release + ")");
  bad_rows.CopyTo(set);
  if (links.repeats > 0) {
    set.notes.push_back(std::string(source) + ": " + std::to_string(links.repeats) +
                        (links.repeats == 1 ? " span repeated" : " spans repeated") +
                        " an earlier span's traceId and spanId (a batch exported twice?) and "
                        "counted once");
  }
  if (versions.size() > 1 && options.release.empty()) {
    set.notes.push_back(std::string(source) + " holds transactions of " +
                        std::to_string(versions.size()) + " service.version values (" +
                        version_list +
                        "), judged together as one release; --baseline-release and "
                        "--candidate-release pick one each");
  }
  return set;
}

}  // namespace perfgate::fetch
