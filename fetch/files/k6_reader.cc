#include "fetch/files/k6_reader.h"

#include <charconv>
#include <cmath>
#include <map>
#include <optional>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "core/parallel.h"
#include "core/timestamp.h"

namespace perfgate::fetch {
namespace {

using boost::json::object;
using boost::json::value;

constexpr std::string_view kDuration = "http_req_duration";
// The group of custom metric points that name neither a request nor a k6 group.
constexpr std::string_view kNoGroup = "(test)";
// The summary's group for the whole test.
constexpr std::string_view kWholeTest = "(all requests)";
// How the browser module's Web Vital metrics are named: browser_web_vital_lcp, _inp, ...
constexpr std::string_view kBrowserVital = "browser_web_vital_";

// The name of the metric a `--out json` line is about: k6 writes the "metric" key last,
// so it is read from the end without parsing the line. Empty when there is none.
std::string_view MetricNameAtEnd(std::string_view line) {
  constexpr std::string_view kKey = "\"metric\":\"";
  const std::size_t at = line.rfind(kKey);
  if (at == std::string_view::npos) return {};
  const std::size_t start = at + kKey.size();
  const std::size_t end = line.find('"', start);
  return end == std::string_view::npos ? std::string_view() : line.substr(start, end - start);
}

// k6's built-in metrics perfgate does not read: every one but http_req_duration and the
// browser module's Web Vitals. They are
// most of a `--out json` file (a dozen points per request), so their lines are skipped
// unparsed.
bool IsUnreadBuiltin(std::string_view name) {
  if (name == kDuration || name.starts_with(kBrowserVital)) return false;
  for (std::string_view prefix : {"http_req", "data_", "iteration", "vus", "ws_", "grpc_",
                                  "browser_", "checks", "group_duration", "dropped_iterations"}) {
    if (name.starts_with(prefix)) return true;
  }
  return false;
}

// A member's string, or nullopt when absent or not a string.
std::optional<std::string_view> StringAt(const object& o, std::string_view key) {
  const value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string_view(v->as_string());
}

// A point of a custom metric, kept until every metric's declaration is known.
struct CustomPoint {
  std::string metric;
  std::string group;
  double value = 0;
};

struct alignas(64) ChunkResult {
  SampleSetBuilder samples;
  std::vector<CustomPoint> custom;
  std::map<std::string, std::string> types;  // metric name -> "trend", "counter", ...
  BadRowLog bad_rows{BadRowPolicy::kFail, ""};
  std::size_t lines = 0;
  bool stopped = false;
};

// A Point's request: its `name` tag, else its URL; a custom point's also its k6 group.
std::string GroupOf(const object* tags, bool custom) {
  if (tags != nullptr) {
    if (auto name = StringAt(*tags, "name"); name && !name->empty()) return std::string(*name);
    if (auto url = StringAt(*tags, "url"); url && !url->empty() && !custom)
      return std::string(*url);
    if (auto group = StringAt(*tags, "group"); group && !group->empty() && custom)
      return std::string(*group);
  }
  return std::string(custom ? kNoGroup : "(no name)");
}

// Whether a request failed: its expected_response tag, else its status (k6's default
// expected statuses are 200 to 399; status 0 is a request that got no response).
bool Failed(const object* tags) {
  if (tags == nullptr) return false;
  if (auto expected = StringAt(*tags, "expected_response")) return *expected == "false";
  if (auto status = StringAt(*tags, "status")) {
    int code = 0;
    auto [end, ec] = std::from_chars(status->data(), status->data() + status->size(), code);
    if (ec == std::errc() && end == status->data() + status->size())
      return code == 0 || code >= 400;
  }
  return false;
}

// Reads one parsed line into `out`; returns why it is bad, or "" when it is not.
std::string ReadLine(const value& parsed, ChunkResult& out) {
  if (!parsed.is_object()) return "expected a JSON object per line";
  const object& line = parsed.as_object();
  const std::optional<std::string_view> type = StringAt(line, "type");
  const value* data_value = line.if_contains("data");
  if (!type || (*type != "Metric" && *type != "Point"))
    return "type must be \"Metric\" or \"Point\", as k6's --out json writes";
  if (data_value == nullptr || !data_value->is_object()) return "data must be an object";
  const object& data = data_value->as_object();
  if (*type == "Metric") {
    auto name = StringAt(data, "name");
    auto kind = StringAt(data, "type");
    if (!name || !kind) return "a Metric needs data.name and data.type";
    out.types[std::string(*name)] = std::string(*kind);
    return "";
  }
  const std::optional<std::string_view> metric = StringAt(line, "metric");
  if (!metric) return "a Point needs its metric's name";
  const value* number = data.if_contains("value");
  if (number == nullptr || !number->is_number()) return "data.value must be a number";
  const double sample = number->to_number<double>();
  if (!std::isfinite(sample)) return "data.value is not a finite number";
  const value* tags_value = data.if_contains("tags");
  if (tags_value != nullptr && !tags_value->is_object() && !tags_value->is_null())
    return "data.tags must be an object";
  const object* tags =
      tags_value != nullptr && tags_value->is_object() ? &tags_value->as_object() : nullptr;
  if (*metric != kDuration) {
    // The browser module's Web Vitals belong to a page: grouped as requests are, by URL.
    const bool vital = metric->starts_with(kBrowserVital);
    out.custom.push_back({std::string(*metric), GroupOf(tags, !vital), sample});
    return "";
  }
  if (sample < 0) return "http_req_duration is negative";
  out.samples.Add(GroupOf(tags, false), sample + 0.0, Failed(tags));
  if (auto time = StringAt(data, "time")) out.samples.NoteOrigin("", ParseIsoTimestamp(*time));
  return "";
}

void ReadChunk(std::string_view chunk, std::string_view source, BadRowPolicy policy,
               ChunkResult& out) {
  out.bad_rows = BadRowLog(policy, source);
  const char* cursor = chunk.data();
  const char* const end = chunk.data() + chunk.size();
  while (cursor < end) {
    const std::string_view line = NextLine(cursor, end);
    const std::size_t number = ++out.lines;
    if (IsUnreadBuiltin(MetricNameAtEnd(line)) || IsBlank(line)) continue;
    std::string reason;
    if (line.size() > kMaxRecordBytes) {
      reason = "a line of " + std::to_string(line.size()) + " bytes, longer than the " +
               std::to_string(kMaxRecordBytes) + " a sample may take";
    } else {
      boost::json::error_code ec;
      const value parsed = boost::json::parse(line, ec);
      if (ec) {
        reason = "invalid JSON: " + ec.message();
      } else {
        reason = ReadLine(parsed, out);
      }
    }
    if (reason.empty()) continue;
    if (!out.bad_rows.Record(number, 0, std::move(reason))) {
      out.stopped = true;
      return;
    }
  }
}

}  // namespace

bool LooksLikeK6(std::string_view text) {
  const std::string_view first = text.substr(0, text.find('\n'));
  return first.starts_with("{\"type\":\"Metric\"") || first.starts_with("{\"type\":\"Point\"");
}

bool LooksLikeK6Summary(std::string_view text) {
  const std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || text[start] != '{') return false;
  const std::string_view head = text.substr(0, 4096);
  return head.find("\"metrics\"") != std::string_view::npos &&
         (text.find("\"root_group\"") != std::string_view::npos ||
          text.find("\"testRunDurationMs\"") != std::string_view::npos);
}

Result<SampleSet> ReadK6(std::string_view text, std::string_view source,
                         const ReadOptions& options) {
  const std::vector<std::string_view> chunks = SplitForThreads(text, options.threads);
  std::vector<ChunkResult> results(chunks.size());
  ParallelFor(
      chunks.size(),
      [&](std::size_t i) { ReadChunk(chunks[i], source, options.on_bad_row, results[i]); },
      static_cast<unsigned>(chunks.size()), /*chunk=*/1, /*serial_below=*/2);

  SampleSetBuilder samples;
  BadRowLog bad_rows(options.on_bad_row, source);
  std::map<std::string, std::string> types;
  std::size_t lines_before = 0;
  for (ChunkResult& chunk : results) {
    samples.Append(std::move(chunk.samples));
    types.merge(chunk.types);
    bad_rows.Append(std::move(chunk.bad_rows), lines_before);
    if (chunk.stopped) return bad_rows.StopError();
    lines_before += chunk.lines;
  }
  // Custom Trends' samples, by their request's group; other custom metrics are said.
  std::map<std::string, std::size_t> unread;
  for (const ChunkResult& chunk : results) {
    for (const CustomPoint& point : chunk.custom) {
      auto type = types.find(point.metric);
      if (type != types.end() && type->second == "trend") {
        samples.AddSampleValue(point.group, "k6." + point.metric, point.value);
        // The browser module's Web Vitals (browser_web_vital_lcp, ...) are the vitals too.
        if (point.metric.starts_with(kBrowserVital)) {
          samples.AddSampleValue(point.group,
                                 "measurements." + point.metric.substr(kBrowserVital.size()),
                                 point.value);
        }
      } else {
        ++unread[point.metric];
      }
    }
  }
  SampleSet set = std::move(samples).Build(std::string(source));
  bad_rows.CopyTo(set);
  if (!unread.empty()) {
    std::string names;
    for (const auto& [name, count] : unread) names += (names.empty() ? "" : ", ") + name;
    set.notes.push_back(std::string(source) + ": k6 metrics that are not Trends are not read (" +
                        names + "); Trends are, as k6.NAME");
  }
  return set;
}

namespace {

// A summary metric's values: handleSummary's "values" object, or the legacy export's
// metric object itself.
const object* SummaryValues(const object& metrics, std::string_view name) {
  const value* metric = metrics.if_contains(name);
  if (metric == nullptr || !metric->is_object()) return nullptr;
  const object& o = metric->as_object();
  if (const value* values = o.if_contains("values"); values && values->is_object())
    return &values->as_object();
  return &o;
}

std::optional<double> NumberAt(const object& o, std::string_view key) {
  const value* v = o.if_contains(key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  const double number = v->to_number<double>();
  return std::isfinite(number) ? std::optional<double>(number) : std::nullopt;
}

// http_req_duration's statistics as Sentry-style aggregates: med is p50, p(N) is pN, min and
// max the 0 and 1 quantiles, avg the mean.
Aggregates DurationAggregates(const object& values) {
  Aggregates aggregates;
  for (const auto& entry : values) {
    const std::string_view key = entry.key();
    if (!entry.value().is_number()) continue;
    const double v = entry.value().to_number<double>();
    if (!std::isfinite(v)) continue;
    if (key == "avg") aggregates.mean_ms = v;
    if (key == "med") aggregates.quantiles_ms[0.5] = v;
    if (key == "min") aggregates.quantiles_ms[0] = v;
    if (key == "max") aggregates.quantiles_ms[1] = v;
    if (key.starts_with("p(") && key.ends_with(")")) {
      double percent = 0;
      auto [end, ec] = std::from_chars(key.data() + 2, key.data() + key.size() - 1, percent);
      if (ec == std::errc() && end == key.data() + key.size() - 1 && percent > 0 && percent < 100)
        aggregates.quantiles_ms[percent / 100] = v;
    }
  }
  return aggregates;
}

}  // namespace

Result<SampleSet> ReadK6Summary(std::string_view text, std::string_view source,
                                const ReadOptions&) {
  boost::json::error_code ec;
  const value parsed = boost::json::parse(text, ec);
  if (ec) {
    return MakeError(ErrorKind::kInput, std::string(source) + ": invalid JSON: " + ec.message());
  }
  const value* metrics_value =
      parsed.is_object() ? parsed.as_object().if_contains("metrics") : nullptr;
  if (metrics_value == nullptr || !metrics_value->is_object()) {
    return MakeError(
        ErrorKind::kInput,
        std::string(source) + ": not a k6 summary: expected an object with \"metrics\"");
  }
  const object& metrics = metrics_value->as_object();
  SampleSetBuilder samples;
  std::vector<std::string> notes;
  // The whole test, then each request name the script defined submetrics for.
  auto add = [&](std::string_view group, const std::string& suffix) -> Status {
    const object* durations = SummaryValues(metrics, std::string(kDuration) + suffix);
    const object* requests = SummaryValues(metrics, "http_reqs" + suffix);
    if (durations == nullptr) return Status();
    const std::optional<double> count = requests ? NumberAt(*requests, "count") : std::nullopt;
    if (!count || *count < 0) {
      if (suffix.empty()) {
        return MakeError(ErrorKind::kInput, std::string(source) +
                                                ": http_reqs has no count: a k6 summary needs "
                                                "it to judge anything");
      }
      notes.push_back(std::string(source) + ": " + std::string(kDuration) + suffix +
                      " has no http_reqs" + suffix + " count beside it, so it is not judged");
      return Status();
    }
    Aggregates aggregates = DurationAggregates(*durations);
    aggregates.count = static_cast<std::size_t>(*count);
    if (const object* failed = SummaryValues(metrics, "http_req_failed" + suffix)) {
      // A Rate's passes are its non-zero samples: the failed requests.
      aggregates.failures = static_cast<std::size_t>(NumberAt(*failed, "passes").value_or(0));
    }
    if (aggregates.failures > aggregates.count) {
      return MakeError(ErrorKind::kInput, std::string(source) + ": http_req_failed" + suffix +
                                              " counts more failures than http_reqs" + suffix +
                                              " counts requests");
    }
    samples.AddAggregated(group, std::move(aggregates));
    return Status();
  };
  if (Status whole = add(kWholeTest, ""); !whole.ok()) return whole.error();
  constexpr std::string_view kNamed = "http_req_duration{name:";
  for (const auto& entry : metrics) {
    const std::string_view key = entry.key();
    if (!key.starts_with(kNamed) || !key.ends_with("}")) continue;
    const std::string name(key.substr(kNamed.size(), key.size() - kNamed.size() - 1));
    if (Status named = add(name, "{name:" + name + "}"); !named.ok()) return named.error();
  }
  // k6's own thresholds that failed: the legacy export writes true for a failed one,
  // handleSummary {"ok": false}.
  for (const auto& entry : metrics) {
    if (!entry.value().is_object()) continue;
    const value* thresholds = entry.value().as_object().if_contains("thresholds");
    if (thresholds == nullptr || !thresholds->is_object()) continue;
    for (const auto& threshold : thresholds->as_object()) {
      const value& verdict = threshold.value();
      const bool failed = verdict.is_bool() ? verdict.as_bool()
                          : verdict.is_object() && verdict.as_object().if_contains("ok") &&
                                  verdict.as_object().at("ok").is_bool()
                              ? !verdict.as_object().at("ok").as_bool()
                              : false;
      if (failed) {
        notes.push_back(std::string(source) + ": k6's own threshold '" +
                        std::string(threshold.key()) + "' on " + std::string(entry.key()) +
                        " failed");
      }
    }
  }
  SampleSet set = std::move(samples).Build(std::string(source));
  set.notes = std::move(notes);
  return set;
}

}  // namespace perfgate::fetch
